import { createServer as createHttpServer, type Server } from 'node:http';
import { ConfigError, loadConfig } from '../src/config.js';
import { createServer } from '../src/http/server.js';
import { log } from '../src/log.js';
import { registry } from '../src/metrics.js';
import { parseAllowList } from '../src/net/git-guard.js';
import { connect, type Platform } from '../src/platform.js';
import { DowngradeError, migrate } from '../src/db/migrate.js';
import { buildSettings, renderSettings } from '../src/settings.js';
import { StatusHub } from '../src/status-hub.js';
import { TokenCache } from '../src/auth/token-cache.js';
import { schema } from '../schema/index.js';
import { startWorker, type Worker } from '../jobs/worker.js';
import { presentsToken } from '../src/http/monitoring.js';
import { startExternalMetrics, type ExternalMetricsServer } from '../src/http/external-metrics.js';

/**
 * The platform's process, and its one composition root: it wires src/ (config, the database, the
 * HTTP server), schema/ (the GraphQL schema the server is handed) and jobs/ (the worker), so that
 * those folders never import each other upwards. (The gateway's process is gateway/main.ts.)
 *
 * Production entry point: `api` serves GraphQL and REST, `worker` runs the jobs, `migrate` brings
 * the database schema up to date and exits (the api and the worker also do at start, under the
 * same lock). Configured only by environment variables (see src/config.ts and the README).
 */
export type Role = 'api' | 'worker';

export interface Running { platform: Platform; server?: Server; externalMetrics?: ExternalMetricsServer; stop(): Promise<void> }

export async function run(roles: Role[], env: NodeJS.ProcessEnv = process.env): Promise<Running> {
  const config = loadConfig(env);
  if (env.LOG_LEVEL) log.level = env.LOG_LEVEL;
  const platform = await connect(config, { supervise: roles.includes('worker') });
  let server: Server | undefined;
  let draining = false;
  let hub: StatusHub | undefined;
  let externalMetrics: ExternalMetricsServer | undefined;
  if (roles.includes('api')) {
    const tokens = new TokenCache(config.YUNBANG_TOKEN_CACHE_SECONDS * 1000);
    hub = new StatusHub(config.DATABASE_URL, tokens);
    await hub.start();
    platform.deps.statusHub = hub;
    platform.deps.tokenCache = tokens;
    const app = createServer({ schema, deps: platform.deps, adminToken: config.YUNBANG_ADMIN_TOKEN, monitoringToken: config.YUNBANG_MONITORING_TOKEN, clusterName: config.YUNBANG_CLUSTER_NAME, probes: platform.probes, maxBody: config.YUNBANG_MAX_BODY, sessionHours: config.YUNBANG_SESSION_HOURS, draining: () => draining });
    server = await new Promise<Server>((resolve) => { const s = app.listen(config.PORT, config.HOST, () => resolve(s)); });
    log.info({ port: config.PORT }, 'api listening');
    externalMetrics = await serveExternalMetrics(config, platform);
  }
  let worker: Worker | undefined;
  let metricsServer: Server | undefined;
  if (roles.includes('worker')) {
    worker = await startWorker({
      databaseUrl: config.DATABASE_URL, db: platform.db, boss: platform.boss, etcd: platform.etcd, kube: platform.kube,
      settings: renderSettings(config), build: buildSettings(config), secretKey: config.YUNBANG_SECRET_KEY, gatewayKey: config.YUNBANG_GATEWAY_KEY ?? null, concurrency: config.YUNBANG_WORKER_CONCURRENCY, resyncSeconds: config.YUNBANG_RESYNC_SECONDS,
      clusters: config.YUNBANG_WORKER_CLUSTERS, probeSeconds: config.YUNBANG_CLUSTER_PROBE_SECONDS, clusterTimeoutMs: config.YUNBANG_CLUSTER_TIMEOUT_SECONDS * 1000,
      moveTimeoutSeconds: config.YUNBANG_MOVE_TIMEOUT_SECONDS, jobTimeoutSeconds: config.YUNBANG_JOB_TIMEOUT_SECONDS,
      logs: config.YUNBANG_LOG_COLLECTION ? { retention: { days: config.YUNBANG_LOG_RETENTION_DAYS, megabytes: config.YUNBANG_LOG_RETENTION_MB } } : undefined,
      outboundAllow: parseAllowList(config.YUNBANG_OUTBOUND_ALLOWED_HOSTS),
    });
    log.info({ concurrency: config.YUNBANG_WORKER_CONCURRENCY }, 'worker started');
    // A worker on its own has no API to serve /metrics from: Prometheus scrapes it here.
    if (!server) metricsServer = await serveMetrics(config.YUNBANG_METRICS_PORT, config.HOST, config.YUNBANG_MONITORING_TOKEN);
  }
  return {
    platform, server, externalMetrics,
    stop: async () => {
      if (server) await drain(server, config.YUNBANG_DRAIN_SECONDS, () => { draining = true; });
      await externalMetrics?.stop();
      await worker?.stop();
      await new Promise((r) => (metricsServer ? metricsServer.close(r) : r(undefined)));
      await hub?.stop();
      await platform.close();
    },
  };
}

