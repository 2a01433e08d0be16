import type { Command } from 'commander';
import sparkly from 'sparkly';
import type { components } from '@yunbang/sdk';
import { colors, print, printJson, table } from '../output.js';
import type { Run } from '../run.js';

type AppMetrics = components['schemas']['AppMetrics'];
type Point = components['schemas']['MetricPoint'];
type Series = Exclude<keyof AppMetrics, 'range'>;

/** Each series, its label, and how its values read (the unit in the name, as the API has it). */
const ROWS: [Series, string, (v: number) => string][] = [
  ['requestsPerSecond', 'requests/s', (v) => fixed(v)],
  ['errorRatio', '5xx share', (v) => `${fixed(v * 100)}%`],
  ['latencyP50Ms', 'p50 latency', (v) => `${fixed(v)} ms`],
  ['latencyP95Ms', 'p95 latency', (v) => `${fixed(v)} ms`],
  ['latencyP99Ms', 'p99 latency', (v) => `${fixed(v)} ms`],
  ['cpuCores', 'CPU', (v) => `${fixed(v * 1000)}m`],
  ['memoryBytes', 'memory', bytes],
  ['replicas', 'replicas', (v) => String(Math.round(v))],
  ['restarts', 'restarts', (v) => String(Math.round(v))],
];

function fixed(v: number): string {
  if (v === 0) return '0';
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(1) : v.toPrecision(2);
}

function bytes(v: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${fixed(v)} ${units[i]}`;
}

/**
 * The points laid on the range's steps, with a gap (NaN) where the API has none, then squeezed to
 * `width` columns by averaging: a sparkline's columns are evenly spaced in time, so a gap shows.
 */
export function columns(points: Point[], range: AppMetrics['range'], width: number): number[] {
  const n = Math.floor((range.end - range.start) / range.stepSeconds) + 1;
  const at = new Map(points.map((p) => [p.t, p.v]));
  const steps = Array.from({ length: n }, (_, i) => at.get(range.start + i * range.stepSeconds) ?? NaN);
  if (n <= width) return steps;
  return Array.from({ length: width }, (_, c) => {
    const slice = steps.slice(Math.floor((c * n) / width), Math.floor(((c + 1) * n) / width)).filter(Number.isFinite);
    return slice.length ? slice.reduce((a, b) => a + b, 0) / slice.length : NaN;
  });
}

export function register(program: Command, run: Run): void {
  program.command('metrics').description('the app\'s requests, errors, latency, CPU, memory, replicas and restarts, as sparklines')
    .option('-w, --window <duration>', 'how far back: 15m, 1h, 24h, 7d', '1h').option('--step <duration>', 'between points (default: about 240 over the window)')
    .action(run(async (c, t, o: { window: string; step?: string }) => {
      const team = c.team(t);
      const app = c.app(t);
      const { data } = await c.rest.GET('/teams/{team}/apps/{app}/metrics', { params: { path: { team, app }, query: { window: o.window, ...(o.step ? { step: o.step } : {}) } } });
      const m = data as AppMetrics;
      if (c.out.json) return printJson(m);
      const width = Math.max(20, Math.min(60, (process.stdout.columns ?? 100) - 50));
      const limit = m.memoryLimitBytes.at(-1)?.v;
      print(colors.dim(`${app}, the last ${o.window} (${m.range.stepSeconds} s a point)`));
      table(ROWS.map(([key, label, fmt]) => {
        const pts = m[key];
        const values = pts.map((p) => p.v);
        const last = pts.at(-1);
        const now = last ? fmt(last.v) : '-';
        return {
          label, spark: sparkly(columns(pts, m.range, width)),
          now: key === 'memoryBytes' && last && limit ? `${now} of ${bytes(limit)} (${Math.round((last.v / limit) * 100)}%)` : now,
          max: values.length ? fmt(Math.max(...values)) : '-',
        };
      }), [['label', 'METRIC'], ['spark', ''], ['now', 'NOW'], ['max', 'MAX']]);
    }));
}
