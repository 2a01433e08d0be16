import { z } from 'zod';
import type { Queryable, Tx } from '../db/pool.js';
import { authorize, requireAdmin } from '../auth/principal.js';
import { seal } from '../crypto/box.js';
import { Conflict, Invalid, NotFound } from '../errors.js';
import { QUEUES, createClusterQueues, enqueue } from './queues.js';
import type { ClusterView } from '../model.js';
import { parse } from '../validation.js';
import { parseKubeconfig } from '../clusters/kubeconfig.js';
import { WORKER_RIGHTS, checkRights, clusterError, probeCluster, type ClusterFacts } from '../clusters/probe.js';
import { mutation } from './audit.js';
import type { Ctx } from './context.js';
import { findTeam, teamPlacement } from './teams.js';

/**
 * The clusters one control plane drives. Registering one proves, as the identity given (which
 * must be Yunbang's install identity, never an admin), that the cluster answers and that the
 * identity holds the worker's rights; the kubeconfig is then stored sealed. Teams are allowed in
 * clusters by the admin; apps are placed in one of their team's clusters.
 */
export interface ClusterRow {
  id: string; name: string; from_env: boolean; server: string; apps_domain: string; etcd_endpoints: string[]; labels: Record<string, string>;
  cordoned: boolean; health: ClusterView['health']; last_error: string | null; last_error_at: Date | null; checked_at: Date | null;
  server_version: string | null; nodes: number | null; created_at: Date; updated_at: Date; teams?: number; apps?: number;
}

const COLUMNS = `c.id, c.name, c.from_env, c.server, c.apps_domain, c.etcd_endpoints, c.labels, c.cordoned, c.health, c.last_error, c.last_error_at,
  c.checked_at, c.server_version, c.nodes, c.created_at, c.updated_at,
  (SELECT count(*)::int FROM team_clusters tc JOIN teams t ON t.id = tc.team_id WHERE tc.cluster_id = c.id AND t.deleted_at IS NULL) AS teams,
  (SELECT count(*)::int FROM apps a WHERE (a.cluster_id = c.id OR a.moving_to = c.id) AND a.deleted_at IS NULL) AS apps`;

const toView = (r: ClusterRow): ClusterView => ({
  name: r.name, server: r.server, appsDomain: r.apps_domain, etcdEndpoints: r.etcd_endpoints, labels: r.labels, cordoned: r.cordoned,
  fromEnvironment: r.from_env, health: r.health, lastError: r.last_error, lastErrorAt: r.last_error_at, checkedAt: r.checked_at,
  version: r.server_version, nodes: r.nodes, teams: r.teams ?? 0, apps: r.apps ?? 0, createdAt: r.created_at,
});

// A cluster's name names its job queues and etcd records: a DNS label, short enough for both.
const clusterName = z.string().regex(/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/, 'must be a lower-case DNS label of at most 40 characters (letters, digits, "-")');
const domain = z.string().max(200).transform((v) => v.toLowerCase())
  .refine((v) => v.split('.').every((l) => /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(l)), 'must be a domain such as apps.example.com');
const kubeconfigText = z.string().min(1, 'must not be empty').max(64 * 1024, 'must be at most 64 KiB');
const etcdEndpoints = z.array(z.string().url('must be an http(s) URL').refine((u) => /^https?:/.test(u), 'must be an http(s) URL')).max(10);
const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const labels = z.record(z.string().regex(LABEL_KEY, 'must be a label key such as region or example.com/zone'),
  z.string().regex(/^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/, 'must be a label value: at most 63 letters, digits, "-", "_" or "."'))
  .refine((l) => Object.keys(l).length <= 32, 'must have at most 32 labels');

const registerInput = z.object({
  name: clusterName,
  kubeconfig: kubeconfigText,
  apiKubeconfig: kubeconfigText.optional(),
  appsDomain: domain,
  etcdEndpoints: etcdEndpoints.default([]),
  labels: labels.default({}),
}).strict();
export type RegisterClusterInput = z.input<typeof registerInput>;

