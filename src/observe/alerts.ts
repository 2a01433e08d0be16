import { z } from 'zod';

/**
 * Apps' alerts: four rules every app has, with the platform's defaults and per-app overrides.
 * Prometheus evaluates them; Alertmanager routes what fires to Yunbang's receiver, which records
 * app events and notifies the team (src/intents/alerts.ts).
 *
 * The rules themselves are fixed text (renderAlertRules); each app's thresholds are data, exported
 * by the worker as `yunbang_app_alert_threshold{team, app, alert}` series the rules compare with.
 * So changing an app's thresholds never rewrites or reloads Prometheus' configuration, and an
 * installation's own Prometheus only needs this one rules file.
 */
export const ALERTS = {
  errorRatio: 'AppErrorRatioHigh',
  latencyP95Ms: 'AppLatencyHigh',
  crashLoop: 'AppCrashLooping',
  memoryRatio: 'AppMemoryNearLimit',
} as const;
export type AlertKind = keyof typeof ALERTS;

const withMinimum = z.object({
  threshold: z.number().positive(),
  // Flagger's lesson: a ratio of 1 request in 2 is noise; below this many requests in the window, no alert.
  minRequests: z.number().int().min(1).max(1_000_000),
}).strict();

export const alertSettingsSchema = z.object({
  errorRatio: z.union([withMinimum.extend({ threshold: z.number().gt(0).max(1, 'must be a share between 0 and 1') }).strict(), z.literal(false)]),
  latencyP95Ms: z.union([withMinimum.extend({ threshold: z.number().min(1).max(600_000) }).strict(), z.literal(false)]),
  crashLoop: z.boolean(),
  memoryRatio: z.union([z.object({ threshold: z.number().gt(0).max(1, 'must be a share between 0 and 1') }).strict(), z.literal(false)]),
}).strict();
export type AlertSettings = z.infer<typeof alertSettingsSchema>;

/** What an app gets unless it says otherwise. */
export const DEFAULT_ALERTS: AlertSettings = {
  errorRatio: { threshold: 0.05, minRequests: 50 },
  latencyP95Ms: { threshold: 2000, minRequests: 50 },
  crashLoop: true,
  memoryRatio: { threshold: 0.9 },
};

/** An app's rules in force: its overrides over the defaults, rule by rule. */
export function effectiveAlerts(overrides: Partial<AlertSettings> | null | undefined): AlertSettings {
  return { ...DEFAULT_ALERTS, ...(overrides ?? {}) };
}

/** The threshold series of one app's rules in force (`alert` label → value); a rule turned off has none. */
export function thresholdSeries(a: AlertSettings): Record<string, number> {
  return {
    ...(a.errorRatio ? { error_ratio: a.errorRatio.threshold, error_min_requests: a.errorRatio.minRequests } : {}),
    ...(a.latencyP95Ms ? { latency_p95_ms: a.latencyP95Ms.threshold, latency_min_requests: a.latencyP95Ms.minRequests } : {}),
    ...(a.crashLoop ? { crash_loop: 1 } : {}),
    ...(a.memoryRatio ? { memory_ratio: a.memoryRatio.threshold } : {}),
  };
}

export interface RuleTiming {
  /** The window ratios and percentiles are taken over (5m by default, as the 5xx rule says). */
  windowSeconds: number;
  /** How long a condition must hold before the alert fires. */
  forSeconds: number;
}

const threshold = (alert: string) => `max by (team, app) (yunbang_app_alert_threshold{alert="${alert}"})`;

/** The rules file: a pure function of the timing. */
export function renderAlertRules(t: RuleTiming = { windowSeconds: 300, forSeconds: 60 }): string {
  const w = `${t.windowSeconds}s`;
  const requests = `sum by (team, app) (increase(yunbang_gateway_requests_total[${w}]))`;
  const enough = (alert: string) => `and on (team, app) ${requests} >= on (team, app) group_left() ${threshold(alert)}`;
  const memory = 'sum by (team, app) (container_memory_working_set_bytes{container="app"} * on (namespace, pod) group_left(team, app) max by (namespace, pod, team, app) (yunbang_pod_info))';
  const rules = [
    {
      alert: ALERTS.errorRatio,
      expr: `(sum by (team, app) (rate(yunbang_gateway_requests_total{status_class="5xx"}[${w}])) / sum by (team, app) (rate(yunbang_gateway_requests_total[${w}]))) > on (team, app) group_left() ${threshold('error_ratio')} ${enough('error_min_requests')}`,
      summary: `{{ $value | humanizePercentage }} of requests answered 5xx over the last ${w}`,
    },
    {
      alert: ALERTS.latencyP95Ms,
      expr: `histogram_quantile(0.95, sum by (team, app, le) (rate(yunbang_gateway_request_duration_seconds_bucket[${w}]))) * 1000 > on (team, app) group_left() ${threshold('latency_p95_ms')} ${enough('latency_min_requests')}`,
      summary: `95% of requests answered within {{ $value | printf "%.0f" }} ms over the last ${w}`,
    },
    {
      alert: ALERTS.crashLoop,
      expr: `max by (team, app) (yunbang_app_crashlooping) > 0 and on (team, app) ${threshold('crash_loop')}`,
      summary: '{{ $value }} replica(s) crash-looping: the container keeps exiting and the kubelet backs off',
    },
    {
      alert: ALERTS.memoryRatio,
      // An app without a known limit (0) has no ratio, rather than an infinite one.
      expr: `${memory} / on (team, app) (max by (team, app) (yunbang_app_memory_limit_bytes) > 0) > on (team, app) group_left() ${threshold('memory_ratio')}`,
      summary: 'memory in use is {{ $value | humanizePercentage }} of the limit: the kernel kills the container at 100%',
    },
  ];
  const lines = ['groups:', '  - name: yunbang-apps', '    rules:'];
  for (const r of rules) {
    lines.push(
      `      - alert: ${r.alert}`,
      `        expr: ${JSON.stringify(r.expr)}`,
      `        for: ${t.forSeconds}s`,
      '        labels: { severity: critical, source: yunbang }',
      `        annotations: { summary: ${JSON.stringify(r.summary)} }`,
    );
  }
  return `${lines.join('\n')}\n`;
}
