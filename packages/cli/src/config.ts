import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** What `yb login` keeps: where the API is, the token, and the team commands act on by default. */
export interface Stored { url?: string; token?: string; team?: string }

export const configPath = (env: NodeJS.ProcessEnv = process.env) =>
  join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'yunbang', 'config.json');

export function readConfig(env: NodeJS.ProcessEnv = process.env): Stored {
  try { return JSON.parse(readFileSync(configPath(env), 'utf8')) as Stored; } catch { return {}; }
}

/** Written readable by its owner only (0600): it holds a token. */
export function writeConfig(c: Stored, env: NodeJS.ProcessEnv = process.env): string {
  const p = configPath(env);
  mkdirSync(dirname(p), { recursive: true, mode: 0o700 });
  writeFileSync(p, `${JSON.stringify(c, null, 2)}\n`, { mode: 0o600 });
  chmodSync(p, 0o600); // an existing file keeps its mode on write
  return p;
}

export function removeConfig(env: NodeJS.ProcessEnv = process.env): void {
  rmSync(configPath(env), { force: true });
}

/** The settings in force: YUNBANG_URL, YUNBANG_TOKEN and YUNBANG_TEAM override the stored ones. */
export function effective(env: NodeJS.ProcessEnv = process.env): Stored {
  const s = readConfig(env);
  return { url: env.YUNBANG_URL || s.url, token: env.YUNBANG_TOKEN || s.token, team: env.YUNBANG_TEAM || s.team };
}
