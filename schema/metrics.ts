import { builder } from './builder.js';
import { App } from './app.js';
import { Team } from './team.js';
import { appMetrics, teamMetrics, type AppMetricsView, type MetricsRange, type TeamMetricsView } from '../src/intents/metrics.js';
import type { Point } from '../src/observe/prometheus.js';

const PointType = builder.objectRef<Point>('MetricPoint').implement({
  description: 'One point of a series; the unit is in the series\' name',
  fields: (t) => ({
    t: t.exposeInt('t', { description: 'Seconds since the epoch' }),
    v: t.exposeFloat('v'),
  }),
});

const RangeType = builder.objectRef<MetricsRange>('MetricsRange').implement({
  fields: (t) => ({
    start: t.exposeInt('start', { description: 'Seconds since the epoch' }),
    end: t.exposeInt('end', { description: 'Seconds since the epoch' }),
    stepSeconds: t.exposeInt('stepSeconds'),
  }),
});

const AppMetrics = builder.objectRef<AppMetricsView>('AppMetrics').implement({
  description: 'An app\'s metrics over a window: gaps where there was nothing to measure (no requests, no replicas)',
  fields: (t) => ({
    range: t.expose('range', { type: RangeType }),
    requestsPerSecond: t.expose('requestsPerSecond', { type: [PointType], description: 'Requests through the gateways, per second' }),
    errorRatio: t.expose('errorRatio', { type: [PointType], description: 'Share of requests answered 5xx, from 0 to 1; a gap where there were no requests' }),
    latencyP50Ms: t.expose('latencyP50Ms', { type: [PointType], description: 'Median response time at the gateway, in milliseconds' }),
    latencyP95Ms: t.expose('latencyP95Ms', { type: [PointType], description: '95th percentile response time, in milliseconds' }),
    latencyP99Ms: t.expose('latencyP99Ms', { type: [PointType], description: '99th percentile response time, in milliseconds' }),
    cpuCores: t.expose('cpuCores', { type: [PointType], description: 'CPU used by the app container over all replicas, in cores' }),
    memoryBytes: t.expose('memoryBytes', { type: [PointType], description: 'Memory in use (working set) over all replicas, in bytes' }),
    memoryLimitBytes: t.expose('memoryLimitBytes', { type: [PointType], description: 'The memory limit over the same replicas, in bytes' }),
    replicas: t.expose('replicas', { type: [PointType], description: 'Replicas ready' }),
    restarts: t.expose('restarts', { type: [PointType], description: 'Container restarts over the current replicas' }),
  }),
});

const TeamMetrics = builder.objectRef<TeamMetricsView>('TeamMetrics').implement({
  description: 'A team\'s totals over all its apps',
  fields: (t) => ({
    range: t.expose('range', { type: RangeType }),
    requestsPerSecond: t.expose('requestsPerSecond', { type: [PointType], description: 'Requests through the gateways, per second' }),
    errorRatio: t.expose('errorRatio', { type: [PointType], description: 'Share of requests answered 5xx, from 0 to 1' }),
    cpuCores: t.expose('cpuCores', { type: [PointType], description: 'CPU used by the team\'s app containers, in cores' }),
    memoryBytes: t.expose('memoryBytes', { type: [PointType], description: 'Memory in use by the team\'s app containers, in bytes' }),
  }),
});

const WINDOW = 'How far back, e.g. 15m, 1h, 7d (at most 7d)';
const STEP = 'Between points, e.g. 15s, 1m (default: about 240 points over the window, never under the scrape interval)';

builder.objectField(App, 'metrics', (t) => t.field({
  type: AppMetrics,
  description: 'Request rate, errors, latency, CPU, memory against the limit, replicas and restarts',
  args: { window: t.arg.string({ defaultValue: '1h', description: WINDOW }), step: t.arg.string({ description: STEP }) },
  resolve: (app, { window, step }, { ctx }) => appMetrics(ctx, app.team, app.name, { window: window ?? '1h', step: step ?? undefined }),
}));

builder.objectField(Team, 'metrics', (t) => t.field({
  type: TeamMetrics,
  description: 'Requests, errors, CPU and memory over all the team\'s apps',
  args: { window: t.arg.string({ defaultValue: '1h', description: WINDOW }), step: t.arg.string({ description: STEP }) },
  resolve: (team, { window, step }, { ctx }) => teamMetrics(ctx, team.name, { window: window ?? '1h', step: step ?? undefined }),
}));
