import { describe, expect, it } from 'vitest';
import { appQueries, nodeUsageQueries, queryRange, teamQueries } from '../src/observe/promql.js';
import { sampleApps } from '../jobs/app-metrics.js';
import { renderPrometheusConfig } from '../scripts/local/prometheus.js';
import { kubeletTargetGroups } from '../src/observe/targets.js';
import { columns } from '../packages/cli/src/commands/metrics.js';
import type { WireObject } from '../k8s/wire.js';

const fieldOf = (f: () => unknown) => {
  try { f(); } catch (err) { return (err as { issues?: unknown }).issues; }
  return undefined;
};

describe('metrics queries (pure)', () => {
  it('a window and step become an aligned range; the rate window covers four scrapes at least', () => {
    expect(queryRange('1h', '15s', 1_000_007, 15)).toEqual({ start: 996_405 - 0, end: 1_000_005, stepSeconds: 15, rateSeconds: 60 });
    // No step: about 240 points, never under the scrape interval.
    expect(queryRange('2h', undefined, 7200, 15)).toMatchObject({ stepSeconds: 30, rateSeconds: 60 });
    expect(queryRange('15m', undefined, 900, 15)).toMatchObject({ stepSeconds: 15 });
    expect(queryRange('7d', undefined, 0, 15)).toMatchObject({ stepSeconds: 2520, rateSeconds: 2520 });
  });

  it('refuses what it cannot answer, naming the field', () => {
    expect(fieldOf(() => queryRange('an hour', undefined, 0, 15))).toEqual([{ field: 'window', message: 'must be a duration such as 30s, 15m, 1h or 7d' }]);
    expect(fieldOf(() => queryRange('8d', undefined, 0, 15))).toEqual([{ field: 'window', message: 'must be at most 7d' }]);
    expect(fieldOf(() => queryRange('20s', undefined, 0, 15))).toEqual([{ field: 'window', message: 'must be at least 30s (two scrapes)' }]);
    expect(fieldOf(() => queryRange('1h', '5s', 0, 15))).toEqual([{ field: 'step', message: 'must be at least 15s, how often metrics are scraped' }]);
    expect(fieldOf(() => queryRange('7d', '15s', 0, 15))).toEqual([{ field: 'step', message: 'gives more than 2000 points over 7d: use a longer step' }]);
    expect(fieldOf(() => queryRange('0s', undefined, 0, 15))).toEqual([{ field: 'window', message: 'must be a duration such as 30s, 15m, 1h or 7d' }]);
  });

  it("an app's queries name its team and app (and its namespace for the kubelet's series), nothing a client sent", () => {
    const q = appQueries({ team: 'acme', namespace: 'yb-acme', app: 'web' }, { rateSeconds: 60 });
    expect(q.requestsPerSecond).toBe('sum(rate(yunbang_gateway_requests_total{team="acme",app="web"}[60s]))');
    expect(q.errorRatio).toBe('(sum(rate(yunbang_gateway_requests_total{team="acme",app="web",status_class="5xx"}[60s])) or (sum(rate(yunbang_gateway_requests_total{team="acme",app="web"}[60s])) * 0)) / (sum(rate(yunbang_gateway_requests_total{team="acme",app="web"}[60s])) > 0)');
    expect(q.latencyP95Ms).toBe('histogram_quantile(0.95, sum by (le) (rate(yunbang_gateway_request_duration_seconds_bucket{team="acme",app="web"}[60s]))) * 1000');
    expect(q.memoryBytes).toBe('sum(container_memory_working_set_bytes{namespace="yb-acme",container="app"} * on(namespace, pod) group_left() max by (namespace, pod) (yunbang_pod_info{team="acme",app="web",namespace="yb-acme"}))');
    expect(q.restarts).toBe('sum(yunbang_app_restarts{team="acme",app="web"})');
    for (const text of Object.values(q)) expect(text).toContain('team="acme"');
    // The team's totals: its team only, no app matcher.
    const t = teamQueries({ team: 'acme', namespace: 'yb-acme' }, { rateSeconds: 60 });
    expect(t.cpuCores).toBe('sum(rate(container_cpu_usage_seconds_total{namespace="yb-acme",container="app"}[60s]) * on(namespace, pod) group_left() max by (namespace, pod) (yunbang_pod_info{team="acme",namespace="yb-acme"}))');
    for (const text of Object.values(t)) expect(text).not.toContain('app=');
  });
});

