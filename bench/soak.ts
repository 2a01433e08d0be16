import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { freePort } from '../scripts/local/proc.js';
import { percentile, type BenchStack } from './stack.js';

/**
 * `npm run bench -- soak`: mixed traffic for a long while (BENCH_SOAK_SECONDS, 600) against the
 * API and the worker as separate processes: reads, changes, apps created and deleted, about 20
 * requests a second over 100 apps. Reports, per minute, p50/p99 latency and the RSS of each
 * process (growth against the first minute is the ratio), then whether any acknowledged change was
 * lost: after the traffic stops, every app must reach its latest generation and no job may have
 * failed for good.
 */
const SECONDS = Number(process.env.BENCH_SOAK_SECONDS ?? 600);
const APPS = Number(process.env.BENCH_SOAK_APPS ?? 100);
const RATE = Number(process.env.BENCH_SOAK_RATE ?? 20);

const rss = (pid: number) => { try { return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024; } catch { return NaN; } };

function role(name: 'api' | 'worker', env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', name], { env: { ...process.env, ...env }, stdio: 'ignore' });
}

export async function benchSoak(stack: BenchStack): Promise<void> {
  const admin = `soak-${randomBytes(16).toString('hex')}`;
  const port = await freePort();
  const env = {
    DATABASE_URL: await stack.freshDatabase(), ETCD_ENDPOINTS: stack.ETCD_ENDPOINTS, KUBECONFIG: stack.WORKER_KUBECONFIG, YUNBANG_API_KUBECONFIG: stack.API_KUBECONFIG, YUNBANG_SECRET_KEY: `bench-key-${randomBytes(16).toString("hex")}`, YUNBANG_ADMIN_TOKEN: admin,
    PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'silent', YUNBANG_TEAM_QUOTA: 'pods=1000',
  };
  const api = role('api', env);
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    try { if ((await fetch(`${base}/healthz`)).ok) break; } catch { /* starting */ }
    if (i > 200) throw new Error('the API did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const worker = role('worker', env);
  const call = async (method: string, path: string, body?: unknown) => {
    const t0 = performance.now();
    const r = await fetch(`${base}/api/v1${path}`, { method, headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    await r.text();
    return { status: r.status, ms: performance.now() - t0 };
  };
  try {
    await call('POST', '/teams', { name: 'soak' });
    for (let i = 0; i < APPS; i++) await call('POST', '/teams/soak/apps', { name: `s${i}`, image: 'registry.example/s:1', port: 8080 });
    process.stdout.write(`\nSoak: ${SECONDS} s of mixed traffic, ${RATE} requests/s over ${APPS} apps; API and worker as separate processes\n`);
    process.stdout.write(`${'minute'.padStart(6)} ${'requests'.padStart(9)} ${'p50 ms'.padStart(7)} ${'p99 ms'.padStart(7)} ${'5xx'.padStart(4)} ${'api RSS'.padStart(9)} ${'worker RSS'.padStart(11)}\n`);
    const start = Date.now();
    let window: number[] = [];
    let errors = 0;
    let n = 0;
    let churn = 0;
    const first = { api: NaN, worker: NaN };
    const inflight = new Set<Promise<void>>();
    let nextReport = start + 60_000;
    while (Date.now() - start < SECONDS * 1000) {
      const i = n++;
      const app = `s${i % APPS}`;
      const kind = i % 10;
      const p = (async () => {
        const r = kind < 5 ? await call('GET', `/teams/soak/apps/${app}`)
          : kind < 8 ? await call('PATCH', `/teams/soak/apps/${app}`, { env: [{ name: 'N', value: String(i) }] })
            : kind === 8 ? await call('PATCH', `/teams/soak/apps/${app}`, { replicas: 1 + (i % 2) })
              : await (async () => { const c = `c${churn++ % 20}`; const made = await call('POST', '/teams/soak/apps', { name: c, image: 'registry.example/c:1' }); return made.status === 201 ? made : call('DELETE', `/teams/soak/apps/${c}`); })();
        window.push(r.ms);
        if (r.status >= 500) errors++;
      })().finally(() => inflight.delete(p));
      inflight.add(p);
      await new Promise((r) => setTimeout(r, 1000 / RATE));
      if (Date.now() >= nextReport) {
        const minute = Math.round((nextReport - start) / 60_000);
        const a = rss(api.pid!), w = rss(worker.pid!);
        if (Number.isNaN(first.api)) { first.api = a; first.worker = w; }
        process.stdout.write(`${String(minute).padStart(6)} ${String(window.length).padStart(9)} ${percentile(window, 50).toFixed(0).padStart(7)} ${percentile(window, 99).toFixed(0).padStart(7)} ${String(errors).padStart(4)} ${`${a.toFixed(0)} MiB`.padStart(9)} ${`${w.toFixed(0)} MiB`.padStart(11)}\n`);
        window = [];
        nextReport += 60_000;
      }
    }
    await Promise.all([...inflight]);
    // Lost work: every app must reach its latest generation; no job may have failed for good.
    const db = new pg.Client({ connectionString: env.DATABASE_URL });
    await db.connect();
    let behind = -1;
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline) {
      behind = Number((await db.query(`SELECT count(*) AS n FROM apps a JOIN app_status s ON s.app_id = a.id WHERE a.deleted_at IS NULL AND s.observed_generation <> a.generation`)).rows[0].n);
      if (behind === 0) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const failed = Number((await db.query(`SELECT count(*) AS n FROM pgboss.job WHERE state = 'failed'`)).rows[0].n);
    await db.end();
    const a = rss(api.pid!), w = rss(worker.pid!);
    process.stdout.write(`RSS growth from the first minute: api ${(a / first.api).toFixed(2)}× (${a.toFixed(0)} MiB), worker ${(w / first.worker).toFixed(2)}× (${w.toFixed(0)} MiB)\n`);
    process.stdout.write(`${n} requests, ${errors} answered 5xx; after the traffic: ${behind} apps not at their latest generation, ${failed} jobs failed for good (target 0 and 0)\n`);
  } finally {
    api.kill('SIGTERM');
    worker.kill('SIGTERM');
  }
}
