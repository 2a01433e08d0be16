import type { AutoscalingStatus } from '../k8s/types.js';
import type { Queryable } from './db/pool.js';
import type { Health } from './model.js';

/** Channel on which every status change is announced (payload: the app id), for subscriptions. */
export const STATUS_CHANNEL = 'yunbang_status';
/**
 * Channel announcing that an app's intent changed (created, updated, started, stopped, deleted;
 * payload: the app id), so a team's app list follows before the worker has observed anything.
 */
export const APP_CHANNEL = 'yunbang_app';
/** Channel announcing new build log lines or the end of a build (payload: the build id). */
export const BUILD_LOGS_CHANNEL = 'yunbang_build_logs';

export interface ObservedStatus {
  health: Health;
  reason: string;
  message: string;
  readyReplicas: number;
  desiredReplicas: number;
  observedGeneration: number;
  endpoints: string[];
  /** What the app's HPA says; null (or left out) for an app scaled by hand. */
  autoscaling?: AutoscalingStatus | null;
}

/** Messages are kept to this length in Postgres. */
const MESSAGE_LIMIT = 2000;

/** An observation as Postgres keeps it (the resync compares what it would record with what is recorded). */
export const storedStatus = (s: ObservedStatus): ObservedStatus => ({ ...s, message: s.message.slice(0, MESSAGE_LIMIT) });

/**
 * Records a full observation (a reconcile that got as far as assessing), and announces it, only
 * when it differs from what is recorded: a resync that finds nothing new writes nothing and wakes
 * no subscriber. One round trip. Says whether anything changed, and what the autoscaler had said
 * before (the statement's snapshot of the row, read before its update).
 */
export async function recordObserved(db: Queryable, appId: string, s: ObservedStatus): Promise<{ changed: boolean; previousAutoscaling: AutoscalingStatus | null }> {
  const { rows } = await db.query<{ previous: AutoscalingStatus | null }>(
    `WITH prev AS (SELECT autoscaling FROM app_status WHERE app_id = $1),
     changed AS (
       UPDATE app_status SET health = $2, reason = $3, message = $4, ready_replicas = $5, desired_replicas = $6,
              observed_generation = $7, endpoints = $8, autoscaling = $10, updated_at = now()
        WHERE app_id = $1
          AND (health, reason, message, ready_replicas, desired_replicas, observed_generation, endpoints, autoscaling)
              IS DISTINCT FROM ($2::text, $3::text, $4::text, $5::int, $6::int, $7::bigint, $8::jsonb, $10::jsonb)
       RETURNING app_id)
     SELECT pg_notify($9, changed.app_id::text), (SELECT autoscaling FROM prev) AS previous FROM changed`,
    [appId, s.health, s.reason, s.message.slice(0, MESSAGE_LIMIT), s.readyReplicas, s.desiredReplicas, s.observedGeneration, JSON.stringify(s.endpoints), STATUS_CHANNEL,
      s.autoscaling ? JSON.stringify(s.autoscaling) : null],
  );
  return { changed: rows.length > 0, previousAutoscaling: rows[0]?.previous ?? null };
}

/**
 * The autoscaler's decision between two of its statuses, as an app event's message, or undefined
 * when it decided nothing new (the same count wanted). Pure.
 */
export function scalingDecision(before: AutoscalingStatus | null, after: AutoscalingStatus | null | undefined): string | undefined {
  if (!after || !before || after.desiredReplicas === before.desiredReplicas || after.desiredReplicas === 0 || before.desiredReplicas === 0) return undefined;
  return `${before.desiredReplicas} → ${after.desiredReplicas} replicas${after.message ? `: ${after.message}` : ''}`;
}

/** Records why a step failed; what was last observed in the cluster stays as it was. */
export async function recordFailure(db: Queryable, appId: string, reason: string, message: string): Promise<void> {
  await db.query(`UPDATE app_status SET reason = $2, message = $3, updated_at = now() WHERE app_id = $1`, [appId, reason, message.slice(0, MESSAGE_LIMIT)]);
  await db.query('SELECT pg_notify($1, $2)', [STATUS_CHANNEL, appId]);
}

/** Records which copies of shared dependencies' secrets exist in the app's namespace. */
export async function recordSecretCopies(db: Queryable, appId: string, copies: string[]): Promise<void> {
  await db.query('UPDATE app_status SET secret_copies = $2 WHERE app_id = $1', [appId, JSON.stringify(copies)]);
}
