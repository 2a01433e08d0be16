import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error: a plain .mjs script of the repository, without types
import { buildServer } from '../scripts/build-server.mjs';
import { LOCAL_GIT_HOSTS } from '../scripts/local/stack.js';
import { freePort } from '../scripts/local/proc.js';
import { percentile, type BenchStack } from './stack.js';

/**
 * `npm run bench -- startup`: each role's start (process spawned → its own "serving" log line)
 * and resident memory once started, run as Yunbang's image runs it (JavaScript compiled by
 * scripts/build-server.mjs) beside the baseline of the same work: the same role from the
 * TypeScript sources through tsx, as `npm start` runs it. Each role RUNS times, medians shown;
 * every start does the same work (the API and the worker connect to the stack's PostgreSQL, etcd
 * and API server and bring the schema up to date, the gateway starts nginx).
 */
const RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 5);
const out = (s: string) => process.stdout.write(`${s}\n`);
const REPO = fileURLToPath(new URL('..', import.meta.url));

interface Start { ms: number; rssMiB: number }

/** Spawns the command, waits for `ready` in its output, reads its RSS, then stops it. */
function startOnce(args: string[], cwd: string, env: Record<string, string>, ready: string): Promise<Start> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { cwd, env: { PATH: process.env.PATH!, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`no "${ready}" in 60 s: ${seen.slice(-2000)}`)); }, 60_000);
    const onData = (d: Buffer) => {
      seen += d.toString();
      if (!seen.includes(ready)) return;
      const ms = performance.now() - t0;
      child.stdout!.off('data', onData);
      const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024;
      clearTimeout(timer);
      child.once('exit', () => resolve({ ms, rssMiB: rss }));
      child.kill('SIGTERM');
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => { seen += d.toString(); });
    child.once('exit', (code) => { if (!seen.includes(ready)) { clearTimeout(timer); reject(new Error(`exited ${code} before "${ready}": ${seen.slice(-2000)}`)); } });
  });
}

export async function benchStartup(stack: BenchStack): Promise<void> {
  const built = mkdtempSync(join(tmpdir(), 'yunbang-js-'));
  const gatewayDirs: string[] = [];
  try {
    buildServer(built);
    symlinkSync(join(REPO, 'node_modules'), join(built, 'node_modules'));
    const roles: { role: string; ts: string; js: string; args: string[]; ready: string; env: () => Promise<Record<string, string>> }[] = [
      ...(['api', 'worker'] as const).map((role) => ({
        role, ts: 'server/main.ts', js: 'server/main.js', args: [role], ready: role === 'api' ? 'api listening' : 'worker started',
        env: async () => ({
          DATABASE_URL: await stack.freshDatabase(), ETCD_ENDPOINTS: stack.ETCD_ENDPOINTS, KUBECONFIG: stack.WORKER_KUBECONFIG,
          YUNBANG_API_KUBECONFIG: stack.API_KUBECONFIG, YUNBANG_ADMIN_TOKEN: randomBytes(16).toString('hex'), YUNBANG_SECRET_KEY: randomBytes(32).toString('hex'),
          YUNBANG_GIT_ALLOWED_HOSTS: LOCAL_GIT_HOSTS, PORT: String(await freePort()), HOST: '127.0.0.1', YUNBANG_PUBLIC_URL: 'http://127.0.0.1', LOG_LEVEL: 'info',
        }),
      })),
      {
        role: 'gateway', ts: 'gateway/main.ts', js: 'gateway/main.js', args: [], ready: 'gateway serving',
        env: async () => ({
          ETCD_ENDPOINTS: stack.ETCD_ENDPOINTS, YUNBANG_GATEWAY_DIR: gatewayDirs[gatewayDirs.push(mkdtempSync(join(tmpdir(), 'bench-startup-gw-'))) - 1]!, YUNBANG_GATEWAY_HTTP_LISTEN: `127.0.0.1:${await freePort()}`,
          YUNBANG_GATEWAY_HTTPS_LISTEN: 'off', YUNBANG_GATEWAY_STATUS_LISTEN: '127.0.0.1:0', YUNBANG_GATEWAY_WORKERS: '1', LOG_LEVEL: 'info',
        }),
      },
    ];
    out(`start of each role (spawned → its "serving" log line) and its RSS then, median of ${RUNS}; compiled JavaScript (Yunbang's image) vs the TypeScript sources through tsx (npm start):`);
    for (const r of roles) {
      const js: Start[] = [];
      const ts: Start[] = [];
      // Alternated, so that a busy moment of the machine falls on both alike.
      for (let i = 0; i < RUNS; i++) {
        ts.push(await startOnce(['--import', 'tsx', r.ts, ...r.args], REPO, await r.env(), r.ready));
        js.push(await startOnce([r.js, ...r.args], built, await r.env(), r.ready));
      }
      const m = (xs: Start[], k: keyof Start) => percentile(xs.map((x) => x[k]), 50);
      out(`  ${r.role.padEnd(8)} compiled ${m(js, 'ms').toFixed(0)} ms, ${m(js, 'rssMiB').toFixed(0)} MiB; tsx ${m(ts, 'ms').toFixed(0)} ms, ${m(ts, 'rssMiB').toFixed(0)} MiB: ${(m(js, 'ms') / m(ts, 'ms')).toFixed(2)}× the time, ${(m(js, 'rssMiB') / m(ts, 'rssMiB')).toFixed(2)}× the memory`);
    }
  } finally {
    for (const d of [built, ...gatewayDirs]) rmSync(d, { recursive: true, force: true });
  }
}
