import type { BuildSettings } from '../src/settings.js';
import pg from 'pg';
import type PgBoss from 'pg-boss';
import type { Etcd3 } from 'etcd3';
import type { Db } from '../src/db/pool.js';
import type { Kube } from '../src/kube.js';
import { log } from '../src/log.js';
import { jobDuration, jobRuns } from '../src/metrics.js';
import type { RenderSettings } from '../k8s/types.js';
import { JOBS_CHANNEL, QUEUES, enqueue, type AdvanceBuildJob, type QueueName, type ReconcileAppJob, type ReconcileTeamJob } from './queues.js';
import { advanceBuild } from './build.js';
import { reconcileApp } from './reconcile-app.js';
import { reconcileTeam } from './reconcile-team.js';
import { startWatch, type Watch } from './watch.js';
import { enqueueAll, enqueueNow, enqueueRemoteDependents } from './enqueue.js';

export interface WorkerEnv {
  databaseUrl: string;
  db: Db;
  boss: PgBoss;
  etcd: Etcd3;
  kube: Kube;
  settings: RenderSettings;
  build: BuildSettings;
  secretKey?: string;
  concurrency: number;
  resyncSeconds: number;
}

export interface Worker { stop(): Promise<void> }

/** Wraps a handler with a log line and metrics per job. */
function instrumented<T>(queue: QueueName, handle: (data: T) => Promise<unknown>) {
  return async ([job]: PgBoss.Job<T>[]) => {
    const end = jobDuration.startTimer({ queue });
    try {
      const output = await handle(job!.data);
      jobRuns.inc({ queue, outcome: 'completed' });
      log.info({ queue, jobId: job!.id, output }, 'job completed');
      return output;
    } catch (err) {
      jobRuns.inc({ queue, outcome: 'failed' });
      log.warn({ queue, jobId: job!.id, error: (err as Error).message }, 'job failed; pg-boss will retry');
      throw err;
    } finally {
      end();
    }
  };
}

/**
 * The worker: reconcile handlers (several in parallel; pg-boss keeps one active job per app),
 * immediate pick-up through LISTEN on the channel intents NOTIFY on commit, a watch that turns
 * cluster changes into reconciles, and a periodic resync of everything.
 */
export async function startWorker(env: WorkerEnv): Promise<Worker> {
  const rEnv = { db: env.db, etcd: env.etcd, kube: env.kube, settings: env.settings };
  const workerIds = new Map<string, string[]>();
  const options = { batchSize: 1, pollingIntervalSeconds: 2 };
  for (const [queue, handler] of [
    [QUEUES.reconcileApp, instrumented<ReconcileAppJob>(QUEUES.reconcileApp, async (d) => {
      const out = await reconcileApp(rEnv, d.appId);
      if (out.results.some((r) => r.kind === 'Secret' && r.action === 'created')) {
        await enqueueRemoteDependents(env.db, env.boss, d.appId);
      }
      return out;
    })],
    [QUEUES.reconcileTeam, instrumented<ReconcileTeamJob>(QUEUES.reconcileTeam, (d) => reconcileTeam(rEnv, d.teamId))],
    [QUEUES.advanceBuild, instrumented<AdvanceBuildJob>(QUEUES.advanceBuild, (d) => advanceBuild({ ...rEnv, boss: env.boss, build: env.build, secretKey: env.secretKey }, d.buildId))],
  ] as const) {
    const ids: string[] = [];
    for (let i = 0; i < env.concurrency; i++) ids.push(await env.boss.work(queue, options, handler as PgBoss.WorkHandler<unknown>));
    workerIds.set(queue, ids);
  }

  // LISTEN on a dedicated connection: Postgres delivers the intent's NOTIFY only once it commits.
  // If the connection is lost (the database restarts), polling goes on and we listen again.
  let listener: pg.Client | undefined;
  let stopping = false;
  const listen = async (delayMs = 1000): Promise<void> => {
    const client = new pg.Client({ connectionString: env.databaseUrl });
    client.on('notification', (n) => { for (const id of workerIds.get(n.payload ?? '') ?? []) env.boss.notifyWorker(id); });
    client.on('error', (err) => {
      if (stopping || listener !== client) return;
      log.warn({ error: err.message }, 'job listener connection lost; polling goes on, listening again');
      listener = undefined;
      setTimeout(() => { void listen(); }, delayMs).unref();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${JOBS_CHANNEL}`);
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

  const watch: Watch = await startWatch(env.kube.config, ({ team, app, buildId }) => {
    const done = buildId
      ? enqueue(env.boss, env.db, QUEUES.advanceBuild, { buildId }, buildId)
      : enqueueNow(env.db, env.boss, team, app);
    done.catch((err) => log.warn({ error: (err as Error).message }, 'watch could not enqueue'));
  });

  const resyncNow = () => {
    enqueueAll(env.db, env.boss).then((n) => log.info({ apps: n }, 'resync enqueued'), (err) => log.warn({ error: (err as Error).message }, 'resync failed'));
  };
  resyncNow(); // at start too: the cluster may have changed while no worker ran
  const resync = setInterval(resyncNow, env.resyncSeconds * 1000);
  resync.unref();

  return {
    stop: async () => {
      clearInterval(resync);
      await watch.stop();
      // The handlers themselves are stopped by boss.stop({ graceful }), which waits for jobs in flight.
      stopping = true;
      await listener?.end().catch(() => {});
    },
  };
}
