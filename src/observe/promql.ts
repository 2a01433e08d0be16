import { Invalid } from '../errors.js';

/**
 * The PromQL Yunbang asks Prometheus, built here from validated names and nothing a client sent:
 * every query is scoped by team (and app) labels, so a caller reads only what its team owns.
 * Pure: tested by exact equality.
 *
 * Where the series come from:
 * - `yunbang_gateway_*`: every gateway's counts and latency histogram per team and app (gateway/metrics.ts);
 * - `container_*`: the kubelet's resource metrics (/metrics/resource), per namespace, pod and container;
 * - `yunbang_app_*`, `yunbang_pod_info`: the worker's view of its clusters (jobs/app-metrics.ts). The
 *   pod-info series joins the kubelet's per-pod figures to apps, as kube-state-metrics' kube_pod_labels does.
 */

/** The series of an app's metrics, in the order the API lists them; the unit is in every name. */
export const APP_SERIES = [
  'requestsPerSecond', 'errorRatio', 'latencyP50Ms', 'latencyP95Ms', 'latencyP99Ms',
  'cpuCores', 'memoryBytes', 'memoryLimitBytes', 'replicas', 'restarts',
] as const;
export type AppSeries = (typeof APP_SERIES)[number];

export const TEAM_SERIES = ['requestsPerSecond', 'errorRatio', 'cpuCores', 'memoryBytes'] as const;
export type TeamSeries = (typeof TEAM_SERIES)[number];

export interface Range {
  /** Seconds since the epoch, inclusive. */
  start: number;
  end: number;
  stepSeconds: number;
  /** The window `rate()` looks back over: at least a step, and at least four scrapes. */
  rateSeconds: number;
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };
/** Heroku's longest view is 7 days; more would ask Prometheus for more than it keeps by default (15 d) for little use. */
export const MAX_WINDOW_SECONDS = 7 * 86400;
/** Beyond this many points a chart cannot show them and a response grows for nothing (Prometheus' own cap is 11,000). */
export const MAX_POINTS = 2000;

/** "90s", "15m", "2h", "7d" as seconds; anything else is refused, naming the field. */
export function parseDuration(field: string, v: string): number {
  const m = /^(\d{1,6})([smhd])$/.exec(v);
  if (!m || Number(m[1]) === 0) throw Invalid.field(field, 'must be a duration such as 30s, 15m, 1h or 7d');
  return Number(m[1]) * UNITS[m[2]!]!;
}

/**
 * The time range of a query ending `now`: `window` back, at `step` (default: a step that gives
 * about 240 points, as Heroku's 2-hour view at 1-minute rollups has 120, never under the scrape
 * interval). Refuses ranges that would answer with too many points.
 */
export function queryRange(window: string, step: string | undefined, now: number, scrapeSeconds: number): Range {
  const windowSeconds = parseDuration('window', window);
  if (windowSeconds > MAX_WINDOW_SECONDS) throw Invalid.field('window', 'must be at most 7d');
  if (windowSeconds < scrapeSeconds * 2) throw Invalid.field('window', `must be at least ${scrapeSeconds * 2}s (two scrapes)`);
  const stepSeconds = step === undefined ? Math.max(scrapeSeconds, Math.ceil(windowSeconds / 240)) : parseDuration('step', step);
  if (stepSeconds < scrapeSeconds) throw Invalid.field('step', `must be at least ${scrapeSeconds}s, how often metrics are scraped`);
  if (windowSeconds / stepSeconds > MAX_POINTS) throw Invalid.field('step', `gives more than ${MAX_POINTS} points over ${window}: use a longer step`);
  const end = Math.floor(now / stepSeconds) * stepSeconds; // aligned, so refreshes reuse Prometheus' work
  return { start: end - windowSeconds, end, stepSeconds, rateSeconds: Math.max(stepSeconds, scrapeSeconds * 4) };
}

/** A label matcher's value: names are validated Kubernetes names already; quoting is belt and braces. */
const str = (v: string) => JSON.stringify(v);

export interface Scope { team: string; namespace: string; app?: string }

/** The scope's own series: by team, and by app when it is one app's. */
const owned = (s: Scope) => `team=${str(s.team)}${s.app ? `,app=${str(s.app)}` : ''}`;

/** What the gateways counted: requests per second and the share of them answered 5xx. */
function traffic(s: Scope, w: string) {
  const reqs = `sum(rate(yunbang_gateway_requests_total{${owned(s)}}[${w}]))`;
  const errors = `sum(rate(yunbang_gateway_requests_total{${owned(s)},status_class="5xx"}[${w}]))`;
  // No requests: no ratio (a gap in the chart), never 0/0's NaN; requests without a 5xx: 0.
  return { requestsPerSecond: reqs, errorRatio: `(${errors} or (${reqs} * 0)) / (${reqs} > 0)` };
}

/**
 * The kubelet's per-container figures, summed over the scope's pods: joined on (namespace, pod)
 * to the pods the worker says are the scope's replicas (never build or detect pods).
 */
function usage(s: Scope, w: string) {
  const ns = `namespace=${str(s.namespace)}`;
  const pods = `max by (namespace, pod) (yunbang_pod_info{${owned(s)},${ns}})`;
  return {
    cpuCores: `sum(rate(container_cpu_usage_seconds_total{${ns},container="app"}[${w}]) * on(namespace, pod) group_left() ${pods})`,
    memoryBytes: `sum(container_memory_working_set_bytes{${ns},container="app"} * on(namespace, pod) group_left() ${pods})`,
  };
}

/** One app's queries. */
export function appQueries(s: Scope & { app: string }, r: Pick<Range, 'rateSeconds'>): Record<AppSeries, string> {
  const w = `${r.rateSeconds}s`;
  const quantile = (q: number) => `histogram_quantile(${q}, sum by (le) (rate(yunbang_gateway_request_duration_seconds_bucket{${owned(s)}}[${w}]))) * 1000`;
  return {
    ...traffic(s, w),
    latencyP50Ms: quantile(0.5),
    latencyP95Ms: quantile(0.95),
    latencyP99Ms: quantile(0.99),
    ...usage(s, w),
    memoryLimitBytes: `sum(yunbang_app_memory_limit_bytes{${owned(s)}})`,
    replicas: `sum(yunbang_app_replicas_ready{${owned(s)}})`,
    restarts: `sum(yunbang_app_restarts{${owned(s)}})`,
  };
}

/** A team's totals over its apps. */
export function teamQueries(s: Scope, r: Pick<Range, 'rateSeconds'>): Record<TeamSeries, string> {
  const team = { team: s.team, namespace: s.namespace };
  const w = `${r.rateSeconds}s`;
  return { ...traffic(team, w), ...usage(team, w) };
}

/**
 * Each node's CPU (cores) and memory (bytes) in use, from the kubelet's node series of one cluster.
 * The kubelet stamps node figures with its own (housekeeping) times, some 15 s apart whatever the
 * scrape interval: the rate looks back a minute at least, so it holds enough of them.
 */
export function nodeUsageQueries(cluster: string, scrapeSeconds: number): { cpuCores: string; memoryBytes: string } {
  const c = `cluster=${str(cluster)}`;
  return {
    cpuCores: `sum by (node) (rate(node_cpu_usage_seconds_total{${c}}[${Math.max(60, scrapeSeconds * 4)}s]))`,
    memoryBytes: `sum by (node) (node_memory_working_set_bytes{${c}})`,
  };
}
