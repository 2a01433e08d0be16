import type { Server } from 'node:http';
import { ConfigError, loadConfig } from '../src/config.js';
import { createServer } from '../src/http/server.js';
import { log } from '../src/log.js';
import { connect, type Platform } from '../src/platform.js';
import { DowngradeError, migrate } from '../src/db/migrate.js';
import { buildSettings, renderSettings } from '../src/settings.js';
import { StatusHub } from '../src/status-hub.js';
import { TokenCache } from '../src/auth/token-cache.js';
import { schema } from '../schema/index.js';
import { startWorker, type Worker } from '../jobs/worker.js';

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

export interface Running { platform: Platform; server?: Server; stop(): Promise<void> }

export async function run(roles: Role[], env: NodeJS.ProcessEnv = process.env): Promise<Running> {
  const config = loadConfig(env);
  if (env.LOG_LEVEL) log.level = env.LOG_LEVEL;
  const platform = await connect(config, { supervise: roles.includes('worker') });
  let server: Server | undefined;
  let draining = false;
  let hub: StatusHub | undefined;
  if (roles.includes('api')) {
    const tokens = new TokenCache(config.YUNBANG_TOKEN_CACHE_SECONDS * 1000);
    hub = new StatusHub(config.DATABASE_URL, tokens);
    await hub.start();
    platform.deps.statusHub = hub;
    platform.deps.tokenCache = tokens;
    const app = createServer({ schema, deps: platform.deps, adminToken: config.YUNBANG_ADMIN_TOKEN, probes: platform.probes, maxBody: config.YUNBANG_MAX_BODY, sessionHours: config.YUNBANG_SESSION_HOURS, draining: () => draining });
    server = await new Promise<Server>((resolve) => { const s = app.listen(config.PORT, config.HOST, () => resolve(s)); });
    log.info({ port: config.PORT }, 'api listening');
  }
  let worker: Worker | undefined;
  if (roles.includes('worker')) {
    worker = await startWorker({
      databaseUrl: config.DATABASE_URL, db: platform.db, boss: platform.boss, etcd: platform.etcd, kube: platform.kube,
      settings: renderSettings(config), build: buildSettings(config), secretKey: config.YUNBANG_SECRET_KEY, gatewayKey: config.YUNBANG_GATEWAY_KEY ?? null, concurrency: config.YUNBANG_WORKER_CONCURRENCY, resyncSeconds: config.YUNBANG_RESYNC_SECONDS,
      clusters: config.YUNBANG_WORKER_CLUSTERS, probeSeconds: config.YUNBANG_CLUSTER_PROBE_SECONDS, clusterTimeoutMs: config.YUNBANG_CLUSTER_TIMEOUT_SECONDS * 1000,
      moveTimeoutSeconds: config.YUNBANG_MOVE_TIMEOUT_SECONDS, jobTimeoutSeconds: config.YUNBANG_JOB_TIMEOUT_SECONDS,
    });
    log.info({ concurrency: config.YUNBANG_WORKER_CONCURRENCY }, 'worker started');
  }
  return {
    platform, server,
    stop: async () => {
      if (server) await drain(server, config.YUNBANG_DRAIN_SECONDS, () => { draining = true; });
      await worker?.stop();
      await hub?.stop();
      await platform.close();
    },
  };
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
