import { z } from 'zod';
import type { Queryable, Tx } from '../db/pool.js';
import { actorName, authorize } from '../auth/principal.js';
import { Conflict, Invalid, NotFound, Unavailable } from '../errors.js';
import { QUEUES, enqueue } from '../../jobs/queues.js';
import type { AppView, EnvVar, ReleaseConfig, ReleaseView } from '../model.js';
import * as v from '../validation.js';
import { parse } from '../validation.js';
import { mutation } from './audit.js';
import type { Ctx } from './context.js';
import { findTeam } from './teams.js';
import { queueBuild } from './builds.js';
import { buildMode, dockerfilePath, gitCredentials, gitInput, newWebhookId, newWebhookSecret, type GitCredentials, type SourceSpec } from './source.js';
import { seal } from '../crypto/box.js';

export interface AppRow {
  id: string; team_id: string; team: string; name: string; image: string | null; source: SourceSpec | null; webhook_id: string | null;
  has_credentials: boolean;
  port: number; replicas: number;
  env: EnvVar[]; resources: v.Resources; health_check_path: string | null; tls: boolean; running: boolean; generation: number; current_release: number | null;
  created_at: Date; updated_at: Date; domains: string[];
  health: AppView['status']['health']; reason: string; message: string; ready_replicas: number;
  desired_replicas: number; observed_generation: number; endpoints: string[]; status_updated_at: Date;
}

export const APP_SELECT = `
  SELECT a.id, a.team_id, t.name AS team, a.name, a.image, a.source, a.webhook_id, a.git_credentials IS NOT NULL AS has_credentials, a.port, a.replicas, a.env, a.resources, a.health_check_path, a.tls, a.running,
         a.generation, a.current_release, a.created_at, a.updated_at,
         array(SELECT d.host FROM app_domains d WHERE d.app_id = a.id ORDER BY d.position) AS domains,
         s.health, s.reason, s.message, s.ready_replicas, s.desired_replicas, s.observed_generation, s.endpoints,
         s.updated_at AS status_updated_at
    FROM apps a JOIN teams t ON t.id = a.team_id JOIN app_status s ON s.app_id = a.id`;

/** An app's webhook URL: one path segment per app; the git host is recognised by its headers. */
export const webhookUrl = (publicUrl: string, id: string) => `${publicUrl.replace(/\/$/, '')}/hooks/${id}`;

export function toView(r: AppRow, publicUrl = ''): AppView {
  const s = r.source;
  return {
    team: r.team, name: r.name, image: r.image,
    git: s ? { url: s.url, branch: s.branch, subdir: s.subdir, hasCredentials: r.has_credentials } : null,
    buildMode: s?.buildMode ?? null, dockerfilePath: s ? s.dockerfilePath : null,
    webhookUrl: r.webhook_id ? webhookUrl(publicUrl, r.webhook_id) : null,
    port: r.port, replicas: r.replicas, env: r.env, domains: r.domains,
    resources: r.resources, healthCheckPath: r.health_check_path, tls: r.tls, running: r.running, generation: r.generation, currentRelease: r.current_release,
    createdAt: r.created_at, updatedAt: r.updated_at,
    status: {
      health: r.health, reason: r.reason, message: r.message, readyReplicas: r.ready_replicas,
      desiredReplicas: r.desired_replicas, observedGeneration: r.observed_generation, endpoints: r.endpoints,
      updatedAt: r.status_updated_at,
    },
  };
}

async function findApp(q: Queryable, teamId: string, team: string, name: string): Promise<AppRow> {
  const { rows } = await q.query<AppRow>(`${APP_SELECT} WHERE a.team_id = $1 AND a.name = $2 AND a.deleted_at IS NULL`, [teamId, name]);
  if (!rows[0]) throw new NotFound(`app "${name}" not found in team "${team}"`);
  return rows[0];
}

/** Locks the live app row for the rest of the transaction, so concurrent changes serialise. */
async function lockApp(tx: Tx, teamId: string, team: string, name: string): Promise<AppRow> {
  const { rows } = await tx.query<{ id: string }>(
    `SELECT id FROM apps WHERE team_id = $1 AND name = $2 AND deleted_at IS NULL FOR UPDATE`, [teamId, name]);
  if (!rows[0]) throw new NotFound(`app "${name}" not found in team "${team}"`);
  return findApp(tx, teamId, team, name);
}

