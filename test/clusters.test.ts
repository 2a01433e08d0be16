import { readFileSync } from 'node:fs';
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { gql, rest } from './helpers/clients.js';
import { makeTeam, makeToken, uniq } from './helpers/fixtures.js';
import { eventually, notFound, startFullPlatform, type FullPlatform } from './helpers/full.js';
import { startTestGateway, viaGateway, type TestGateway } from './helpers/gateway.js';
import { ADMIN } from './helpers/platform.js';
import { freePort } from '../scripts/local/proc.js';
import { startGitServer } from './helpers/git-server.js';
import { ROUTES_PREFIX, readRoute } from '../src/publish/etcd.js';
import { Etcd3 } from 'etcd3';

/**
 * Many clusters from one control plane, on two real local control planes: `local` (the
 * processes' own KUBECONFIG) and `local-2` (its own etcd, kube-apiserver, controller-manager and
 * simulated node), registered through the API with Yunbang's own identities there.
 */
describe('clusters: registration, placement, migration and an unreachable cluster', () => {
  const stack = inject('stack');
  // One gateway serves both clusters' apps, so both have simulated nodes: a real node's pods are
  // reached only inside its namespace, and simulated ones only on the machine's loopback. With a
  // real node as `local`, the platform runs on `local-2` and registers `local-3`.
  const home = stack.realNode ? stack.extraClusters[0]! : undefined;
  const second = stack.extraClusters[home ? 1 : 0]!;
  let p: FullPlatform;
  let api: ReturnType<typeof rest>;
  let graph: ReturnType<typeof gql>;
  let gw: TestGateway;
  let core2: k8s.CoreV1Api;
  let apps2: k8s.AppsV1Api;
  const frozen = { on: false };
  const freeze = () => { process.kill(second.apiserverPid, 'SIGSTOP'); frozen.on = true; };
  const thaw = () => { if (frozen.on) process.kill(second.apiserverPid, 'SIGCONT'); frozen.on = false; };

  beforeAll(async () => {
    p = await startFullPlatform({ YUNBANG_CLUSTER_PROBE_SECONDS: '0.5', YUNBANG_CLUSTER_TIMEOUT_SECONDS: '1.5', YUNBANG_MOVE_TIMEOUT_SECONDS: '20' }, { cluster: home });
    api = rest(p.url, ADMIN);
    graph = gql(p.url, ADMIN);
    const kc2 = new k8s.KubeConfig();
    kc2.loadFromFile(second.KUBECONFIG); // the admin's: only the test's own assertions
    core2 = kc2.makeApiClient(k8s.CoreV1Api);
    apps2 = kc2.makeApiClient(k8s.AppsV1Api);
    gw = await startTestGateway({ realNode: null });
  });
  afterAll(async () => {
    thaw();
    await gw?.stop();
    await p?.close();
  });

  const register = (extra: Record<string, unknown> = {}) => api('POST', '/clusters', {
    name: 'local-2', kubeconfig: readFileSync(second.WORKER_KUBECONFIG, 'utf8'), apiKubeconfig: readFileSync(second.API_KUBECONFIG, 'utf8'),
    appsDomain: second.appsDomain, labels: { region: 'test-2' }, ...extra,
  });
  const fieldError = (r: { body: any }, field: string) => r.body.errors?.find((e: { field: string }) => e.field === field)?.message ?? '';

  it('refuses bad kubeconfigs, unreachable servers, missing rights and admin credentials, each with a clear error', async () => {
    const worker = readFileSync(second.WORKER_KUBECONFIG, 'utf8');
    const notYaml = await register({ kubeconfig: 'clusters: [' });
    expect(notYaml.status).toBe(400);
    expect(fieldError(notYaml, 'kubeconfig')).toMatch(/not YAML/);

    const exec = await register({ kubeconfig: worker.replace(/user: \{ token: .* \}/, 'user: { exec: { command: /bin/sh, apiVersion: client.authentication.k8s.io/v1 } }') });
    expect(exec.status).toBe(400);
    expect(fieldError(exec, 'kubeconfig')).toMatch(/exec credential plugin/);

    const file = await register({ kubeconfig: worker.replace(/certificate-authority-data: \S+/, 'certificate-authority: /etc/ssl/private/key.pem') });
    expect(fieldError(file, 'kubeconfig')).toMatch(/refers to a file/);

    const port = await freePort(); // nothing listens there
    const unreachable = await register({ kubeconfig: worker.replace(/server: https:\/\/127\.0\.0\.1:\d+/, `server: https://127.0.0.1:${port}`) });
    expect(unreachable.status).toBe(400);
    expect(fieldError(unreachable, 'kubeconfig')).toMatch(new RegExp(`cannot use https://127.0.0.1:${port}: .*ECONNREFUSED`));

    const badToken = await register({ kubeconfig: worker.replace(/token: [^ }]+/, 'token: not-a-token') });
    expect(fieldError(badToken, 'kubeconfig')).toMatch(/refused the credentials \(401/);

    // The API's identity cannot manage namespaces: registered as the worker, it lacks rights.
    const apiAsWorker = await register({ kubeconfig: readFileSync(second.API_KUBECONFIG, 'utf8') });
    expect(apiAsWorker.status).toBe(400);
    expect(fieldError(apiAsWorker, 'kubeconfig')).toMatch(/lacks rights the worker needs: create namespaces/);

    const admin = await register({ kubeconfig: readFileSync(second.KUBECONFIG, 'utf8') });
    expect(admin.status).toBe(400);
    expect(fieldError(admin, 'kubeconfig')).toMatch(/get secrets in kube-system.*admin's kubeconfig/);

    expect((await rest(p.url, await makeToken(p.url, await makeTeam(p.url), 'owner'))('POST', '/clusters', { name: 'x', kubeconfig: worker, appsDomain: 'x.localhost' })).status).toBe(403);
    const { rows } = await p.running.platform.db.query('SELECT count(*)::int AS n FROM clusters');
    expect(rows[0].n).toBe(1); // nothing was written: only the processes' own cluster
  });

  it('registers a cluster as Yunbang\'s own identity, stores the kubeconfig sealed, and lists both with their health', async () => {
    const r = await register();
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ name: 'local-2', health: 'Reachable', version: 'v1.20.2', nodes: 1, cordoned: false, fromEnvironment: false, labels: { region: 'test-2' }, apps: 0 });
    expect((await register()).status).toBe(409);
    const { rows } = await p.running.platform.db.query<{ kubeconfig: string }>(`SELECT kubeconfig FROM clusters WHERE name = 'local-2'`);
    const token = /token: ([^ }]+)/.exec(readFileSync(second.WORKER_KUBECONFIG, 'utf8'))![1]!;
    expect(rows[0]!.kubeconfig).toMatch(/^v2\./);
    expect(rows[0]!.kubeconfig).not.toContain(token);
    const list = await graph('{ clusters { name health version nodes fromEnvironment checkedAt } }');
    expect(list.data.clusters.map((c: { name: string }) => c.name)).toEqual(['local', 'local-2']);
    await eventually('both probed Reachable', async () => {
      const c = (await api('GET', '/clusters')).body as { health: string; nodes: number }[];
      return c.every((x) => x.health === 'Reachable' && x.nodes === 1);
    });
  });

  let team: string;
  it('places apps: a team allowed in both clusters runs an app in each, and each app\'s objects exist only in its cluster', async () => {
    team = await makeTeam(p.url);
    expect((await api('GET', `/teams/${team}`)).body).toMatchObject({ clusters: ['local'], defaultCluster: 'local' });
    const refused = await api('POST', `/teams/${team}/apps`, { name: 'there', image: 'registry.example/w:1', port: 8080, cluster: 'local-2' });
    expect(refused.status).toBe(400);
    expect(fieldError(refused, 'cluster')).toMatch(/not allowed in cluster "local-2"/);

    expect((await rest(p.url, await makeToken(p.url, team, 'owner'))('PUT', `/teams/${team}/clusters/local-2`, {})).status).toBe(403);
    const allowed = await api('PUT', `/teams/${team}/clusters/local-2`, {});
    expect(allowed.body).toMatchObject({ clusters: ['local', 'local-2'], defaultCluster: 'local' });
    await eventually('namespace in local-2', async () => (await core2.readNamespace({ name: `yb-${team}` })).metadata?.labels?.['app.kubernetes.io/managed-by'] === 'yunbang', 20_000);

    const here = await api('POST', `/teams/${team}/apps`, { name: 'here', image: 'registry.example/w:1', port: 8080 });
    const there = await api('POST', `/teams/${team}/apps`, { name: 'there', image: 'registry.example/w:1', port: 8080, cluster: 'local-2' });
    expect(here.body).toMatchObject({ cluster: 'local', defaultDomain: `here-${team}.localhost`, movingTo: null });
    expect(there.body).toMatchObject({ cluster: 'local-2', defaultDomain: `there-${team}.${second.appsDomain}` });
    for (const name of ['here', 'there']) {
      await eventually(`${name} Ready`, async () => (await api('GET', `/teams/${team}/apps/${name}`)).body.status.health === 'Ready', 30_000);
    }
    const ns = `yb-${team}`;
    expect(await notFound(p.apps.readNamespacedDeployment({ name: 'there', namespace: ns }))).toBe(true);
    expect((await p.apps.readNamespacedDeployment({ name: 'here', namespace: ns })).metadata?.name).toBe('here');
    expect(await notFound(apps2.readNamespacedDeployment({ name: 'here', namespace: ns }))).toBe(true);
    expect((await apps2.readNamespacedDeployment({ name: 'there', namespace: ns })).metadata?.name).toBe('there');
    // Records carry the cluster; the pod IPs are the second cluster's (served on its own loopback range).
    // The reconcile publishes right after it records the status the test waited for.
    const route = await eventually('route with an endpoint', async () => {
      const r = await readRoute(p.etcd, `there-${team}.${second.appsDomain}`);
      return r && r.endpoints.length > 0 && r;
    });
    expect(route).toMatchObject({ cluster: 'local-2', team, app: 'there' });
    const thereIps = (await core2.listNamespacedPod({ namespace: ns, labelSelector: 'yunbang.dev/app=there' })).items.map((x) => x.status?.podIP);
    expect(thereIps).toContain(route.endpoints[0]!.split(':')[0]);
    await eventually('served through the gateway', async () => (await viaGateway(gw, `there-${team}.${second.appsDomain}`)).status === 200, 15_000);
    // Logs are read in the app's cluster, as the API's identity there.
    expect((await api('GET', `/teams/${team}/apps/there/logs`)).status).toBe(200);
  }, 90_000);

  it('refuses what would cross clusters or strand apps: dependencies, disallowing, removing', async () => {
    const dep = await api('POST', `/teams/${team}/apps/here/dependencies`, { dependsOn: 'there' });
    expect(dep.status).toBe(400);
    expect(fieldError(dep, 'dependsOn')).toMatch(/runs in cluster "local-2".*not reachable across clusters/);
    const disallow = await api('DELETE', `/teams/${team}/clusters/local-2`);
    expect(disallow.status).toBe(409);
    expect(disallow.body.detail).toMatch(/still has apps in cluster "local-2" \(there\)/);
    const remove = await api('DELETE', '/clusters/local-2');
    expect(remove.status).toBe(409);
    expect(remove.body.detail).toMatch(/still runs apps \(.*there/);
    expect((await api('DELETE', '/clusters/local')).status).toBe(409);
  });

  it('a cordoned cluster takes no new apps; uncordoned, it does again', async () => {
    expect((await api('POST', '/clusters/local-2/cordon')).body.cordoned).toBe(true);
    const refused = await api('POST', `/teams/${team}/apps`, { name: 'late', image: 'registry.example/w:1', cluster: 'local-2' });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/cluster "local-2" is cordoned/);
    expect((await api('POST', `/teams/${team}/apps/here/move`, { cluster: 'local-2' })).status).toBe(409);
    expect((await api('POST', '/clusters/local-2/uncordon')).body.cordoned).toBe(false);
  });

  it('moves an app under traffic through the gateway: no request fails, the routes follow, the source is pruned', async () => {
    const host = `${uniq('shop')}.example.com`;
    expect((await api('POST', `/teams/${team}/apps`, { name: 'shop', image: 'registry.example/shop:1', port: 8080, replicas: 2, domains: [host] })).status).toBe(201);
    await eventually('shop Ready', async () => (await api('GET', `/teams/${team}/apps/shop`)).body.status.health === 'Ready', 30_000);
    // Served steadily, not just once: right after the gateway reloads for the route with the first
    // ready pods, nginx's old workers still answer a few new connections from the config before
    // (503, no pod ready yet). That is the app's start, not the move measured below.
    await eventually('shop served steadily', async () => {
      for (let i = 0; i < 10; i++) {
        if ((await viaGateway(gw, host)).status !== 200) return false;
        await new Promise((r) => setTimeout(r, 30));
      }
      return true;
    }, 15_000);

    // Steady traffic (about 40 requests a second) for the whole move, bounded in count and time.
    const results: number[] = [];
    const failures: string[] = [];
    let stop = false;
    const traffic = (async () => {
      const deadline = Date.now() + 90_000;
      while (!stop && Date.now() < deadline && results.length < 5000) {
        const r = await viaGateway(gw, host).catch((err: Error) => ({ status: 0, body: err.message }));
        results.push(r.status);
        if (r.status !== 200) failures.push(`${new Date().toISOString()} ${r.status} ${r.body.slice(0, 200)} route=${JSON.stringify(await readRoute(p.etcd, host))}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    await eventually('traffic flowing before the move', async () => results.length >= 5);
    const moved = await api('POST', `/teams/${team}/apps/shop/move`, { cluster: 'local-2' });
    expect(moved.status).toBe(202);
    expect(moved.body).toMatchObject({ cluster: 'local', movingTo: 'local-2' });
    await eventually('moved', async () => {
      const a = (await api('GET', `/teams/${team}/apps/shop`)).body;
      return a.cluster === 'local-2' && a.movingTo === null && a;
    }, 60_000);
    const ns = `yb-${team}`;
    await eventually('source pruned', () => notFound(p.apps.readNamespacedDeployment({ name: 'shop', namespace: ns })), 30_000);
    await eventually('the route in etcd follows', async () => {
      const r = await readRoute(p.etcd, host);
      // Its endpoints are the new cluster's pods (the second simulated cluster's addresses, whichever it is).
      const ips = (await core2.listNamespacedPod({ namespace: ns, labelSelector: 'yunbang.dev/app=shop' })).items.map((x) => x.status?.podIP);
      return r?.cluster === 'local-2' && r.endpoints.length === 2 && r.endpoints.every((e) => ips.includes(e.split(':')[0]));
    }, 20_000);
    // Served from the new cluster's pods, through the same gateway.
    await eventually('served from local-2', async () => {
      const r = await viaGateway(gw, host);
      return r.status === 200 && await core2.readNamespacedPod({ name: r.json.pod, namespace: ns }).then(() => true, () => false);
    }, 20_000);
    // Traffic covers the whole move: from before it started to after local-2 serves.
    const atServed = results.length;
    await eventually('traffic after the switch', async () => results.length >= atServed + 20, 20_000);
    stop = true;
    await traffic;
    if (failures.length) failures.push(`route history: ${JSON.stringify(await routeHistory(p.etcd, host))}`);
    expect(failures).toEqual([]);
    const events = (await api('GET', `/teams/${team}/events`)).body as { action: string; outcome: string; message: string }[];
    expect(events.find((e) => e.action === 'app.move' && e.outcome === 'success')?.message).toBe('moved from cluster local to local-2');
  }, 180_000);

  it('refuses moves it cannot make safely: volumes, dependencies, the same cluster, a cluster the team may not use', async () => {
    await api('POST', `/teams/${team}/apps`, { name: 'db', image: 'registry.example/db:1', port: 5432, volumes: [{ name: 'data', mountPath: '/data', size: '1Gi' }] });
    const vol = await api('POST', `/teams/${team}/apps/db/move`, { cluster: 'local-2' });
    expect(vol.status).toBe(409);
    expect(vol.body.detail).toMatch(/has volumes.*data would stay behind/);
    expect((await api('POST', `/teams/${team}/apps/shop/move`, { cluster: 'local-2' })).body.detail).toMatch(/already runs in cluster "local-2"/);
    await api('POST', `/teams/${team}/apps`, { name: 'cache', image: 'registry.example/cache:1', port: 6379 });
    expect((await api('POST', `/teams/${team}/apps/here/dependencies`, { dependsOn: 'cache' })).status).toBe(200);
    const dep = await api('POST', `/teams/${team}/apps/cache/move`, { cluster: 'local-2' });
    expect(dep.status).toBe(409);
    expect(dep.body.detail).toMatch(/in a dependency with here; a Service is not reachable across clusters/);
    const other = await makeTeam(p.url);
    await api('POST', `/teams/${other}/apps`, { name: 'a', image: 'registry.example/w:1' });
    const notAllowed = await api('POST', `/teams/${other}/apps/a/move`, { cluster: 'local-2' });
    expect(notAllowed.status).toBe(400);
    expect(fieldError(notAllowed, 'cluster')).toMatch(/not allowed in cluster "local-2"/);
    const r = await graph(`mutation($i: MoveAppInput!) { moveApp(input: $i) { app { cluster } } }`, { i: { team, app: 'nope', cluster: 'local' } });
    expect(r.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('builds run in the app\'s cluster: a git app placed in local-2 is detected, built and rolled out there', async () => {
    const git = await startGitServer({ realNode: null }); // both clusters' nodes are simulated: loopback
    try {
      const repo = git.repo(`site-${team}`);
      repo.write({ 'index.html': '<h1>there</h1>' });
      repo.commit('first');
      repo.push();
      const created = await api('POST', `/teams/${team}/apps`, { name: 'site', git: { url: git.url(`site-${team}`), branch: 'main' }, port: 8080, cluster: 'local-2' });
      expect(created.status).toBe(201);
      // Its build pods are made in local-2 (seen there while the build runs).
      const seen = await eventually('a build pod in local-2', async () =>
        (await core2.listNamespacedPod({ namespace: `yb-${team}`, labelSelector: 'yunbang.dev/app=site,yunbang.dev/role' })).items.length > 0, 30_000);
      expect(seen).toBe(true);
      const built = await eventually('build succeeded', async () => {
        const b = (await api('GET', `/teams/${team}/apps/site/builds`)).body[0];
        if (b?.status === 'failed') throw new Error(b.failureReason);
        return b?.status === 'succeeded' && b;
      }, 60_000);
      expect(built.plan).toBeTruthy();
      await eventually('site Ready', async () => (await api('GET', `/teams/${team}/apps/site`)).body.status.health === 'Ready', 30_000);
      expect((await apps2.readNamespacedDeployment({ name: 'site', namespace: `yb-${team}` })).spec?.template.spec?.containers[0]?.image).toBe(built.image);
      expect(await notFound(p.apps.readNamespacedDeployment({ name: 'site', namespace: `yb-${team}` }))).toBe(true);
      expect(await p.core.listNamespacedPod({ namespace: `yb-${team}`, labelSelector: 'yunbang.dev/app=site' }).then((l) => l.items.length)).toBe(0);
    } finally {
      await git.close();
    }
  }, 120_000);

  it('updates a cluster\'s labels and apps domain (its apps\' default domains follow), and removes a cluster no app runs in', async () => {
    const spare = await register({ name: 'spare', appsDomain: 'spare.localhost', labels: {} });
    expect(spare.status).toBe(201);
    const other = await makeTeam(p.url);
    await api('PUT', `/teams/${other}/clusters/spare`, { default: true });
    expect((await api('GET', `/teams/${other}`)).body).toMatchObject({ clusters: ['local', 'spare'], defaultCluster: 'spare' });
    const app = await api('POST', `/teams/${other}/apps`, { name: 'w', image: 'registry.example/w:1', port: 8080 });
    expect(app.body).toMatchObject({ cluster: 'spare', defaultDomain: `w-${other}.spare.localhost` });
    const updated = await api('PATCH', '/clusters/spare', { appsDomain: 'spare2.localhost', labels: { tier: 'spare' } });
    expect(updated.body).toMatchObject({ appsDomain: 'spare2.localhost', labels: { tier: 'spare' }, apps: 1 });
    expect((await api('GET', `/teams/${other}/apps/w`)).body.defaultDomain).toBe(`w-${other}.spare2.localhost`);
    await eventually('the route follows the new domain', async () => (await readRoute(p.etcd, `w-${other}.spare2.localhost`))?.app === 'w', 20_000);
    expect((await api('DELETE', '/clusters/spare')).status).toBe(409);
    expect((await api('DELETE', `/teams/${other}/apps/w`)).status).toBe(202);
    await eventually('w gone', async () => (await p.running.platform.db.query(`SELECT 1 FROM apps a JOIN teams t ON t.id = a.team_id WHERE t.name = $1`, [other])).rowCount === 0, 20_000);
    const removed = await api('DELETE', '/clusters/spare');
    expect(removed.status).toBe(200);
    expect((await api('GET', '/clusters/spare')).status).toBe(404);
    expect((await api('GET', `/teams/${other}`)).body).toMatchObject({ clusters: ['local'], defaultCluster: 'local' });
  }, 60_000);

  it('an unreachable cluster: its apps show Unknown, the other cluster reconciles as usual, and all converges when it returns', async () => {
    freeze();
    try {
      const unknown = await eventually('there Unknown', async () => {
        const a = (await api('GET', `/teams/${team}/apps/there`)).body;
        return a.status.health === 'Unknown' && a;
      }, 15_000);
      expect(unknown.status.reason).toBe('ClusterUnreachable');
      expect(unknown.status.message).toMatch(/cluster local-2 is unreachable/);
      const c = (await api('GET', '/clusters/local-2')).body;
      expect(c).toMatchObject({ health: 'Unreachable' });
      expect(c.lastError).toBeTruthy();
      // The other cluster goes on: a change there is applied and observed.
      await api('PATCH', `/teams/${team}/apps/here`, { replicas: 2 });
      await eventually('here at 2 replicas', async () => {
        const a = (await api('GET', `/teams/${team}/apps/here`)).body;
        return a.status.health === 'Ready' && a.status.readyReplicas === 2;
      }, 20_000);
      // A change in the unreachable cluster waits for it.
      await api('PATCH', `/teams/${team}/apps/there`, { replicas: 2 });
    } finally {
      thaw();
    }
    await eventually('local-2 Reachable again', async () => (await api('GET', '/clusters/local-2')).body.health === 'Reachable', 20_000);
    await eventually('there converged', async () => {
      const a = (await api('GET', `/teams/${team}/apps/there`)).body;
      return a.status.health === 'Ready' && a.status.readyReplicas === 2;
    }, 40_000);
    expect((await apps2.readNamespacedDeployment({ name: 'there', namespace: `yb-${team}` })).spec?.replicas).toBe(2);
  }, 120_000);

  it('a move that cannot become Ready in time is given up: the app keeps serving from the source and says why', async () => {
    const host = `${uniq('stay')}.example.com`;
    await api('POST', `/teams/${team}/apps`, { name: 'stay', image: 'registry.example/w:1', port: 8080, domains: [host] });
    await eventually('stay Ready', async () => (await api('GET', `/teams/${team}/apps/stay`)).body.status.health === 'Ready', 30_000);
    freeze(); // the target cannot be reached for longer than the move may take (20 s)
    let move;
    try {
      move = await api('POST', `/teams/${team}/apps/stay/move`, { cluster: 'local-2' });
      expect(move.status).toBe(202);
      const given = await eventually('move given up', async () => {
        const a = (await api('GET', `/teams/${team}/apps/stay`)).body;
        return a.movingTo === null && a.moveError && a;
      }, 45_000);
      expect(given.cluster).toBe('local');
      expect(given.moveError).toMatch(/did not become Ready in cluster local-2 within 20 s; it kept serving from local/);
      expect((await viaGateway(gw, host)).status).toBe(200);
    } finally {
      thaw();
    }
    // Whatever was made in the target before it froze is removed once it answers again.
    await eventually('nothing left in local-2', () => notFound(apps2.readNamespacedDeployment({ name: 'stay', namespace: `yb-${team}` })), 30_000);
    expect((await readRoute(p.etcd, host))?.cluster).toBe('local');
  }, 150_000);
});

/** Every value the route of a host had, oldest first (etcd keeps them until compaction): what a failure saw. */
async function routeHistory(etcd: Etcd3, host: string): Promise<unknown[]> {
  const key = `${ROUTES_PREFIX}${host}`;
  const kv = (await etcd.get(key).exec()).kvs[0];
  if (!kv) return [];
  const seen: unknown[] = [];
  const watcher = await etcd.watch().key(key).startRevision(String(kv.create_revision)).create();
  watcher.on('put', (e) => {
    const v = JSON.parse(e.value.toString()) as { cluster: string; endpoints: string[]; generation?: number };
    seen.push({ rev: e.mod_revision, cluster: v.cluster, endpoints: v.endpoints, generation: v.generation });
  });
  watcher.on('delete', (e) => seen.push({ rev: e.mod_revision, deleted: true }));
  await new Promise((r) => setTimeout(r, 500));
  await watcher.cancel();
  return seen;
}
