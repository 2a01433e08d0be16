import type { Queryable } from '../db/pool.js';
import { actorName, authorize } from '../auth/principal.js';
import { Invalid, NotFound } from '../errors.js';
import type { AppView, ReleaseConfig, ReleaseView } from '../model.js';
import * as v from '../validation.js';
import { mutation } from './audit.js';
import type { Ctx } from './context.js';
import { findTeam } from './teams.js';
import { enqueueReconcile, findApp, lockApp, reconcileDependents, toView } from './app-rows.js';

/** Releases: immutable records of what an app ran (image and runtime config), and rollback to one. */

/** Records an immutable release and makes it the app's current one. */
export async function recordRelease(tx: Queryable, actor: string, appId: string, image: string, config: ReleaseConfig, description: string,
  extra: { buildId?: string; rollbackOf?: number } = {}): Promise<number> {
  const { rows } = await tx.query<{ number: number }>(
    `INSERT INTO releases (app_id, number, image, config, description, created_by, build_id, rollback_of)
     SELECT $1, coalesce(max(number), 0) + 1, $2, $3, $4, $5, $6, $7 FROM releases WHERE app_id = $1
     RETURNING number`,
    [appId, image, JSON.stringify(config), description, actor, extra.buildId ?? null, extra.rollbackOf ?? null],
  );
  const number = rows[0]!.number;
  await tx.query('UPDATE apps SET current_release = $2 WHERE id = $1', [appId, number]);
  return number;
}

/** What a release pins besides the image. */
export const releaseConfig = (a: ReleaseConfig): ReleaseConfig =>
  ({ port: a.port, env: a.env, resources: a.resources, healthCheckPath: a.healthCheckPath, ...(a.args ? { args: a.args } : {}) });

export async function listReleases(ctx: Ctx, team: string, app: string): Promise<ReleaseView[]> {
  authorize(ctx.principal, team, 'read');
  const t = await findTeam(ctx.db, team);
  const a = await findApp(ctx.db, t.id, team, app);
  const { rows } = await ctx.db.query<{ number: number; image: string; config: ReleaseConfig; description: string; created_by: string; created_at: Date; build_id: string | null; rollback_of: number | null }>(
    `SELECT number, image, config, description, created_by, created_at, build_id, rollback_of FROM releases WHERE app_id = $1 ORDER BY number DESC`,
    [a.id],
  );
  return rows.map((r) => ({ number: r.number, image: r.image, config: r.config, description: r.description, createdBy: r.created_by, createdAt: r.created_at, buildId: r.build_id, rollbackOf: r.rollback_of }));
}


/**
 * Rolls an app back to an earlier release: records a new release with that release's image and
 * runtime config (so history stays append-only) and makes the app run it.
 */
export async function rollbackApp(ctx: Ctx, team: string, name: string, release: number): Promise<AppView> {
  // (An integer past the column's range would fail in SQL, as a 500: refuse it here.)
  if (!Number.isInteger(release) || release < 1 || release > v.MAX_INT32) throw Invalid.field('release', 'must be a release number');
  return mutation(ctx, { action: 'app.rollback', subject: `app/${name}`, team }, async (tx, scope) => {
    authorize(ctx.principal, team, 'write');
    const t = await findTeam(tx, team, true);
    scope.teamId = t.id;
    const cur = await lockApp(tx, t.id, team, name);
    const { rows } = await tx.query<{ image: string; config: ReleaseConfig; build_id: string | null }>(
      'SELECT image, config, build_id FROM releases WHERE app_id = $1 AND number = $2', [cur.id, release]);
    const target = rows[0];
    if (!target) throw new NotFound(`release ${release} of app "${name}" not found`);
    const c = target.config;
    await tx.query(
      `UPDATE apps SET image = $2, port = $3, env = $4, resources = $5, health_check_path = $6, args = $7,
              generation = generation + 1, updated_at = now() WHERE id = $1`,
      [cur.id, target.image, c.port, JSON.stringify(c.env), JSON.stringify(c.resources), c.healthCheckPath ?? null, c.args ? JSON.stringify(c.args) : null],
    );
    if (c.port !== cur.port) await reconcileDependents(ctx, tx, cur.id);
    const number = await recordRelease(tx, actorName(ctx.principal), cur.id, target.image, c, `rollback to release ${release}`,
      { buildId: target.build_id ?? undefined, rollbackOf: release });
    scope.message = `release ${number} = release ${release} (${target.image})`;
    await enqueueReconcile(ctx, tx, cur.id);
    return toView(await findApp(tx, t.id, team, name), ctx);
  });
}
