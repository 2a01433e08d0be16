import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { loadGatewayConfig } from '../gateway/config.js';
import { startGateway, type Gateway } from '../gateway/gateway.js';
import { LOCAL_ADDRESS_MAP, LOOPBACK } from '../gateway/address-map.js';
import { freePort } from '../scripts/local/proc.js';
import { startPrometheus } from '../scripts/local/prometheus.js';
import { startAlertmanager } from '../scripts/local/alertmanager.js';
import { appQueries, queryRange } from '../src/observe/promql.js';
import { renderAlertRules } from '../src/observe/alerts.js';
import { PrometheusClient } from '../src/observe/prometheus.js';
import { ensurePartitions, insertLines, type StoredLine } from '../src/logs/store.js';
import { parseLogLine } from '../jobs/logs/lines.js';
import { autocannon, statusOf } from './load.js';
import { percentile, startBenchPlatform, until, type BenchStack } from './stack.js';

/**
 * `npm run bench -- observe`: metrics, logs and alerts, each beside a baseline measured in the
 * same run, on the simulated node (the gateway's counts and Yunbang's own series are real; pods'
 * CPU and memory need the real node and are not part of these figures).
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const LINES = Number(process.env.BENCH_LOG_LINES ?? 200_000);
const ROUNDS = Number(process.env.BENCH_OBSERVE_ROUNDS ?? 5);
const out = (s: string) => process.stdout.write(`${s}\n`);
const ms = (v: number) => `${v.toFixed(0)} ms`;


async function gatewayOn(stack: BenchStack, port: number, metrics: 'on' | 'off'): Promise<Gateway> {
  return startGateway(loadGatewayConfig({
    ETCD_ENDPOINTS: stack.ETCD_ENDPOINTS, YUNBANG_GATEWAY_DIR: mkdtempSync(join(tmpdir(), `yunbang-bench-gw-${metrics}-`)),
    YUNBANG_GATEWAY_HTTP_LISTEN: `127.0.0.1:${port}`, YUNBANG_GATEWAY_HTTPS_LISTEN: 'off', YUNBANG_GATEWAY_STATUS_LISTEN: '127.0.0.1:0',
    YUNBANG_GATEWAY_ADDRESS_MAP: LOCAL_ADDRESS_MAP, YUNBANG_GATEWAY_UPSTREAM_CIDRS: LOOPBACK, YUNBANG_GATEWAY_WORKERS: '1', YUNBANG_GATEWAY_METRICS: metrics, LOG_LEVEL: 'silent',
  }));
}

export async function benchObserve(stack: BenchStack): Promise<void> {
  const promPort = await freePort();
  const token = randomBytes(24).toString('hex');
  const p = await startBenchPlatform(stack, { YUNBANG_PROMETHEUS_URL: `http://127.0.0.1:${promPort}`, YUNBANG_PROMETHEUS_SCRAPE_SECONDS: '5', YUNBANG_MONITORING_TOKEN: token, YUNBANG_OUTBOUND_ALLOWED_HOSTS: '127.0.0.1', YUNBANG_TEAM_QUOTA: 'pods=100' });
  const [onPort, offPort] = [await freePort(), await freePort()];
  const withMetrics = await gatewayOn(stack, onPort, 'on');
  const without = await gatewayOn(stack, offPort, 'off');
  const dir = mkdtempSync(join(tmpdir(), 'yunbang-bench-observe-'));
  const stops: (() => Promise<unknown>)[] = [() => withMetrics.stop(), () => without.stop(), () => p.running.stop()];
  try {
    out('\nObserve benchmark (2 cores shared by the control plane, simulated pods, nginx, Prometheus and the load generator)');
    await p.api('POST', '/teams', { name: 'obs' });
    const app = await p.api('POST', '/teams/obs/apps', { name: 'web', image: 'registry.example/web:1', port: 8080 });
    await until(async () => (await statusOf(onPort, app.defaultDomain)) === 200 && (await statusOf(offPort, app.defaultDomain)) === 200);
    await withMetrics.settled();
    await without.settled();

    // (1) Gateway throughput with per-app metrics on (nginx writes the JSON access log, the
    // gateway reads and counts it) against the same gateway with them off (no access log).
    out(`\ngateway throughput: autocannon (its own process), 10 connections, ${SECONDS}s a run, off and on alternately, ${ROUNDS} runs each (medians)`);
    const runs: Record<'on' | 'off', number[]> = { on: [], off: [] };
    for (let i = 0; i < ROUNDS; i++) {
      for (const [which, port] of [['off', offPort], ['on', onPort]] as const) {
        await autocannon(`http://127.0.0.1:${port}/`, app.defaultDomain, 1);
        const r = await autocannon(`http://127.0.0.1:${port}/`, app.defaultDomain, SECONDS);
        if (r.errors + r.non2xx > 0) throw new Error(`throughput run had failures: ${JSON.stringify(r)}`);
        runs[which].push(r.rps);
      }
    }
    const med = (xs: number[]) => percentile(xs, 50);
    out(`  metrics off: nginx proxying, no access log                 ${med(runs.off).toFixed(0).padStart(7)} req/s  (runs: ${runs.off.map((x) => x.toFixed(0)).join(', ')})`);
    out(`  metrics on: + access log written, read and counted per app ${med(runs.on).toFixed(0).padStart(7)} req/s  (runs: ${runs.on.map((x) => x.toFixed(0)).join(', ')})   ratio ${(med(runs.on) / med(runs.off)).toFixed(2)}×  (goal ≥ 0.95×)`);

    // (2) One app's metrics over 1 hour at a 15 s step, through the API, against the same ten
    // queries sent straight to Prometheus (in parallel, as the API sends them).
    const prom = await startPrometheus({ dir: join(dir, 'prometheus'), port: promPort, scrapeSeconds: 5, logDir: dir, yunbangToken: token, targets: { yunbang: [new URL(p.url).host], gateways: [new URL(withMetrics.statusUrl).host], kubelets: [] } });
    stops.unshift(() => prom.stop());
    await until(async () => (await p.api('GET', '/teams/obs/apps/web/metrics?window=5m&step=5s')).requestsPerSecond.length > 0, 60_000, 500);
    const client = new PrometheusClient(prom.url);
    const queries = Object.values(appQueries({ team: 'obs', namespace: 'yb-obs', app: 'web' }, { rateSeconds: 60 }));
    const viaApi: number[] = [];
    const direct: number[] = [];
    for (let i = 0; i < 60; i++) {
      let t0 = performance.now();
      await p.api('GET', '/teams/obs/apps/web/metrics?window=1h&step=15s');
      viaApi.push(performance.now() - t0);
      const r = queryRange('1h', '15s', Date.now() / 1000, 15);
      t0 = performance.now();
      await Promise.all(queries.map((q) => client.range(q, r)));
      direct.push(performance.now() - t0);
    }
    out('\nmetrics of one app, 1 hour at a 15 s step (241 points × 10 series), 60 requests one after another');
    out(`  the 10 range queries straight to Prometheus, in parallel  p50 ${ms(percentile(direct, 50))}  p95 ${ms(percentile(direct, 95))}`);
    out(`  GET …/apps/web/metrics through the API (auth, app lookup)  p50 ${ms(percentile(viaApi, 50))}  p95 ${ms(percentile(viaApi, 95))}   ratio p95 ${(percentile(viaApi, 95) / percentile(direct, 95)).toFixed(2)}×  (goal p95 ≤ 150 ms)`);

    // (3) Log ingestion: what the collector does with a line (parse the runtime's timestamp, batch,
    // insert with the per-team byte count) against PostgreSQL's COPY of the same rows into the same table.
    const db = new pg.Pool({ connectionString: (p.running.platform.config as { DATABASE_URL: string }).DATABASE_URL, max: 2 });
    stops.unshift(() => db.end());
    const teamId = (await db.query<{ id: string }>("SELECT id FROM teams WHERE name = 'obs'")).rows[0]!.id;
    await ensurePartitions(db);
    const raw = Array.from({ length: LINES }, (_, i) => `${new Date(Date.now() - (LINES - i)).toISOString().replace('Z', '123456Z')} 2026-12-07T17:00:00Z GET /items/${i} 200 ${'x'.repeat(60)}`);
    const rss0 = process.memoryUsage().rss;
    let t0 = performance.now();
    let batch: StoredLine[] = [];
    let peak = rss0;
    for (const l of raw) {
      const parsed = parseLogLine(l)!;
      batch.push({ teamId, app: 'web', pod: 'web-1', at: parsed.at, line: parsed.line });
      if (batch.length === 1000) { await insertLines(db, batch); batch = []; peak = Math.max(peak, process.memoryUsage().rss); }
    }
    await insertLines(db, batch);
    const yunbang = performance.now() - t0;
    const c = await db.connect();
    t0 = performance.now();
    try {
      const { from } = await import('pg-copy-streams');
      const stream = c.query(from('COPY app_log_lines (team_id, app, pod, at, line) FROM STDIN'));
      const { Readable } = await import('node:stream');
      const { pipeline } = await import('node:stream/promises');
      await pipeline(Readable.from((function* () { for (const l of raw) { const sp = l.indexOf(' '); yield `${teamId}\tweb\tweb-1\t${l.slice(0, sp)}\t${l.slice(sp + 1)}\n`; } })()), stream);
    } finally { c.release(); }
    const copy = performance.now() - t0;
    out(`\nlog ingestion, ${LINES} lines of ~110 bytes into the day-partitioned table`);
    out(`  PostgreSQL's COPY of the same rows (the fastest way in)       ${(LINES / (copy / 1000)).toFixed(0).padStart(8)} lines/s`);
    out(`  the collector's path: parse, batch of 1,000, insert + bytes  ${(LINES / (yunbang / 1000)).toFixed(0).padStart(8)} lines/s   ratio ${(copy / yunbang).toFixed(2)}×; memory +${((peak - rss0) / 1048576).toFixed(0)} MiB at most (the buffer is capped at 50,000 lines)`);

    // (4) An alert: from the first 5xx answer to the team's webhook, through Prometheus (5 s
    // evaluations), Alertmanager, Yunbang's receiver (event + job) and the worker's delivery, beside
    // Alertmanager posting the same notification straight to a receiver of its own.
    const got: { path: string; at: number; body: string }[] = [];
    const hook = createServer((req, res) => { let b = ''; req.on('data', (d) => { b += d; }); req.on('end', () => { got.push({ path: req.url ?? '', at: performance.now(), body: b }); res.writeHead(200).end(); }); });
    const hookPort = await freePort();
    await new Promise<void>((r) => hook.listen(hookPort, '127.0.0.1', () => r()));
    stops.unshift(() => new Promise((r) => hook.close(r)));
    const am = await startAlertmanager({ dir: join(dir, 'alertmanager'), port: await freePort(), receiver: `${p.url}/hooks/alertmanager`, token, groupWaitSeconds: 0, groupIntervalSeconds: 1, mirror: `http://127.0.0.1:${hookPort}/direct`, logDir: dir });
    stops.unshift(() => am.stop());
    writeFileSync(join(dir, 'rules.yml'), renderAlertRules({ windowSeconds: 15, forSeconds: 0 }));
    await prom.stop();
    const prom2 = await startPrometheus({ dir: join(dir, 'prometheus'), port: promPort, scrapeSeconds: 5, logDir: dir, yunbangToken: token, ruleFiles: [join(dir, 'rules.yml')], alertmanager: am.address, targets: { yunbang: [new URL(p.url).host], gateways: [new URL(withMetrics.statusUrl).host], kubelets: [] } });
    stops.unshift(() => prom2.stop());
    await p.api('POST', '/teams/obs/notifications', { url: `http://127.0.0.1:${hookPort}/team` });
    await p.api('PUT', '/teams/obs/apps/web/alerts', { errorRatio: { threshold: 0.5, minRequests: 10 } });
    const direct4: number[] = [];
    const yb4: number[] = [];
    for (let i = 0; i < 3; i++) {
      got.length = 0;
      const started = performance.now();
      let sending = true;
      const sender = (async () => { while (sending) { await statusOf(onPort, app.defaultDomain, '/status/500'); await new Promise((r) => setTimeout(r, 50)); } })();
      const firing = (path: string) => got.find((g) => g.path === path && g.body.includes('firing'));
      await until(async () => firing('/direct') && firing('/team'), 120_000, 20);
      sending = false;
      await sender;
      direct4.push(firing('/direct')!.at - started);
      yb4.push(firing('/team')!.at - started);
      // Resolved before the next round (the 15 s window empties of 5xx).
      await until(async () => got.some((g) => g.path === '/team' && g.body.includes('resolved')), 120_000, 100);
    }
    out('\nan alert: the first 5xx answer → the team\'s webhook, 3 times (Prometheus scrapes and evaluates every 5 s)');
    out(`  Alertmanager posting straight to a receiver                      p50 ${ms(percentile(direct4, 50))}`);
    out(`  through Yunbang: receiver, app event, notification job, delivery  p50 ${ms(percentile(yb4, 50))}   ratio ${(percentile(yb4, 50) / percentile(direct4, 50)).toFixed(2)}×  (target ≤ one evaluation + 5 s after the rule fires)`);
  } finally {
    for (const s of stops) await s().catch(() => {});
  }
}
