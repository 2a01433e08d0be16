import { z } from 'zod';
import type { Queryable } from '../db/pool.js';
import { authorize, requireAdmin } from '../auth/principal.js';
import { forgetTokens } from '../auth/token-cache.js';
import { Conflict, NotFound } from '../errors.js';
import { QUEUES, enqueue } from './queues.js';
import type { TeamQuotaView, TeamView } from '../model.js';
import { parse, parseQuantity, teamName } from '../validation.js';
import { mutation } from './audit.js';
import type { Ctx } from './context.js';

export interface TeamRow {
  id: string; name: string; namespace: string; created_at: Date;
  pod_security: 'baseline' | 'restricted'; quota: Record<string, string> | null; builds_in_parallel: number | null;
  log_retention_days: number | null; log_retention_mb: number | null;
  clusters: string[]; default_cluster: string | null;
}

const TEAM_COLUMNS = `id, name, namespace, created_at, pod_security, quota, builds_in_parallel, log_retention_days, log_retention_mb,
  array(SELECT c.name FROM team_clusters tc JOIN clusters c ON c.id = tc.cluster_id WHERE tc.team_id = teams.id ORDER BY c.name) AS clusters,
  (SELECT c.name FROM clusters c WHERE c.id = teams.default_cluster_id) AS default_cluster`;

/** A ResourceQuota's hard limits as a plan: pods, CPU and memory (limits), storage (claims). */
export function planOf(hard: Record<string, string>, builds: number): TeamQuotaView {
  return {
    pods: Number(hard.pods ?? 0), cpu: hard['limits.cpu'] ?? hard['requests.cpu'] ?? '0', memory: hard['limits.memory'] ?? hard['requests.memory'] ?? '0',
    storage: hard['requests.storage'] ?? null, builds,
  };
}

/** The team's plan in force: the one the admin gave it, else the platform's default. */
export const teamPlan = (r: Pick<TeamRow, 'quota' | 'builds_in_parallel'>, ctx: Pick<Ctx, 'teamDefaults'>): TeamQuotaView =>
  planOf(r.quota ?? ctx.teamDefaults.quota, r.builds_in_parallel ?? ctx.teamDefaults.builds);

const toView = (r: TeamRow, ctx: Pick<Ctx, 'teamDefaults'>): TeamView => ({
  name: r.name, namespace: r.namespace, createdAt: r.created_at, podSecurity: r.pod_security, quota: teamPlan(r, ctx),
  logRetention: { days: r.log_retention_days ?? ctx.teamDefaults.logRetention.days, megabytes: r.log_retention_mb ?? ctx.teamDefaults.logRetention.megabytes },
  clusters: r.clusters, defaultCluster: r.default_cluster,
});

function teamNameSchema(ctx: Ctx) {
  return teamName(63 - ctx.namespacePrefix.length);
}