const updateInput = z.object({
  name: z.string(),
  kubeconfig: kubeconfigText.optional(),
  apiKubeconfig: kubeconfigText.nullable().optional(),
  appsDomain: domain.optional(),
  etcdEndpoints: etcdEndpoints.optional(),
  labels: labels.optional(),
}).strict();
export type UpdateClusterInput = z.input<typeof updateInput>;

/**
 * Proves a kubeconfig before it is stored: it reaches the API server, authenticates, holds the
 * worker's rights (or, for the API's identity, at least authenticates) and no admin's. Each
 * failure names the field and says what to do; nothing is written.
 */
async function prove(text: string, field: string, timeoutMs: number, worker: boolean): Promise<ClusterFacts & { server: string }> {
  const { config, server } = parseKubeconfig(text, field);
  let facts: ClusterFacts = { version: 'unknown', nodes: 0, standIns: { images: {}, offline: false }, nodeList: [] };
  try {
    // Rights first: an identity without them could not even count the nodes, and should hear why.
    const rights = await checkRights(config, worker ? WORKER_RIGHTS : [], timeoutMs);
    if (rights.excess.length > 0) {
      throw Invalid.field(field, `can ${rights.excess.join(' and ')}: that is an admin's kubeconfig. Register Yunbang's own identity (the ${worker ? 'yunbang-worker' : 'yunbang-api'} service account of k8s/install/base/rbac.yaml), never an admin's`);
    }
    if (rights.missing.length > 0) {
      throw Invalid.field(field, `lacks rights the worker needs: ${rights.missing.join(', ')}. Apply k8s/install/base/rbac.yaml in the cluster and give the yunbang-worker service account's token`);
    }
    if (worker) facts = await probeCluster(config, timeoutMs);
  } catch (err) {
    if (err instanceof Invalid) throw err;
    throw Invalid.field(field, `cannot use ${server}: ${clusterError(err)}`);
  }
  return { ...facts, server };
}

export async function listClusters(ctx: Ctx): Promise<ClusterView[]> {
  requireAdmin(ctx.principal, 'list clusters');
  const { rows } = await ctx.db.query<ClusterRow>(`SELECT ${COLUMNS} FROM clusters c ORDER BY c.name`);
  return rows.map(toView);
}

export async function getCluster(ctx: Ctx, name: string): Promise<ClusterView> {
  requireAdmin(ctx.principal, 'read clusters');
  return toView(await findCluster(ctx.db, name));
}

export async function findCluster(q: Queryable, name: string, lock = false): Promise<ClusterRow> {
  const { rows } = await q.query<ClusterRow>(`SELECT ${COLUMNS} FROM clusters c WHERE c.name = $1${lock ? ' FOR UPDATE' : ''}`, [name]);
  if (!rows[0]) throw new NotFound(`cluster "${name}" not found`);
  return rows[0];
}

