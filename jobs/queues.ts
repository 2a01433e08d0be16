import type PgBoss from 'pg-boss';
import { onCommit, type Queryable } from '../src/db/pool.js';

/**
 * Queue names and payloads. Payloads carry only identifiers: a job always reads the latest
 * intent from Postgres, so queued jobs for one subject can be coalesced and retried safely.
 */
export const QUEUES = {
  reconcileApp: 'app-reconcile',
  reconcileTeam: 'team-reconcile',
  advanceBuild: 'build-advance',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface ReconcileAppJob { appId: string }
export interface ReconcileTeamJob { teamId: string }
export interface AdvanceBuildJob { buildId: string }

/** Postgres channel that workers LISTEN on; NOTIFY inside the enqueuing transaction is delivered on commit only. */
export const JOBS_CHANNEL = 'yunbang_jobs';

/**
 * `stately` keeps at most one queued and one active job per singletonKey, so a burst of changes
 * to one app leaves one pending reconcile. Retries back off exponentially.
 */
export async function createQueues(boss: PgBoss, opts: { timeoutSeconds: number }): Promise<void> {
  for (const name of Object.values(QUEUES)) {
    // A job whose worker died stays active until it expires; then pg-boss retries it.
    const options = { name, policy: 'stately' as const, retryLimit: 20, retryDelay: 2, retryBackoff: true, expireInSeconds: opts.timeoutSeconds };
    await boss.createQueue(name, options);
    await boss.updateQueue(name, options); // createQueue leaves an existing queue as it was
  }
}

/**
 * Enqueues inside the caller's transaction: the job exists if and only if the transaction commits.
 * Then, once it has committed, sends again: `stately` drops the first send when a job for the key
 * is already queued, and that job may start before this transaction commits and read the old
 * intent. A job queued after the commit always reads the new one (and is dropped in turn only if
 * a job that has not started yet is queued, which will).
 */
export async function enqueue(boss: PgBoss, tx: Queryable, queue: QueueName, data: ReconcileAppJob | ReconcileTeamJob | AdvanceBuildJob, key: string): Promise<void> {
  const db = { executeSql: (text: string, values: unknown[]) => tx.query(text, values) };
  await boss.send(queue, data as object, { singletonKey: key, db });
  await tx.query(`SELECT pg_notify($1, $2)`, [JOBS_CHANNEL, queue]);
  onCommit(tx, () => boss.send(queue, data as object, { singletonKey: key }));
}
