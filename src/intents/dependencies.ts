import { z } from 'zod';
import { authorize } from '../auth/principal.js';
import type { Tx } from '../db/pool.js';
import { Conflict, Forbidden, Invalid, NotFound } from '../errors.js';
import type { AppView } from '../model.js';
import * as v from '../validation.js';
import { parse } from '../validation.js';
import { APP_SELECT, enqueueReconcile, toView, type AppRow } from './app-rows.js';
import { mutation } from './audit.js';
import type { Ctx } from './context.js';
import { findTeam } from './teams.js';

/**
 * Dependencies between apps (12-factor backing services): the dependent gets the dependency's
 * connection info as env vars and a network path to its port. Same team, or an app another team
 * shared with this one.
 */
const input = z.object({
  team: z.string(),
  app: z.string(),
  dependsOn: v.appName,
  /** The dependency's team, when it is another team's shared app. */
  dependsOnTeam: z.string().optional(),
}).strict();
export type DependencyInput = z.input<typeof input>;

async function liveApp(tx: Tx, team: string, name: string, lock: boolean): Promise<AppRow | undefined> {
  const { rows } = await tx.query<AppRow>(
    `${APP_SELECT} WHERE t.name = $1 AND t.deleted_at IS NULL AND a.name = $2 AND a.deleted_at IS NULL${lock ? ' FOR UPDATE OF a' : ''}`, [team, name]);
  return rows[0];
}

async function requireApp(tx: Tx, team: string, name: string): Promise<AppRow> {
  const a = await liveApp(tx, team, name, true);
  if (!a) throw new NotFound(`app "${name}" not found in team "${team}"`);
  return a;
}

/** The dependency an input names: in the app's team, or shared with it (else it does not exist for the caller). */
async function findDependency(ctx: Ctx, tx: Tx, app: AppRow, dependsOn: string, dependsOnTeam: string): Promise<AppRow> {
  const dep = await liveApp(tx, dependsOnTeam, dependsOn, false);
  if (dependsOnTeam === app.team) {
    if (!dep) throw new NotFound(`app "${dependsOn}" not found in team "${app.team}"`);
    return dep;
  }
  const shared = dep && (await tx.query('SELECT 1 FROM app_shares WHERE app_id = $1 AND team_id = $2', [dep.id, app.team_id])).rowCount;
  if (shared) return dep;
  // Only a caller who may read the other team learns that the app exists but is not shared.
  const canRead = ctx.principal.kind === 'admin' || ctx.principal.teamName === dependsOnTeam;
  if (dep && canRead) throw new Forbidden(`app "${dependsOn}" of team "${dependsOnTeam}" is not shared with team "${app.team}"; share it first`);
  throw new NotFound(`app "${dependsOn}" not found in team "${dependsOnTeam}", or not shared with team "${app.team}"`);
}

/** A path of dependencies from `from` to `to` (app names), or null: adding to → from would close it into a cycle. */
async function pathBetween(tx: Tx, from: string, to: string): Promise<string[] | null> {
  const { rows } = await tx.query<{ path: string[] }>(
    `WITH RECURSIVE walk(id, path) AS (
       SELECT $1::uuid, ARRAY[$1::uuid]
       UNION ALL
       SELECT ad.depends_on, w.path || ad.depends_on FROM app_dependencies ad JOIN walk w ON ad.app_id = w.id
        WHERE NOT ad.depends_on = ANY(w.path)
     )
     SELECT array(SELECT a.name FROM unnest(w.path) WITH ORDINALITY p(id, n) JOIN apps a ON a.id = p.id ORDER BY p.n) AS path
       FROM walk w WHERE w.id = $2 LIMIT 1`, [from, to]);
  return rows[0]?.path ?? null;
}

type DependencyRequest = z.output<typeof input> & { depTeam: string; label: string };

/**
 * The common part of adding and removing a dependency: input, rights, the team, one dependency
 * change at a time platform-wide (so two concurrent changes cannot close a cycle together), the
 * app locked; then `change`, and the app as it now is.
 */