export async function registerCluster(ctx: Ctx, raw: RegisterClusterInput): Promise<ClusterView> {
  requireAdmin(ctx.principal, 'register clusters');
  const c = parse(registerInput, raw);
  const worker = await prove(c.kubeconfig, 'kubeconfig', ctx.clusterTimeoutMs, true);
  if (c.apiKubeconfig !== undefined) await prove(c.apiKubeconfig, 'apiKubeconfig', ctx.clusterTimeoutMs, false);
  await createClusterQueues(ctx.boss, c.name, ctx.jobTimeoutSeconds);
  return mutation(ctx, { action: 'cluster.register', subject: `cluster/${c.name}` }, async (tx, scope) => {
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO clusters (name, kubeconfig, api_kubeconfig, server, apps_domain, etcd_endpoints, labels, health, checked_at, server_version, nodes, stand_in_images)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'Reachable', now(), $8, $9, $10) ON CONFLICT (name) DO NOTHING RETURNING id`,
      [c.name, seal(ctx.secretKey, c.kubeconfig, 'cluster-kubeconfig'), c.apiKubeconfig ? seal(ctx.secretKey, c.apiKubeconfig, 'cluster-kubeconfig') : null,
        worker.server, c.appsDomain, c.etcdEndpoints, JSON.stringify(c.labels), worker.version, worker.nodes, JSON.stringify(worker.standIns)]);
    if (!rows[0]) throw new Conflict(`cluster "${c.name}" is already registered`, [{ field: 'name', message: 'is taken' }]);
    await tx.query(`SELECT pg_notify('yunbang_clusters', $1)`, [c.name]);
    scope.message = `${worker.server}, Kubernetes ${worker.version}, ${worker.nodes} node${worker.nodes === 1 ? '' : 's'}`;
    return toView(await findCluster(tx, c.name));
  });
}

export async function updateCluster(ctx: Ctx, raw: UpdateClusterInput): Promise<ClusterView> {
  requireAdmin(ctx.principal, 'change clusters');
  const u = parse(updateInput, raw);
  const current = await findCluster(ctx.db, u.name);
  if (current.from_env && (u.kubeconfig !== undefined || u.apiKubeconfig !== undefined)) {
    throw Invalid.field('kubeconfig', `cluster "${u.name}" is the one the processes' own KUBECONFIG names; change that instead`);
  }
  const worker = u.kubeconfig !== undefined ? await prove(u.kubeconfig, 'kubeconfig', ctx.clusterTimeoutMs, true) : undefined;
  if (u.apiKubeconfig) await prove(u.apiKubeconfig, 'apiKubeconfig', ctx.clusterTimeoutMs, false);
  return mutation(ctx, { action: 'cluster.update', subject: `cluster/${u.name}` }, async (tx, scope) => {
    const c = await findCluster(tx, u.name, true);
    await tx.query(
      `UPDATE clusters SET
         kubeconfig = coalesce($2, kubeconfig), server = coalesce($3, server),
         api_kubeconfig = CASE WHEN $4::boolean THEN $5 ELSE api_kubeconfig END,
         apps_domain = coalesce($6, apps_domain), etcd_endpoints = coalesce($7, etcd_endpoints), labels = coalesce($8, labels),
         server_version = coalesce($9, server_version), nodes = coalesce($10, nodes),
         stand_in_images = coalesce($11, stand_in_images), updated_at = now()
       WHERE id = $1`,
      [c.id, u.kubeconfig ? seal(ctx.secretKey, u.kubeconfig, 'cluster-kubeconfig') : null, worker?.server ?? null,
        u.apiKubeconfig !== undefined, u.apiKubeconfig ? seal(ctx.secretKey, u.apiKubeconfig, 'cluster-kubeconfig') : null,
        u.appsDomain ?? null, u.etcdEndpoints ?? null, u.labels ? JSON.stringify(u.labels) : null, worker?.version ?? null, worker?.nodes ?? null,
        worker ? JSON.stringify(worker.standIns) : null]);
    await tx.query(`SELECT pg_notify('yunbang_clusters', $1)`, [c.name]);
    // Default domains carry the apps domain, records go to the cluster's etcd: its apps follow.
    if ((u.appsDomain && u.appsDomain !== c.apps_domain) || u.etcdEndpoints) await enqueueClusterApps(ctx, tx, c.id);
    scope.message = Object.keys(u).filter((k) => k !== 'name').join(', ') || 'nothing';
    return toView(await findCluster(tx, u.name));
  });
}

async function enqueueClusterApps(ctx: Ctx, tx: Tx, clusterId: string): Promise<void> {
  const { rows } = await tx.query<{ id: string }>(`SELECT id FROM apps WHERE (cluster_id = $1 OR moving_to = $1) AND deleted_at IS NULL`, [clusterId]);
  for (const a of rows) await enqueue(ctx.boss, tx, QUEUES.reconcileApp, { appId: a.id }, a.id);
}

/** A cordoned cluster takes no new apps (created or moved in); those it has keep running. */
export async function cordonCluster(ctx: Ctx, name: string, cordoned: boolean): Promise<ClusterView> {
  requireAdmin(ctx.principal, 'cordon clusters');
  return mutation(ctx, { action: cordoned ? 'cluster.cordon' : 'cluster.uncordon', subject: `cluster/${name}` }, async (tx) => {
    const c = await findCluster(tx, name, true);
    await tx.query('UPDATE clusters SET cordoned = $2, updated_at = now() WHERE id = $1', [c.id, cordoned]);
    return toView(await findCluster(tx, name));
  });
}

