import { Command, CommanderError } from 'commander';
import { YunbangError } from '@yunbang/sdk';
import { context, ExitWith, UsageError, type Ctx } from './context.js';
import type { Run } from './run.js';
import { colors, note, type Out } from './output.js';
import { completionScript } from './completion.js';
import { register as apps } from './commands/apps.js';
import { register as config } from './commands/config.js';
import { register as builds } from './commands/builds.js';
import { register as market } from './commands/market.js';
import { register as access } from './commands/access.js';
import { register as session } from './commands/session.js';
import { register as metrics } from './commands/metrics.js';
import { register as drains } from './commands/drains.js';
import { register as autoscale } from './commands/autoscale.js';
import { register as runs } from './commands/run.js';

/**
 * yb, in the Heroku CLI's tradition: `yb apps:create web --image nginx`, `yb deploy`, `yb logs
 * --tail`, `yb ps:scale 3`, `yb config:set K=V`, `yb releases`, `yb rollback`. Exit codes: 0 ok,
 * 1 refused or failed (the server's message and field errors are printed), 2 wrong usage.
 */

function report(err: unknown): number {
  if (err instanceof ExitWith) return err.code;
  if (err instanceof UsageError) { note(`${colors.red('yb:')} ${err.message}`); return 2; }
  if (err instanceof YunbangError) {
    note(`${colors.red('error:')} ${err.message}${err.status === 401 ? ' (check the token: `yb login`)' : ''}`);
    for (const f of err.fields) note(`  ${colors.bold(f.field)}: ${f.message}`);
    return 1;
  }
  note(`${colors.red('error:')} ${(err as Error).message}`);
  if (process.env.YB_DEBUG) note((err as Error).stack ?? '');
  return 1;
}

export function program(): Command {
  const p = new Command('yb')
    .description('Yunbang from the terminal. Log in with `yb login`; inside a git checkout linked to an app, commands need no --app.')
    .version('0.1.0')
    .option('--json', 'print the API\'s objects as JSON, for scripts')
    .option('--team <team>', 'the team (default: the checkout\'s, or the one from `yb login`)')
    .option('-a, --app <app>', 'the app (default: the one linked to this git checkout)')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride(); // before the commands are added: they inherit it, so a usage error exits 2, not 1
  let exit = 0;
  const run: Run = (action, needs = {}) => async (...args) => {
    const cmd = args[args.length - 1] as Command;
    const o = cmd.optsWithGlobals() as { json?: boolean; team?: string; app?: string };
    const out: Out = { json: Boolean(o.json) };
    try {
      const c = needs.login === false ? ({ out } as Ctx) : context(out);
      await action(c, { team: o.team, app: o.app }, ...args.slice(0, -1));
    } catch (err) {
      exit = report(err);
    }
    p.setOptionValue('__exit', exit);
  };
  session(p, run);
  apps(p, run);
  config(p, run);
  builds(p, run);
  metrics(p, run);
  drains(p, run);
  autoscale(p, run);
  runs(p, run);
  market(p, run);
  access(p, run);
  p.command('completion').argument('[shell]', 'bash or zsh', 'bash').description('print a shell completion script: source <(yb completion bash)')
    .action(run(async (_c, _t, shell: string) => { process.stdout.write(completionScript(p, shell)); }, { login: false }));
  return p;
}

export async function main(argv: string[]): Promise<number> {
  const p = program();
  try {
    await p.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      return ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(err.code) ? 0 : 2;
    }
    return report(err);
  }
  return Number(p.getOptionValue('__exit') ?? 0);
}
