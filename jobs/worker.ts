import type { BuildSettings } from '../src/settings.js';
import pg from 'pg';
import type * as k8s from '@kubernetes/client-node';
import type PgBoss from 'pg-boss';
import type { Etcd3 } from 'etcd3';
import type { Db } from '../src/db/pool.js';
import type { Kube } from '../src/kube.js';
import { log } from '../src/log.js';
import { jobDuration, jobRuns } from '../src/metrics.js';
import { ClusterClients, type ClusterConn } from '../src/clusters/clients.js';
import type { RenderSettings } from '../k8s/types.js';
import { JOBS_CHANNEL, NOTIFY_QUEUE, QUEUES, createClusterQueues, enqueue, queueIn, type NotifyJob, type AdvanceBuildJob, type AdvanceRunJob, type QueueName, type ReconcileAppJob, type ReconcileTeamJob } from '../src/intents/queues.js';
import { advanceBuild } from './build.js';
import { advanceRun } from './run.js';
import { reconcileApp, type ReconcileEnv } from './reconcile-app.js';
import { reconcileTeam } from './reconcile-team.js';
import { changeNotifier, type Notifier } from './watch.js';
import { ClusterCache } from './cache/cluster-cache.js';
import { cachedReader } from './cache/live.js';
import { enqueueActiveBuilds, enqueueCluster, enqueueNow, enqueueRemoteDependents, enqueueTeamNow } from './enqueue.js';
import { claimResync, planResync } from './resync.js';
import { ClusterProbe } from './cluster-probe.js';
import { reportApps, reportThresholds, sampleApps } from './app-metrics.js';
import { deliverNotification } from './notify.js';
import { startLogCollector, type Collector } from './logs/collector.js';
import { startRetention } from './logs/retention.js';
import type { RetentionDefaults } from '../src/logs/store.js';
import { DrainRouter } from './logs/drains.js';
import type { AllowList } from '../src/net/git-guard.js';
import { startSleeper } from './sleep.js';

export interface WorkerEnv {
  databaseUrl: string;
  db: Db;
  boss: PgBoss;
  /** The platform's etcd: records of apps in clusters without an etcd of their own. */
  etcd: Etcd3;
  /** The clients of the cluster this process's own KUBECONFIG names. */
  kube: Kube;
  settings: RenderSettings;
  build: BuildSettings;
  secretKey: string;
  concurrency: number;
  resyncSeconds: number;
  /** The clusters this worker serves (YUNBANG_WORKER_CLUSTERS); empty: all. */
  clusters?: string[];
  probeSeconds?: number;
  /** How often idle apps that may sleep are put to sleep (scale to zero, jobs/sleep.ts); default 30. */
  sleepCheckSeconds?: number;
  clusterTimeoutMs?: number;
  moveTimeoutSeconds?: number;
  /** Seals apps' TLS Secrets copied to etcd for the gateways (YUNBANG_GATEWAY_KEY); null: not copied. */
  gatewayKey?: string | null;
  jobTimeoutSeconds?: number;
  /** Apps' log lines kept (YUNBANG_LOG_COLLECTION), with the retention of teams that set none, and sent to their drains. */
  logs?: { retention: RetentionDefaults };
  /** Hosts on internal networks that log drains and alert webhooks may reach, besides public ones (YUNBANG_OUTBOUND_ALLOWED_HOSTS). */
  outboundAllow?: AllowList;
}

export interface Worker { stop(): Promise<void> }

/** Wraps a handler with a log line and metrics per job. */
function instrumented<T>(queue: QueueName, cluster: string, handle: (data: T) => Promise<unknown>) {
  return async ([job]: PgBoss.Job<T>[]) => {
    const end = jobDuration.startTimer({ queue });
    try {
      const output = await handle(job!.data);
      jobRuns.inc({ queue, outcome: 'completed' });
      log.info({ queue, cluster, jobId: job!.id, output }, 'job completed');
      return output;
    } catch (err) {
      jobRuns.inc({ queue, outcome: 'failed' });
      log.warn({ queue, cluster, jobId: job!.id, error: (err as Error).message }, 'job failed; pg-boss will retry');
      throw err;
    } finally {
      end();
    }
  };
}

