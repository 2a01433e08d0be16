import { withTx } from '../src/db/pool.js';
import { recordEvent } from '../src/intents/audit.js';
import { publishApp, type AppRecord } from '../src/publish/etcd.js';
import { STATUS_CHANNEL, recordObserved } from '../src/status.js';
import type { Assessment } from '../k8s/health.js';
import type { LoadedApp } from './intent.js';
import { QUEUES, enqueue, queueIn } from '../src/intents/queues.js';
import type { ReconcileEnv } from './reconcile-env.js';

/**
 * One step of moving an app into this cluster, run by its reconcile here once the app is applied
 * and assessed. The app keeps serving from its old cluster until it is Ready here; then the
 * routes switch (the record is published with the next generation, so a late publish from the
 * old cluster is refused as stale), the placement flips, and the old cluster is told to remove
 * it. A move that fails (Failed here, or not Ready by the deadline, seen from either side) is
 * given up: the app keeps serving where it was, the reason is kept on the app, and what was made
 * here is removed. Both outcomes are conditional on the move still being under way, so only one
 * of them can happen; each bumps the generation, so the loser's etcd record is superseded.
 */
export type MoveOutcome = 'waiting' | 'switched' | 'abandoned';

/** Whether two clusters publish to the same etcd (both to the platform's when neither has its own). */
export const sameStore = (a: string[], b: string[]) => [...a].sort().join(',') === [...b].sort().join(',');

export async function advanceMove(env: ReconcileEnv, loaded: LoadedApp, assessment: Assessment, record: AppRecord): Promise<MoveOutcome> {
  const { placement, intent } = loaded;
  const from = placement.clusterName;
  const to = env.cluster.name;
  // Ready by the workload's count, and every ready pod seen in the list read for this reconcile:
  // routes must never switch to fewer endpoints than serve now (none would be a 503).
  const serving = record.stopped || record.endpoints.length >= Math.max(1, assessment.desired);
  if (assessment.health === 'Ready' && !serving) {
    await env.boss.send(queueIn(QUEUES.reconcileApp, to), { appId: loaded.id }, { singletonKey: `${loaded.id}:move-check`, startAfter: 1 });
    return 'waiting';
  }
  if (assessment.health === 'Ready') {
    const generation = intent.generation + 1;
    await publishApp(env.etcd, { ...record, generation });
    const switched = await withTx(env.db, async (tx) => {
      const { rowCount } = await tx.query(
        `UPDATE apps SET cluster_id = $2, moving_to = NULL, move_started_at = NULL, move_error = NULL, generation = $4
          WHERE id = $1 AND moving_to = $2 AND generation = $3`, [loaded.id, env.cluster.id, intent.generation, generation]);
      if (!rowCount) return false;
      await recordObserved(tx, loaded.id, {
        health: assessment.health, reason: assessment.reason, message: assessment.message, readyReplicas: assessment.ready,
        desiredReplicas: assessment.desired, observedGeneration: generation, endpoints: record.endpoints,
      });
      await moveEvent(tx, loaded, 'success', `moved from cluster ${from} to ${to}`);
      await enqueue(env.boss, tx, QUEUES.reconcileApp, { appId: loaded.id }, loaded.id, [from, to]); // removes it from the old cluster
      return true;
    });
    // Changed meanwhile (a new generation, or the move was called off): the next reconcile decides again.
    if (!switched) throw new Error('the app changed while it was switched over; trying again');
    return 'switched';
  }

  if (assessment.health !== 'Failed' && !moveOverdue(loaded, env.moveTimeoutSeconds)) return 'waiting'; // its pods' readiness triggers the next step

  const why = assessment.health === 'Failed'
    ? `the move to cluster ${to} failed: ${assessment.message}; the app kept serving from ${from}`
    : `the app did not become Ready in cluster ${to} within ${env.moveTimeoutSeconds} s (${assessment.health}: ${assessment.message}); it kept serving from ${from}`;
  await abandonMove(env, loaded, why);
  return 'abandoned';
}

/** Whether a move under way has run out of time (checked on both sides: the target may be unreachable). */
export const moveOverdue = (loaded: LoadedApp, timeoutSeconds: number, now = Date.now()) =>
  loaded.placement.movingTo !== null && (loaded.placement.moveStartedAt?.getTime() ?? now) + timeoutSeconds * 1000 <= now;

/**
 * Gives a move up: the app stays where it serves from, `why` is kept on it and in the audit
 * trail, and the target is told to remove what was made there (whenever it can be reached).
 */
export async function abandonMove(env: ReconcileEnv, loaded: LoadedApp, why: string): Promise<void> {
  const { placement } = loaded;
  await withTx(env.db, async (tx) => {
    const { rowCount } = await tx.query(
      `UPDATE apps SET moving_to = NULL, move_started_at = NULL, move_error = $3, generation = generation + 1 WHERE id = $1 AND moving_to = $2`, [loaded.id, placement.movingTo, why]);
    if (!rowCount) return;
    await moveEvent(tx, loaded, 'failure', why);
    await tx.query('SELECT pg_notify($1, $2)', [STATUS_CHANNEL, loaded.id]);
    // The target removes what was made there; the source publishes again under the new generation,
    // over any record a switch that lost the race may have written.
    await enqueue(env.boss, tx, QUEUES.reconcileApp, { appId: loaded.id }, loaded.id, [placement.movingToName!, placement.clusterName]);
  });
}

const moveEvent = (q: Parameters<typeof recordEvent>[0], loaded: LoadedApp, outcome: 'success' | 'failure', message: string) =>
  recordEvent(q, { teamId: loaded.teamId, actor: 'worker', action: 'app.move', subject: `app/${loaded.intent.name}`, outcome, message });