/**
 * Forgets a cluster: refused while apps live (or are moving) there, and for the cluster of the
 * processes' own KUBECONFIG. Teams' empty namespaces in it stay: Yunbang no longer holds
 * credentials to remove them.
 */
export async function removeCluster(ctx: Ctx, name: string): Promise<ClusterView> {
  requireAdmin(ctx.principal, 'remove clusters');
  return mutation(ctx, { action: 'cluster.remove', subject: `cluster/${name}` }, async (tx) => {
    const c = await findCluster(tx, name, true);
    if (c.from_env) throw new Conflict(`cluster "${name}" is the one the processes' own KUBECONFIG names; it cannot be removed`);
    const { rows } = await tx.query<{ name: string; team: string }>(
      `SELECT a.name, t.name AS team FROM apps a JOIN teams t ON t.id = a.team_id
        WHERE (a.cluster_id = $1 OR a.moving_to = $1) ORDER BY t.name, a.name LIMIT 6`, [c.id]);
    if (rows.length > 0) {
      const list = rows.slice(0, 5).map((r) => `${r.team}/${r.name}`).join(', ') + (rows.length > 5 ? ', ...' : '');
      throw new Conflict(`cluster "${name}" still runs apps (${list}): move or delete them first`);
    }
    // Teams whose default it was fall back to another cluster they are allowed in.
    await tx.query(
      `UPDATE teams t SET default_cluster_id = (SELECT tc.cluster_id FROM team_clusters tc JOIN clusters o ON o.id = tc.cluster_id
                                                 WHERE tc.team_id = t.id AND tc.cluster_id <> $1 ORDER BY o.name LIMIT 1)
        WHERE default_cluster_id = $1`, [c.id]);
    await tx.query('DELETE FROM team_clusters WHERE cluster_id = $1', [c.id]);
    await tx.query('DELETE FROM clusters WHERE id = $1', [c.id]);
    await tx.query(`SELECT pg_notify('yunbang_clusters', $1)`, [c.name]);
    return toView(c);
  });
}