const pod = (name: string, labels: Record<string, string>, status: Record<string, unknown>): WireObject =>
  ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'yb-acme', labels }, status }) as WireObject;

describe("the worker's app series (pure)", () => {
  it("counts an app's replicas, their ready ones, restarts and memory limit; build pods are not replicas", () => {
    const app = { 'yunbang.dev/team': 'acme', 'yunbang.dev/app': 'web' };
    const ready = { conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'app', restartCount: 2 }] };
    const s = sampleApps([
      pod('web-1', app, ready),
      pod('web-2', app, { conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: [{ name: 'app', restartCount: 1, state: { waiting: { reason: 'CrashLoopBackOff' } } }] }),
      pod('web-build-1', { ...app, 'yunbang.dev/role': 'build' }, ready),
      pod('stray', {}, ready),
    ], [{ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'yb-acme', labels: app }, spec: { template: { spec: { containers: [{ name: 'app', resources: { limits: { memory: '256Mi' } } }] } } } } as WireObject]);
    expect(s.pods).toEqual([
      { team: 'acme', app: 'web', namespace: 'yb-acme', pod: 'web-1' },
      { team: 'acme', app: 'web', namespace: 'yb-acme', pod: 'web-2' },
    ]);
    expect(s.apps).toEqual([{ team: 'acme', app: 'web', namespace: 'yb-acme', ready: 1, restarts: 3, crashLooping: 1, memoryLimitBytes: 2 * 256 * 1024 * 1024 }]);
  });

  it("takes a replica's memory limit from the pod (the LimitRange's default when the app set none), else from its workload", () => {
    const app = { 'yunbang.dev/team': 'acme', 'yunbang.dev/app': 'web' };
    const withLimit = { ...pod('web-1', app, {}), spec: { containers: [{ name: 'app', resources: { limits: { memory: '512Mi' } } }] } } as WireObject;
    const s = sampleApps([withLimit, pod('web-2', app, {})], []);
    expect(s.apps[0]!.memoryLimitBytes).toBe(512 * 1024 * 1024);
  });
});

describe('the local Prometheus configuration (pure)', () => {
  it('scrapes Yunbang, the gateways and each kubelet (resource metrics, with a client certificate)', () => {
    const text = renderPrometheusConfig({
      scrapeSeconds: 5, targets: { yunbang: ['127.0.0.1:8080'], gateways: ['127.0.0.1:8089'], kubelets: [{ address: '127.0.0.1:10250', caFile: '/p/ca.crt', certFile: '/p/prom.crt', keyFile: '/p/prom.key', node: 'localhost', cluster: 'local' }] },
      ruleFiles: ['/r/alerts.yml'], alertmanager: '127.0.0.1:9093',
    });
    expect(text).toBe(`global:
  scrape_interval: 5s
  evaluation_interval: 5s
rule_files:
  - "/r/alerts.yml"
alerting:
  alertmanagers:
    - static_configs: [{ targets: ["127.0.0.1:9093"] }]
scrape_configs:
  - job_name: yunbang
    static_configs: [{ targets: ["127.0.0.1:8080"] }]
  - job_name: gateway
    static_configs: [{ targets: ["127.0.0.1:8089"] }]
  - job_name: kubelet-1
    scheme: https
    metrics_path: /metrics/resource
    tls_config: { ca_file: "/p/ca.crt", cert_file: "/p/prom.crt", key_file: "/p/prom.key" }
    static_configs: [{ targets: ["127.0.0.1:10250"], labels: { cluster: "local", node: "localhost" } }]
`);
    // With YUNBANG_MONITORING_TOKEN set, Yunbang's /metrics asks for it: the job presents it.
    const guarded = renderPrometheusConfig({ scrapeSeconds: 5, targets: { yunbang: ['127.0.0.1:8080'], gateways: [], kubelets: [] }, yunbangCredentialsFile: '/p/yunbang.token' });
    expect(guarded).toContain(`  - job_name: yunbang
    authorization: { type: Bearer, credentials_file: "/p/yunbang.token" }
    static_configs: [{ targets: ["127.0.0.1:8080"] }]`);
  });
});

