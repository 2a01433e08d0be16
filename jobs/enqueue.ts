import type PgBoss from 'pg-boss';
import type { Db } from '../src/db/pool.js';
import { QUEUES, enqueue } from '../src/intents/queues.js';

/** Enqueues a reconcile for the app a cluster event concerns (by its owner labels). */
export async function enqueueNow(db: Db, boss: PgBoss, team: string, app: string): Promise<void> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT a.id FROM apps a JOIN teams t ON t.id = a.team_id
      WHERE t.name = $1 AND a.name = $2 ORDER BY a.deleted_at DESC NULLS FIRST LIMIT 1`, [team, app]);
  if (rows[0]) await enqueue(boss, db, QUEUES.reconcileApp, { appId: rows[0].id }, rows[0].id);
}

/**
 * Enqueues a reconcile of a team's namespace-level objects in one cluster (a change seen there),
 * if the team lives in that cluster: an event is never what removes a namespace (that is the job
 * the team's deletion or disallowing enqueues).
 */
export async function enqueueTeamNow(db: Db, boss: PgBoss, team: string, cluster: string): Promise<void> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT t.id FROM teams t JOIN team_clusters tc ON tc.team_id = t.id JOIN clusters c ON c.id = tc.cluster_id
      WHERE t.name = $1 AND t.deleted_at IS NULL AND c.name = $2`, [team, cluster]);
  if (rows[0]) await enqueue(boss, db, QUEUES.reconcileTeam, { teamId: rows[0].id }, rows[0].id, [cluster]);
}

/** Builds under way, in their apps' clusters: the resync moves them on if an event was lost. */
export async function enqueueActiveBuilds(db: Db, boss: PgBoss): Promise<number> {
  const builds = await db.query<{ id: string; cluster: string }>(
    `SELECT b.id, c.name AS cluster FROM builds b JOIN apps a ON a.id = b.app_id JOIN clusters c ON c.id = a.cluster_id
      WHERE b.status IN ('queued', 'detecting', 'building')`);
  for (const { id, cluster } of builds.rows) await enqueue(boss, db, QUEUES.advanceBuild, { buildId: id }, id, [cluster]);
  // One-off commands not over yet, likewise.
  const runs = await db.query<{ id: string; cluster: string }>(
    `SELECT r.id, c.name AS cluster FROM runs r JOIN apps a ON a.id = r.app_id JOIN clusters c ON c.id = a.cluster_id
      WHERE r.status IN ('pending', 'running', 'cancelling')`);
  for (const { id, cluster } of runs.rows) await enqueue(boss, db, QUEUES.advanceRun, { runId: id }, id, [cluster]);
  return builds.rows.length + runs.rows.length;
}

/** Every app placed in (or moving into) a cluster, and its teams' namespaces there: after it was unreachable. */
export async function enqueueCluster(db: Db, boss: PgBoss, clusterId: string): Promise<number> {
  const { rows } = await db.query<{ id: string; cluster: string }>(
    `SELECT a.id, c.name AS cluster FROM apps a JOIN clusters c ON c.id = $1 WHERE a.cluster_id = $1 OR a.moving_to = $1`, [clusterId]);
  for (const { id, cluster } of rows) await enqueue(boss, db, QUEUES.reconcileApp, { appId: id }, id, [cluster]);
  const teams = await db.query<{ id: string; cluster: string }>(
    `SELECT tc.team_id AS id, c.name AS cluster FROM team_clusters tc JOIN clusters c ON c.id = tc.cluster_id WHERE tc.cluster_id = $1`, [clusterId]);
  for (const { id, cluster } of teams.rows) await enqueue(boss, db, QUEUES.reconcileTeam, { teamId: id }, id, [cluster]);
  return rows.length;
}

/**
 * Reconciles the apps that depend on this one in other teams' namespaces: they hold copies of its
 * generated secrets, which exist only once its own reconcile has created them.
 */
export async function enqueueRemoteDependents(db: Db, boss: PgBoss, appId: string): Promise<void> {
  const { rows } = await db.query<{ id: string }>(
    `SELECT u.id FROM app_dependencies ad JOIN apps u ON u.id = ad.app_id JOIN apps d ON d.id = ad.depends_on
      WHERE ad.depends_on = $1 AND u.team_id <> d.team_id AND u.deleted_at IS NULL`, [appId]);
  for (const { id } of rows) await enqueue(boss, db, QUEUES.reconcileApp, { appId: id }, id);
}
