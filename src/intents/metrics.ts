import { authorize } from '../auth/principal.js';
import { Unavailable } from '../errors.js';
import { APP_SERIES, TEAM_SERIES, appQueries, queryRange, teamQueries, type AppSeries, type Range, type TeamSeries } from '../observe/promql.js';
import type { Point } from '../observe/prometheus.js';
import { findApp } from './app-rows.js';
import type { Ctx } from './context.js';
import { findTeam } from './teams.js';

export interface MetricsRange { start: number; end: number; stepSeconds: number }
export type AppMetricsView = Record<AppSeries, Point[]> & { range: MetricsRange };
export type TeamMetricsView = Record<TeamSeries, Point[]> & { range: MetricsRange };

export interface MetricsQuery { window?: string; step?: string }

function source(ctx: Ctx) {
  if (!ctx.metrics) throw new Unavailable('metrics are not configured: set YUNBANG_PROMETHEUS_URL to the Prometheus that scrapes the gateways, the kubelets and Yunbang');
  return ctx.metrics;
}

async function run<K extends string>(ctx: Ctx, queries: Record<K, string>, names: readonly K[], r: Range) {
  const { prometheus } = source(ctx);
  const points = await Promise.all(names.map((n) => prometheus.range(queries[n], r)));
  const out = Object.fromEntries(names.map((n, i) => [n, points[i]!])) as Record<K, Point[]>;
  return { ...out, range: { start: r.start, end: r.end, stepSeconds: r.stepSeconds } };
}

/**
 * An app's request rate, errors, latency, CPU, memory (against its limit), replicas and restarts
 * over `window` (default 1h) at `step`. Authorization first: another team's caller learns nothing,
 * not even whether the app exists; then the queries, built by Yunbang for this team and app only.
 */
export async function appMetrics(ctx: Ctx, team: string, app: string, q: MetricsQuery = {}): Promise<AppMetricsView> {
  authorize(ctx.principal, team, 'read');
  const { scrapeSeconds } = source(ctx);
  const r = queryRange(q.window ?? '1h', q.step, Date.now() / 1000, scrapeSeconds);
  const t = await findTeam(ctx.db, team);
  await findApp(ctx.db, t.id, team, app); // NotFound for an app that is not there
  return run(ctx, appQueries({ team, namespace: t.namespace, app }, r), APP_SERIES, r);
}

/** A team's totals: requests, errors, CPU and memory over all its apps. */
export async function teamMetrics(ctx: Ctx, team: string, q: MetricsQuery = {}): Promise<TeamMetricsView> {
  authorize(ctx.principal, team, 'read');
  const { scrapeSeconds } = source(ctx);
  const r = queryRange(q.window ?? '1h', q.step, Date.now() / 1000, scrapeSeconds);
  const t = await findTeam(ctx.db, team);
  return run(ctx, teamQueries({ team, namespace: t.namespace }, r), TEAM_SERIES, r);
}
