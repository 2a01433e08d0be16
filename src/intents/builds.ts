import type { Queryable, Tx } from '../db/pool.js';
import { actorName, authorize } from '../auth/principal.js';
import { Conflict, Invalid, NotFound, Unavailable } from '../errors.js';
import { QUEUES, enqueue } from './queues.js';
import type { BuildView } from '../model.js';
import { MAX_INT32, parse } from '../validation.js';
import { mutation } from './audit.js';
import type { Ctx } from './context.js';
import { gitRef } from './source.js';
import { findTeam } from './teams.js';

interface BuildRow {
  id: string; team: string; team_id: string; app: string; app_id: string; number: number; status: BuildView['status']; ref: string;
  commit: string | null; author: string | null; message: string | null; plan: BuildView['plan']; image: string | null;
  image_digest: string | null; failure_reason: string | null; trigger: string; created_by: string; created_at: Date;
  started_at: Date | null; finished_at: Date | null;
}

export const BUILD_SELECT = `SELECT b.*, a.name AS app, t.name AS team, t.id AS team_id FROM builds b JOIN apps a ON a.id = b.app_id JOIN teams t ON t.id = a.team_id`;

export function toBuildView(r: BuildRow): BuildView {
  return {
    id: r.id, team: r.team, app: r.app, number: r.number, status: r.status, ref: r.ref, commit: r.commit, author: r.author,
    message: r.message, plan: r.plan, image: r.image, imageDigest: r.image_digest, failureReason: r.failure_reason,
    trigger: r.trigger, createdBy: r.created_by, createdAt: r.created_at, startedAt: r.started_at, finishedAt: r.finished_at,
  };
}

export interface QueuedBuild { id: string; number: number; duplicate: boolean }

/** The app's build lock, for the rest of the transaction: queueing and commit resolution take it. */
export async function lockAppBuilds(tx: Queryable, appId: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`builds:${appId}`]);
}

/**
 * Records a build request and enqueues its first step, inside the caller's transaction. A newer
 * build supersedes the app's queued ones. With a known commit, a commit already built, being
 * built or superseded by a newer one for this app is not built again.
 */
export async function queueBuild(tx: Tx, ctx: { boss: Ctx['boss']; actor: string }, appId: string, ref: string, trigger: string,
  known: { commit?: string; author?: string; message?: string } = {}): Promise<QueuedBuild> {
  // Serialises with a build resolving its commit (jobs/build.ts), so each sees the other's commit.
  await lockAppBuilds(tx, appId);
  if (known.commit) {
    // A superseded build counts too: a late redelivery of an older push must not build (and
    // release) that older commit over the newer one that superseded it.
    const dup = await tx.query<{ id: string; number: number }>(
      `SELECT id, number FROM builds WHERE app_id = $1 AND commit = $2 AND status NOT IN ('cancelled', 'failed')
        ORDER BY number DESC LIMIT 1`, [appId, known.commit]);
    if (dup.rows[0]) return { ...dup.rows[0], duplicate: true };
  }
  await tx.query(`UPDATE builds SET status = 'superseded', finished_at = now() WHERE app_id = $1 AND status = 'queued'`, [appId]);
  const { rows } = await tx.query<{ id: string; number: number }>(
    `INSERT INTO builds (app_id, number, ref, commit, author, message, trigger, created_by)
     SELECT $1, coalesce(max(number), 0) + 1, $2, $3, $4, $5, $6, $7 FROM builds WHERE app_id = $1
     RETURNING id, number`,
    [appId, ref, known.commit ?? null, known.author ?? null, known.message ?? null, trigger, ctx.actor],
  );
  const build = rows[0]!;
  await enqueue(ctx.boss, tx, QUEUES.advanceBuild, { buildId: build.id }, build.id);
  return { ...build, duplicate: false };
}

async function findGitApp(q: Queryable, teamId: string, team: string, app: string): Promise<{ id: string; branch: string }> {
  const { rows } = await q.query<{ id: string; source: { branch: string } | null }>(
    `SELECT id, source FROM apps WHERE team_id = $1 AND name = $2 AND deleted_at IS NULL`, [teamId, app]);
  const a = rows[0];
  if (!a) throw new NotFound(`app "${app}" not found in team "${team}"`);
  if (!a.source) throw new Conflict(`app "${app}" runs a ready image; give it a git source to build it`);
  return { id: a.id, branch: a.source.branch };
}