/** Allows a team in a cluster (its namespace is made there); `makeDefault` places its new apps there. */
export async function allowTeamCluster(ctx: Ctx, team: string, cluster: string, makeDefault = false): Promise<{ clusters: string[]; defaultCluster: string | null }> {
  return mutation(ctx, { action: 'team.cluster.allow', subject: `team/${team}/cluster/${cluster}`, team }, async (tx, scope) => {
    authorize(ctx.principal, team, 'read'); // another team's token learns nothing
    requireAdmin(ctx.principal, 'allow teams in clusters');
    const t = await findTeam(tx, team, true);
    scope.teamId = t.id;
    const c = await findCluster(tx, cluster);
    await tx.query('INSERT INTO team_clusters (team_id, cluster_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [t.id, c.id]);
    await tx.query('UPDATE teams SET default_cluster_id = $2 WHERE id = $1 AND ($3 OR default_cluster_id IS NULL)', [t.id, c.id, makeDefault]);
    await enqueue(ctx.boss, tx, QUEUES.reconcileTeam, { teamId: t.id }, t.id, [c.name]);
    scope.message = makeDefault ? `default cluster ${cluster}` : '';
    return teamPlacement(tx, t.id);
  });
}

/** Disallows a team in a cluster (its namespace there is deleted); refused while its apps live there. */
export async function disallowTeamCluster(ctx: Ctx, team: string, cluster: string): Promise<{ clusters: string[]; defaultCluster: string | null }> {
  return mutation(ctx, { action: 'team.cluster.disallow', subject: `team/${team}/cluster/${cluster}`, team }, async (tx, scope) => {
    authorize(ctx.principal, team, 'read');
    requireAdmin(ctx.principal, 'disallow teams in clusters');
    const t = await findTeam(tx, team, true);
    scope.teamId = t.id;
    const c = await findCluster(tx, cluster);
    const { rows } = await tx.query<{ name: string }>(
      `SELECT name FROM apps WHERE team_id = $1 AND (cluster_id = $2 OR moving_to = $2) AND deleted_at IS NULL ORDER BY name`, [t.id, c.id]);
    if (rows.length > 0) throw new Conflict(`team "${team}" still has apps in cluster "${cluster}" (${rows.map((r) => r.name).join(', ')}): move or delete them first`);
    const { rowCount } = await tx.query('DELETE FROM team_clusters WHERE team_id = $1 AND cluster_id = $2', [t.id, c.id]);
    if (!rowCount) throw new NotFound(`team "${team}" is not allowed in cluster "${cluster}"`);
    await tx.query(
      `UPDATE teams t SET default_cluster_id = (SELECT tc.cluster_id FROM team_clusters tc JOIN clusters o ON o.id = tc.cluster_id WHERE tc.team_id = t.id ORDER BY o.name LIMIT 1)
        WHERE id = $1 AND default_cluster_id = $2`, [t.id, c.id]);
    await enqueue(ctx.boss, tx, QUEUES.reconcileTeam, { teamId: t.id }, t.id, [c.name]); // deletes the namespace there
    return teamPlacement(tx, t.id);
  });
}

/**
 * Where a new app of the team goes: the cluster asked for, or the team's default. It must be one
 * the team is allowed in, and not cordoned.
 */
export async function placeApp(tx: Queryable, team: { id: string; name: string }, requested: string | undefined, field = 'cluster'): Promise<ClusterRow> {
  const { rows } = await tx.query<ClusterRow & { allowed: boolean }>(
    `SELECT ${COLUMNS}, EXISTS (SELECT 1 FROM team_clusters tc WHERE tc.team_id = $1 AND tc.cluster_id = c.id) AS allowed
       FROM clusters c WHERE ($2::text IS NULL AND c.id = (SELECT default_cluster_id FROM teams WHERE id = $1)) OR c.name = $2`,
    [team.id, requested ?? null]);
  const c = rows[0];
  if (!c && requested === undefined) throw new Conflict(`team "${team.name}" is allowed in no cluster: the admin allows it in one first`, [{ field, message: 'the team has no cluster' }]);
  if (!c || !c.allowed) throw Invalid.field(field, `team "${team.name}" is not allowed in cluster "${requested}"`);
  if (c.cordoned) throw new Conflict(`cluster "${c.name}" is cordoned: it takes no new apps`, [{ field, message: `cluster "${c.name}" is cordoned` }]);
  return c;
}

/**
 * Registers the cluster the processes' own KUBECONFIG names (once; its name and apps domain
 * follow the configuration), and places teams and apps from before clusters existed in it.
 */
export async function ensureEnvCluster(db: Queryable, c: { name: string; server: string; appsDomain: string }): Promise<void> {
  const { rows } = await db.query<{ inserted: boolean }>(
    `INSERT INTO clusters (name, from_env, server, apps_domain, health) VALUES ($1, true, $2, $3, 'Unknown')
     ON CONFLICT (from_env) WHERE from_env DO UPDATE SET name = excluded.name, server = excluded.server, apps_domain = excluded.apps_domain
     RETURNING (xmax = 0) AS inserted`,
    [c.name, c.server, c.appsDomain]);
  // Only when it is first registered: a team the admin later disallowed there stays so.
  if (rows[0]?.inserted) {
    await db.query(`INSERT INTO team_clusters (team_id, cluster_id) SELECT t.id, c.id FROM teams t, clusters c WHERE c.from_env ON CONFLICT DO NOTHING`);
    await db.query(`UPDATE teams SET default_cluster_id = (SELECT id FROM clusters WHERE from_env) WHERE default_cluster_id IS NULL`);
  }
  await db.query(`UPDATE apps SET cluster_id = (SELECT id FROM clusters WHERE from_env) WHERE cluster_id IS NULL`);
}
