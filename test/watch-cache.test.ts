import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ClusterCache } from '../jobs/cache/cluster-cache.js';
import { cachedReader } from '../jobs/cache/live.js';
import { reconcileApp } from '../jobs/reconcile-app.js';
import { planResync } from '../jobs/resync.js';
import { appKey, readApp } from '../src/publish/etcd.js';
import { kubeClients } from '../src/kube.js';
import { renderSettings } from '../src/settings.js';
import { rest } from './helpers/clients.js';
import { makeTeam } from './helpers/fixtures.js';
import { eventually, startFullPlatform, type FullPlatform } from './helpers/full.js';
import { ADMIN } from './helpers/platform.js';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.js';
import { CountingKubeConfig } from '../scripts/local/counting-kubeconfig.js';

// The worker reaches the API server through a proxy this test can cut: a network partition
// between the worker and its cluster, while people change Yunbang's objects by hand.
describe('the watch cache', () => {
  let dir: string;
  let proxy: TcpProxy;
  let p: FullPlatform;
  let team: string;
  const ns = () => `yb-${team}`;
  const appStatus = async () => (await rest(p.url, ADMIN)('GET', `/teams/${team}/apps/web`)).body;

  beforeAll(async () => {
    const stack = inject('stack');
    dir = mkdtempSync(join(tmpdir(), 'yunbang-watch-'));
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(stack.WORKER_KUBECONFIG);
    const server = new URL(kc.getCurrentCluster()!.server);
    proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port) });
    const proxied = new k8s.KubeConfig();
    proxied.loadFromOptions({
      clusters: kc.clusters.map((c) => ({ ...c, server: `https://127.0.0.1:${proxy.port}` })),
      users: kc.users, contexts: kc.contexts, currentContext: kc.currentContext,
    });
    writeFileSync(join(dir, 'kubeconfig'), proxied.exportConfig());
    // No periodic resync and no cluster probe: only the watch can bring the worker news of the hand changes.
    p = await startFullPlatform({ KUBECONFIG: join(dir, 'kubeconfig'), YUNBANG_RESYNC_SECONDS: '3600', YUNBANG_CLUSTER_PROBE_SECONDS: '3600' });
    team = await makeTeam(p.url);
    await rest(p.url, ADMIN)('POST', `/teams/${team}/apps`, { name: 'web', image: 'registry.example/web:1', replicas: 1 });
    await eventually('web ready', async () => (await appStatus()).status.readyReplicas === 1, 30_000);
  }, 90_000);

  afterAll(async () => {
    await p?.close();
    await proxy?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a reconcile of an unchanged app, read from the cache, makes no request to the API server', async () => {
    const counting = new CountingKubeConfig();
    counting.loadFromFile(inject('stack').WORKER_KUBECONFIG);
    const cache = new ClusterCache(counting, () => {});
    try {
      await cache.start();
      const listed = counting.requests;
      expect(listed).toBeGreaterThan(0); // the lists and watches themselves are counted
      const db = p.running.platform.db;
      const { rows: [row] } = await db.query<{ id: string }>(`SELECT a.id FROM apps a JOIN teams t ON t.id = a.team_id WHERE t.name = $1 AND a.name = 'web'`, [team]);
      const { rows: [cluster] } = await db.query<{ id: string; name: string; etcdEndpoints: string[] }>(`SELECT id, name, etcd_endpoints AS "etcdEndpoints" FROM clusters WHERE from_env`);
      const kube = kubeClients(counting);
      const out = await reconcileApp({
        db, etcd: p.etcd, kube, live: cachedReader(cache, kube), settings: renderSettings(p.running.platform.config),
        cluster: cluster!, boss: p.running.platform.boss, moveTimeoutSeconds: 300,
      }, row!.id);
      expect(out.results.map((r) => `${r.kind}:${r.action}`)).toEqual(['NetworkPolicy:unchanged', 'Service:unchanged', 'Deployment:unchanged', 'Ingress:unchanged']);
      expect(out.health).toBe('Ready');
      expect(counting.requests - listed).toBe(0);
    } finally {
      cache.stop();
    }
  });

  it('repairs what was changed by hand while the watch connection was cut, once it is back', { timeout: 120_000 }, async () => {
    const service = await p.core.readNamespacedService({ name: 'web', namespace: ns() });
    proxy.cut();
    // Changed through the admin's own connection, which the cut does not touch.
    await p.apps.patchNamespacedDeploymentScale({ name: 'web', namespace: ns(), body: { spec: { replicas: 3 } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
    await p.core.deleteNamespacedService({ name: 'web', namespace: ns() });
    await p.core.deleteNamespacedResourceQuota({ name: 'yunbang-team-quota', namespace: ns() });
    // Long enough for the worker's watches to fail and back off at least once.
    await new Promise((r) => setTimeout(r, 2000));
    const before = proxy.accepted;
    proxy.restore();

    await eventually('the Deployment is back to 1 replica', async () => (await p.apps.readNamespacedDeployment({ name: 'web', namespace: ns() })).spec?.replicas === 1, 45_000);
    const recreated = await eventually('the Service is recreated', async () => {
      try { return await p.core.readNamespacedService({ name: 'web', namespace: ns() }); } catch { return undefined; }
    }, 45_000);
    expect(recreated.metadata?.uid).not.toBe(service.metadata?.uid);
    await eventually('the team quota is recreated', async () => {
      try { return await p.core.readNamespacedResourceQuota({ name: 'yunbang-team-quota', namespace: ns() }); } catch { return undefined; }
    }, 45_000);
    expect(proxy.accepted).toBeGreaterThan(before); // the worker reconnected through the proxy
    await eventually('web ready again', async () => (await appStatus()).status.health === 'Ready' && (await appStatus()).status.readyReplicas === 1, 30_000);
  });

  it('the periodic resync finds what a lost event left behind, with no request to the API server', async () => {
    const counting = new CountingKubeConfig();
    counting.loadFromFile(inject('stack').WORKER_KUBECONFIG);
    const cache = new ClusterCache(counting, () => {});
    const db = p.running.platform.db;
    try {
      await cache.start();
      const { rows: [cluster] } = await db.query<{ id: string; name: string }>(`SELECT id, name FROM clusters WHERE from_env`);
      const env = { db, etcd: p.etcd, cache, settings: renderSettings(p.running.platform.config), cluster: cluster! };
      const { rows: [row] } = await db.query<{ id: string }>(`SELECT a.id FROM apps a JOIN teams t ON t.id = a.team_id WHERE t.name = $1 AND a.name = 'web'`, [team]);
      // Converged with its one pod ready (the writes below assume it: on a real node a pod is ready
      // some seconds after it runs, and a resync before then agrees on 0 ready).
      await eventually('converged: web ready and nothing to do', async () => (await appStatus()).status.readyReplicas === 1 && (await planResync(env))!.apps.length === 0, 30_000);
      const before = counting.requests;
      // A status write lost (as if the worker died before it): the resync sees Postgres disagree with the cache.
      // The changed row lives in a transaction only this comparison reads: the platform's own worker
      // keeps writing statuses meanwhile (a readiness probe that times out for a moment on the busy
      // real node), and a committed change could be put right before the comparison ran.
      const tx = await db.connect();
      try {
        await tx.query('BEGIN');
        await tx.query(`UPDATE app_status SET ready_replicas = ready_replicas + 5 WHERE app_id = $1`, [row!.id]);
        expect((await planResync({ ...env, db: tx }))!).toMatchObject({ apps: [row!.id], reasons: { status: 1 } });
      } finally {
        await tx.query('ROLLBACK');
        tx.release();
      }
      // The etcd record lost (etcd restored from an old backup, say).
      const record = await readApp(p.etcd, team, 'web');
      await p.etcd.delete().key(appKey(team, 'web'));
      expect((await planResync(env))!).toMatchObject({ apps: [row!.id], reasons: { record: 1 } });
      await p.etcd.put(appKey(team, 'web')).value(JSON.stringify(record));
      expect((await planResync(env))!.apps).toEqual([]);
      expect(counting.requests - before).toBe(0);
    } finally {
      cache.stop();
    }
  });
});