describe("the nodes' usage queries (pure)", () => {
  it('one cluster by its label; the CPU rate looks back a minute at least (the kubelet stamps node figures ~15 s apart)', () => {
    expect(nodeUsageQueries('local', 2)).toEqual({
      cpuCores: 'sum by (node) (rate(node_cpu_usage_seconds_total{cluster="local"}[60s]))',
      memoryBytes: 'sum by (node) (node_memory_working_set_bytes{cluster="local"})',
    });
    expect(nodeUsageQueries('edge', 30).cpuCores).toContain('[120s]');
  });
});

describe("the install's kubelet discovery (pure)", () => {
  it('one target group per node, in name order, labelled with the node and the cluster', () => {
    expect(kubeletTargetGroups('local', ['node-b', 'node-a'])).toEqual([
      { targets: ['node-a'], labels: { cluster: 'local', node: 'node-a' } },
      { targets: ['node-b'], labels: { cluster: 'local', node: 'node-b' } },
    ]);
    expect(kubeletTargetGroups('edge', [])).toEqual([]);
  });
});

describe("yb metrics' sparkline columns (pure)", () => {
  it('lays points on the steps with gaps where there are none, and averages down to the width', () => {
    const range = { start: 0, end: 50, stepSeconds: 10 };
    expect(columns([{ t: 0, v: 1 }, { t: 20, v: 3 }, { t: 50, v: 6 }], range, 10)).toEqual([1, NaN, 3, NaN, NaN, 6]);
    expect(columns([{ t: 0, v: 1 }, { t: 10, v: 3 }, { t: 50, v: 6 }], range, 3)).toEqual([2, NaN, 6]);
  });
});

describe("the gateway's per-app counts (pure)", () => {
  it('reads the compact metrics lines and the JSON ones alike; an unknown host counts under no app', async () => {
    const { GatewayMetrics } = await import('../gateway/metrics.js');
    const m = new GatewayMetrics();
    m.observeLine('200 0.004 acme web');
    m.observeLine('503 0.000 acme web');
    m.observeLine('404 0.001 - -');
    m.observeLine('{"team":"acme","app":"web","status":"201","duration":"0.010"}');
    m.observeLine('garbage');
    // An app the gateway serves has its series from zero, before its first request.
    m.knowApp('acme', 'api');
    const text = await m.registry.metrics();
    expect(text).toContain('yunbang_gateway_requests_total{team="acme",app="api",status_class="5xx"} 0');
    expect(text).toContain('yunbang_gateway_request_duration_seconds_count{team="acme",app="api"} 0');
    expect(text).toContain('yunbang_gateway_requests_total{team="acme",app="web",status_class="2xx"} 2');
    expect(text).toContain('yunbang_gateway_requests_total{team="acme",app="web",status_class="5xx"} 1');
    expect(text).toContain('yunbang_gateway_requests_total{team="",app="",status_class="4xx"} 1');
    expect(text).toContain('yunbang_gateway_request_duration_seconds_count{team="acme",app="web"} 3');
    expect(text).toContain('yunbang_gateway_access_log_lines_total{outcome="unreadable"} 1');
  });
});

