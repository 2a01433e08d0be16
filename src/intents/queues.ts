import type PgBoss from 'pg-boss';
import { onCommit, type Queryable } from '../db/pool.js';

/**
 * Queue names and payloads. Payloads carry only identifiers: a job always reads the latest
 * intent from Postgres, so queued jobs for one subject can be coalesced and retried safely.
 */
export const QUEUES = {
  reconcileApp: 'app-reconcile',
  reconcileTeam: 'team-reconcile',
  advanceBuild: 'build-advance',
  advanceRun: 'run-advance',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface ReconcileAppJob { appId: string }
export interface ReconcileTeamJob { teamId: string }
export interface AdvanceBuildJob { buildId: string }
export interface AdvanceRunJob { runId: string }

/** Postgres channel that workers LISTEN on; NOTIFY inside the enqueuing transaction is delivered on commit only. */
export const JOBS_CHANNEL = 'yunbang_jobs';

/**
 * Jobs run in a cluster, so each cluster has its own queues (`app-reconcile.<cluster>`, ...): a
 * worker serving some clusters (YUNBANG_WORKER_CLUSTERS, e.g. one inside each cluster's network)
 * subscribes to theirs only, and pauses one cluster's queues while that cluster is unreachable
 * without holding up the others. pg-boss fetches by queue name and nothing else, so a routing
 * column could not keep a worker from taking another cluster's job. Payloads still carry only
 * the subject: the queue says where, the latest intent says what.
 */
export const queueIn = (base: QueueName, cluster: string) => `${base}.${cluster}`;

/** A queued job's cluster and base queue, from its queue name. */
export function parseQueue(name: string): { base: QueueName; cluster: string } | undefined {
  const dot = name.indexOf('.');
  const base = name.slice(0, dot) as QueueName;
  return dot > 0 && Object.values(QUEUES).includes(base) ? { base, cluster: name.slice(dot + 1) } : undefined;
}

/**
 * `stately` keeps at most one queued and one active job per singletonKey, so a burst of changes
 * to one app leaves one pending reconcile. Retries back off exponentially.
 */
export async function createClusterQueues(boss: PgBoss, cluster: string, timeoutSeconds: number): Promise<void> {
  for (const base of Object.values(QUEUES)) {
    const name = queueIn(base, cluster);
    // A job whose worker died stays active until it expires; then pg-boss retries it.
    const options = { name, policy: 'stately' as const, retryLimit: 20, retryDelay: 2, retryBackoff: true, expireInSeconds: timeoutSeconds };
    await boss.createQueue(name, options);
    await boss.updateQueue(name, options); // createQueue leaves an existing queue as it was
  }
}

/** The queues of every registered cluster. */
export async function createQueues(boss: PgBoss, db: Queryable, opts: { timeoutSeconds: number }): Promise<void> {
  const { rows } = await db.query<{ name: string }>('SELECT name FROM clusters ORDER BY name');
  for (const { name } of rows) await createClusterQueues(boss, name, opts.timeoutSeconds);
}

type Payload = ReconcileAppJob | ReconcileTeamJob | AdvanceBuildJob | AdvanceRunJob;

/** The clusters a job concerns: an app's (and while it moves, its target's too), a team's allowed ones, a build's app's. */
async function clustersOf(tx: Queryable, base: QueueName, data: Payload): Promise<string[]> {
  const sql = base === QUEUES.reconcileApp
    ? `SELECT c.name FROM apps a JOIN clusters c ON c.id IN (a.cluster_id, a.moving_to) WHERE a.id = $1`
    : base === QUEUES.reconcileTeam
      ? `SELECT c.name FROM team_clusters tc JOIN clusters c ON c.id = tc.cluster_id WHERE tc.team_id = $1`
      : base === QUEUES.advanceRun
        ? `SELECT c.name FROM runs r JOIN apps a ON a.id = r.app_id JOIN clusters c ON c.id = a.cluster_id WHERE r.id = $1`
        : `SELECT c.name FROM builds b JOIN apps a ON a.id = b.app_id JOIN clusters c ON c.id = a.cluster_id WHERE b.id = $1`;
  const id = 'appId' in data ? data.appId : 'teamId' in data ? data.teamId : 'runId' in data ? data.runId : data.buildId;
  return (await tx.query<{ name: string }>(sql, [id])).rows.map((r) => r.name);
}

/**
 * Enqueues inside the caller's transaction, in the queue of each cluster the job concerns (or of
 * those given): the job exists if and only if the transaction commits. Then, once it has
 * committed, sends again: `stately` drops the first send when a job for the key is already
 * queued, and that job may start before this transaction commits and read the old intent. A job
 * queued after the commit always reads the new one (and is dropped in turn only if a job that
 * has not started yet is queued, which will).
 */
export async function enqueue(boss: PgBoss, tx: Queryable, base: QueueName, data: Payload, key: string, clusters?: string[]): Promise<void> {
  const db = { executeSql: (text: string, values: unknown[]) => tx.query(text, values) };
  for (const cluster of clusters ?? await clustersOf(tx, base, data)) {
    const queue = queueIn(base, cluster);
    await boss.send(queue, data as object, { singletonKey: key, db });
    await tx.query(`SELECT pg_notify($1, $2)`, [JOBS_CHANNEL, queue]);
    onCommit(tx, () => boss.send(queue, data as object, { singletonKey: key }));
  }
}

/**
 * Notifications of alerts: one queue for the platform (a webhook is not in any cluster), a job per
 * alert event and team webhook, retried with backoff for about an hour (2 s doubling, 11 tries).
 */
export const NOTIFY_QUEUE = 'alert-notify';
export interface NotifyJob { alertEventId: string; notificationId: string }

export async function createNotifyQueue(boss: PgBoss): Promise<void> {
  const options = { name: NOTIFY_QUEUE, retryLimit: 11, retryDelay: 2, retryBackoff: true, expireInSeconds: 60 };
  await boss.createQueue(NOTIFY_QUEUE, options);
  await boss.updateQueue(NOTIFY_QUEUE, options);
}

/** Enqueues a notification inside the caller's transaction: it exists if and only if the alert event does. */
export async function enqueueNotify(boss: PgBoss, tx: Queryable, job: NotifyJob): Promise<void> {
  await boss.send(NOTIFY_QUEUE, job, { db: { executeSql: (text: string, values: unknown[]) => tx.query(text, values) } });
  await tx.query('SELECT pg_notify($1, $2)', [JOBS_CHANNEL, NOTIFY_QUEUE]);
}
