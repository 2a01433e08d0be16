import { readFileSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { Etcd3 } from 'etcd3';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { rest } from './helpers/clients.js';
import { makeTeam, uniq } from './helpers/fixtures.js';
import { eventually, notFound, startFullPlatform, type FullPlatform } from './helpers/full.js';
import { ADMIN, SECRET_KEY } from './helpers/platform.js';
import { run, type Running } from '../server/main.js';
import { freePort } from '../scripts/local/proc.js';
import { readApp, readRoute } from '../src/publish/etcd.js';
import { startEtcd, type LocalEtcd } from '../scripts/local/etcd.js';

/**
 * Many clusters, continued (clusters.test.ts has registration, placement and moves): which
 * worker takes which cluster's jobs, and a cluster whose apps' records go to an etcd of its own.
 */
describe('clusters: YUNBANG_WORKER_CLUSTERS limits a worker to its clusters\' jobs', () => {
  const stack = inject('stack');
  const second = stack.extraClusters[0]!;
  let p: FullPlatform;
  let extra: Running | undefined;
  afterAll(async () => { await extra?.stop(); await p?.close(); });

  it('a worker of local takes no job of local-2; a worker of local-2 started beside it does', async () => {
    p = await startFullPlatform({ YUNBANG_WORKER_CLUSTERS: 'local', YUNBANG_CLUSTER_PROBE_SECONDS: '0.5' });
    const api = rest(p.url, ADMIN);
    expect((await api('POST', '/clusters', {
      name: 'local-2', kubeconfig: readFileSync(second.WORKER_KUBECONFIG, 'utf8'), apiKubeconfig: readFileSync(second.API_KUBECONFIG, 'utf8'), appsDomain: second.appsDomain,
    })).status).toBe(201);
    const team = await makeTeam(p.url);
    await api('PUT', `/teams/${team}/clusters/local-2`, {});
    await api('POST', `/teams/${team}/apps`, { name: 'far', image: 'registry.example/w:1', port: 8080, cluster: 'local-2' });
    await api('POST', `/teams/${team}/apps`, { name: 'near', image: 'registry.example/w:1', port: 8080 });
    // The positive signal: the worker has handled a job enqueued after far's (near's, in local).
    await eventually('near Ready', async () => (await api('GET', `/teams/${team}/apps/near`)).body.status.health === 'Ready', 30_000);
    // far's job waits in local-2's queue, and nothing of it is made there.
    expect((await api('GET', `/teams/${team}/apps/far`)).body.status.observedGeneration).toBe(0);
    const kc2 = new k8s.KubeConfig();
    kc2.loadFromFile(second.KUBECONFIG);
    expect(await notFound(kc2.makeApiClient(k8s.AppsV1Api).readNamespacedDeployment({ name: 'far', namespace: `yb-${team}` }))).toBe(true);
    const waiting = await p.running.platform.db.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'app-reconcile.local-2' AND state = 'created'`);
    expect(waiting.rows[0].n).toBeGreaterThan(0);
    // A worker for local-2 (as one inside that cluster's network would run) takes it.
    extra = await run(['worker'], {
      DATABASE_URL: p.databaseUrl, ETCD_ENDPOINTS: stack.ETCD_ENDPOINTS, KUBECONFIG: stack.WORKER_KUBECONFIG, YUNBANG_ADMIN_TOKEN: ADMIN, YUNBANG_SECRET_KEY: SECRET_KEY,
      YUNBANG_WORKER_CLUSTERS: 'local-2', YUNBANG_WORKER_CONCURRENCY: '2', HOST: '127.0.0.1', YUNBANG_METRICS_PORT: '0',
    });
    await eventually('far Ready', async () => (await api('GET', `/teams/${team}/apps/far`)).body.status.health === 'Ready', 30_000);
  }, 90_000);
});

describe('clusters: a cluster with an etcd of its own gets its apps\' records there', () => {
  const stack = inject('stack');
  const second = stack.extraClusters[0]!;
  let p: FullPlatform;
  let edge: LocalEtcd;
  let edgeClient: Etcd3;
  afterAll(async () => { edgeClient?.close(); await p?.close(); await edge?.stop(); });

  it('publishes an app\'s records to its cluster\'s etcd only, and moves them with the app', async () => {
    const dir = mkdtempSync(join(stack.dir, 'edge-etcd-'));
    edge = await startEtcd({ name: 'edge-etcd', dir: join(dir, 'data'), port: await freePort(), peerPort: await freePort(), logDir: dir });
    edgeClient = new Etcd3({ hosts: edge.endpoint });
    p = await startFullPlatform({ YUNBANG_CLUSTER_PROBE_SECONDS: '0.5', YUNBANG_MOVE_TIMEOUT_SECONDS: '30' });
    const api = rest(p.url, ADMIN);
    expect((await api('POST', '/clusters', {
      name: 'edge', kubeconfig: readFileSync(second.WORKER_KUBECONFIG, 'utf8'), appsDomain: 'edge.localhost', etcdEndpoints: [edge.endpoint],
    })).body).toMatchObject({ name: 'edge', etcdEndpoints: [edge.endpoint] });
    const team = await makeTeam(p.url);
    await api('PUT', `/teams/${team}/clusters/edge`, {});
    const host = `${uniq('e')}.example.com`;
    await api('POST', `/teams/${team}/apps`, { name: 'web', image: 'registry.example/w:1', port: 8080, domains: [host], cluster: 'edge' });
    const there = await eventually('route in the edge etcd', async () => { const r = await readRoute(edgeClient, host); return r?.endpoints.length === 1 && r; }, 30_000);
    expect(there.cluster).toBe('edge');
    expect(await readRoute(p.etcd, host)).toBeUndefined();
    expect(await readApp(p.etcd, team, 'web')).toBeUndefined();
    // Moved to the platform's own cluster: the records follow to the platform's etcd and leave the edge's.
    expect((await api('POST', `/teams/${team}/apps/web/move`, { cluster: 'local' })).status).toBe(202);
    await eventually('route in the platform etcd', async () => (await readRoute(p.etcd, host))?.cluster === 'local', 45_000);
    await eventually('gone from the edge etcd', async () => (await readRoute(edgeClient, host)) === undefined && (await readApp(edgeClient, team, 'web')) === undefined, 30_000);
  }, 120_000);
});
