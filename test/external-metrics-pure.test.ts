import { describe, expect, it } from 'vitest';
import { horizontalPodAutoscaler, milliQuantity } from '../k8s/render/autoscaler.js';
import { defaultRenderSettings, type AppIntent } from '../k8s/types.js';
import { appOfSelector, externalQuery, externalValueList, parseExternalPath, EXTERNAL_RESOURCE_LIST } from '../src/observe/external-metrics.js';

const app: AppIntent = {
  team: { name: 'acme', namespace: 'yb-acme', generation: 1 }, name: 'web', generation: 7, release: 3, image: 'nginx:1.27', port: 8080, replicas: 2, running: true,
  env: [], domains: [], resources: {}, healthCheckPath: null, tls: false, runAsNonRoot: false, restartedAt: null,
  args: null, defaultLabel: 'web-acme', volumes: [], secrets: [], dependencies: [], dependents: [], isolated: false,
};

describe('request targets through external.metrics.k8s.io (pure)', () => {
  it('the HPA divides the rate among the replicas and holds p95 to its value, both selecting the app', () => {
    const hpa = horizontalPodAutoscaler({ ...app, autoscaling: { min: 1, max: 6, cpuPercent: 60, memoryPercent: null, requestsPerReplica: 2.5, p95Ms: 250 } }, defaultRenderSettings)!;
    expect((hpa.spec as { metrics: unknown[] }).metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } },
      { type: 'External', external: { metric: { name: 'yunbang-requests-per-second', selector: { matchLabels: { app: 'web' } } }, target: { type: 'AverageValue', averageValue: '2500m' } } },
      { type: 'External', external: { metric: { name: 'yunbang-latency-p95-seconds', selector: { matchLabels: { app: 'web' } } }, target: { type: 'Value', value: '250m' } } },
    ]);
    // A rule saved before the request targets existed renders as before.
    const old = horizontalPodAutoscaler({ ...app, autoscaling: { min: 1, max: 2, cpuPercent: 50, memoryPercent: null } }, defaultRenderSettings)!;
    expect((old.spec as { metrics: unknown[] }).metrics).toHaveLength(1);
  });

  it('reads the path and selector the API server forwards, and nothing else', () => {
    expect(parseExternalPath('/apis/external.metrics.k8s.io/v1beta1')).toEqual({ kind: 'discovery' });
    expect(parseExternalPath('/apis/external.metrics.k8s.io/v1beta1/namespaces/yb-acme/yunbang-requests-per-second')).toEqual({ kind: 'metric', namespace: 'yb-acme', metric: 'yunbang-requests-per-second' });
    expect(parseExternalPath('/apis/external.metrics.k8s.io/v1beta1/namespaces/yb-acme/yunbang-latency-p95-seconds')).toEqual({ kind: 'metric', namespace: 'yb-acme', metric: 'yunbang-latency-p95-seconds' });
    for (const p of ['/apis/external.metrics.k8s.io/v1beta1/namespaces/yb-acme/http_requests', '/apis/external.metrics.k8s.io/v1beta1/namespaces/Bad_NS/yunbang-requests-per-second', '/apis/metrics.k8s.io/v1beta1', '/']) {
      expect(parseExternalPath(p), p).toEqual({ kind: 'unknown' });
    }
    expect(appOfSelector('app=web')).toBe('web');
    expect(appOfSelector('yunbang.dev/app=web')).toBe('web');
    for (const s of [null, '', 'app in (a,b)', 'app=web,tier=x', 'app!=web', 'app=Web', 'app="x"}) or vector(1']) expect(appOfSelector(s), String(s)).toBeUndefined();
    expect(EXTERNAL_RESOURCE_LIST.resources.map((r) => r.name)).toEqual(['yunbang-requests-per-second', 'yunbang-latency-p95-seconds']);
  });

  it('asks Prometheus for one app\'s gateway series, a rate of 0 when nobody calls, exactly', () => {
    const s = { team: 'acme', namespace: 'yb-acme', app: 'web' };
    expect(externalQuery('yunbang-requests-per-second', s, 30)).toBe('sum(rate(yunbang_gateway_requests_total{team="acme",app="web"}[30s])) or vector(0)');
    expect(externalQuery('yunbang-latency-p95-seconds', s, 60)).toBe('histogram_quantile(0.95, sum by (le) (rate(yunbang_gateway_request_duration_seconds_bucket{team="acme",app="web"}[60s]))) > -Inf or vector(0)');
  });

  it('answers in thousandths, as the HPA compares them', () => {
    expect(milliQuantity(9.8765)).toBe('9877m');
    expect(milliQuantity(0)).toBe('0m');
    expect(milliQuantity(-1)).toBe('0m');
    expect(externalValueList('yunbang-requests-per-second', 'web', 12.5, new Date('2026-12-08T00:00:00Z'))).toEqual({
      kind: 'ExternalMetricValueList', apiVersion: 'external.metrics.k8s.io/v1beta1', metadata: {},
      items: [{ metricName: 'yunbang-requests-per-second', metricLabels: { app: 'web' }, timestamp: '2026-12-08T00:00:00.000Z', value: '12500m' }],
    });
  });
});
