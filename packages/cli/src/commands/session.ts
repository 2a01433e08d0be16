import type { Command } from 'commander';
import { createRestClient } from '@yunbang/sdk';
import { configPath, readConfig, removeConfig, writeConfig } from '../config.js';
import { UsageError } from '../context.js';
import { colors, print, printJson } from '../output.js';
import type { Run } from '../run.js';

async function ask(question: string, secret = false): Promise<string> {
  if (!process.stdin.isTTY) throw new UsageError(`${question.replace(/:\s*$/, '')} is required (pass it as an option)`);
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  if (secret) (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => { if (s.includes(question)) process.stderr.write(s); };
  const a = (await rl.question(question)).trim();
  rl.close();
  if (secret) process.stderr.write('\n');
  return a;
}

export function register(program: Command, run: Run): void {
  program.command('login').description('check a URL and token, and keep them in ~/.config/yunbang/config.json (0600)')
    .option('--url <url>', 'where Yunbang\'s API is, e.g. http://127.0.0.1:8080').option('--token <token>', 'an API token (admin or team)').option('--team <team>', 'the team commands act on by default')
    .action(run(async (c, _t, o: { url?: string; token?: string; team?: string }) => {
      const url = (o.url ?? process.env.YUNBANG_URL ?? await ask('Yunbang URL: ')).replace(/\/$/, '');
      if (!/^https?:\/\/[^/]+/.test(url)) throw new UsageError(`"${url}" is not an http(s) URL`);
      const token = o.token ?? process.env.YUNBANG_TOKEN ?? await ask('API token: ', true);
      if (!token) throw new UsageError('a token is required');
      // The token must work: a team token sees exactly its own team, the admin every team.
      const teams = (await createRestClient({ url, token, retry: { attempts: 1 } }).GET('/teams')).data as unknown as { name: string }[];
      const team = o.team ?? (teams.length === 1 ? teams[0]!.name : undefined);
      if (o.team && !teams.some((t) => t.name === o.team)) throw new UsageError(`this token cannot see team "${o.team}"`);
      const path = writeConfig({ url, token, ...(team ? { team } : {}) });
      if (c.out.json) return printJson({ url, team: team ?? null, config: path });
      print(`logged in to ${url}${team ? ` (team ${colors.bold(team)})` : ` (${teams.length} teams; choose one with --team or \`yb login --team\`)`}`);
    }, { login: false, team: false, app: false }));

  program.command('logout').description('forget the stored URL and token').action(run(async (c) => {
    const had = Boolean(readConfig().token);
    removeConfig();
    if (c.out.json) return printJson({ loggedOut: had });
    print(had ? `logged out (removed ${configPath()})` : 'was not logged in');
  }, { login: false, team: false, app: false }));
}
