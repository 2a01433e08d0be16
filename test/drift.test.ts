import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishApp, readApp, type AppRecord } from '../src/publish/etcd.js';
import { rest } from './helpers/clients.js';
import { makeTeam, uniq } from './helpers/fixtures.js';
import { eventually, startFullPlatform, type FullPlatform } from './helpers/full.js';
import { ADMIN } from './helpers/platform.js';

describe('drift repair and stale writers', () => {
  let p: FullPlatform;
  let team: string;
  const ns = () => `yb-${team}`;
  beforeAll(async () => {
    p = await startFullPlatform({ YUNBANG_RESYNC_SECONDS: '5' });
    team = await makeTeam(p.url);
    await rest(p.url, ADMIN)('POST', `/teams/${team}/apps`, { name: 'api', image: 'registry.example/web:1', replicas: 2 });
    // Two real containers on `local`'s node (by default) under the suite's load: seconds, not milliseconds.
    await eventually('api ready', async () => (await rest(p.url, ADMIN)('GET', `/teams/${team}/apps/api`)).body.status.readyReplicas === 2, 60_000);
  }, 90_000);
  afterAll(async () => { await p?.close(); });

  it('a Deployment scaled by hand returns to the intent (watch)', async () => {
    await p.apps.patchNamespacedDeploymentScale({ name: 'api', namespace: ns(), body: { spec: { replicas: 5 } } },
      (await import('@kubernetes/client-node')).setHeaderOptions('Content-Type', 'application/merge-patch+json'));
    await eventually('replicas back to 2', async () => {
      const d = await p.apps.readNamespacedDeployment({ name: 'api', namespace: ns() });
      return d.spec?.replicas === 2 && d.status?.readyReplicas === 2;
    }, 30_000);
  });

  it('a Service deleted by hand comes back (periodic resync)', async () => {
    const before = await p.core.readNamespacedService({ name: 'api', namespace: ns() });
    await p.core.deleteNamespacedService({ name: 'api', namespace: ns() });
    // A reconcile already under way may bring it back at once: a new uid shows it was recreated.
    const svc = await eventually('service recreated', async () => {
      try {
        const s = await p.core.readNamespacedService({ name: 'api', namespace: ns() });
        return s.metadata?.uid !== before.metadata?.uid && s;
      } catch { return undefined; }
    }, 20_000);
    expect(svc.spec?.ports?.[0]?.protocol).toBe('TCP');
  });

  it('a reconcile of an unchanged app writes nothing to the cluster', async () => {
    const before = await p.apps.readNamespacedDeployment({ name: 'api', namespace: ns() });
    const { reconcileApp } = await import('../jobs/reconcile-app.js');
    const { rows } = await p.running.platform.db.query<{ id: string }>(`SELECT a.id FROM apps a JOIN teams t ON t.id = a.team_id WHERE t.name = $1 AND a.name = 'api'`, [team]);
    const { rows: [cluster] } = await p.running.platform.db.query<{ id: string; name: string; etcdEndpoints: string[] }>(`SELECT id, name, etcd_endpoints AS "etcdEndpoints" FROM clusters WHERE from_env`);
    const out = await reconcileApp({ db: p.running.platform.db, etcd: p.etcd, kube: p.running.platform.kube, settings: (await import('../k8s/types.js')).defaultRenderSettings,
      cluster: cluster!, boss: p.running.platform.boss, moveTimeoutSeconds: 300 }, rows[0]!.id);
    expect(out.results.map((r) => `${r.kind}:${r.action}`)).toEqual(['NetworkPolicy:unchanged', 'Service:unchanged', 'Deployment:unchanged', 'Ingress:unchanged']);
    expect(out.published).toBe('unchanged');
    const after = await p.apps.readNamespacedDeployment({ name: 'api', namespace: ns() });
    expect(after.metadata?.resourceVersion).toBe(before.metadata?.resourceVersion);
  });

  it('etcd refuses a record from an older generation (a stale worker)', async () => {
    const app = uniq('stale');
    const base: AppRecord = {
      appId: 'id-1', team, app, release: 1, image: 'x', replicas: { desired: 1, ready: 1 }, health: 'Ready',
      service: `${app}.yb.svc.cluster.local:80`, endpoints: ['10.0.0.1:80'], domains: [], defaultDomain: null, stopped: false, sleeping: false, canSleep: false, tlsSecrets: {}, generation: 5, updatedAt: new Date().toISOString(),
    };
    expect(await publishApp(p.etcd, base)).toBe('written');
    expect(await publishApp(p.etcd, { ...base, generation: 4, image: 'old' })).toBe('stale');
    expect(await publishApp(p.etcd, { ...base, updatedAt: 'later' })).toBe('unchanged');
    expect((await readApp(p.etcd, team, app))?.image).toBe('x');
    expect(await publishApp(p.etcd, { ...base, generation: 6, image: 'new' })).toBe('written');
    expect((await readApp(p.etcd, team, app))?.image).toBe('new');
  });
});
