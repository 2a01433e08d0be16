import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Etcd3 } from 'etcd3';
import { readRoute } from '../src/publish/etcd.js';
import { percentile, startBenchPlatform, until, type BenchStack } from './stack.js';

/**
 * `npm run bench -- clusters`: one worker serving two local clusters.
 *  - Reconcile latency (a change recorded → applied and observed) for apps in one cluster while
 *    the other is unreachable (its kube-apiserver frozen with SIGSTOP, so calls to it hang as to
 *    a lost network), against the same changes with both up. Target ≤ 1.2×.
 *  - moveApp: the request → the switch of the routes (the etcd route names the target), beside
 *    createApp → a ready route in the same target cluster (the work a move cannot avoid).
 */
const APPS = Number(process.env.BENCH_CLUSTER_APPS ?? 10);
const CHANGES = Number(process.env.BENCH_CLUSTER_CHANGES ?? 30);
const MOVES = Number(process.env.BENCH_CLUSTER_MOVES ?? 5);
const out = (s: string) => process.stdout.write(`${s}\n`);
const ms = (v: number) => `${v.toFixed(0)} ms`;


export async function benchClusters(stack: BenchStack): Promise<void> {
  const second = stack.extraClusters[0];
  if (!second) throw new Error('the clusters benchmark needs a second local cluster');
  const { running, api } = await startBenchPlatform(stack, { YUNBANG_CLUSTER_PROBE_SECONDS: '1', YUNBANG_CLUSTER_TIMEOUT_SECONDS: '2', YUNBANG_WORKER_CONCURRENCY: '4' });
  const db = running.platform.db;
  const etcd = new Etcd3({ hosts: stack.ETCD_ENDPOINTS });
  let frozen = false;
  try {
    await api('POST', '/clusters', { name: second.name, kubeconfig: readFileSync(second.WORKER_KUBECONFIG, 'utf8'), apiKubeconfig: readFileSync(second.API_KUBECONFIG, 'utf8'), appsDomain: second.appsDomain });
    const team = `bench-${randomBytes(3).toString('hex')}`;
    await api('POST', '/teams', { name: team });
    await api('PUT', `/teams/${team}/clusters/${second.name}`, {});
    // Apps in both clusters: the ones in the frozen cluster keep the worker's handlers, watches and probes busy with it.
    for (let i = 0; i < APPS; i++) {
      await api('POST', `/teams/${team}/apps`, { name: `b${i}`, image: 'registry.example/b:1', port: 8080 });
      await api('POST', `/teams/${team}/apps`, { name: `a${i}`, image: 'registry.example/a:1', port: 8080, cluster: second.name });
    }
    const ready = async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM app_status WHERE health = 'Ready'`)).rows[0]!.n === APPS * 2;
    await until(ready, 120_000, 100);

    /** A change to an app in `local` → its reconcile has applied it and recorded the new generation. */
    let k = 0;
    const latencies = async (): Promise<number[]> => {
      const times: number[] = [];
      for (let c = 0; c < CHANGES; c++) {
        const name = `b${c % APPS}`;
        const t0 = performance.now();
        const app = await api('PATCH', `/teams/${team}/apps/${name}`, { env: [{ name: 'CHANGE', value: String(++k) }] });
        await until(async () => (await db.query<{ g: number }>(
          `SELECT s.observed_generation AS g FROM app_status s JOIN apps a ON a.id = s.app_id JOIN teams t ON t.id = a.team_id WHERE t.name = $1 AND a.name = $2`,
          [team, name])).rows[0]!.g >= app.generation);
        times.push(performance.now() - t0);
      }
      return times;
    };
    const both = await latencies();
    process.kill(second.apiserverPid, 'SIGSTOP');
    frozen = true;
    await until(async () => (await api('GET', `/clusters/${second.name}`)).health === 'Unreachable', 30_000, 100);
    // Changes queue up for the frozen cluster too, as users keep working.
    for (let i = 0; i < APPS; i++) await api('PATCH', `/teams/${team}/apps/a${i}`, { env: [{ name: 'CHANGE', value: 'x' }] });
    const oneDown = await latencies();
    process.kill(second.apiserverPid, 'SIGCONT');
    frozen = false;
    await until(async () => (await api('GET', `/clusters/${second.name}`)).health === 'Reachable', 30_000, 100);
    await until(ready, 120_000, 100);

    const p50 = (v: number[]) => percentile(v, 50);
    const p95 = (v: number[]) => percentile(v, 95);
    out(`clusters: reconcile latency in ${'local'} (${CHANGES} changes), one worker serving 2 clusters of ${APPS} apps each`);
    out(`  baseline, both reachable:  p50 ${ms(p50(both))}, p95 ${ms(p95(both))}`);
    out(`  ${second.name} unreachable:     p50 ${ms(p50(oneDown))}, p95 ${ms(p95(oneDown))}   ratio p50 ${(p50(oneDown) / p50(both)).toFixed(2)}× (target ≤ 1.2×), p95 ${(p95(oneDown) / p95(both)).toFixed(2)}×`);

    // moveApp: request → routes switched, beside createApp → ready route, both into the second cluster.
    const moves: number[] = [];
    const creates: number[] = [];
    for (let i = 0; i < MOVES; i++) {
      const host = `m${i}-${team}.example.com`;
      await api('POST', `/teams/${team}/apps`, { name: `m${i}`, image: 'registry.example/m:1', port: 8080, domains: [host] });
      await until(async () => (await readRoute(etcd, host))?.endpoints.length === 1, 60_000);
      let t0 = performance.now();
      await api('POST', `/teams/${team}/apps/m${i}/move`, { cluster: second.name });
      await until(async () => (await readRoute(etcd, host))?.cluster === second.name, 60_000);
      moves.push(performance.now() - t0);
      const chost = `c${i}-${team}.example.com`;
      t0 = performance.now();
      await api('POST', `/teams/${team}/apps`, { name: `c${i}`, image: 'registry.example/c:1', port: 8080, domains: [chost], cluster: second.name });
      await until(async () => (await readRoute(etcd, chost))?.endpoints.length === 1, 60_000);
      creates.push(performance.now() - t0);
    }
    out(`clusters: moveApp → routes switched (${MOVES} moves): p50 ${ms(p50(moves))}, max ${ms(Math.max(...moves))}`);
    out(`  baseline: createApp in ${second.name} (the same app created there, no move) → ready route: p50 ${ms(p50(creates))}   ratio ${(p50(moves) / p50(creates)).toFixed(2)}×`);
  } finally {
    if (frozen) process.kill(second.apiserverPid, 'SIGCONT');
    etcd.close();
    await running.stop();
  }
}