const specFields = {
  image: v.image,
  port: v.port,
  replicas: v.replicas,
  env: v.env,
  domains: v.domains,
  resources: v.resources,
  // "" clears it too, for clients (GraphQL) where null means "leave as is".
  healthCheckPath: z.union([z.literal('').transform(() => null), v.healthCheckPath]).nullable(),
  tls: z.boolean(),
};

const createSchema = z.object({
  team: z.string(),
  name: v.appName,
  image: v.image.optional(),
  git: gitInput.optional(),
  gitCredentials: gitCredentials.optional(),
  buildMode: buildMode.default('AUTO'),
  dockerfilePath: dockerfilePath.default('Dockerfile'),
  port: v.port.default(8080),
  replicas: v.replicas.default(1),
  env: v.env.default([]),
  domains: v.domains.default([]),
  resources: v.resources.default({}),
  healthCheckPath: specFields.healthCheckPath.default(null),
  tls: z.boolean().default(false),
}).superRefine((a, ctx) => {
  if ((a.image === undefined) === (a.git === undefined)) ctx.addIssue({ code: 'custom', path: ['image'], message: 'give exactly one of image or git' });
});
export type CreateAppInput = z.input<typeof createSchema>;

const updateSchema = z.object({
  team: z.string(),
  name: z.string(),
  image: specFields.image.optional(),
  git: gitInput.optional(),
  // null removes stored credentials
  gitCredentials: gitCredentials.nullable().optional(),
  buildMode: buildMode.optional(),
  dockerfilePath: dockerfilePath.optional(),
  port: specFields.port.optional(),
  replicas: specFields.replicas.optional(),
  env: specFields.env.optional(),
  domains: specFields.domains.optional(),
  resources: specFields.resources.optional(),
  healthCheckPath: specFields.healthCheckPath.optional(),
  tls: specFields.tls.optional(),
});
export type UpdateAppInput = z.input<typeof updateSchema>;

const equal = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

async function writeDomains(tx: Tx, appId: string, domains: string[]): Promise<void> {
  await tx.query('DELETE FROM app_domains WHERE app_id = $1', [appId]);
  if (domains.length === 0) return;
  const { rows } = await tx.query<{ host: string }>(
    `INSERT INTO app_domains (host, app_id, position)
     SELECT host, $1, pos - 1 FROM unnest($2::text[]) WITH ORDINALITY AS d(host, pos)
     ON CONFLICT (host) DO NOTHING RETURNING host`,
    [appId, domains],
  );
  if (rows.length !== domains.length) {
    const taken = domains.filter((d) => !rows.some((r) => r.host === d));
    throw new Conflict(`domain${taken.length > 1 ? 's' : ''} ${taken.join(', ')} already routed to another app`);
  }
}

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

function reconcile(ctx: Ctx, tx: Tx, appId: string) {
  return enqueue(ctx.boss, tx, QUEUES.reconcileApp, { appId }, appId);
}

/**
 * Reads a live app, for callers that may read the team. One query on the hot path; only a miss
 * looks the team up, to say which of the two is missing.
 */
export async function getApp(ctx: Ctx, team: string, name: string): Promise<AppView> {
  authorize(ctx.principal, team, 'read');
  const { rows } = await ctx.db.query<AppRow>(
    `${APP_SELECT} WHERE t.name = $1 AND t.deleted_at IS NULL AND a.name = $2 AND a.deleted_at IS NULL`, [team, name]);
  if (rows[0]) return toView(rows[0], ctx.publicUrl);
  await findTeam(ctx.db, team);
  throw new NotFound(`app "${name}" not found in team "${team}"`);
}

/**
 * Follows an app's status: yields it now, then after every change the worker records, until
 * the signal aborts (the client went away) or the app is deleted.
 */
