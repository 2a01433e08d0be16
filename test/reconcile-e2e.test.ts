import type * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readApp, readRoute } from '../src/publish/etcd.js';
import { toWire } from '../k8s/wire.js';
import { rest } from './helpers/clients.js';
import { makeTeam, uniq } from './helpers/fixtures.js';
import { eventually, notFound, startFullPlatform, type FullPlatform } from './helpers/full.js';
import { ADMIN } from './helpers/platform.js';

// End to end on the real stack: API → Postgres intent → pg-boss → reconcile → kube-apiserver →
// controller-manager → simulated node → watch → status in Postgres and records in etcd.
// Rollouts on `local`'s node, real by default: each takes seconds there, so the whole flow more than 30 s.
describe('reconcile: from intent to running objects, status and etcd', { timeout: 120_000 }, () => {
  let p: FullPlatform;
  let admin: ReturnType<typeof rest>;
  beforeAll(async () => { p = await startFullPlatform(); admin = rest(p.url, ADMIN); });
  afterAll(async () => { await p?.close(); });

  const appStatus = async (team: string, app: string) => (await admin('GET', `/teams/${team}/apps/${app}`)).body;
  const readyAt = (team: string, app: string, generation: number, ready: number) => eventually(`${app} ready at generation ${generation} with ${ready} replicas`, async () => {
    const a = await appStatus(team, app);
    if (a.status.observedGeneration === generation && a.status.health === 'Ready' && a.status.readyReplicas === ready) return a;
    throw new Error(JSON.stringify(a.status));
  }, 40_000);

  it('converges create, scale, env, domains, stop, start and delete', async () => {
    const team = await makeTeam(p.url);
    const ns = `yb-${team}`;
    const host = `${uniq('web')}.example.com`;
    const created = await admin('POST', `/teams/${team}/apps`, { name: 'web', image: 'registry.example/web:1', port: 8080, replicas: 2, env: [{ name: 'MODE', value: 'a' }], domains: [host] });
    expect(created.status).toBe(201);
    const own = `web-${team}.localhost`;
    expect(created.body).toMatchObject({ defaultDomain: own, url: `http://${own}/`, domains: [host] });
    const hosts = [host, own].sort();

    const ready = await readyAt(team, 'web', 1, 2);
    expect(ready.status.message).toBe('2 of 2 replicas ready');
    expect(ready.status.endpoints).toHaveLength(2);
    expect(ready.status.endpoints.every((e: string) => e.endsWith(':8080'))).toBe(true);

    // Tenancy objects and the app's objects exist as rendered.
    const namespace = await p.core.readNamespace({ name: ns });
    expect(namespace.metadata?.labels).toMatchObject({ 'yunbang.dev/team': team, 'app.kubernetes.io/managed-by': 'yunbang' });
    expect((await p.net.listNamespacedNetworkPolicy({ namespace: ns })).items.map((n) => n.metadata?.name).sort()).toEqual(['web-from-ingress', 'yunbang-team-builds', 'yunbang-team-default', 'yunbang-team-ingress']);
    expect((await p.core.readNamespacedResourceQuota({ name: 'yunbang-team-quota', namespace: ns })).spec?.hard?.pods).toBe('100');
    // Read back in wire form: the fields client-node renames (from, default) must have arrived.
    const lr = toWire(await p.core.readNamespacedLimitRange({ name: 'yunbang-team-defaults', namespace: ns }) as k8s.KubernetesObject);
    expect(lr).toMatchObject({ spec: { limits: [{ default: { cpu: '500m', memory: '512Mi' } }] } });
    const fromIngress = toWire(await p.net.readNamespacedNetworkPolicy({ name: 'web-from-ingress', namespace: ns }) as k8s.KubernetesObject);
    expect(fromIngress).toMatchObject({ spec: { ingress: [{ from: [
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'yunbang-system' } }, podSelector: { matchLabels: { 'app.kubernetes.io/component': 'gateway' } } },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } },
    ] }] } });
    const dep = await p.apps.readNamespacedDeployment({ name: 'web', namespace: ns });
    expect(dep.spec?.template.spec?.containers[0]?.env).toEqual([{ name: 'PORT', value: '8080' }, { name: 'MODE', value: 'a' }]);
    expect(dep.metadata?.annotations?.['yunbang.dev/release']).toBe('1');
    const svc = await p.core.readNamespacedService({ name: 'web', namespace: ns });
    expect(svc.spec?.ports).toEqual([expect.objectContaining({ port: 8080, protocol: 'TCP', targetPort: 'http' })]);
    const ing = await p.net.readNamespacedIngress({ name: 'web', namespace: ns });
    expect(ing.spec?.rules?.map((r) => r.host)).toEqual(hosts);

    // etcd records for load balancers. The reconcile publishes right after it records the status
    // the test waited for: wait for the record too.
    const record = await eventually('record published', async () => { const r = await readApp(p.etcd, team, 'web'); return r?.generation === 1 && r; });
    expect(record).toMatchObject({ team, app: 'web', cluster: 'local', release: 1, image: 'registry.example/web:1', replicas: { desired: 2, ready: 2 }, health: 'Ready',
      service: `web.${ns}.svc.cluster.local:8080`, domains: hosts, defaultDomain: own, stopped: false, tlsSecrets: {}, generation: 1, endpoints: ready.status.endpoints });
    for (const h of hosts) {
      expect(await eventually('route published', () => readRoute(p.etcd, h))).toEqual({ team, app: 'web', cluster: 'local', service: `web.${ns}.svc.cluster.local:8080`, port: 8080, endpoints: ready.status.endpoints, stopped: false, sleeping: false, canSleep: false, tls: null });
    }

    // Scale.
    await admin('PATCH', `/teams/${team}/apps/web`, { replicas: 3 });
    await readyAt(team, 'web', 2, 3);
    await eventually('3 endpoints published', async () => (await readApp(p.etcd, team, 'web'))?.endpoints.length === 3);

    // Change env: a new release, rolled out.
    await admin('PATCH', `/teams/${team}/apps/web`, { env: [{ name: 'MODE', value: 'b' }] });
    await readyAt(team, 'web', 3, 3);
    const dep2 = await p.apps.readNamespacedDeployment({ name: 'web', namespace: ns });
    expect(dep2.spec?.template.spec?.containers[0]?.env?.[1]).toEqual({ name: 'MODE', value: 'b' });
    expect(dep2.spec?.template.metadata?.annotations?.['yunbang.dev/release']).toBe('2');

    // Swap the domain: the old route disappears from etcd, the new one appears.
    const host2 = `${uniq('www')}.example.com`;
    await admin('PATCH', `/teams/${team}/apps/web`, { domains: [host2] });
    await readyAt(team, 'web', 4, 3);
    expect((await p.net.readNamespacedIngress({ name: 'web', namespace: ns })).spec?.rules?.map((r) => r.host)).toEqual([host2, own].sort());
    await eventually('old route removed', async () => (await readRoute(p.etcd, host)) === undefined);
    await eventually('new route published', async () => (await readRoute(p.etcd, host2))?.app === 'web');

    // No custom domains: the default domain alone stays routed.
    await admin('PATCH', `/teams/${team}/apps/web`, { domains: [] });
    await readyAt(team, 'web', 5, 3);
    expect((await p.net.readNamespacedIngress({ name: 'web', namespace: ns })).spec?.rules?.map((r) => r.host)).toEqual([own]);
    expect((await p.net.readNamespacedNetworkPolicy({ name: 'web-from-ingress', namespace: ns })).metadata?.name).toBe('web-from-ingress');
    await eventually('route removed', async () => (await readRoute(p.etcd, host2)) === undefined);
    expect((await readRoute(p.etcd, own))?.app).toBe('web');

    // Stop keeps the app but runs nothing; start brings it back.
    await admin('POST', `/teams/${team}/apps/web/stop`);
    const stopped = await readyAt(team, 'web', 6, 0);
    expect(stopped.status).toMatchObject({ desiredReplicas: 0, endpoints: [], message: 'stopped: 0 replicas' });
    await eventually('stopped published', async () => JSON.stringify((await readApp(p.etcd, team, 'web'))?.replicas) === JSON.stringify({ desired: 0, ready: 0 }));
    expect(await readRoute(p.etcd, own)).toMatchObject({ stopped: true, endpoints: [] });
    await admin('POST', `/teams/${team}/apps/web/start`);
    await readyAt(team, 'web', 7, 3);

    // Delete leaves nothing behind in the cluster, in etcd or in Postgres.
    await admin('DELETE', `/teams/${team}/apps/web`);
    await eventually('web deleted from the cluster', async () =>
      await notFound(p.apps.readNamespacedDeployment({ name: 'web', namespace: ns })) && await notFound(p.core.readNamespacedService({ name: 'web', namespace: ns })));
    await eventually('web removed from etcd', async () => (await readApp(p.etcd, team, 'web')) === undefined);
    expect(await readRoute(p.etcd, own)).toBeUndefined();
    const remaining = await p.apps.listNamespacedDeployment({ namespace: ns });
    expect(remaining.items).toEqual([]);

    // Apply results are data, kept as the jobs' output (recorded when a job completes, just after its effects).
    const outputs = await eventually('the delete job completed', async () => {
      const all = (await p.running.platform.db.query<{ output: { results?: { kind: string; action: string }[] } }>(
        `SELECT output FROM pgboss.job WHERE name LIKE 'app-reconcile.%' AND state = 'completed'`)).rows.flatMap((r) => r.output?.results ?? []);
      return all.some((r) => r.kind === 'Deployment' && r.action === 'deleted') && all;
    });
    expect(outputs).toContainEqual(expect.objectContaining({ kind: 'Deployment', action: 'created' }));
    expect(outputs).toContainEqual(expect.objectContaining({ kind: 'NetworkPolicy', action: 'deleted' }));
    expect(outputs).toContainEqual(expect.objectContaining({ kind: 'Service', action: 'unchanged' }));

    // Deleting the (now empty) team removes its namespace.
    expect((await admin('DELETE', `/teams/${team}`)).status).toBe(202);
    await eventually('namespace deleted', async () => {
      try { return (await p.core.readNamespace({ name: ns })).status?.phase === 'Terminating'; } catch (err) { return (err as { code?: number }).code === 404; }
    });
  });
});
