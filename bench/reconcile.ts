import * as k8s from '@kubernetes/client-node';
import { Etcd3 } from 'etcd3';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { createApp } from '../src/intents/apps.js';
import { createTeam } from '../src/intents/teams.js';
import type { Ctx } from '../src/intents/context.js';
import { sharedAgent, kubeClients } from '../src/kube.js';
import { run } from '../server/main.js';
import { appKey } from '../src/publish/etcd.js';
import { renderSettings } from '../src/settings.js';
import { loadConfig } from '../src/config.js';
import { renderApp, renderTeam } from '../k8s/render/index.js';
import type { AppIntent, K8sObject } from '../k8s/types.js';
import { toTyped } from '../k8s/wire.js';
import { loadApp } from '../jobs/intent.js';
import { reconcileApp } from '../jobs/reconcile-app.js';
import { ClusterCache } from '../jobs/cache/cluster-cache.js';
import { cachedReader } from '../jobs/cache/live.js';
import { planResync } from '../jobs/resync.js';
import { CountingKubeConfig } from '../scripts/local/counting-kubeconfig.js';
import { percentile, type BenchStack } from './stack.js';

const CHANGES = Number(process.env.BENCH_CHANGES ?? 100);
const APPS = Number(process.env.BENCH_APPS ?? 200);
const NOOP_APPS = Number(process.env.BENCH_NOOP_APPS ?? 1000);
const CONCURRENCY = 4;

async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => { while (next < items.length) await fn(items[next++]!); }));
}

const ms = (v: number) => `${v.toFixed(0)} ms`;
/** Progress on stderr, so a long run shows where it is. */
const progress = (s: string) => process.stderr.write(`[reconcile bench] ${s}\n`);
const out = (s: string) => process.stdout.write(`${s}\n`);
const until = async (check: () => boolean, what: string, limitMs = 120_000) => {
  const deadline = performance.now() + limitMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
};
const envValue = (d: k8s.V1Deployment) => d.spec?.template.spec?.containers[0]?.env?.find((e) => e.name === 'N')?.value;

/**
 * `npm run bench -- reconcile`, every figure beside a baseline measured in the same run:
 *  (1) a change (PATCH env) through the API and the worker → the applied Deployment, beside one
 *      bare server-side apply of the changed Deployment (what the change needs applied) over a
 *      kept-alive connection → the Deployment a watch sees, alternating;
 *  (2)(3) a reconcile of APPS new, then unchanged apps, beside a bare server-side apply of the same
 *      rendered objects (4 at a time each); (4) the periodic resync's comparison of the same apps;
 *  (5)(6) the reconcile and the resync of NOOP_APPS unchanged apps, the same way.
 * Yunbang reads from its watch cache (jobs/cache); API-server requests are counted for both sides
 * (every call, list and watch made through their KubeConfigs), per app.
 */
