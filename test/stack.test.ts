import * as k8s from '@kubernetes/client-node';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './helpers/platform.js';

// The local stack started by the global setup: every part is real except the kubelet.
describe('local stack', () => {
  let t: TestPlatform;
  beforeAll(async () => { t = await startTestPlatform(); });
  afterAll(async () => { await t?.close(); });

  it('reports Postgres, etcd and the API server ready on /readyz, and liveness on /healthz', async () => {
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { postgres: 'ok', etcd: 'ok', kubernetes: 'ok' } });
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });

  it('runs a real etcd', async () => {
    const etcd = new Etcd3({ hosts: inject('stack').ETCD_ENDPOINTS });
    await etcd.put('/test/stack').value('hello');
    expect(await etcd.get('/test/stack').string()).toBe('hello');
    etcd.close();
  });

  it('runs a real API server whose controller-manager creates pods that the simulated node runs', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(inject('stack').KUBECONFIG);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    const ns = `stack-${Date.now()}`;
    await core.createNamespace({ body: { metadata: { name: ns } } });
    const labels = { app: 'web' };
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: {
        metadata: { name: 'web' },
        spec: { replicas: 2, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } } },
      },
    });
    const deadline = Date.now() + 20_000;
    let ready = 0;
    while (Date.now() < deadline && ready < 2) {
      ready = (await apps.readNamespacedDeployment({ name: 'web', namespace: ns })).status?.readyReplicas ?? 0;
      if (ready < 2) await new Promise((r) => setTimeout(r, 200));
    }
    expect(ready).toBe(2);
    const pods = await core.listNamespacedPod({ namespace: ns });
    const ips = pods.items.map((p) => p.status?.podIP);
    expect(new Set(ips).size).toBe(2);
    await core.deleteNamespace({ name: ns });
  });
});
