import { z } from 'zod';
import { authorize } from '../auth/principal.js';
import { Conflict, NotFound } from '../errors.js';
import { QUEUES, queueIn } from './queues.js';
import type { AppView } from '../model.js';
import { parse } from '../validation.js';
import { APP_SELECT, enqueueReconcile, toView, type AppRow } from './app-rows.js';
import { mutation } from './audit.js';
import { placeApp } from './clusters.js';
import type { Ctx } from './context.js';
import { findTeam } from './teams.js';

const input = z.object({ team: z.string(), app: z.string(), cluster: z.string() }).strict();
export type MoveAppInput = z.input<typeof input>;

/**
 * Moves an app to another cluster of its team. This records the intent and returns at once: the
 * worker brings the app up in the target cluster, and only when it is Ready there switches its
 * routes and removes it from the source (jobs/move.ts). Until then, and if the move fails, the
 * app serves from where it was. Refused for what cannot move safely yet: apps with volumes (their
 * data would stay behind), apps in a dependency (a Service is not reachable across clusters),
 * apps with no image yet, and apps with a build under way (its pods run in the source).
 */
export async function moveApp(ctx: Ctx, raw: MoveAppInput): Promise<AppView> {
  const m = parse(input, raw);
  return mutation(ctx, { action: 'app.move', subject: `app/${m.app}`, team: m.team }, async (tx, scope) => {
    authorize(ctx.principal, m.team, 'write');
    const team = await findTeam(tx, m.team, true);
    scope.teamId = team.id;
    const { rows } = await tx.query<AppRow>(`${APP_SELECT} WHERE a.team_id = $1 AND a.name = $2 AND a.deleted_at IS NULL FOR UPDATE OF a`, [team.id, m.app]);
    const app = rows[0];
    if (!app) throw new NotFound(`app "${m.app}" not found in team "${m.team}"`);
    const target = await placeApp(tx, team, m.cluster, 'cluster');
    const refuse = (message: string) => { throw new Conflict(message, [{ field: 'cluster', message }]); };
    if (target.id === app.cluster_id) refuse(`app "${m.app}" already runs in cluster "${target.name}"`);
    if (app.moving_to) refuse(`app "${m.app}" is already moving to cluster "${app.moving_to}"`);
    if (app.volumes.length > 0) refuse(`app "${m.app}" has volumes, and moving an app's data between clusters does not exist yet: its data would stay behind`);
    if (!app.image) refuse(`app "${m.app}" has no image yet (waiting for its first build)`);
    const deps = await tx.query<{ name: string }>(
      `SELECT o.name FROM app_dependencies ad JOIN apps o ON o.id = CASE WHEN ad.app_id = $1 THEN ad.depends_on ELSE ad.app_id END
        WHERE (ad.app_id = $1 OR ad.depends_on = $1) AND o.deleted_at IS NULL ORDER BY o.name`, [app.id]);
    if (deps.rows.length > 0) {
      refuse(`app "${m.app}" is in a dependency with ${deps.rows.map((r) => r.name).join(', ')}; a Service is not reachable across clusters, so remove the dependency first`);
    }
    const builds = await tx.query<{ number: number }>(`SELECT number FROM builds WHERE app_id = $1 AND status IN ('queued', 'detecting', 'building') ORDER BY number LIMIT 1`, [app.id]);
    if (builds.rows[0]) refuse(`build ${builds.rows[0].number} of app "${m.app}" is under way in cluster "${app.cluster}"; wait for it or cancel it`);

    await tx.query('UPDATE apps SET moving_to = $2, move_started_at = now(), move_error = NULL, updated_at = now() WHERE id = $1', [app.id, target.id]);
    await enqueueReconcile(ctx, tx, app.id);
    // A look at the deadline on both sides, should nothing else trigger one: the source gives the
    // move up even when the target cannot be reached.
    for (const cluster of [app.cluster, target.name]) {
      await ctx.boss.send(queueIn(QUEUES.reconcileApp, cluster), { appId: app.id }, {
        singletonKey: `${app.id}:move-deadline`, startAfter: ctx.moveTimeoutSeconds + 1,
        db: { executeSql: (text: string, values: unknown[]) => tx.query(text, values) },
      });
    }
    scope.message = `moving from cluster ${app.cluster} to ${target.name}`;
    const { rows: after } = await tx.query<AppRow>(`${APP_SELECT} WHERE a.id = $1`, [app.id]);
    return toView(after[0]!, ctx);
  });
}
