import { isDeepStrictEqual } from 'node:util';
import type { Tx } from '../db/pool.js';
import { actorName, authorize } from '../auth/principal.js';
import { Conflict, Invalid, NotFound, Unavailable, type FieldIssue } from '../errors.js';
import type { AppView, EnvVar } from '../model.js';
import * as v from '../validation.js';
import { parse } from '../validation.js';
import { mutation } from './audit.js';
import { APP_SELECT, enqueueReconcile, findApp, lockApp, reconcileDependents, toView, webhookUrl, type AppRow } from './app-rows.js';
import { createSchema, updateSchema, type CreateAppInput, type UpdateAppInput } from './app-input.js';
import { recordRelease, releaseConfig } from './releases.js';
import type { Ctx } from './context.js';
import { placeApp } from './clusters.js';
import { findTeam } from './teams.js';
import { overruns, usage, type Workload } from './plan.js';
import { queueBuild } from './builds.js';
import { guardGitUrl, newWebhookId, newWebhookSecret, type GitCredentials, type SourceSpec } from './source.js';
import { seal } from '../crypto/box.js';
import type { TeamRow } from './teams.js';
import { defaultDomain, defaultLabel, underAppsDomain } from '../../k8s/render/hosts.js';
import type { ConnectionEntry, Volume, GeneratedSecret } from '../../k8s/types.js';

/*
 * Apps: create, update, read, follow, start, stop, restart. Beside this file: app-rows.ts (the row
 * every view comes from, and the reconcile every change ends with), app-input.ts (what create and
 * update accept), releases.ts (records and rollback), delete-app.ts.
 */

/**
 * Whether two field values are the same. A real deep equality: jsonb does not keep the key order
 * of objects (resources, git source), so comparing JSON.stringify output calls equal values
 * different. undefined and null both mean "not set".
 */
const equal = (a: unknown, b: unknown) => isDeepStrictEqual(a ?? null, b ?? null);

/**
 * Custom domains may not lie under the apps domain: that space is reserved for default domains,
 * so a custom domain can never take one before its app exists.
 */
function checkDomains(ctx: Ctx, domains: string[], clusterDomain: string): void {
  const reserved = [...new Set([ctx.apps.domain, clusterDomain])];
  const issues = domains.flatMap((d, i) => reserved.filter((r) => underAppsDomain(d, r)).slice(0, 1)
    .map((r) => ({ field: `domains[${i}]`, message: `${d} is under ${r}, which is reserved for default domains (<app>-<team>.${r})` })));
  if (issues.length > 0) throw new Invalid(issues);
}

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
    throw new Conflict(`domain${taken.length > 1 ? 's' : ''} ${taken.join(', ')} already routed to another app`,
      taken.map((d) => ({ field: `domains[${domains.indexOf(d)}]`, message: `${d} is already routed to another app` })));
  }
}

/**
 * Reads a live app, for callers that may read the team. One query on the hot path; only a miss
 * looks the team up, to say which of the two is missing.
 */
export async function getApp(ctx: Ctx, team: string, name: string): Promise<AppView> {
  authorize(ctx.principal, team, 'read');
  const { rows } = await ctx.db.query<AppRow>(
    `${APP_SELECT} WHERE t.name = $1 AND t.deleted_at IS NULL AND a.name = $2 AND a.deleted_at IS NULL`, [team, name]);
  if (rows[0]) return toView(rows[0], ctx);
  await findTeam(ctx.db, team);
  throw new NotFound(`app "${name}" not found in team "${team}"`);
}

/**
 * Follows an app's status: yields it now, then after every change the worker records, until
 * the signal aborts (the client went away) or the app is deleted.
 */