/** Looks up a live team by name; `lock` takes a share lock so the team cannot be deleted under a concurrent change. */
export async function findTeam(q: Queryable, name: string, lock = false): Promise<TeamRow> {
  const { rows } = await q.query<TeamRow>(
    `SELECT ${TEAM_COLUMNS} FROM teams WHERE name = $1 AND deleted_at IS NULL${lock ? ' FOR SHARE' : ''}`,
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
       RETURNING ${TEAM_COLUMNS}`,
      [name, ctx.namespacePrefix + name],
    );
    const team = rows[0];
    if (!team) throw new Conflict(`team "${name}" already exists`);
    scope.teamId = team.id;
    scope.message = `namespace ${team.namespace}`;
    // A new team is allowed in the platform's own cluster (the processes' KUBECONFIG's); the admin allows others.
    await tx.query(`INSERT INTO team_clusters (team_id, cluster_id) SELECT $1, id FROM clusters WHERE from_env`, [team.id]);
    await tx.query(`UPDATE teams SET default_cluster_id = (SELECT id FROM clusters WHERE from_env) WHERE id = $1`, [team.id]);
    await enqueue(ctx.boss, tx, QUEUES.reconcileTeam, { teamId: team.id }, team.id);
    const placed = await teamPlacement(tx, team.id);
    return toView({ ...team, clusters: placed.clusters, default_cluster: placed.defaultCluster }, ctx);
  });
}

export async function getTeam(ctx: Ctx, name: string): Promise<TeamView> {
  authorize(ctx.principal, name, 'read');
  return toView(await findTeam(ctx.db, name), ctx);
}

export async function listTeams(ctx: Ctx): Promise<TeamView[]> {
  const p = ctx.principal;
  const { rows } = await ctx.db.query<TeamRow>(
    `SELECT ${TEAM_COLUMNS} FROM teams
      WHERE deleted_at IS NULL AND ($1::uuid IS NULL OR id = $1) ORDER BY name`,
    [p.kind === 'team' ? p.teamId : null],
  );
  return rows.map((r) => toView(r, ctx));
}

/** Deletes an empty team; its namespace is torn down by the team reconcile job. */
export async function deleteTeam(ctx: Ctx, name: string): Promise<TeamView> {
  const deleted = await mutation(ctx, { action: 'team.delete', subject: `team/${name}`, team: name }, async (tx, scope) => {
    authorize(ctx.principal, name, 'read'); // another team's token learns nothing
    requireAdmin(ctx.principal, 'delete teams');
    const { rows } = await tx.query<TeamRow>(
      `SELECT ${TEAM_COLUMNS} FROM teams WHERE name = $1 AND deleted_at IS NULL FOR UPDATE`, [name]);
    const team = rows[0];
    if (!team) throw new NotFound(`team "${name}" not found`);
    scope.teamId = team.id;
    const apps = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM apps WHERE team_id = $1 AND deleted_at IS NULL`, [team.id]);
    const n = apps.rows[0]!.n;
    if (n > 0) throw new Conflict(`team "${name}" still has ${n} app${n === 1 ? '' : 's'}; delete them first`);
    await tx.query(`UPDATE teams SET deleted_at = now(), generation = generation + 1 WHERE id = $1`, [team.id]);
    await tx.query(`UPDATE api_tokens SET revoked_at = now() WHERE team_id = $1 AND revoked_at IS NULL`, [team.id]);
    await forgetTokens(tx);
    await enqueue(ctx.boss, tx, QUEUES.reconcileTeam, { teamId: team.id }, team.id);
    return toView(team, ctx);
  });
  ctx.tokenCache?.invalidate(); // its tokens were revoked: this process at once, the others on the NOTIFY
  return deleted;
}

const quantity = z.string().refine((q) => Number.isFinite(parseQuantity(q)) && parseQuantity(q) > 0, 'must be a Kubernetes quantity such as 8, 500m or 16Gi');
const updateTeamInput = z.object({
  name: z.string(),
  podSecurity: z.enum(['baseline', 'restricted'], { message: 'must be baseline or restricted' }).optional(),
  quota: z.object({
    pods: z.number().int().min(1).max(10_000),
    cpu: quantity,
    memory: quantity,
    storage: quantity.nullable().optional(),
    builds: z.number().int().min(1, 'must be between 1 and 100').max(100, 'must be between 1 and 100'),
  }).strict().nullable().optional(),
  logRetention: z.object({
    days: z.number().int().min(1, 'must be between 1 and 30').max(30, 'must be between 1 and 30'),
    megabytes: z.number().int().min(1, 'must be between 1 and 102400').max(102_400, 'must be between 1 and 102400'),
  }).strict().nullable().optional(),
}).strict();
export type UpdateTeamInput = z.input<typeof updateTeamInput>;

/**
 * Sets a team's policy (admin only): its Pod Security level and its plan (null: back to the
 * platform's default). The team reconcile applies it to the namespace: labels, ResourceQuota.
 * A restricted level is refused while the team has apps it would stop (git apps: their builds
 * need Kaniko, which runs as root).
 */