export async function benchReconcile(stack: BenchStack): Promise<void> {
  const env = {
    DATABASE_URL: await stack.freshDatabase(), ETCD_ENDPOINTS: stack.ETCD_ENDPOINTS, KUBECONFIG: stack.WORKER_KUBECONFIG, YUNBANG_API_KUBECONFIG: stack.API_KUBECONFIG,
    YUNBANG_SECRET_KEY: `bench-key-${randomBytes(16).toString('hex')}`, YUNBANG_ADMIN_TOKEN: `bench-${randomBytes(16).toString('hex')}`, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent',
    YUNBANG_TEAM_QUOTA: 'pods=3000', YUNBANG_RESYNC_SECONDS: '3600',
  };
  const config = loadConfig(env);
  const settings = renderSettings(config);
  const adminKc = new k8s.KubeConfig();
  adminKc.loadFromFile(stack.KUBECONFIG);
  // The baselines' applier: client-node over one shared agent that keeps its connections alive (the
  // strict baseline: Yunbang's own clients cannot keep them alive, see src/kube.ts).
  const keptKc = new k8s.KubeConfig();
  keptKc.loadFromFile(stack.KUBECONFIG);
  const keptObjects = k8s.KubernetesObjectApi.makeApiClient(sharedAgent(keptKc, { keepAlive: true }));
  const ssa = (client: k8s.KubernetesObjectApi, o: K8sObject) => client.patch(toTyped(o), undefined, undefined, 'bench-baseline', true, k8s.PatchStrategy.ServerSideApply);

  // (1) Mutation → applied Deployment, through the API and the worker; beside it, one bare SSA of
  // the changed Deployment (all a reconcile of an env change must apply), until a watch sees it.
  const running = await run(['api', 'worker'], env);
  const base = `http://127.0.0.1:${(running.server!.address() as AddressInfo).port}/api/v1`;
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${env.YUNBANG_ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status}`);
    return r.json() as Promise<any>;
  };
  await call('POST', '/teams', { name: 'lat' });
  await call('POST', '/teams', { name: 'latbase' }); // its namespace, for the bare applies
  await call('POST', '/teams/lat/apps', { name: 'web', image: 'nginx:1.27', replicas: 1 });
  const seen = { yb: new Map<string, number>(), base: new Map<string, number>(), etcd: new Map<number, number>() };
  const latest = new Map<string, k8s.V1Deployment>();
  const rolledOut = (d: k8s.V1Deployment | undefined) => d !== undefined && d.status?.observedGeneration === d.metadata?.generation
    && d.status?.updatedReplicas === d.spec?.replicas && d.status?.readyReplicas === d.spec?.replicas && d.status?.replicas === d.spec?.replicas;
  const watches = await Promise.all((['lat', 'latbase'] as const).map((team) => new k8s.Watch(adminKc).watch(`/apis/apps/v1/namespaces/yb-${team}/deployments`, {}, (_t, d: k8s.V1Deployment) => {
    const m = team === 'lat' ? seen.yb : seen.base;
    latest.set(team, d);
    const v = envValue(d);
    if (v !== undefined && !m.has(v)) m.set(v, performance.now());
  }, () => {})));
  const etcd = new Etcd3({ hosts: stack.ETCD_ENDPOINTS });
  const watcher = await etcd.watch().key(appKey('lat', 'web')).create();
  watcher.on('put', (kv) => {
    const g = JSON.parse(kv.value.toString()).generation as number;
    if (!seen.etcd.has(g)) seen.etcd.set(g, performance.now());
  });
  await until(() => seen.etcd.has(1), 'the first etcd record');
  progress('changes');
  const { rows: [lat] } = await running.platform.db.query<{ id: string }>(`SELECT a.id FROM apps a JOIN teams t ON t.id = a.team_id WHERE t.name = 'lat'`);
  const latIntent = (await loadApp(running.platform.db, lat!.id))!.intent;
  const baselineDeployment = (i: number): K8sObject => {
    const app: AppIntent = { ...latIntent, team: { ...latIntent.team, name: 'latbase', namespace: 'yb-latbase' }, env: [{ name: 'N', value: String(i) }] };
    return renderApp(app, settings).find((o) => o.kind === 'Deployment')!;
  };
  const toDeployment: number[] = [], toEtcd: number[] = [], bare: number[] = [], answered: number[] = [];
  for (let i = 0; i < CHANGES; i++) {
    // Each change on a quiet system: the previous rollouts (and the work they cause) are over.
    if (i > 0) {
      await until(() => ['lat', 'latbase'].every((t) => rolledOut(latest.get(t))), 'the previous rollouts');
      await new Promise((r) => setTimeout(r, 200));
    }
    let t0 = performance.now();
    const app = await call('PATCH', '/teams/lat/apps/web', { env: [{ name: 'N', value: String(i) }] });
    answered.push(performance.now() - t0);
    const g = app.generation as number;
    await until(() => seen.yb.has(String(i)) && seen.etcd.has(g), `change ${i} applied and published`);
    toDeployment.push(seen.yb.get(String(i))! - t0);
    toEtcd.push(seen.etcd.get(g)! - t0);
    const deployment = baselineDeployment(i); // rendered before the clock starts: Yunbang's render is inside its figure
    t0 = performance.now();
    await ssa(keptObjects, deployment);
    await until(() => seen.base.has(String(i)), `bare change ${i}`);
    bare.push(seen.base.get(String(i))! - t0);
  }
  for (const w of watches) w.abort();
  await watcher.cancel();
  etcd.close();
  await running.stop();

  // (2)(3)(4): resyncs, Yunbang's reconcile (reading its watch cache) against direct server-side apply.
  const direct = await run(['api'], env); // no worker: reconciles are driven by hand below
  const ctx: Ctx = { ...direct.platform.deps, principal: { kind: 'admin' } };
  await createTeam(ctx, { name: 'yb' });
  await createTeam(ctx, { name: 'base' });
  const ids: string[] = [];
  const baseIds: string[] = [];
  const addApps = async (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      await createApp(ctx, { team: 'yb', name: `app-${i}`, image: 'nginx:1.27', replicas: 1, env: [{ name: 'I', value: String(i) }] });
      await createApp(ctx, { team: 'base', name: `app-${i}`, image: 'nginx:1.27', replicas: 1, env: [{ name: 'I', value: String(i) }] });
    }
    const { rows } = await direct.platform.db.query<{ id: string; team: string }>(
      `SELECT a.id, t.name AS team FROM apps a JOIN teams t ON t.id = a.team_id WHERE a.deleted_at IS NULL AND t.name IN ('yb', 'base') ORDER BY a.created_at, a.name`);
    ids.splice(0, ids.length, ...rows.filter((r) => r.team === 'yb').map((r) => r.id));
    baseIds.splice(0, baseIds.length, ...rows.filter((r) => r.team === 'base').map((r) => r.id));
  };
  await addApps(0, APPS);

  const countingYb = new CountingKubeConfig(); countingYb.loadFromFile(stack.WORKER_KUBECONFIG);
  const countingBase = new CountingKubeConfig(); countingBase.loadFromFile(stack.KUBECONFIG);
  const ybKube = kubeClients(countingYb);
  // Connections kept alive on both sides, as Yunbang's own clients keep them: the strict baseline.
  const baseObjects = k8s.KubernetesObjectApi.makeApiClient(sharedAgent(countingBase, { keepAlive: true }));
  let lastEvent = performance.now();
  const cache = new ClusterCache(countingYb, () => { lastEvent = performance.now(); });
  await cache.start();
  const cacheStartRequests = countingYb.requests;
  /** The cache has caught up with the applies just made when its watches have been quiet a while. */
  const quiet = async () => { while (performance.now() - lastEvent < 1000) await new Promise((r) => setTimeout(r, 100)); };
  const { rows: [cluster] } = await direct.platform.db.query<{ id: string; name: string; etcdEndpoints: string[] }>(`SELECT id, name, etcd_endpoints AS "etcdEndpoints" FROM clusters WHERE from_env`);
  const rEnv = { db: direct.platform.db, etcd: direct.platform.etcd, kube: ybKube, live: cachedReader(cache, ybKube), settings, cluster: cluster!, boss: direct.platform.boss, moveTimeoutSeconds: 300 };
  const baselineObjects = async () => {
    const objs = [];
    for (const id of baseIds) objs.push((await loadApp(direct.platform.db, id))!.intent);
    return [...renderTeam(objs[0]!.team, settings), ...objs.flatMap((a) => renderApp(a, settings))];
  };

  const measure = async (label: string, how: 'reconcile' | 'resync' = 'reconcile') => {
    const all = await baselineObjects();
    const [teamObjs, appObjs] = [all.filter((o) => !o.metadata.labels?.['yunbang.dev/app']), all.filter((o) => o.metadata.labels?.['yunbang.dev/app'])];
    await quiet();
    countingYb.requests = 0; countingBase.requests = 0;
    let t = performance.now();
    for (const o of teamObjs) await ssa(baseObjects, o); // the namespace first, as any applier must
    await pool(appObjs, CONCURRENCY, (o) => ssa(baseObjects, o));
    const baseMs = performance.now() - t;
    t = performance.now();
    let note = '';
    if (how === 'reconcile') await pool(ids, CONCURRENCY, (id) => reconcileApp(rEnv, id));
    else {
      const plan = (await planResync({ ...rEnv, cache }))!;
        // The baseline's apps are in the same database, never reconciled by Yunbang: only Yunbang's own count.
      const drifted = plan.apps.filter((id) => ids.includes(id)).length;
      note = `compared ${ids.length} of Yunbang's apps, ${drifted} to reconcile`;
    }
    const ybMs = performance.now() - t;
    return { label, baseMs, ybMs, baseReq: countingBase.requests / ids.length, ybReq: countingYb.requests / ids.length, note };
  };
  progress('resyncs');
  const rows = [
    await measure(`reconcile ${APPS} new apps`),
    await measure(`reconcile ${APPS} unchanged apps`),
    await measure(`resync ${APPS} unchanged apps`, 'resync'),
  ];
  if (NOOP_APPS > APPS) {
    progress(`creating ${NOOP_APPS - APPS} more apps`);
    await addApps(APPS, NOOP_APPS);
    await pool(ids, CONCURRENCY, (id) => reconcileApp(rEnv, id)); // create them (not measured)
    await pool(await baselineObjects(), CONCURRENCY, (o) => ssa(baseObjects, o));
    rows.push(await measure(`reconcile ${NOOP_APPS} unchanged apps`));
    rows.push(await measure(`resync ${NOOP_APPS} unchanged apps`, 'resync'));
  }
  const heap = process.memoryUsage();
  const sizes = cache.sizes;
  cache.stop();
  await direct.stop();

  out('\nReconcile benchmark (local stack, simulated kubelet)');
  out(`(1) ${CHANGES} sequential changes (PATCH env), each until a watch sees the new Deployment:`);
  const ratio = percentile(toDeployment, 50) / percentile(bare, 50);
  out(`    PATCH → applied Deployment p50 ${ms(percentile(toDeployment, 50))} (p95 ${ms(percentile(toDeployment, 95))}; the API's own write, the queue hop, the worker's render and apply), against one bare SSA of the changed Deployment p50 ${ms(percentile(bare, 50))} (p95 ${ms(percentile(bare, 95))}; client-node, kept-alive connection): ratio ${ratio.toFixed(2)}× (goal ≤ 1.5×)`);
  out(`    the PATCH answered: p50 ${ms(percentile(answered, 50))}; PATCH → etcd record p50 ${ms(percentile(toEtcd, 50))} p95 ${ms(percentile(toEtcd, 95))}`);
  out(`(2)-(6) baseline = server-side apply of the same rendered objects with client-node (connections kept alive), ${CONCURRENCY} at a time.`);
  out(`    "reconcile": Yunbang's reconcile job of every app, ${CONCURRENCY} at a time, reading the watch cache.`);
  out(`    "resync": the worker's periodic comparison (jobs/resync.ts): every app against the cache, Postgres and etcd in one pass; only what differs would be enqueued.`);
  out(`${'run'.padEnd(34)} ${'baseline'.padStart(10)} ${'yunbang'.padStart(10)} ${'time ratio'.padStart(11)} ${'req/app base'.padStart(13)} ${'req/app yb'.padStart(11)}`);
  for (const r of rows) {
    out(`${r.label.padEnd(34)} ${ms(r.baseMs).padStart(10)} ${ms(r.ybMs).padStart(10)} ${(r.ybMs / r.baseMs).toFixed(2).padStart(11)} ${r.baseReq.toFixed(1).padStart(13)} ${r.ybReq.toFixed(2).padStart(11)}  ${r.note}`);
  }
  out(`    (Yunbang also assesses health, writes status to Postgres when it changed and publishes to etcd; its cache's first lists took ${cacheStartRequests} requests, before the runs)`);
  out(`    cache at the end: ${Object.entries(sizes).map(([k, n]) => `${k} ${n}`).join(', ')}; bench process heap ${(heap.heapUsed / 2 ** 20).toFixed(0)} MiB`);
}
