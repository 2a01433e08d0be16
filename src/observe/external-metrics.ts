import { P95_METRIC, REQUESTS_METRIC, milliQuantity } from '../../k8s/render/autoscaler.js';
import type { Scope } from './promql.js';

/**
 * The external metrics API (`external.metrics.k8s.io/v1beta1`) as Yunbang serves it to the HPA
 * controller: an app's request rate and p95 latency, as its gateways counted them (Prometheus'
 * `yunbang_gateway_*` series), so a request-based rule is carried out by the same real HPA as a
 * CPU rule: one scaler owns the replicas, never two (KEDA's HTTP add-on takes the same road).
 * The HPA asks `GET /apis/external.metrics.k8s.io/v1beta1/namespaces/<ns>/<metric>?labelSelector=app=<name>`.
 * Pure: paths, selectors, queries and answers; the server is src/http/external-metrics.ts.
 */
export const EXTERNAL_GROUP_VERSION = 'external.metrics.k8s.io/v1beta1';

/** The metrics' names, as an HPA's `External` metric names them. */
export const EXTERNAL_METRICS = {
  /** Requests a second to the app, all its gateways together (the HPA divides by a per-replica target). */
  requestsPerSecond: REQUESTS_METRIC,
  /** The 95th percentile of the time from a request's first byte to its response's last, in seconds. */
  latencyP95Seconds: P95_METRIC,
};
export type ExternalMetric = (typeof EXTERNAL_METRICS)[keyof typeof EXTERNAL_METRICS];
const NAMES = new Set<string>(Object.values(EXTERNAL_METRICS));

/** What discovery answers: one namespaced resource per metric, readable only (as KEDA's and prometheus-adapter's). */
export const EXTERNAL_RESOURCE_LIST = {
  kind: 'APIResourceList', apiVersion: 'v1', groupVersion: EXTERNAL_GROUP_VERSION,
  resources: [...NAMES].map((name) => ({ name, singularName: '', namespaced: true, kind: 'ExternalMetricValueList', verbs: ['get'] })),
};

export type ExternalRequest =
  | { kind: 'discovery' }
  | { kind: 'metric'; namespace: string; metric: ExternalMetric }
  | { kind: 'unknown' };

/** What a path asks for; anything but discovery and a known metric of a namespace is unknown (404). */
export function parseExternalPath(path: string): ExternalRequest {
  const base = `/apis/${EXTERNAL_GROUP_VERSION}`;
  if (path === base || path === `${base}/`) return { kind: 'discovery' };
  const m = /^\/apis\/external\.metrics\.k8s\.io\/v1beta1\/namespaces\/([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9-]+)$/.exec(path);
  if (!m || !NAMES.has(m[3]!)) return { kind: 'unknown' };
  return { kind: 'metric', namespace: m[1]!, metric: m[3] as ExternalMetric };
}

/**
 * The app an HPA's selector names: `app=<name>` (what Yunbang renders), or Yunbang's own label.
 * Any other selector names no app: the metric is scoped to one app, never a whole namespace.
 */
export function appOfSelector(selector: string | null): string | undefined {
  if (!selector) return undefined;
  const m = /^(?:app|yunbang\.dev\/app)=([a-z0-9]([-a-z0-9]*[a-z0-9])?)$/.exec(selector.trim());
  return m?.[1];
}

/**
 * The PromQL of a metric for one app, over `rateSeconds` (at least four scrapes: the HPA syncs
 * every 15 s, and a shorter window would make it chase noise). `or vector(0)`: an app nobody
 * calls has a rate of 0 and no latency to speak of, so the HPA may bring it down to its minimum
 * rather than report that it cannot read the metric.
 */
export function externalQuery(metric: ExternalMetric, s: Scope & { app: string }, rateSeconds: number): string {
  const sel = `team=${JSON.stringify(s.team)},app=${JSON.stringify(s.app)}`;
  const w = `${rateSeconds}s`;
  if (metric === EXTERNAL_METRICS.requestsPerSecond) return `sum(rate(yunbang_gateway_requests_total{${sel}}[${w}])) or vector(0)`;
  return `histogram_quantile(0.95, sum by (le) (rate(yunbang_gateway_request_duration_seconds_bucket{${sel}}[${w}]))) > -Inf or vector(0)`;
}

/** The answer to a metric's GET: one value for the app, stamped with when it was read. */
export function externalValueList(metric: ExternalMetric, app: string, value: number, at: Date) {
  return {
    kind: 'ExternalMetricValueList', apiVersion: EXTERNAL_GROUP_VERSION, metadata: {},
    items: [{ metricName: metric, metricLabels: { app }, timestamp: at.toISOString(), value: milliQuantity(value) }],
  };
}

/** A Kubernetes Status, as aggregated API servers answer errors. */
export function statusOf(code: number, reason: string, message: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason, code, message };
}
