import * as k8s from '@kubernetes/client-node';
import { Etcd3 } from 'etcd3';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { createApp } from '../src/intents/apps.js';
import { createTeam } from '../src/intents/teams.js';
import type { Ctx } from '../src/intents/context.js';
import { kubeClients } from '../src/kube.js';
import { run } from '../src/main.js';
import { appKey } from '../src/publish/etcd.js';
import { renderSettings } from '../src/settings.js';
import { loadConfig } from '../src/config.js';
import { GENERATION } from '../k8s/labels.js';
import { renderApp, renderTeam } from '../k8s/render/index.js';
import { toTyped } from '../k8s/wire.js';
import { loadApp } from '../jobs/intent.js';
import { reconcileApp } from '../jobs/reconcile-app.js';
import { percentile, type BenchStack } from './stack.js';

const CHANGES = Number(process.env.BENCH_CHANGES ?? 100);
const APPS = Number(process.env.BENCH_APPS ?? 200);
const CONCURRENCY = 4;

/** A KubeConfig that counts the requests made through it (every client-node call authenticates once). */
class CountingKubeConfig extends k8s.KubeConfig {
  requests = 0;
  override async applySecurityAuthentication(context: Parameters<k8s.KubeConfig['applySecurityAuthentication']>[0]) {
    this.requests++;
    return super.applySecurityAuthentication(context);
  }
}

async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => { while (next < items.length) await fn(items[next++]!); }));
}

const ms = (v: number) => `${v.toFixed(0)} ms`;

