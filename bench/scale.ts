import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import pg from 'pg';
import { createApp, updateApp } from '../src/intents/apps.js';
import { createTeam } from '../src/intents/teams.js';
import type { Ctx } from '../src/intents/context.js';
import { run } from '../server/main.js';
import { renderSettings } from '../src/settings.js';
import { loadConfig } from '../src/config.js';
import { ClusterCache } from '../jobs/cache/cluster-cache.js';
import { planResync } from '../jobs/resync.js';
import { CountingKubeConfig } from '../scripts/local/counting-kubeconfig.js';
import type { BenchStack } from './stack.js';

/**
 * `npm run bench -- scale`: SCALE_APPS apps (10,000) over SCALE_TEAMS teams (100) on one worker,
 * the worker a process of its own (its RSS is read from /proc).
 *  - the first convergence: every app created, then the worker started, until every app is Ready;
 *  - the worker's RSS once converged, and the watch cache's memory per app (a cache of the same
 *    objects in this process, its heap measured before and after its first lists);
 *  - a full resync (jobs/resync.ts) of every app against that cache, with its API-server requests;
 *  - the knee: bursts of changes of growing size, and the rate one worker sustains for each;
 *  - two workers: a second one started, the largest burst again; each worker's reconciles that
 *    applied a changed Deployment are counted from its own log, and their sum must equal the
 *    burst (pg-boss gives each job to one worker: no double work).
 */
const APPS = Number(process.env.BENCH_SCALE_APPS ?? 10_000);
const TEAMS = Number(process.env.BENCH_SCALE_TEAMS ?? 100);
const BURSTS = (process.env.BENCH_SCALE_BURSTS ?? '10,100,1000').split(',').map(Number).filter((n) => n <= APPS);
const out = (s: string) => process.stdout.write(`${s}\n`);
const rss = (pid: number) => { try { return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024; } catch { return NaN; } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const progress = (s: string) => process.stderr.write(`[scale bench] ${s}\n`);

interface WorkerProc { proc: ChildProcess; applied: number; stop(): Promise<void> }

/** A worker process whose job log is read for reconciles that changed a Deployment. */
function startWorker(env: NodeJS.ProcessEnv): WorkerProc {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', 'worker'], { env: { ...process.env, ...env, LOG_LEVEL: 'info', HOST: '127.0.0.1', YUNBANG_METRICS_PORT: '0' }, stdio: ['ignore', 'pipe', 'ignore'] });
  const w: WorkerProc = {
    proc, applied: 0,
    stop: async () => { proc.kill('SIGTERM'); await new Promise((r) => proc.once('exit', r)); },
  };
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    if (!line.includes('"job completed"')) return;
    try {
      const results = JSON.parse(line).output?.results as { kind: string; action: string }[] | undefined;
      if (results?.some((r) => r.kind === 'Deployment' && r.action === 'configured')) w.applied++;
    } catch { /* not a JSON line */ }
  });
  return w;
}