export async function* watchAppStatus(ctx: Ctx, team: string, name: string, signal: AbortSignal): AsyncGenerator<AppView['status']> {
  authorize(ctx.principal, team, 'read');
  const t = await findTeam(ctx.db, team);
  const app = await findApp(ctx.db, t.id, team, name);
  if (!ctx.statusHub) throw new Unavailable('status updates are not available in this process');
  const changes = ctx.statusHub.changes(app.id, signal); // listen before reading, so no change is missed
  try {
    yield toView(app, ctx).status;
    for await (const _ of changes) {
      const { rows } = await ctx.db.query<AppRow>(`${APP_SELECT} WHERE a.id = $1 AND a.deleted_at IS NULL`, [app.id]);
      if (!rows[0]) return;
      yield toView(rows[0], ctx).status;
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
  return rows.map((r) => toView(r, ctx));
}

/** Seals credentials for storage; refuses them when no key is configured. */
function sealCredentials(ctx: Ctx, c: GitCredentials): string {
  return seal(ctx.secretKey, JSON.stringify(c));
}

/** Everything a new app row holds; createApp and template installs fill it in. */
export interface NewApp {
  name: string; image: string | null; source: SourceSpec | null; sealedCredentials: string | null;
  port: number; replicas: number; env: EnvVar[]; resources: v.Resources; capabilities: string[]; healthCheckPath: string | null; tls: boolean; domains: string[];
  volumes: Volume[]; args: string[] | null; secrets: GeneratedSecret[]; exports: ConnectionEntry[];
  installationId: string | null; component: string | null;
  /** The cluster asked for; absent: the team's default. */
  cluster?: string;
}

/**
 * Writes a new app in the caller's transaction: its row, status, domains, first release (image
 * apps) or first build (git apps), and its reconcile job. Returns the app's id.
 */
export async function insertApp(ctx: Ctx, tx: Tx, team: TeamRow, a: NewApp): Promise<string> {
  const cluster = await placeApp(tx, team, a.cluster);
  checkDomains(ctx, a.domains, cluster.apps_domain);
  checkPodSecurity(team, a);
  await checkPlan(ctx, tx, team, null, { ...a, running: true }, 'replicas');
  // Backing services (they export connection info) are reached only by their dependents: no default domain.
  const label = a.exports.length > 0 ? null : defaultLabel(a.name, team.name);
  const { rows } = await tx.query<{ id: string; default_label: string | null }>(
    `INSERT INTO apps (team_id, name, image, port, replicas, env, resources, health_check_path, tls, source, webhook_id, webhook_secret, git_credentials,
                       volumes, args, secrets, exports, installation_id, component, capabilities, default_label, cluster_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
             CASE WHEN EXISTS (SELECT 1 FROM apps WHERE default_label = $21 AND deleted_at IS NULL) THEN NULL ELSE $21 END, $22)
     ON CONFLICT (team_id, name) WHERE deleted_at IS NULL DO NOTHING RETURNING id, default_label`,
    [team.id, a.name, a.image, a.port, a.replicas, JSON.stringify(a.env), JSON.stringify(a.resources), a.healthCheckPath, a.tls,
      a.source ? JSON.stringify(a.source) : null, a.source ? newWebhookId() : null, a.source ? seal(ctx.secretKey, newWebhookSecret(), 'webhook-secret') : null, a.sealedCredentials,
      JSON.stringify(a.volumes), a.args ? JSON.stringify(a.args) : null, JSON.stringify(a.secrets), JSON.stringify(a.exports), a.installationId, a.component, JSON.stringify(a.capabilities), label, cluster.id],
  ).catch((err: { code?: string; constraint?: string }) => {
    if (err.code === '23505' && err.constraint === 'apps_default_label') throw defaultDomainTaken(cluster.apps_domain, a.name, label!); // a concurrent create won
    throw err;
  });
  const id = rows[0]?.id;
  if (!id) throw new Conflict(`app "${a.name}" already exists in team "${team.name}"`);
  if (label && rows[0]!.default_label === null) throw defaultDomainTaken(cluster.apps_domain, a.name, label);
  await tx.query('INSERT INTO app_status (app_id, desired_replicas) VALUES ($1, $2)', [id, a.replicas]);
  await writeDomains(tx, id, a.domains);
  if (a.image) {
    await recordRelease(tx, actorName(ctx.principal), id, a.image, releaseConfig(a), `deploy ${a.image}`);
  } else {
    await queueBuild(tx, { boss: ctx.boss, actor: actorName(ctx.principal) }, id, a.source!.branch, 'create'); // a git app builds at once
  }
  await enqueueReconcile(ctx, tx, id);
  return id;
}

/**
 * Refuses a change that would take the team's running apps past its plan (its ResourceQuota would
 * leave the pods unmade). `app` is the app as it will be, `appId` the app it replaces, if any. Two
 * concurrent changes may both pass; the quota itself still holds the line then.
 */
export async function checkPlan(ctx: Ctx, tx: Tx, team: TeamRow, appId: string | null, app: Workload & { running: boolean }, field: string): Promise<void> {
  const { rows } = await tx.query<Workload & { id: string }>(
    `SELECT id, replicas, resources FROM apps WHERE team_id = $1 AND deleted_at IS NULL AND running`, [team.id]);
  const others = rows.filter((r) => r.id !== appId);
  const before = usage(rows, ctx.teamDefaults.containers);
  const after = usage(app.running ? [...others, app] : others, ctx.teamDefaults.containers);
  const over = overruns(team.quota ?? ctx.teamDefaults.quota, before, after);
  if (over.length > 0) {
    throw new Conflict(`team "${team.name}" has no room for this in its plan: ${over.join('; ')}`, over.map((message) => ({ field, message })));
  }
}

/**
 * What a restricted team refuses: builds from git (Kaniko runs as root) and any capability but
 * NET_BIND_SERVICE. Checked where an app is written, so its pods are never refused later.
 */
export function checkPodSecurity(team: Pick<TeamRow, 'name' | 'pod_security'>, a: { source: unknown; capabilities: string[] }): void {
  if (team.pod_security !== 'restricted') return;
  const issues: FieldIssue[] = [];
  if (a.source) issues.push({ field: 'git', message: `team "${team.name}" enforces the restricted Pod Security Standard, where builds (which run as root) cannot run; deploy an image instead` });
  a.capabilities.forEach((c, i) => {
    if (!v.RESTRICTED_CAPABILITIES.includes(c)) issues.push({ field: `capabilities[${i}]`, message: `team "${team.name}" enforces the restricted Pod Security Standard, which allows only ${v.RESTRICTED_CAPABILITIES.join(', ')}` });
  });
  if (issues.length > 0) throw new Invalid(issues);
}

/** `<app>-<team>` can be the default label of two apps ("a-b" in "c", "a" in "b-c"): the later one must pick another name. */
function defaultDomainTaken(appsDomain: string, name: string, label: string): Conflict {
  const host = defaultDomain(label, appsDomain);
  return new Conflict(`the default domain ${host} is already another app's`, [{ field: 'name', message: `gives the default domain ${host}, which another app already has; choose another name` }]);
}

export async function createApp(ctx: Ctx, input: CreateAppInput): Promise<AppView> {
  const a = parse(createSchema, input);
  if (a.gitCredentials && !a.git) throw Invalid.field('gitCredentials', 'only apps built from git take credentials');
  if (a.git) await guardGitUrl(ctx.gitAllow, a.git.url);
  const sealed = a.gitCredentials ? sealCredentials(ctx, a.gitCredentials) : null;
  return mutation(ctx, { action: 'app.create', subject: `app/${a.name}`, team: a.team }, async (tx, scope) => {
    authorize(ctx.principal, a.team, 'write');
    const team = await findTeam(tx, a.team, true);
    scope.teamId = team.id;
    const source: SourceSpec | null = a.git ? { ...a.git, buildMode: a.buildMode, dockerfilePath: a.dockerfilePath } : null;
    await insertApp(ctx, tx, team, {
      name: a.name, image: a.image ?? null, source, sealedCredentials: sealed, port: a.port, replicas: a.replicas, env: a.env, resources: a.resources, capabilities: a.capabilities,
      healthCheckPath: a.healthCheckPath, tls: a.tls, domains: a.domains, volumes: a.volumes, args: null, secrets: [], exports: [], installationId: null, component: null,
      cluster: a.cluster,
    });
    scope.message = a.image ? `image ${a.image}, ${a.replicas} replica(s)` : `git ${source!.url} (${source!.branch}), ${a.replicas} replica(s)`;
    return toView(await findApp(tx, team.id, a.team, a.name), ctx);
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
  if (u.git) await guardGitUrl(ctx.gitAllow, u.git.url);
  const sealed = u.gitCredentials ? sealCredentials(ctx, u.gitCredentials) : u.gitCredentials;
  return mutation(ctx, { action: 'app.update', subject: `app/${u.name}`, team: u.team }, async (tx, scope) => {
    authorize(ctx.principal, u.team, 'write');
    const team = await findTeam(tx, u.team, true);
    scope.teamId = team.id;
    const cur = await lockApp(tx, team.id, u.team, u.name);
    const view = toView(cur, ctx);
    let source = cur.source;
    if (u.image !== undefined) source = null;
    else if (u.git !== undefined || u.buildMode !== undefined || u.dockerfilePath !== undefined) {
      if (!source && u.git === undefined) throw Invalid.field('buildMode', 'only apps built from git have a build mode; give git too');
      source = {
        url: u.git?.url ?? source!.url, branch: u.git?.branch ?? source!.branch,
        subdir: u.git ? u.git.subdir : source!.subdir,
        knownHosts: u.git ? u.git.knownHosts : source!.knownHosts ?? null,
        trustOnFirstUse: u.git ? u.git.trustOnFirstUse : source!.trustOnFirstUse ?? false,
        buildMode: u.buildMode ?? source?.buildMode ?? 'AUTO', dockerfilePath: u.dockerfilePath ?? source?.dockerfilePath ?? 'Dockerfile',
      };
    }
    const next = {
      image: u.image ?? view.image, port: u.port ?? view.port, replicas: u.replicas ?? view.replicas,
      env: u.env ?? view.env, domains: u.domains ?? view.domains, resources: u.resources ?? view.resources,
      capabilities: u.capabilities ?? view.capabilities,
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
    if (changed.includes('replicas') && cur.autoscaling) {
      const r = cur.autoscaling;
      throw new Conflict(`app "${u.name}" is autoscaled (${r.min}–${r.max} replicas): turn autoscaling off to set its replicas by hand`,
        [{ field: 'replicas', message: `autoscaling sets the replicas (${r.min}–${r.max}); turn it off first` }]);
    }
    checkPodSecurity(team, next);
    if (changed.includes('replicas') || changed.includes('resources')) {
      await checkPlan(ctx, tx, team, cur.id, { ...next, running: cur.running }, changed.includes('replicas') ? 'replicas' : 'resources');
    }

    const hook = source && !cur.webhook_id ? { id: newWebhookId(), secret: seal(ctx.secretKey, newWebhookSecret(), 'webhook-secret') } : undefined;
    await tx.query(
      `UPDATE apps SET image = $2, port = $3, replicas = $4, env = $5, resources = $6, health_check_path = $7, tls = $8, source = $9,
              webhook_id = CASE WHEN $9::jsonb IS NULL THEN NULL ELSE coalesce($10, webhook_id) END,
              webhook_secret = CASE WHEN $9::jsonb IS NULL THEN NULL ELSE coalesce($11, webhook_secret) END,
              git_credentials = CASE WHEN $9::jsonb IS NULL THEN NULL WHEN $12 THEN $13 ELSE git_credentials END,
              learned_host_keys = CASE WHEN $9::jsonb->>'url' IS DISTINCT FROM source->>'url' THEN NULL ELSE learned_host_keys END,
              capabilities = $14, generation = generation + 1, updated_at = now() WHERE id = $1`,
      [cur.id, next.image, next.port, next.replicas, JSON.stringify(next.env), JSON.stringify(next.resources), next.healthCheckPath, next.tls,
        source ? JSON.stringify(source) : null, hook?.id ?? null, hook?.secret ?? null, sealed !== undefined, sealed ?? null, JSON.stringify(next.capabilities)],
    );
    if (changed.includes('domains')) {
      checkDomains(ctx, next.domains, cur.apps_domain);
      await writeDomains(tx, cur.id, next.domains);
    }
    const runtime = changed.filter((k) => k === 'image' || k === 'port' || k === 'env' || k === 'resources' || k === 'healthCheckPath');
    if (runtime.length > 0 && next.image) {
      const description = changed.includes('image') ? `deploy ${next.image}` : `change ${runtime.join(', ')}`;
      await recordRelease(tx, actorName(ctx.principal), cur.id, next.image, releaseConfig({ ...next, args: cur.args }), description);
    }
    // Dependents read this app's port in their connection info: they roll with it.
    if (changed.includes('port')) await reconcileDependents(ctx, tx, cur.id);
    if (changed.includes('replicas')) {
      await tx.query('UPDATE app_status SET desired_replicas = $2 WHERE app_id = $1', [cur.id, cur.running ? next.replicas : 0]);
    }
    await enqueueReconcile(ctx, tx, cur.id);
    return toView(await findApp(tx, team.id, u.team, u.name), ctx);
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
      return toView(cur, ctx);
    }
    if (op === 'start') await checkPlan(ctx, tx, t, cur.id, { replicas: cur.autoscaling?.max ?? cur.replicas, resources: cur.resources, running: true }, 'replicas');
    const update = op === 'restart' ? 'restarted_at = now()' : `running = ${op === 'start'}`;
    // Started, stopped or restarted by hand: awake (scale to zero), its idle window from now.
    await tx.query(`UPDATE apps SET ${update}, sleeping_since = NULL, awake_since = now(), generation = generation + 1, updated_at = now() WHERE id = $1`, [cur.id]);
    if (op !== 'restart') {
      await tx.query('UPDATE app_status SET desired_replicas = $2 WHERE app_id = $1', [cur.id, op === 'start' ? cur.replicas : 0]);
    }
    await enqueueReconcile(ctx, tx, cur.id);
    return toView(await findApp(tx, t.id, team, name), ctx);
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
    // Kept sealed; the plain secret is shown here once and never again.
    await tx.query('UPDATE apps SET webhook_id = $2, webhook_secret = $3 WHERE id = $1', [cur.id, id, seal(ctx.secretKey, secret, 'webhook-secret')]);
    return { secret, webhookUrl: webhookUrl(ctx.publicUrl, id) };
  });
}
