import { execFileSync } from 'node:child_process';
import { createGraphQLClient, createRestClient, type GraphQLClient, type RestClient } from '@yunbang/sdk';
import { effective } from './config.js';
import { note, type Out } from './output.js';

/** A mistake in how yb was called (exit code 2), as opposed to a refusal or failure (exit 1). */
export class UsageError extends Error {}

/** Ends yb with this exit code, saying nothing more (`yb run` passes on its command's). */
export class ExitWith extends Error { constructor(readonly code: number) { super(`exit ${code}`); } }

export interface Target { team?: string; app?: string }

/** The current git checkout's setting, if any (`git config yunbang.app`). */
export function gitConfig(key: string, cwd = process.cwd()): string | undefined {
  try {
    return execFileSync('git', ['config', '--get', key], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined;
  } catch { return undefined; }
}

export function insideGit(cwd = process.cwd()): boolean {
  try { execFileSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd, stdio: 'ignore' }); return true; } catch { return false; }
}

/** Links the checkout to an app, so later commands inside it need no --app. */
export function linkCheckout(team: string, app: string, cwd = process.cwd()): void {
  execFileSync('git', ['config', 'yunbang.app', app], { cwd });
  execFileSync('git', ['config', 'yunbang.team', team], { cwd });
}

export interface Ctx {
  url: string;
  rest: RestClient;
  graphql: GraphQLClient;
  out: Out;
  /** --team, else the checkout's, else the default team from `yb login`. */
  team(t: Target): string;
  /** --app, else the app linked to the checkout. */
  app(t: Target): string;
}

export function context(out: Out): Ctx {
  const s = effective();
  if (!s.url || !s.token) throw new UsageError('not logged in: run `yb login` (or set YUNBANG_URL and YUNBANG_TOKEN)');
  const retry = { onRetry: ({ delayMs, status }: { delayMs: number; status: number }) => note(`the API answered ${status}; trying again in ${Math.ceil(delayMs / 1000)} s`) };
  return {
    url: s.url, out,
    rest: createRestClient({ url: s.url, token: s.token, retry }),
    graphql: createGraphQLClient({ url: s.url, token: s.token, retry }),
    team: (t) => {
      const team = t.team ?? gitConfig('yunbang.team') ?? s.team;
      if (!team) throw new UsageError('which team? pass --team TEAM (or log in with a team token, or `yb login --team TEAM`)');
      return team;
    },
    app: (t) => {
      const app = t.app ?? gitConfig('yunbang.app');
      if (!app) throw new UsageError('which app? pass --app APP, or run inside a git checkout linked with `yb apps:create`');
      return app;
    },
  };
}

/** `--param k=v` arguments to a template's parameters: whole numbers and true/false as such. */
export function templateParameters(args: string[] | undefined): Record<string, string | number | boolean> {
  return Object.fromEntries(keyValues(args ?? [], 'k=v').map((p) => [p.name,
    /^\d+$/.test(p.value) ? Number(p.value) : p.value === 'true' || p.value === 'false' ? p.value === 'true' : p.value]));
}

/** "K=V" arguments to env entries; anything else is a usage error. */
export function keyValues(args: string[], what = 'K=V'): { name: string; value: string }[] {
  return args.map((a) => {
    const i = a.indexOf('=');
    if (i <= 0) throw new UsageError(`expected ${what}, got "${a}"`);
    return { name: a.slice(0, i), value: a.slice(i + 1) };
  });
}
