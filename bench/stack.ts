import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { LOCAL_GIT_HOSTS, startStack, type NodeKind, type Stack } from '../scripts/local/stack.js';
import { freePort } from '../scripts/local/proc.js';
import { run, type Running } from '../server/main.js';

export interface BenchStack extends Stack { freshDatabase(): Promise<string>; close(): Promise<void> }

/** One local stack for all benchmarks, with a fresh database per benchmark; `nodes` as startStack takes them. */
export async function startBenchStack(nodes: NodeKind[] | number = 1): Promise<BenchStack> {
  const dir = mkdtempSync(join(tmpdir(), 'yunbang-bench-'));
  const stack = await startStack({ dir, ports: 'random', persistent: false, nodes: typeof nodes === 'number' ? Array<NodeKind>(nodes).fill('simulated') : nodes });
  return {
    ...stack,
    freshDatabase: async () => {
      const name = `bench_${randomBytes(4).toString('hex')}`;
      const c = new pg.Client({ connectionString: stack.pgAdminUrl!('postgres') });
      await c.connect();
      await c.query(`CREATE DATABASE ${name}`);
      await c.end();
      return stack.pgAdminUrl!(name);
    },
    close: async () => { await stack.stop(); rmSync(dir, { recursive: true, force: true }); },
  };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Polls `check` until it returns a value, or fails after `timeoutMs`. */
export async function until<T>(check: () => Promise<T | false | undefined>, timeoutMs = 60_000, everyMs = 10): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (performance.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface BenchPlatform {
  url: string;
  running: Running;
  /** The REST API as the admin; throws on a 4xx or 5xx. */
  api(method: string, path: string, body?: unknown): Promise<any>;
}

/**
 * The API and the worker on the stack, as a benchmark's own platform: a fresh database, an admin
 * token and secret key of its own, on a free port. `env` adds to or overrides the settings
 * (another cluster's identities, the node's registry).
 */
export async function startBenchPlatform(stack: BenchStack, env: Record<string, string> = {}): Promise<BenchPlatform> {
  const admin = `bench-admin-${randomBytes(16).toString('hex')}`;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const running = await run(['api', 'worker'], {
    DATABASE_URL: await stack.freshDatabase(), ETCD_ENDPOINTS: stack.ETCD_ENDPOINTS, KUBECONFIG: stack.WORKER_KUBECONFIG, YUNBANG_API_KUBECONFIG: stack.API_KUBECONFIG,
    YUNBANG_ADMIN_TOKEN: admin, YUNBANG_SECRET_KEY: randomBytes(32).toString('hex'), YUNBANG_GIT_ALLOWED_HOSTS: LOCAL_GIT_HOSTS,
    PORT: String(port), HOST: '127.0.0.1', YUNBANG_PUBLIC_URL: url, LOG_LEVEL: 'warn', ...env,
  });
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}/api/v1${path}`, { method, headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = await res.json() as any;
    if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  return { url, running, api };
}