function gc(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

export async function benchScale(stack: BenchStack): Promise<void> {
  const env = {
    DATABASE_URL: await stack.freshDatabase(), ETCD_ENDPOINTS: stack.ETCD_ENDPOINTS, KUBECONFIG: stack.WORKER_KUBECONFIG, YUNBANG_API_KUBECONFIG: stack.API_KUBECONFIG,
    YUNBANG_SECRET_KEY: `bench-key-${randomBytes(16).toString('hex')}`, YUNBANG_ADMIN_TOKEN: `bench-${randomBytes(16).toString('hex')}`, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent',
    YUNBANG_TEAM_QUOTA: `pods=${Math.ceil(APPS / TEAMS) * 3}`, YUNBANG_RESYNC_SECONDS: '3600',
  };
  const api = await run(['api'], env);
  const db = new pg.Client({ connectionString: env.DATABASE_URL });
  await db.connect();
  const workers: WorkerProc[] = [];
  try {
    const ctx: Ctx = { ...api.platform.deps, principal: { kind: 'admin' } };
    let t = performance.now();
    for (let i = 0; i < TEAMS; i++) await createTeam(ctx, { name: `t${i}` });
    for (let i = 0; i < APPS; i++) await createApp(ctx, { team: `t${i % TEAMS}`, name: `a${Math.floor(i / TEAMS)}`, image: 'registry.example/a:1', port: 8080, replicas: 1 });
    const createdMs = performance.now() - t;
    progress(`${APPS} apps created in ${(createdMs / 1000).toFixed(0)} s; starting the worker`);

    const behind = async () => Number((await db.query(
      `SELECT count(*) AS n FROM apps a JOIN app_status s ON s.app_id = a.id WHERE a.deleted_at IS NULL AND (s.observed_generation <> a.generation OR s.health <> 'Ready')`)).rows[0].n);
    const converge = async (limitMs: number) => {
      const deadline = performance.now() + limitMs;
      let told = performance.now();
      for (;;) {
        const n = await behind();
        if (n === 0) return;
        if (performance.now() > deadline) throw new Error(`${n} apps did not converge`);
        if (performance.now() - told > 15_000) { progress(`${n} apps not Ready yet`); told = performance.now(); }
        await sleep(250);
      }
    };

    t = performance.now();
    workers.push(startWorker(env));
    await converge(3_600_000);
    const firstMs = performance.now() - t;
    progress(`converged in ${(firstMs / 1000).toFixed(0)} s`);
    await sleep(5000); // let the watches settle
    const workerRss = rss(workers[0]!.proc.pid!);

    // The cache's memory, in this process: the same kinds and objects as the worker keeps.
    const counting = new CountingKubeConfig();
    counting.loadFromFile(stack.WORKER_KUBECONFIG);
    gc();
    const heap0 = process.memoryUsage().heapUsed;
    const cache = new ClusterCache(counting, () => {});
    await cache.start();
    gc();
    const cacheBytes = process.memoryUsage().heapUsed - heap0;
    const sizes = cache.sizes;
    const listRequests = counting.requests;
    const { rows: [cluster] } = await db.query<{ id: string; name: string }>(`SELECT id, name FROM clusters WHERE from_env`);
    counting.requests = 0;
    t = performance.now();
    const plan = (await planResync({ db: api.platform.db, etcd: api.platform.etcd, cache, settings: renderSettings(loadConfig(env)), cluster: cluster! }))!;
    const resyncMs = performance.now() - t;
    const resyncRequests = counting.requests;
    cache.stop();

    // The knee: bursts of changes, each until every changed app is Ready at its new generation.
    let round = 0;
    const burst = async (n: number) => {
      round++;
      const t0 = performance.now();
      for (let i = 0; i < n; i++) await updateApp(ctx, { team: `t${i % TEAMS}`, name: `a${Math.floor(i / TEAMS)}`, env: [{ name: 'ROUND', value: String(round) }] });
      const recorded = performance.now() - t0;
      await converge(1_800_000);
      return { n, ms: performance.now() - t0, recordedMs: recorded };
    };
    const knee = [];
    for (const n of BURSTS) { progress(`burst of ${n}`); knee.push(await burst(n)); }

    // Two workers on the largest burst.
    const largest = BURSTS[BURSTS.length - 1] ?? 100;
    workers.push(startWorker(env));
    await sleep(5000); // its first lists
    for (const w of workers) w.applied = 0;
    const two = await burst(largest);
    const shares = workers.map((w) => w.applied);
    const workerRss2 = workers.map((w) => rss(w.proc.pid!));

    out(`\nScale benchmark: ${APPS} apps over ${TEAMS} teams, one worker process (simulated kubelet: ${APPS} stand-in pods on this machine)`);
    out(`    created through the intents in ${(createdMs / 1000).toFixed(1)} s; first convergence (worker start → every app Ready): ${(firstMs / 1000).toFixed(1)} s, ${(APPS / (firstMs / 1000)).toFixed(0)} apps/s`);
    out(`    worker RSS once converged: ${workerRss.toFixed(0)} MiB (${((workerRss * 1024) / APPS).toFixed(1)} KiB per app)`);
    out(`    watch cache: ${Object.entries(sizes).map(([k, n]) => `${k} ${n}`).join(', ')}; ${(cacheBytes / 2 ** 20).toFixed(0)} MiB of heap, ${(cacheBytes / APPS / 1024).toFixed(1)} KiB per app; first lists ${listRequests} requests`);
    out(`    full resync of ${plan.compared} apps against the cache: ${(resyncMs / 1000).toFixed(2)} s, ${resyncRequests} API-server requests, ${plan.apps.length} apps to reconcile${plan.apps.length ? ` ${JSON.stringify(plan.reasons)}` : ''}`);
    out('    bursts of changes (PATCH env), one worker (4 reconciles at a time), until every changed app is Ready again:');
    for (const k of knee) out(`      ${String(k.n).padStart(6)} changes: ${(k.ms / 1000).toFixed(1).padStart(6)} s, ${(k.n / (k.ms / 1000)).toFixed(1).padStart(6)} changes/s`);
    out(`    two workers, ${largest} changes: ${(two.ms / 1000).toFixed(1)} s, ${(two.n / (two.ms / 1000)).toFixed(1)} changes/s; Deployments applied by each: ${shares.join(' + ')} = ${shares.reduce((a, b) => a + b, 0)} (of ${largest} changes: ${shares.reduce((a, b) => a + b, 0) === largest ? 'no double work' : 'MISMATCH'}); RSS ${workerRss2.map((r) => `${r.toFixed(0)} MiB`).join(', ')}`);
  } finally {
    for (const w of workers) await w.stop();
    await db.end();
    await api.stop();
  }
}
