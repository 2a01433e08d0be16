import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerExternalMetrics } from '../scripts/local/node/api-service.js';
import type { LocalPrometheus } from '../scripts/local/prometheus.js';
import { eventually } from './helpers/full.js';
import { viaGateway } from './helpers/gateway.js';
import { startLoad } from './helpers/load.js';
import { hostPort, prometheusPort, startTestPrometheus } from './helpers/prometheus.js';
import { startRealNodePlatform, type RealNodePlatform } from './helpers/real-node.js';

/**
 * Issue 23's request-rate rule on the real node: the gateway counts an app's requests, a real
 * Prometheus (Debian's) scrapes the gateway, Yunbang's API serves the rate to the cluster as
 * external.metrics.k8s.io (an APIService, as k8s/install/observe registers it), and
 * kube-controller-manager's HPA controller scales the Deployment on it. The app answers `/` at
 * once: its pods' CPU stays idle, so only the traffic can be what scales it. Scale-down waits
 * 15 s here (YUNBANG_AUTOSCALE_DOWN_SECONDS; Kubernetes' default is 5 minutes).
 */
describe('autoscaling on request rate: gateway traffic alone scales the app', { timeout: 420_000 }, () => {
  let r: RealNodePlatform;
  let prometheus: LocalPrometheus | undefined;
  let unregister: (() => Promise<void>) | undefined;
  let host = '';
  const replicas = async () => (await r.p.apps.readNamespacedDeployment({ name: 'web', namespace: `yb-${r.team}` })).spec?.replicas ?? 0;

  beforeAll(async () => {
    const prom = await prometheusPort();
    r = await startRealNodePlatform({ ...prom.env, YUNBANG_AUTOSCALE_DOWN_SECONDS: '15', YUNBANG_EXTERNAL_METRICS_LISTEN: '127.0.0.1:0' });
    prometheus = await startTestPrometheus(prom.port, { yunbang: [], gateways: [hostPort(r.gw.gateway.statusUrl)], kubelets: [] });
    const created = await r.admin('POST', `/teams/${r.team}/apps`, { name: 'web', image: 'registry.example/stand-in:latest', port: 8080 });
    expect(created.status).toBe(201);
    host = created.body.defaultDomain;
    await r.status('web', (s) => s.health === 'Ready', 90_000);
    await eventually('the gateway to route to web', async () => (await viaGateway(r.gw, host)).status === 200, 20_000);
  });
  afterAll(async () => {
    await unregister?.();
    await prometheus?.stop();
    await r?.close();
  });

  it('refused while the cluster does not serve Yunbang\'s request metrics, saying what is missing', async () => {
    const refused = await r.admin('PUT', `/teams/${r.team}/apps/web/autoscaling`, { min: 1, max: 4, requestsPerReplica: 2 });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toMatch(/does not serve Yunbang's request metrics \(external\.metrics\.k8s\.io.*install k8s\/install\/observe there, or aim at CPU or memory/);
    expect(refused.body.errors).toEqual([{ field: 'requestsPerReplica', message: expect.stringMatching(/does not serve Yunbang's request metrics/) }]);
    const bad = await r.admin('PUT', `/teams/${r.team}/apps/web/autoscaling`, { min: 1, max: 4, requestsPerReplica: 0.0005 });
    expect(bad.status).toBe(400);
    expect((await r.admin('GET', `/teams/${r.team}/apps/web`)).body.autoscaling).toBeNull();
  });

  it('10 requests/s against 2 per replica: the real HPA takes it from 1 to 4 replicas on the gateway\'s count, and back to 1 after', async () => {
    unregister = await registerExternalMetrics(r.kc, r.p.running.externalMetrics!.port);
    const set = await eventually('the rule accepted once the APIService is available', async () => {
      const res = await r.admin('PUT', `/teams/${r.team}/apps/web/autoscaling`, { min: 1, max: 4, requestsPerReplica: 2 });
      return res.status === 200 ? res : undefined;
    }, 30_000);
    expect(set.body.autoscaling).toMatchObject({ min: 1, max: 4, cpuPercent: null, memoryPercent: null, requestsPerReplica: 2, p95Ms: null });
    const hpa = await eventually('the HPA', async () => (await k8s.KubernetesObjectApi.makeApiClient(r.kc).list('autoscaling/v2beta2', 'HorizontalPodAutoscaler', `yb-${r.team}`)).items[0], 30_000);
    expect((hpa as unknown as { spec: { metrics: unknown[] } }).spec.metrics).toEqual([{
      type: 'External', external: { metric: { name: 'yunbang-requests-per-second', selector: { matchLabels: { app: 'web' } } }, target: { type: 'AverageValue', averageValue: '2' } },
    }]);
    await eventually('the HPA reads the request rate', async () => {
      const a = (await r.admin('GET', `/teams/${r.team}/apps/web`)).body.autoscaling;
      return a?.status?.working ? a : undefined;
    }, 90_000);

    const load = startLoad(r.gw, host, { perSecond: 10, maxMs: 240_000 });
    try {
      // What the HPA reads, through the API server as it reads it: the gateway's count, some 10 a second.
      const custom = r.kc.makeApiClient(k8s.CustomObjectsApi);
      const read = await eventually('the rate under load', async () => {
        const list = await custom.listNamespacedCustomObject({ group: 'external.metrics.k8s.io', version: 'v1beta1', namespace: `yb-${r.team}`, plural: 'yunbang-requests-per-second', labelSelector: 'app=web' }) as { items: { value: string; metricLabels: Record<string, string> }[] };
        const v = Number.parseInt(list.items[0]?.value ?? '0', 10) / 1000;
        return v >= 8 ? list.items[0] : undefined;
      }, 60_000);
      expect(read.metricLabels).toEqual({ app: 'web' });
      await eventually('four replicas', async () => ((await replicas()) === 4 ? true : undefined), 150_000);
    } finally {
      const done = await load.stop();
      expect(done.failures).toEqual([]);
      expect(done.sent).toBeGreaterThan(100);
    }
    await eventually('back to one replica once the traffic stops', async () => ((await replicas()) === 1 ? true : undefined), 180_000);
    const decisions = await eventually('the decisions among the app\'s events', async () => {
      const events = (await r.admin('GET', `/teams/${r.team}/events`)).body as { action: string; subject: string; actor: string; message: string }[];
      const mine = events.filter((e) => e.action === 'app.autoscaled' && e.subject === 'app/web');
      return mine.some((e) => / → 1 replicas/.test(e.message)) ? mine : undefined;
    }, 60_000);
    expect(decisions.every((e) => e.actor === 'autoscaler')).toBe(true);
  });
});