async function dependencyChange(ctx: Ctx, raw: DependencyInput, action: string,
  change: (tx: Tx, app: AppRow, i: DependencyRequest) => Promise<string>): Promise<AppView> {
  const parsed = parse(input, raw);
  const depTeam = parsed.dependsOnTeam ?? parsed.team;
  const i = { ...parsed, depTeam, label: depTeam === parsed.team ? parsed.dependsOn : `${depTeam}/${parsed.dependsOn}` };
  return mutation(ctx, { action, subject: `app/${i.app}`, team: i.team }, async (tx, scope) => {
    authorize(ctx.principal, i.team, 'write');
    scope.teamId = (await findTeam(tx, i.team, true)).id;
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('yunbang:app-dependencies'))`);
    const app = await requireApp(tx, i.team, i.app);
    scope.message = await change(tx, app, i);
    return reread(ctx, tx, app.id);
  });
}

export function addDependency(ctx: Ctx, raw: DependencyInput): Promise<AppView> {
  return dependencyChange(ctx, raw, 'app.add-dependency', async (tx, app, i) => {
    const dep = await findDependency(ctx, tx, app, i.dependsOn, i.depTeam);
    if (dep.id === app.id) throw Invalid.field('dependsOn', 'an app cannot depend on itself');
    if (dep.cluster_id !== app.cluster_id) {
      throw Invalid.field('dependsOn', `${i.label} runs in cluster "${dep.cluster}" and ${app.name} in "${app.cluster}": a Service is not reachable across clusters without a service mesh; move one of them first`);
    }
    if (app.moving_to || dep.moving_to) throw new Conflict(`${app.moving_to ? app.name : i.label} is moving to another cluster; add the dependency once the move is over`);
    const back = await pathBetween(tx, dep.id, app.id);
    if (back) throw Invalid.field('dependsOn', `would make a cycle: ${[app.name, ...back].join(' → ')}`);
    const { rowCount } = await tx.query(
      'INSERT INTO app_dependencies (app_id, depends_on) VALUES ($1, $2) ON CONFLICT DO NOTHING', [app.id, dep.id]);
    if (!rowCount) return `already depends on ${i.label}`;
    await touch(ctx, tx, [app.id, dep.id]);
    return `depends on ${i.label}`;
  });
}

export function removeDependency(ctx: Ctx, raw: DependencyInput): Promise<AppView> {
  return dependencyChange(ctx, raw, 'app.remove-dependency', async (tx, app, i) => {
    const { rows } = await tx.query<{ id: string }>(
      `DELETE FROM app_dependencies ad USING apps d, teams dt
        WHERE ad.app_id = $1 AND d.id = ad.depends_on AND dt.id = d.team_id AND d.name = $2 AND dt.name = $3 AND d.deleted_at IS NULL
        RETURNING d.id`, [app.id, i.dependsOn, i.depTeam]);
    if (!rows[0]) throw new NotFound(`app "${i.app}" does not depend on "${i.label}"`);
    await touch(ctx, tx, [app.id, rows[0].id]);
    return `no longer depends on ${i.label}`;
  });
}

/** Both ends change: the dependent's env and egress, the dependency's admitted peers. */
async function touch(ctx: Ctx, tx: Tx, ids: string[]) {
  for (const id of ids) {
    await tx.query('UPDATE apps SET generation = generation + 1, updated_at = now() WHERE id = $1', [id]);
    await enqueueReconcile(ctx, tx, id);
  }
}

async function reread(ctx: Ctx, tx: Tx, id: string): Promise<AppView> {
  const { rows } = await tx.query<AppRow>(`${APP_SELECT} WHERE a.id = $1`, [id]);
  return toView(rows[0]!, ctx);
}

const shareInput = z.object({ team: z.string(), app: z.string(), withTeam: z.string() }).strict();

/** Lets another team depend on one of this team's apps (or stops it, when no app of theirs does). */
export async function shareApp(ctx: Ctx, raw: z.input<typeof shareInput>, share: boolean): Promise<AppView> {
  const i = parse(shareInput, raw);
  return mutation(ctx, { action: share ? 'app.share' : 'app.unshare', subject: `app/${i.app}`, team: i.team }, async (tx, scope) => {
    authorize(ctx.principal, i.team, 'write');
    const team = await findTeam(tx, i.team, true);
    scope.teamId = team.id;
    const app = await requireApp(tx, i.team, i.app);
    if (i.withTeam === i.team) throw Invalid.field('withTeam', 'an app is always available to its own team');
    // A team token must not learn which team names exist: sharing with (or unsharing from) a team
    // that does not exist answers exactly as for one that does, and records nothing.
    const other = await findTeam(tx, i.withTeam).catch(() => undefined);
    if (!other) {
      scope.message = `${share ? 'shared with' : 'no longer shared with'} team ${i.withTeam}`;
      return toView(app, ctx);
    }
    if (share) {
      await tx.query('INSERT INTO app_shares (app_id, team_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [app.id, other.id]);
    } else {
      const { rows } = await tx.query<{ name: string }>(
        `SELECT u.name FROM app_dependencies ad JOIN apps u ON u.id = ad.app_id WHERE ad.depends_on = $1 AND u.team_id = $2 AND u.deleted_at IS NULL`, [app.id, other.id]);
      if (rows.length) throw new Conflict(`team "${other.name}" still depends on it: ${rows.map((r) => r.name).join(', ')}`);
      await tx.query('DELETE FROM app_shares WHERE app_id = $1 AND team_id = $2', [app.id, other.id]);
    }
    scope.message = `${share ? 'shared with' : 'no longer shared with'} team ${other.name}`;
    return toView((await liveApp(tx, i.team, i.app, false))!, ctx); // as it is now: sharedWith changed
  });
}