/** Builds the app's branch (or the given ref) now. */
export async function triggerBuild(ctx: Ctx, team: string, app: string, ref?: string | null): Promise<BuildView> {
  const r = ref == null ? undefined : parse(gitRef, ref);
  return mutation(ctx, { action: 'build.trigger', subject: `app/${app}`, team }, async (tx, scope) => {
    authorize(ctx.principal, team, 'write');
    const t = await findTeam(tx, team, true);
    scope.teamId = t.id;
    const a = await findGitApp(tx, t.id, team, app);
    const b = await queueBuild(tx, { boss: ctx.boss, actor: actorName(ctx.principal) }, a.id, r ?? a.branch, 'manual');
    scope.message = `build #${b.number} of ${r ?? a.branch}`;
    return toBuildView((await tx.query<BuildRow>(`${BUILD_SELECT} WHERE b.id = $1`, [b.id])).rows[0]!);
  });
}

export async function listBuilds(ctx: Ctx, team: string, app: string, limit = 50): Promise<BuildView[]> {
  authorize(ctx.principal, team, 'read');
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw Invalid.field('limit', 'must be between 1 and 500');
  const t = await findTeam(ctx.db, team);
  const a = await findGitApp(ctx.db, t.id, team, app).catch((err) => { if (err instanceof Conflict) return undefined; throw err; });
  if (!a) return [];
  const { rows } = await ctx.db.query<BuildRow>(`${BUILD_SELECT} WHERE b.app_id = $1 ORDER BY b.number DESC LIMIT $2`, [a.id, limit]);
  return rows.map(toBuildView);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A build by id, for callers that may read its team (others get NotFound, as for a missing id). */
export async function getBuild(ctx: Ctx, id: string): Promise<BuildView> {
  const b = UUID.test(id) ? (await ctx.db.query<BuildRow>(`${BUILD_SELECT} WHERE b.id = $1`, [id])).rows[0] : undefined;
  if (!b || (ctx.principal.kind === 'team' && ctx.principal.teamName !== b.team)) throw new NotFound(`build "${id}" not found`);
  return toBuildView(b);
}

/** Cancels a build that has not finished; its pods are removed by the build job. */
export async function cancelBuild(ctx: Ctx, id: string): Promise<BuildView> {
  const found = await getBuild(ctx, id);
  return mutation(ctx, { action: 'build.cancel', subject: `app/${found.app}`, team: found.team }, async (tx, scope) => {
    authorize(ctx.principal, found.team, 'write');
    const { rows } = await tx.query<BuildRow>(
      `UPDATE builds SET status = 'cancelled', failure_reason = 'cancelled by ' || $2, finished_at = now()
        WHERE id = $1 AND status IN ('queued', 'detecting', 'building') RETURNING id`, [id, actorName(ctx.principal)]);
    if (!rows[0]) throw new Conflict(`build #${found.number} already ${found.status}`);
    scope.teamId = (await tx.query<BuildRow>(`${BUILD_SELECT} WHERE b.id = $1`, [id])).rows[0]!.team_id;
    scope.message = `build #${found.number}`;
    await enqueue(ctx.boss, tx, QUEUES.advanceBuild, { buildId: id }, id);
    return toBuildView((await tx.query<BuildRow>(`${BUILD_SELECT} WHERE b.id = $1`, [id])).rows[0]!);
  });
}

export interface LogLine { seq: number; line: string; at: Date }

/** A build's log lines after `after` (0 for all), in order. */
export async function buildLogs(ctx: Ctx, id: string, after = 0): Promise<LogLine[]> {
  if (!Number.isInteger(after) || after < 0 || after > MAX_INT32) throw Invalid.field('after', 'must be a sequence number');
  await getBuild(ctx, id); // authorises, and 404s for other teams
  const { rows } = await ctx.db.query<LogLine>('SELECT seq, line, at FROM build_logs WHERE build_id = $1 AND seq > $2 ORDER BY seq LIMIT 5000', [id, after]);
  return rows;
}

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled', 'superseded']);

/**
 * Follows a build's log: every line so far, then new lines as the worker stores them, until the
 * build has ended and its last lines are out, or the signal aborts.
 */
export async function* followBuildLogs(ctx: Ctx, id: string, signal: AbortSignal): AsyncGenerator<LogLine> {
  await getBuild(ctx, id); // who may not read it learns nothing else first
  if (!ctx.statusHub) throw new Unavailable('log streaming is not available in this process');
  const changes = ctx.statusHub.changes(id, signal); // listen first, so nothing between read and wait is missed
  let after = 0;
  try {
    for (;;) {
      for (const l of await buildLogs(ctx, id, after)) { after = l.seq; yield l; }
      const { rows } = await ctx.db.query<{ status: string }>('SELECT status FROM builds WHERE id = $1', [id]);
      if (!rows[0] || TERMINAL.has(rows[0].status)) {
        for (const l of await buildLogs(ctx, id, after)) { after = l.seq; yield l; }
        return;
      }
      await changes.next();
    }
  } catch (err) {
    if ((err as Error).name !== 'AbortError') throw err;
  } finally {
    await changes.return?.();
  }
}