export async function updateTeam(ctx: Ctx, raw: UpdateTeamInput): Promise<TeamView> {
  const u = parse(updateTeamInput, raw);
  return mutation(ctx, { action: 'team.update', subject: `team/${u.name}`, team: u.name }, async (tx, scope) => {
    authorize(ctx.principal, u.name, 'read'); // another team's token learns nothing
    requireAdmin(ctx.principal, 'set a team\'s policy');
    const { rows } = await tx.query<TeamRow>(`SELECT ${TEAM_COLUMNS} FROM teams WHERE name = $1 AND deleted_at IS NULL FOR UPDATE`, [u.name]);
    const team = rows[0];
    if (!team) throw new NotFound(`team "${u.name}" not found`);
    scope.teamId = team.id;
    if (u.podSecurity === 'restricted' && team.pod_security !== 'restricted') {
      const git = await tx.query<{ name: string }>(`SELECT name FROM apps WHERE team_id = $1 AND deleted_at IS NULL AND source IS NOT NULL ORDER BY name`, [team.id]);
      if (git.rows.length) throw new Conflict(`apps built from git cannot run in a restricted team (their builds need root): ${git.rows.map((r) => r.name).join(', ')}`, [{ field: 'podSecurity', message: 'the team has apps built from git' }]);
    }
    const hard = u.quota === undefined ? team.quota : u.quota === null ? null : {
      pods: String(u.quota.pods), 'requests.cpu': u.quota.cpu, 'limits.cpu': u.quota.cpu, 'requests.memory': u.quota.memory, 'limits.memory': u.quota.memory,
      ...(u.quota.storage ? { 'requests.storage': u.quota.storage } : {}),
    };
    const builds = u.quota === undefined ? team.builds_in_parallel : u.quota === null ? null : u.quota.builds;
    const level = u.podSecurity ?? team.pod_security;
    const logs = u.logRetention === undefined ? { days: team.log_retention_days, mb: team.log_retention_mb }
      : { days: u.logRetention?.days ?? null, mb: u.logRetention?.megabytes ?? null };
    const { rows: updated } = await tx.query<TeamRow>(
      `UPDATE teams SET pod_security = $2, quota = $3, builds_in_parallel = $4, log_retention_days = $5, log_retention_mb = $6, generation = generation + 1
        WHERE id = $1 RETURNING ${TEAM_COLUMNS}`,
      [team.id, level, hard ? JSON.stringify(hard) : null, builds, logs.days, logs.mb]);
    await enqueue(ctx.boss, tx, QUEUES.reconcileTeam, { teamId: team.id }, team.id);
    // Its apps' pods follow the level (non-root in a restricted team).
    const apps = await tx.query<{ id: string }>(`SELECT id FROM apps WHERE team_id = $1 AND deleted_at IS NULL`, [team.id]);
    for (const a of apps.rows) await enqueue(ctx.boss, tx, QUEUES.reconcileApp, { appId: a.id }, a.id);
    const view = toView(updated[0]!, ctx);
    scope.message = `pod security ${view.podSecurity}; plan ${view.quota.pods} pods, cpu ${view.quota.cpu}, memory ${view.quota.memory}, ${view.quota.builds} builds at once; logs kept ${view.logRetention.days} days, up to ${view.logRetention.megabytes} MB`;
    return view;
  });
}

/** The clusters a team is allowed in, and its default. */
export async function teamPlacement(q: Queryable, teamId: string): Promise<{ clusters: string[]; defaultCluster: string | null }> {
  const { rows } = await q.query<{ clusters: string[]; default_cluster: string | null }>(
    `SELECT array(SELECT c.name FROM team_clusters tc JOIN clusters c ON c.id = tc.cluster_id WHERE tc.team_id = t.id ORDER BY c.name) AS clusters,
            (SELECT name FROM clusters WHERE id = t.default_cluster_id) AS default_cluster
       FROM teams t WHERE t.id = $1`, [teamId]);
  return { clusters: rows[0]?.clusters ?? [], defaultCluster: rows[0]?.default_cluster ?? null };
}