/**
 * The external metrics API for the cluster the API runs in (its HPAs' request targets), when
 * YUNBANG_EXTERNAL_METRICS_LISTEN asks for it. A cluster that cannot vouch for its front proxy
 * leaves it unserved, said in the log: request targets are then refused at the time they are set.
 */
async function serveExternalMetrics(config: ReturnType<typeof loadConfig>, platform: Platform): Promise<ExternalMetricsServer | undefined> {
  const listen = config.YUNBANG_EXTERNAL_METRICS_LISTEN;
  const metrics = platform.deps.metrics;
  if (!listen) return undefined;
  if (!metrics) { log.warn('YUNBANG_EXTERNAL_METRICS_LISTEN is set but YUNBANG_PROMETHEUS_URL is not: no external metrics served'); return undefined; }
  try {
    const s = await startExternalMetrics({
      host: listen.host, port: listen.port, kube: platform.apiKube.config, db: platform.db,
      prometheus: metrics.prometheus, rateSeconds: Math.max(30, metrics.scrapeSeconds * 4),
      dnsNames: ['yunbang-api', 'yunbang-api.yunbang-system.svc'],
      onError: (err) => log.warn({ error: err.message }, 'external metrics: could not answer'),
    });
    log.info({ port: s.port }, 'external metrics (external.metrics.k8s.io) served');
    return s;
  } catch (err) {
    log.error({ error: (err as Error).message }, 'external metrics not served');
    return undefined;
  }
}

/** This process's Prometheus metrics alone, for a worker that serves no API (behind the monitoring token, as the API's). */
async function serveMetrics(port: number, host: string, token: string | undefined): Promise<Server> {
  const s = createHttpServer((req, res) => {
    if (req.url !== '/metrics') { res.writeHead(404).end(); return; }
    if (token && !presentsToken(token, req.headers.authorization)) { res.writeHead(401).end(); return; }
    registry.metrics().then((text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text), () => res.writeHead(500).end());
  });
  await new Promise<void>((resolve, reject) => { s.once('error', reject); s.listen(port, host, () => resolve()); });
  log.info({ port }, 'metrics served at /metrics');
  return s;
}

/**
 * Stops the API without failing a request: it says it is not ready and goes on serving for
 * `seconds` (load balancers take it out meanwhile), then stops accepting, closes idle kept-alive
 * connections and asks busy ones to close after their response, waits for what is in flight (up to
 * 20 s), and only then cuts what is left (long polls, event streams).
 */
async function drain(server: Server, seconds: number, markDraining: () => void): Promise<void> {
  markDraining();
  if (seconds > 0) {
    log.info({ seconds }, 'draining: not ready, still serving');
    await new Promise((r) => setTimeout(r, seconds * 1000));
  }
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const cut = setTimeout(() => server.closeAllConnections(), 20_000);
  await closed;
  clearTimeout(cut);
}

const isEntry = import.meta.url === `file://${process.argv[1]}`;
if (isEntry) {
  const role = process.argv[2];
  const failed = (err: unknown) => {
    if (err instanceof ConfigError || err instanceof DowngradeError) process.stderr.write(`${err.message}\n`);
    else log.fatal({ err }, 'failed to start');
    process.exit(1);
  };
  if (role === 'migrate') {
    // Only the database is needed: a Job or an init container runs this before the roles roll.
    const url = process.env.DATABASE_URL;
    if (!url) failed(new ConfigError(['DATABASE_URL: required but not set']));
    else migrate(url).then(() => { log.info('database schema up to date'); process.exit(0); }, failed);
  } else if (role !== 'api' && role !== 'worker') {
    process.stderr.write('usage: main.ts api|worker|migrate\n');
    process.exit(2);
  } else {
    run([role]).then((r) => {
      const shutdown = () => { r.stop().then(() => process.exit(0), () => process.exit(1)); };
      process.on('SIGTERM', shutdown);
      process.on('SIGINT', shutdown);
    }, failed);
  }
}