describe('log drain messages and targets (pure)', () => {
  it("formats RFC 5424 with the team, app and replica named, frames by octet count, and escapes what would break a receiver's lines", async () => {
    const { syslogMessage, frame, drainTarget } = await import('../src/logs/syslog.js');
    const m = syslogMessage({ team: 'acme', app: 'web', pod: 'web-7d9c-x2x4z', at: '2026-12-07T17:00:00.123456Z', line: 'GET / 200\twith a tab' });
    expect(m).toBe('<14>1 2026-12-07T17:00:00.123456Z acme web web-7d9c-x2x4z - - GET / 200\twith a tab');
    expect(syslogMessage({ team: 'a', app: 'b', pod: 'c', at: '2026-12-07T17:00:00Z', line: 'one\rtwo\u0000' })).toMatch(/ - - one\\x0dtwo\\x00$/);
    expect(frame('héllo')).toBe('6 héllo');
    expect(drainTarget('syslog+tls://logs.example.com:6514')).toMatchObject({ kind: 'syslog+tls', host: 'logs.example.com', port: 6514 });
    expect(drainTarget('syslog://[::1]:514')).toMatchObject({ kind: 'syslog', host: '::1', port: 514 });
    expect(drainTarget('https://logs.example.com/drain?token=x')).toMatchObject({ kind: 'https', port: 443 });
    for (const bad of ['syslog://logs.example.com', 'syslog://h:1/path', 'http://h/x', 'https://u:p@h/', 'not a url']) expect(drainTarget(bad), bad).toBeUndefined();
  });

  it("an alert's notification body: Yunbang's JSON, or Slack's text", async () => {
    const { notificationBody } = await import('../jobs/notify.js');
    const e = { id: '7', team: 'acme', app: 'web', alert: 'AppErrorRatioHigh', status: 'firing' as const, summary: '12% of requests answered 5xx', starts_at: new Date('2026-12-07T17:00:00Z'), created_at: new Date('2026-12-07T17:00:01Z') };
    expect(JSON.parse(notificationBody(e, 'json'))).toEqual({ type: 'alert', id: '7', status: 'firing', alert: 'AppErrorRatioHigh', team: 'acme', app: 'web', summary: '12% of requests answered 5xx', startsAt: '2026-12-07T17:00:00.000Z', recordedAt: '2026-12-07T17:00:01.000Z' });
    expect(JSON.parse(notificationBody({ ...e, status: 'resolved' }, 'slack'))).toEqual({ text: ':large_green_circle: *acme/web*: AppErrorRatioHigh resolved (12% of requests answered 5xx)' });
  });

  it('parses the runtime\'s timestamps and orders them as strings', async () => {
    const { parseLogLine, after } = await import('../jobs/logs/lines.js');
    expect(parseLogLine('2026-12-07T17:00:00.12Z hello world')).toMatchObject({ ts: '2026-12-07T17:00:00.120000000Z', line: 'hello world' });
    expect(parseLogLine('not a line')).toBeUndefined();
    expect(after('2026-12-07T17:00:00.120000001Z', '2026-12-07T17:00:00.12Z')).toBe(true);
    expect(after('2026-12-07T17:00:00.120000000Z', '2026-12-07T17:00:00.120000Z')).toBe(false);
    expect(after('2026-12-07T17:00:00.000000000Z', undefined)).toBe(true);
  });
});

describe("the nodes' resources (pure)", () => {
  it("reads capacity and allocatable from the node, and adds up the requests of the pods running there", async () => {
    const { nodeResources } = await import('../src/clusters/node-resources.js');
    const node = (name: string, ready: string) => ({ metadata: { name }, status: { capacity: { cpu: '2', memory: '24Gi', pods: '110' }, allocatable: { cpu: '1900m', memory: '23Gi', pods: '110' }, conditions: [{ type: 'Ready', status: ready }] } });
    const pod = (nodeName: string, phase: string, cpu: string, memory: string) => ({ spec: { nodeName, containers: [{ resources: { requests: { cpu, memory } } }, { resources: {} }] }, status: { phase } });
    const out = nodeResources([node('b', 'False'), node('a', 'True')] as never, [
      pod('a', 'Running', '250m', '128Mi'), pod('a', 'Pending', '100m', '64Mi'), pod('a', 'Succeeded', '1', '1Gi'), pod('b', 'Running', '50m', '32Mi'), { spec: {}, status: { phase: 'Pending' } },
    ]);
    expect(out.map((n) => n.name)).toEqual(['a', 'b']);
    expect(out[0]).toEqual({
      name: 'a', ready: true,
      capacity: { cpuCores: 2, memoryBytes: 24 * 1024 ** 3, pods: 110 },
      allocatable: { cpuCores: 1.9, memoryBytes: 23 * 1024 ** 3, pods: 110 },
      requests: { cpuCores: 0.35, memoryBytes: 192 * 1024 ** 2, pods: 2 },
    });
    expect(out[1]).toMatchObject({ ready: false, requests: { cpuCores: 0.05, pods: 1 } });
  });
});