export async function* watchAppStatus(ctx: Ctx, team: string, name: string, signal: AbortSignal): AsyncGenerator<AppView['status']> {
  if (!ctx.statusHub) throw new Unavailable('status updates are not available in this process');
  authorize(ctx.principal, team, 'read');
  const t = await findTeam(ctx.db, team);
  const app = await findApp(ctx.db, t.id, team, name);
  const changes = ctx.statusHub.changes(app.id, signal); // listen before reading, so no change is missed
  try {
    yield toView(app, ctx.publicUrl).status;
    for await (const _ of changes) {
      const { rows } = await ctx.db.query<AppRow>(`${APP_SELECT} WHERE a.id = $1 AND a.deleted_at IS NULL`, [app.id]);
      if (!rows[0]) return;
      yield toView(rows[0], ctx.publicUrl).status;
    }
  } catch (err) {
    if ((err as Error).name !== 'AbortError') throw err;
  } finally {
    await changes.return?.();
  }
}

export async function listApps(ctx: Ctx, team: string): Promise<AppView[]> {
  authorize(ctx.principal, team, 'read');
  const t = await findTeam(ctx.db, team);
  const { rows } = await ctx.db.query<AppRow>(`${APP_SELECT} WHERE a.team_id = $1 AND a.deleted_at IS NULL ORDER BY a.name`, [t.id]);
  return rows.map((r) => toView(r, ctx.publicUrl));
}

/** Seals credentials for storage; refuses them when no key is configured. */
function sealCredentials(ctx: Ctx, c: GitCredentials): string {
  if (!ctx.secretKey) throw Invalid.field('gitCredentials', 'this installation stores no credentials: set YUNBANG_SECRET_KEY');
  return seal(ctx.secretKey, JSON.stringify(c));
}

