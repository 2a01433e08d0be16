import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startStack, type NodeKind, type Stack } from '../scripts/local/stack.js';

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