export async function benchReconcile(stack: BenchStack): Promise<void> {
  const env = {
    DATABASE_URL: await stack.freshDatabase(), ETCD_ENDPOINTS: stack.ETCD_ENDPOINTS, KUBECONFIG: stack.WORKER_KUBECONFIG, YUNBANG_API_KUBECONFIG: stack.API_KUBECONFIG,
    YUNBANG_SECRET_KEY: `bench-key-${randomBytes(16).toString("hex")}`, YUNBANG_ADMIN_TOKEN: `bench-${randomBytes(16).toString('hex')}`, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent',
    YUNBANG_TEAM_QUOTA: 'pods=2000', YUNBANG_RESYNC_SECONDS: '3600',
  };
  const config = loadConfig(env);
  const settings = renderSettings(config);

  // (1) Mutation → applied Deployment and → etcd record, through the API and the worker.
  const running = await run(['api', 'worker'], env);
  const base = `http://127.0.0.1:${(running.server!.address() as AddressInfo).port}/api/v1`;
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${env.YUNBANG_ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status}`);
    return r.json() as Promise<any>;
  };
  await call('POST', '/teams', { name: 'lat' });
  await call('POST', '/teams/lat/apps', { name: 'web', image: 'nginx:1.27', replicas: 1 });
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(stack.KUBECONFIG);
  const seen = { deployment: new Map<number, number>(), etcd: new Map<number, number>() };
  const watch = await new k8s.Watch(kc).watch('/apis/apps/v1/namespaces/yb-lat/deployments', {}, (_type, obj: k8s.V1Deployment) => {
    const g = Number(obj.metadata?.labels?.[GENERATION]);
    if (!seen.deployment.has(g)) seen.deployment.set(g, performance.now());
  }, () => {});
  const etcd = new Etcd3({ hosts: stack.ETCD_ENDPOINTS });
  const watcher = await etcd.watch().key(appKey('lat', 'web')).create();
  watcher.on('put', (kv) => {
    const g = JSON.parse(kv.value.toString()).generation as number;
    if (!seen.etcd.has(g)) seen.etcd.set(g, performance.now());
  });
  const until = async (check: () => boolean) => { while (!check()) await new Promise((r) => setTimeout(r, 2)); };
  await until(() => seen.etcd.has(1));
  const toDeployment: number[] = [], toEtcd: number[] = [];
  for (let i = 0; i < CHANGES; i++) {
    const t0 = performance.now();
    const app = await call('PATCH', '/teams/lat/apps/web', { env: [{ name: 'N', value: String(i) }] });
    const g = app.generation as number;
    await until(() => seen.deployment.has(g) && seen.etcd.has(g));
    toDeployment.push(seen.deployment.get(g)! - t0);
    toEtcd.push(seen.etcd.get(g)! - t0);
  }
  watch.abort();
  await watcher.cancel();
  etcd.close();
  await running.stop();

  // (2) and (3): a resync of APPS apps, Yunbang's reconcile against direct server-side apply.
  const direct = await run(['api'], env); // no worker: reconciles are driven by hand below
  const ctx: Ctx = { ...direct.platform.deps, principal: { kind: 'admin' } };
  await createTeam(ctx, { name: 'yb' });
  await createTeam(ctx, { name: 'base' });
  const ids: string[] = [];
  for (let i = 0; i < APPS; i++) {
    await createApp(ctx, { team: 'yb', name: `app-${i}`, image: 'nginx:1.27', replicas: 1, env: [{ name: 'I', value: String(i) }] });
    await createApp(ctx, { team: 'base', name: `app-${i}`, image: 'nginx:1.27', replicas: 1, env: [{ name: 'I', value: String(i) }] });
  }
  const { rows } = await direct.platform.db.query<{ id: string; team: string }>(`SELECT a.id, t.name AS team FROM apps a JOIN teams t ON t.id = a.team_id WHERE a.deleted_at IS NULL ORDER BY a.name`);
  for (const r of rows) if (r.team === 'yb') ids.push(r.id);
  const baseIds = rows.filter((r) => r.team === 'base').map((r) => r.id);

  const countingYb = new CountingKubeConfig(); countingYb.loadFromFile(stack.WORKER_KUBECONFIG);
  const countingBase = new CountingKubeConfig(); countingBase.loadFromFile(stack.KUBECONFIG);
  const ybKube = kubeClients(countingYb);
  const baseObjects = k8s.KubernetesObjectApi.makeApiClient(countingBase);
  const { rows: [cluster] } = await direct.platform.db.query<{ id: string; name: string; etcdEndpoints: string[] }>(`SELECT id, name, etcd_endpoints AS "etcdEndpoints" FROM clusters WHERE from_env`);
  const rEnv = { db: direct.platform.db, etcd: direct.platform.etcd, kube: ybKube, settings, cluster: cluster!, boss: direct.platform.boss, moveTimeoutSeconds: 300 };
  const baselineObjects = async () => {
    const objs = [];
    for (const id of baseIds) objs.push((await loadApp(direct.platform.db, id))!.intent);
    return [...renderTeam(objs[0]!.team, settings), ...objs.flatMap((a) => renderApp(a, settings))];
  };
  const base0 = await baselineObjects();
  const ssa = (o: ReturnType<typeof renderTeam>[number]) => baseObjects.patch(toTyped(o), undefined, undefined, 'bench-baseline', true, k8s.PatchStrategy.ServerSideApply);

  const measure = async (label: string) => {
    countingYb.requests = 0; countingBase.requests = 0;
    let t = performance.now();
    const [teamObjs, appObjs] = [base0.filter((o) => !o.metadata.labels?.['yunbang.dev/app']), base0.filter((o) => o.metadata.labels?.['yunbang.dev/app'])];
    for (const o of teamObjs) await ssa(o); // the namespace first, as any applier must
    await pool(appObjs, CONCURRENCY, ssa);
    const baseMs = performance.now() - t;
    t = performance.now();
    await pool(ids, CONCURRENCY, (id) => reconcileApp(rEnv, id));
    const ybMs = performance.now() - t;
    return { label, baseMs, ybMs, baseReq: countingBase.requests / APPS, ybReq: countingYb.requests / APPS };
  };
  const first = await measure(`resync of ${APPS} new apps`);
  const again = await measure(`resync of ${APPS} unchanged apps`);
  await direct.stop();

  process.stdout.write(`\nReconcile benchmark (local stack, simulated node)\n`);
  process.stdout.write(`(1) ${CHANGES} sequential changes (PATCH env) through API + worker:\n`);
  process.stdout.write(`    to the applied Deployment  p50 ${ms(percentile(toDeployment, 50))}  p95 ${ms(percentile(toDeployment, 95))}\n`);
  process.stdout.write(`    to the etcd record         p50 ${ms(percentile(toEtcd, 50))}  p95 ${ms(percentile(toEtcd, 95))}\n`);
  process.stdout.write(`(2)(3) ${CONCURRENCY} at a time; baseline = server-side apply of the same rendered objects with client-node\n`);
  process.stdout.write(`${'run'.padEnd(30)} ${'baseline'.padStart(10)} ${'yunbang'.padStart(10)} ${'time ratio'.padStart(11)} ${'req/app base'.padStart(13)} ${'req/app yb'.padStart(11)}\n`);
  for (const r of [first, again]) {
    process.stdout.write(`${r.label.padEnd(30)} ${ms(r.baseMs).padStart(10)} ${ms(r.ybMs).padStart(10)} ${(r.ybMs / r.baseMs).toFixed(2).padStart(11)} ${r.baseReq.toFixed(1).padStart(13)} ${r.ybReq.toFixed(1).padStart(11)}\n`);
  }
  process.stdout.write('    (yunbang also assesses health, lists pods, writes status to Postgres and publishes to etcd; the baseline only applies)\n');
}