export async function createApp(ctx: Ctx, input: CreateAppInput): Promise<AppView> {
  const a = parse(createSchema, input);
  if (a.gitCredentials && !a.git) throw Invalid.field('gitCredentials', 'only apps built from git take credentials');
  const sealed = a.gitCredentials ? sealCredentials(ctx, a.gitCredentials) : null;
  return mutation(ctx, { action: 'app.create', subject: `app/${a.name}`, team: a.team }, async (tx, scope) => {
    authorize(ctx.principal, a.team, 'write');
    const team = await findTeam(tx, a.team, true);
    scope.teamId = team.id;
    const source: SourceSpec | null = a.git ? { ...a.git, buildMode: a.buildMode, dockerfilePath: a.dockerfilePath } : null;
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO apps (team_id, name, image, port, replicas, env, resources, health_check_path, tls, source, webhook_id, webhook_secret, git_credentials)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (team_id, name) WHERE deleted_at IS NULL DO NOTHING RETURNING id`,
      [team.id, a.name, a.image ?? null, a.port, a.replicas, JSON.stringify(a.env), JSON.stringify(a.resources), a.healthCheckPath, a.tls,
        source ? JSON.stringify(source) : null, source ? newWebhookId() : null, source ? newWebhookSecret() : null, sealed],
    );
    const id = rows[0]?.id;
    if (!id) throw new Conflict(`app "${a.name}" already exists in team "${a.team}"`);
    await tx.query('INSERT INTO app_status (app_id, desired_replicas) VALUES ($1, $2)', [id, a.replicas]);
    await writeDomains(tx, id, a.domains);
    if (a.image) {
      await recordRelease(tx, actorName(ctx.principal), id, a.image, { port: a.port, env: a.env, resources: a.resources, healthCheckPath: a.healthCheckPath }, `deploy ${a.image}`);
    } else {
      await queueBuild(tx, { boss: ctx.boss, actor: actorName(ctx.principal) }, id, source!.branch, 'create'); // a git app builds at once
    }
    await reconcile(ctx, tx, id);
    scope.message = a.image ? `image ${a.image}, ${a.replicas} replica(s)` : `git ${source!.url} (${source!.branch}), ${a.replicas} replica(s)`;
    return toView(await findApp(tx, team.id, a.team, a.name), ctx.publicUrl);
  });
}

/**
 * Applies the given fields. A change of image, port, env, resources or health check records a new
 * release (once the app has an image); any effective change bumps the generation and enqueues a
 * reconcile. Giving `image` turns a git app into an image app; giving `git` does the reverse (the
 * current image keeps running until the first build). An update that changes nothing is a no-op.
 */
export async function updateApp(ctx: Ctx, input: UpdateAppInput): Promise<AppView> {
  const u = parse(updateSchema, input);
  if (u.image !== undefined && u.git !== undefined) throw Invalid.field('image', 'give either image or git, not both');
  const sealed = u.gitCredentials ? sealCredentials(ctx, u.gitCredentials) : u.gitCredentials;
  return mutation(ctx, { action: 'app.update', subject: `app/${u.name}`, team: u.team }, async (tx, scope) => {
    authorize(ctx.principal, u.team, 'write');
    const team = await findTeam(tx, u.team, true);
    scope.teamId = team.id;
    const cur = await lockApp(tx, team.id, u.team, u.name);
    const view = toView(cur, ctx.publicUrl);
    let source = cur.source;
    if (u.image !== undefined) source = null;
    else if (u.git !== undefined || u.buildMode !== undefined || u.dockerfilePath !== undefined) {
      if (!source && u.git === undefined) throw Invalid.field('buildMode', 'only apps built from git have a build mode; give git too');
      source = {
        url: u.git?.url ?? source!.url, branch: u.git?.branch ?? source!.branch,
        subdir: u.git ? u.git.subdir : source!.subdir,
        buildMode: u.buildMode ?? source?.buildMode ?? 'AUTO', dockerfilePath: u.dockerfilePath ?? source?.dockerfilePath ?? 'Dockerfile',
      };
    }
    const next = {
      image: u.image ?? view.image, port: u.port ?? view.port, replicas: u.replicas ?? view.replicas,
      env: u.env ?? view.env, domains: u.domains ?? view.domains, resources: u.resources ?? view.resources,
      healthCheckPath: u.healthCheckPath === undefined ? view.healthCheckPath : u.healthCheckPath, tls: u.tls ?? view.tls,
      source,
    };
    const before = { ...view, source: cur.source };
    const changed: string[] = (Object.keys(next) as (keyof typeof next)[]).filter((k) => !equal(next[k], before[k]));
    if (sealed !== undefined) {
      if (!source) throw Invalid.field('gitCredentials', 'only apps built from git take credentials');
      changed.push('gitCredentials'); // sealed values never compare equal: any given credentials count as a change
    }
    scope.message = changed.length ? `changed ${changed.join(', ')}` : 'no change';
    if (changed.length === 0) return view;

    const hook = source && !cur.webhook_id ? { id: newWebhookId(), secret: newWebhookSecret() } : undefined;
    await tx.query(
      `UPDATE apps SET image = $2, port = $3, replicas = $4, env = $5, resources = $6, health_check_path = $7, tls = $8, source = $9,
              webhook_id = CASE WHEN $9::jsonb IS NULL THEN NULL ELSE coalesce($10, webhook_id) END,
              webhook_secret = CASE WHEN $9::jsonb IS NULL THEN NULL ELSE coalesce($11, webhook_secret) END,
              git_credentials = CASE WHEN $9::jsonb IS NULL THEN NULL WHEN $12 THEN $13 ELSE git_credentials END,
              generation = generation + 1, updated_at = now() WHERE id = $1`,
      [cur.id, next.image, next.port, next.replicas, JSON.stringify(next.env), JSON.stringify(next.resources), next.healthCheckPath, next.tls,
        source ? JSON.stringify(source) : null, hook?.id ?? null, hook?.secret ?? null, sealed !== undefined, sealed ?? null],
    );
    if (changed.includes('domains')) await writeDomains(tx, cur.id, next.domains);
    const runtime = changed.filter((k) => k === 'image' || k === 'port' || k === 'env' || k === 'resources' || k === 'healthCheckPath');
    if (runtime.length > 0 && next.image) {
      const description = changed.includes('image') ? `deploy ${next.image}` : `change ${runtime.join(', ')}`;
      await recordRelease(tx, actorName(ctx.principal), cur.id, next.image, { port: next.port, env: next.env, resources: next.resources, healthCheckPath: next.healthCheckPath }, description);
    }
    if (changed.includes('replicas')) {
      await tx.query('UPDATE app_status SET desired_replicas = $2 WHERE app_id = $1', [cur.id, cur.running ? next.replicas : 0]);
    }
    await reconcile(ctx, tx, cur.id);
    return toView(await findApp(tx, team.id, u.team, u.name), ctx.publicUrl);
  });
}

type Lifecycle = 'start' | 'stop' | 'restart';

/** start/stop flip whether the app runs (its config is kept); restart rolls its pods. */
export async function setLifecycle(ctx: Ctx, op: Lifecycle, team: string, name: string): Promise<AppView> {
  return mutation(ctx, { action: `app.${op}`, subject: `app/${name}`, team }, async (tx, scope) => {
    authorize(ctx.principal, team, 'write');
    const t = await findTeam(tx, team, true);
    scope.teamId = t.id;
    const cur = await lockApp(tx, t.id, team, name);
    if (op === 'restart' && !cur.running) throw new Conflict(`app "${name}" is stopped; start it instead`);
    if ((op === 'start' && cur.running) || (op === 'stop' && !cur.running)) {
      scope.message = `already ${cur.running ? 'running' : 'stopped'}`;
      return toView(cur, ctx.publicUrl);
    }
    const update = op === 'restart' ? 'restarted_at = now()' : `running = ${op === 'start'}`;
    await tx.query(`UPDATE apps SET ${update}, generation = generation + 1, updated_at = now() WHERE id = $1`, [cur.id]);
    if (op !== 'restart') {
      await tx.query('UPDATE app_status SET desired_replicas = $2 WHERE app_id = $1', [cur.id, op === 'start' ? cur.replicas : 0]);
    }
    await reconcile(ctx, tx, cur.id);
    return toView(await findApp(tx, t.id, team, name), ctx.publicUrl);
  });
}

/**
 * Deletes an app: the row is marked deleted (freeing its name and domains at once) and the
 * reconcile job removes its objects from the cluster and etcd, then the row itself.
 */
export async function deleteApp(ctx: Ctx, team: string, name: string): Promise<AppView> {
  return mutation(ctx, { action: 'app.delete', subject: `app/${name}`, team }, async (tx, scope) => {
    authorize(ctx.principal, team, 'write');
    const t = await findTeam(tx, team, true);
    scope.teamId = t.id;
    const cur = await lockApp(tx, t.id, team, name);
    await tx.query(`UPDATE apps SET deleted_at = now(), generation = generation + 1, updated_at = now() WHERE id = $1`, [cur.id]);
    await tx.query('DELETE FROM app_domains WHERE app_id = $1', [cur.id]);
    await reconcile(ctx, tx, cur.id);
    return toView(cur, ctx.publicUrl);
  });
}

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
  if (!Number.isInteger(release) || release < 1) throw Invalid.field('release', 'must be a release number');
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
      `UPDATE apps SET image = $2, port = $3, env = $4, resources = $5, health_check_path = $6,
              generation = generation + 1, updated_at = now() WHERE id = $1`,
      [cur.id, target.image, c.port, JSON.stringify(c.env), JSON.stringify(c.resources), c.healthCheckPath ?? null],
    );
    const number = await recordRelease(tx, actorName(ctx.principal), cur.id, target.image, c, `rollback to release ${release}`,
      { buildId: target.build_id ?? undefined, rollbackOf: release });
    scope.message = `release ${number} = release ${release} (${target.image})`;
    await reconcile(ctx, tx, cur.id);
    return toView(await findApp(tx, t.id, team, name), ctx.publicUrl);
  });
}

/** A new webhook secret for a git app; shown only here. The URL stays the same. */
export async function rotateWebhookSecret(ctx: Ctx, team: string, name: string): Promise<{ secret: string; webhookUrl: string }> {
  return mutation(ctx, { action: 'app.rotate-webhook-secret', subject: `app/${name}`, team }, async (tx, scope) => {
    authorize(ctx.principal, team, 'write');
    const t = await findTeam(tx, team, true);
    scope.teamId = t.id;
    const cur = await lockApp(tx, t.id, team, name);
    if (!cur.source) throw new Conflict(`app "${name}" runs a ready image; only git apps have a webhook`);
    const secret = newWebhookSecret();
    const id = cur.webhook_id ?? newWebhookId();
    await tx.query('UPDATE apps SET webhook_id = $2, webhook_secret = $3 WHERE id = $1', [cur.id, id, secret]);
    return { secret, webhookUrl: webhookUrl(ctx.publicUrl, id) };
  });
}
