import type { Command } from 'commander';

/** Every command and its long options, from the program itself, so completion never goes stale. */
function commandsOf(program: Command): { name: string; options: string[] }[] {
  return program.commands.map((c) => ({ name: c.name(), options: c.options.map((o) => o.long).filter((l): l is string => Boolean(l)) }));
}

/** A completion script for bash or zsh (`source <(yb completion bash)`). */
export function completionScript(program: Command, shell: string): string {
  const cmds = commandsOf(program);
  const names = cmds.map((c) => c.name).join(' ');
  const cases = cmds.map((c) => `    ${c.name}) opts="${[...c.options, '--team', '--app', '--json', '--help'].join(' ')}" ;;`).join('\n');
  const bash = `# yb completion (bash): source <(yb completion bash)
_yb() {
  local cur=\${COMP_WORDS[COMP_CWORD]} cmd=\${COMP_WORDS[1]} opts
  if [ "$COMP_CWORD" -eq 1 ]; then COMPREPLY=( $(compgen -W "${names}" -- "$cur") ); return; fi
  case "$cmd" in
${cases}
    *) opts="--help" ;;
  esac
  COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
}
complete -F _yb yb
`;
  if (shell === 'bash') return bash;
  if (shell === 'zsh') return `# yb completion (zsh): source <(yb completion zsh)\nautoload -U +X bashcompinit && bashcompinit\n${bash}`;
  throw new Error(`no completion for "${shell}": bash or zsh`);
}
