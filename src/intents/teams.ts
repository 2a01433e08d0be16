import { z } from 'zod';
import type { Queryable } from '../db/pool.js';
import { authorize, requireAdmin } from '../auth/principal.js';
import { Conflict, NotFound } from '../errors.js';
import { QUEUES, enqueue } from '../../jobs/queues.js';
import type { TeamView } from '../model.js';
import { parse, teamName } from '../validation.js';
import { mutation } from './audit.js';
import type { Ctx } from './context.js';

export interface TeamRow { id: string; name: string; namespace: string; created_at: Date }

const toView = (r: TeamRow): TeamView => ({ name: r.name, namespace: r.namespace, createdAt: r.created_at });

function teamNameSchema(ctx: Ctx) {
  return teamName(63 - ctx.namespacePrefix.length);
}

/** Looks up a live team by name; `lock` takes a share lock so the team cannot be deleted under a concurrent change. */
export async function findTeam(q: Queryable, name: string, lock = false): Promise<TeamRow> {
  const { rows } = await q.query<TeamRow>(
    `SELECT id, name, namespace, created_at FROM teams WHERE name = $1 AND deleted_at IS NULL${lock ? ' FOR SHARE' : ''}`,
    [name],
  );
  if (!rows[0]) throw new NotFound(`team "${name}" not found`);
  return rows[0];
}

export async function createTeam(ctx: Ctx, input: { name: unknown }): Promise<TeamView> {
  const { name } = parse(z.object({ name: teamNameSchema(ctx) }), input);
  return mutation(ctx, { action: 'team.create', subject: `team/${name}` }, async (tx, scope) => {
    requireAdmin(ctx.principal, 'create teams');
    const { rows } = await tx.query<TeamRow>(
      `INSERT INTO teams (name, namespace) VALUES ($1, $2)
       ON CONFLICT (name) WHERE deleted_at IS NULL DO NOTHING
       RETURNING id, name, namespace, created_at`,
      [name, ctx.namespacePrefix + name],
    );
    const team = rows[0];
    if (!team) throw new Conflict(`team "${name}" already exists`);
    scope.teamId = team.id;
    scope.message = `namespace ${team.namespace}`;
    await enqueue(ctx.boss, tx, QUEUES.reconcileTeam, { teamId: team.id }, team.id);
    return toView(team);
  });
}

export async function getTeam(ctx: Ctx, name: string): Promise<TeamView> {
  authorize(ctx.principal, name, 'read');
  return toView(await findTeam(ctx.db, name));
}

export async function listTeams(ctx: Ctx): Promise<TeamView[]> {
  const p = ctx.principal;
  const { rows } = await ctx.db.query<TeamRow>(
    `SELECT id, name, namespace, created_at FROM teams
      WHERE deleted_at IS NULL AND ($1::uuid IS NULL OR id = $1) ORDER BY name`,
    [p.kind === 'team' ? p.teamId : null],
  );
  return rows.map(toView);
}

/** Deletes an empty team; its namespace is torn down by the team reconcile job. */
export async function deleteTeam(ctx: Ctx, name: string): Promise<TeamView> {
  return mutation(ctx, { action: 'team.delete', subject: `team/${name}`, team: name }, async (tx, scope) => {
    authorize(ctx.principal, name, 'read'); // another team's token learns nothing
    requireAdmin(ctx.principal, 'delete teams');
    const { rows } = await tx.query<TeamRow>(
      `SELECT id, name, namespace, created_at FROM teams WHERE name = $1 AND deleted_at IS NULL FOR UPDATE`, [name]);
    const team = rows[0];
    if (!team) throw new NotFound(`team "${name}" not found`);
    scope.teamId = team.id;
    const apps = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM apps WHERE team_id = $1 AND deleted_at IS NULL`, [team.id]);
    const n = apps.rows[0]!.n;
    if (n > 0) throw new Conflict(`team "${name}" still has ${n} app${n === 1 ? '' : 's'}; delete them first`);
    await tx.query(`UPDATE teams SET deleted_at = now(), generation = generation + 1 WHERE id = $1`, [team.id]);
    await tx.query(`UPDATE api_tokens SET revoked_at = now() WHERE team_id = $1 AND revoked_at IS NULL`, [team.id]);
    await enqueue(ctx.boss, tx, QUEUES.reconcileTeam, { teamId: team.id }, team.id);
    return toView(team);
  });
}