/** What the worker holds for one cluster it serves. */
interface Served {
  conn: ClusterConn;
  /** The watch cache reconciles read from; its events trigger them. */
  cache: ClusterCache;
  /** Settles once the cache's first lists are in (or failed). */
  started: Promise<void>;
  changes: Notifier;
  /** False while the cluster is unreachable: its queues are not worked (its jobs wait, not fail). */
  working: boolean;
  /** Keeps its apps' log lines (when the worker keeps logs). */
  logs?: Collector;
}

/**
 * The worker: per cluster it serves, reconcile handlers on the cluster's own queues (several in
 * parallel; pg-boss keeps one active job per app and queue), a watch that turns the cluster's
 * changes into reconciles, and a probe that marks the cluster unreachable (pausing its queues and
 * marking its apps Unknown) and reachable again (resuming and resyncing it). One cluster's trouble
 * never holds up another's jobs. Immediate pick-up comes through LISTEN on the channel intents
 * NOTIFY on commit; a periodic resync compares everything against the watch cache and enqueues
 * what differs.
 */
export async function startWorker(env: WorkerEnv): Promise<Worker> {
  const clients = new ClusterClients({ db: env.db, secretKey: env.secretKey, identity: 'worker', envKube: env.kube, etcd: env.etcd });
  const served = new Map<string, Served>();
  const outboundAllow: AllowList = env.outboundAllow ?? { names: new Set(), ranges: [] };
  const drains = env.logs ? new DrainRouter(env.db, outboundAllow) : undefined;
  const workerIds = new Map<string, string[]>();
  const options = { batchSize: 1, pollingIntervalSeconds: 2 };
  let stopping = false;

  const settingsFor = (conn: ClusterConn) => ({ ...env.settings, appsDomain: conn.cluster.appsDomain });
  const envFor = (conn: ClusterConn, cache: ClusterCache): ReconcileEnv => ({
    db: env.db, etcd: conn.etcd, kube: conn.kube!, boss: env.boss, moveTimeoutSeconds: env.moveTimeoutSeconds ?? 300, live: cachedReader(cache, conn.kube!),
    settings: settingsFor(conn), gatewayKey: env.gatewayKey ?? null,
    cluster: { id: conn.cluster.id, name: conn.cluster.name, etcdEndpoints: conn.cluster.etcdEndpoints },
  });

  const work = async (s: Served): Promise<void> => {
    const conn = s.conn;
    const name = conn.cluster.name;
    const rEnv = envFor(conn, s.cache);
    for (const [queue, handler] of [
      [QUEUES.reconcileApp, instrumented<ReconcileAppJob>(QUEUES.reconcileApp, name, async (d) => {
        const out = await reconcileApp(rEnv, d.appId);
        if (out.results.some((r) => r.kind === 'Secret' && r.action === 'created')) {
          await enqueueRemoteDependents(env.db, env.boss, d.appId);
        }
        return out;
      })],
      [QUEUES.reconcileTeam, instrumented<ReconcileTeamJob>(QUEUES.reconcileTeam, name, (d) => reconcileTeam({ ...rEnv, clusterId: conn.cluster.id }, d.teamId))],
      [QUEUES.advanceBuild, instrumented<AdvanceBuildJob>(QUEUES.advanceBuild, name, (d) => advanceBuild({ ...rEnv, boss: env.boss, build: env.build, secretKey: env.secretKey }, d.buildId))],
      [QUEUES.advanceRun, instrumented<AdvanceRunJob>(QUEUES.advanceRun, name, (d) => advanceRun(rEnv, d.runId))],
    ] as const) {
      const ids: string[] = [];
      for (let i = 0; i < env.concurrency; i++) ids.push(await env.boss.work(queueIn(queue, name), options, handler as PgBoss.WorkHandler<unknown>));
      workerIds.set(queueIn(queue, name), ids);
    }
  };
  const unwork = async (name: string): Promise<void> => {
    for (const queue of Object.values(QUEUES)) {
      workerIds.delete(queueIn(queue, name));
      await env.boss.offWork(queueIn(queue, name));
    }
  };

  const serve = async (conn: ClusterConn): Promise<void> => {
    const name = conn.cluster.name;
    if (!conn.kube) { log.warn({ cluster: name }, 'no credentials for this cluster; not serving it'); return; }
    await createClusterQueues(env.boss, name, env.jobTimeoutSeconds ?? 120);
    const changes = changeNotifier(({ team, app, buildId, runId }) => {
      const done = buildId
        ? enqueue(env.boss, env.db, QUEUES.advanceBuild, { buildId }, buildId)
        : runId ? enqueue(env.boss, env.db, QUEUES.advanceRun, { runId }, runId)
        : app ? enqueueNow(env.db, env.boss, team, app) : enqueueTeamNow(env.db, env.boss, team, name);
      done.catch((err) => log.warn({ cluster: name, error: (err as Error).message }, 'watch could not enqueue'));
    });
    const cache = new ClusterCache(conn.kube.config, (_type, obj) => changes.notify(obj), name);
    const s: Served = { conn, cache, changes, started: cache.start(), working: true };
    served.set(name, s);
    if (env.logs) {
      s.logs = startLogCollector({ db: env.db, databaseUrl: env.databaseUrl, kc: conn.kube.config, cluster: name, pods: () => cache.all('Pod') as k8s.V1Pod[], onLine: (l) => drains?.send(l) });
    }
    // The first lists go before the handlers, so the first reconciles already read the cache; but
    // an unreachable cluster (its lists hang) must not hold up the others' serving: wait a bounded
    // time. A kind not listed yet is read from the API server until it is.
    await Promise.race([s.started, new Promise((r) => setTimeout(r, env.clusterTimeoutMs ?? 5000).unref())]);
    await work(s);
    log.info({ cluster: name, cached: cache.sizes }, 'serving cluster');
  };
  const unserve = async (name: string): Promise<void> => {
    const s = served.get(name);
    if (!s) return;
    served.delete(name);
    s.changes.stop();
    s.cache.stop();
    await s.logs?.stop();
    await unwork(name);
  };

  /** Follows the registered clusters: serves new ones, drops removed ones, rebuilds changed ones. */
  let refreshing: Promise<void> = Promise.resolve();
  const refresh = () => {
    refreshing = refreshing.then(async () => {
      if (stopping) return;
      const conns = (await clients.all()).filter((c) => !env.clusters?.length || env.clusters.includes(c.cluster.name));
      const rebuilt: string[] = [];
      for (const name of [...served.keys()]) {
        const now = conns.find((c) => c.cluster.name === name);
        if (!now || now !== served.get(name)!.conn) {
          await unserve(name);
          if (now) rebuilt.push(name);
        }
      }
      for (const conn of conns) if (!served.has(conn.cluster.name)) await serve(conn);
      // What its clients were built from changed (apps domain, etcd, credentials): a reconcile the
      // old handlers picked up meanwhile ran on the old settings, so every app of it goes again.
      // `stately` queues keep a new job behind a still-running one of the same app.
      for (const name of rebuilt) {
        const s = served.get(name);
        if (s) await enqueueCluster(env.db, env.boss, s.conn.cluster.id);
      }
    }).catch((err) => log.warn({ error: (err as Error).message }, 'could not follow the clusters list'));
    return refreshing;
  };
  await refresh();

  const probe = new ClusterProbe({
    db: env.db, timeoutMs: env.clusterTimeoutMs ?? 5000,
    onUnreachable: async (name) => {
      const s = served.get(name);
      if (!s?.working) return;
      s.working = false;
      await unwork(name); // its jobs wait in its queues instead of failing and using up their retries
    },
    onReachable: async (name) => {
      const s = served.get(name);
      if (!s || s.working) return;
      s.working = true;
      await work(s);
      const n = await enqueueCluster(env.db, env.boss, s.conn.cluster.id);
      log.info({ cluster: name, apps: n }, 'cluster reachable again; resyncing its apps');
    },
  });
  const probeAll = () => {
    void refresh().then(() => Promise.all([...served.values()].map((s) => probe.check(s.conn, () => s.cache.all('Pod')))));
  };
  probeAll();
  const probing = setInterval(probeAll, (env.probeSeconds ?? 10) * 1000);
  probing.unref();

  // LISTEN on a dedicated connection: Postgres delivers the intent's NOTIFY only once it commits.
  // If the connection is lost (the database restarts), polling goes on and we listen again.
  let listener: pg.Client | undefined;
  const listen = async (delayMs = 1000): Promise<void> => {
    const client = new pg.Client({ connectionString: env.databaseUrl });
    client.on('notification', (n) => {
      if (n.channel === 'yunbang_clusters') { void refresh(); return; }
      for (const id of workerIds.get(n.payload ?? '') ?? []) env.boss.notifyWorker(id);
    });
    client.on('error', (err) => {
      if (stopping || listener !== client) return;
      log.warn({ error: err.message }, 'job listener connection lost; polling goes on, listening again');
      listener = undefined;
      setTimeout(() => { void listen(); }, delayMs).unref();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${JOBS_CHANNEL}`);
      await client.query('LISTEN yunbang_clusters');
      listener = client;
      // Jobs enqueued while nobody listened: pick them up now rather than at the next poll.
      for (const ids of workerIds.values()) for (const id of ids) env.boss.notifyWorker(id);
    } catch (err) {
      await client.end().catch(() => {});
      if (!stopping) setTimeout(() => { void listen(Math.min(delayMs * 2, 10_000)); }, delayMs).unref();
      if (delayMs === 1000 && !listener) log.warn({ error: (err as Error).message }, 'job listener cannot connect yet; retrying');
    }
  };
  await listen();

  // Alerts' notifications: not a cluster's job; every worker takes them.
  const notifyIds: string[] = [];
  for (let i = 0; i < 2; i++) {
    notifyIds.push(await env.boss.work(NOTIFY_QUEUE, options, instrumented<NotifyJob>(NOTIFY_QUEUE as QueueName, '-', (d) => deliverNotification({ db: env.db, secretKey: env.secretKey, allow: outboundAllow }, d)) as PgBoss.WorkHandler<unknown>));
  }
  workerIds.set(NOTIFY_QUEUE, notifyIds);

  /**
   * The periodic resync of one cluster (jobs/resync.ts): everything compared against the watch
   * cache, only what differs enqueued. One worker per period does it (claimResync), unless forced
   * (at start: the cluster may have changed while no worker ran). An incomplete cache (a kind
   * cannot be listed) falls back to enqueueing every app of the cluster.
   */
  const resyncCluster = async (s: Served, force: boolean): Promise<void> => {
    const { cluster } = s.conn;
    if (stopping || !s.working || !served.has(cluster.name)) return; // an unreachable cluster is resynced when it is back
    if (!force && !await claimResync(env.db, cluster.id, env.resyncSeconds)) return;
    const t0 = performance.now();
    const plan = await planResync({ db: env.db, etcd: s.conn.etcd, cache: s.cache, settings: settingsFor(s.conn), cluster });
    if (!plan) {
      const n = await enqueueCluster(env.db, env.boss, cluster.id);
      log.info({ cluster: cluster.name, apps: n }, 'resync: the cache is incomplete; every app enqueued');
      return;
    }
    for (const id of plan.apps) await enqueue(env.boss, env.db, QUEUES.reconcileApp, { appId: id }, id, [cluster.name]);
    for (const id of plan.teams) await enqueue(env.boss, env.db, QUEUES.reconcileTeam, { teamId: id }, id, [cluster.name]);
    log.info({ cluster: cluster.name, compared: plan.compared, apps: plan.apps.length, teams: plan.teams.length, reasons: plan.reasons, ms: Math.round(performance.now() - t0) },
      'resync: compared against the cache');
  };
  const resyncNow = (force: boolean) => {
    for (const s of served.values()) {
      void s.started.then(() => resyncCluster(s, force)).catch((err) => log.warn({ cluster: s.conn.cluster.name, error: (err as Error).message }, 'resync failed'));
    }
    enqueueActiveBuilds(env.db, env.boss).catch((err) => log.warn({ error: (err as Error).message }, 'resync of builds failed'));
  };
  resyncNow(true);
  const retention = env.logs ? startRetention(env.db, env.logs.retention) : undefined;
  const unthreshold = reportThresholds(env.db);
  const unreport = reportApps(() => [...served.values()].map(({ cache }) => sampleApps(cache.all('Pod'), [...cache.all('Deployment'), ...cache.all('StatefulSet')])));
  const resync = setInterval(() => resyncNow(false), env.resyncSeconds * 1000);
  resync.unref();
  // Scale to zero: wake requests from the gateways (the platform's etcd), idle apps put to sleep.
  const sleeper = await startSleeper({ db: env.db, etcd: env.etcd, boss: env.boss }, env.sleepCheckSeconds ?? 30);

  return {
    stop: async () => {
      stopping = true;
      unreport();
      unthreshold();
      clearInterval(resync);
      clearInterval(probing);
      await sleeper.stop();
      await refreshing;
      retention?.stop();
      drains?.stop();
      for (const s of served.values()) { s.changes.stop(); s.cache.stop(); await s.logs?.stop(); }
      // The handlers themselves are stopped by boss.stop({ graceful }), which waits for jobs in flight.
      await listener?.end().catch(() => {});
      clients.close();
    },
  };
}
