import type { Queryable, Tx } from '../db/pool.js';
import { NotFound } from '../errors.js';
import { QUEUES, enqueue } from './queues.js';
import type { AppView, AutoscalingRule, AutoscalingStatus, EnvVar } from '../model.js';
import * as v from '../validation.js';
import type { AppsSettings, Ctx } from './context.js';
import { type SourceSpec } from './source.js';
import { servedBy, type LocalImages } from '../clusters/stand-ins.js';
import { APP_CHANNEL } from '../status.js';
import { connectionEnv, effectiveExports, fillEndpoint } from '../../k8s/render/connect.js';
import { defaultDomain } from '../../k8s/render/hosts.js';
import type { ConnectionEntry, Dependency, Volume, GeneratedSecret } from '../../k8s/types.js';

/**
 * An app as its row reads: the one SELECT every view of an app comes from, the view built from it,
 * and the two steps every change of an app ends with (a reconcile; its dependents' too).
 */

export interface AppRow {
  id: string; team_id: string; team: string; name: string; image: string | null; source: SourceSpec | null; webhook_id: string | null;
  has_credentials: boolean; learned_host_keys: string | null;
  port: number; replicas: number;
  env: EnvVar[]; resources: v.Resources; capabilities: string[]; health_check_path: string | null; tls: boolean; running: boolean; generation: number; current_release: number | null;
  created_at: Date; updated_at: Date; domains: string[];
  health: AppView['status']['health']; reason: string; message: string; ready_replicas: number;
  desired_replicas: number; observed_generation: number; endpoints: string[]; status_updated_at: Date;
  namespace: string; volumes: Volume[]; exports: ConnectionEntry[]; secrets: GeneratedSecret[]; args: string[] | null;
  installation: string | null; component: string | null; dependencies: Dependency[]; shared_with: string[]; default_label: string | null;
  cluster: string; apps_domain: string; moving_to: string | null; move_error: string | null; cluster_id: string; stand_in_images: LocalImages;
  autoscaling: AutoscalingRule | null; autoscaling_status: AutoscalingStatus | null; sleeping_since: Date | null;
}

export const APP_SELECT = `
  SELECT a.id, a.team_id, t.name AS team, a.name, a.image, a.source, a.webhook_id, a.git_credentials IS NOT NULL AS has_credentials, a.learned_host_keys, a.port, a.replicas, a.env, a.resources, a.capabilities, a.health_check_path, a.tls, a.running,
         a.generation, a.current_release, a.created_at, a.updated_at,
         array(SELECT d.host FROM app_domains d WHERE d.app_id = a.id ORDER BY d.position) AS domains,
         s.health, s.reason, s.message, s.ready_replicas, s.desired_replicas, s.observed_generation, s.endpoints,
         s.updated_at AS status_updated_at, a.autoscaling, s.autoscaling AS autoscaling_status, a.sleeping_since,
         t.namespace, a.volumes, a.exports, a.secrets, a.args, i.name AS installation, a.component, a.default_label,
         (SELECT coalesce(json_agg(json_build_object('team', dt.name, 'app', d.name, 'namespace', dt.namespace, 'port', d.port, 'exports', d.exports)
                  ORDER BY dt.name, d.name), '[]')
            FROM app_dependencies ad JOIN apps d ON d.id = ad.depends_on JOIN teams dt ON dt.id = d.team_id
           WHERE ad.app_id = a.id AND d.deleted_at IS NULL) AS dependencies,
         array(SELECT st.name FROM app_shares sh JOIN teams st ON st.id = sh.team_id WHERE sh.app_id = a.id AND st.deleted_at IS NULL ORDER BY st.name) AS shared_with,
         a.cluster_id, c.name AS cluster, c.apps_domain, c.stand_in_images, (SELECT m.name FROM clusters m WHERE m.id = a.moving_to) AS moving_to, a.move_error
    FROM apps a JOIN teams t ON t.id = a.team_id JOIN app_status s ON s.app_id = a.id JOIN clusters c ON c.id = a.cluster_id
    LEFT JOIN installations i ON i.id = a.installation_id`;

/** An app's webhook URL: one path segment per app; the git host is recognised by its headers. */
export const webhookUrl = (publicUrl: string, id: string) => `${publicUrl.replace(/\/$/, '')}/hooks/${id}`;

/** An app's URL at a host: the scheme its TLS setting gives, and the gateway's public port unless standard. */
export function appUrl(host: string, tls: boolean, apps: AppsSettings): string {
  const port = tls ? (apps.httpsPort === 443 ? '' : `:${apps.httpsPort}`) : (apps.httpPort === 80 ? '' : `:${apps.httpPort}`);
  return `${tls ? 'https' : 'http'}://${host}${port}/`;
}

type Links = Pick<Ctx, 'publicUrl' | 'apps'>;

export function toView(r: AppRow, links: Links): AppView {
  const s = r.source;
  const own = defaultDomain(r.default_label, r.apps_domain);
  // A wildcard custom domain is no address to visit.
  const visit = own ?? r.domains.find((d) => !d.startsWith('*.')) ?? null;
  return {
    team: r.team, name: r.name, image: r.image, imageServedBy: servedBy(r.image, r.stand_in_images),
    git: s ? {
      url: s.url, branch: s.branch, subdir: s.subdir, hasCredentials: r.has_credentials,
      knownHosts: s.knownHosts ?? null, trustOnFirstUse: s.trustOnFirstUse ?? false, learnedHostKeys: r.learned_host_keys,
    } : null,
    buildMode: s?.buildMode ?? null, dockerfilePath: s ? s.dockerfilePath : null,
    webhookUrl: r.webhook_id ? webhookUrl(links.publicUrl, r.webhook_id) : null,
    port: r.port, replicas: r.replicas, env: r.env, domains: r.domains,
    defaultDomain: own, url: visit ? appUrl(visit, r.tls, links.apps) : null,
    resources: r.resources, capabilities: r.capabilities, healthCheckPath: r.health_check_path, tls: r.tls, running: r.running, generation: r.generation, currentRelease: r.current_release,
    createdAt: r.created_at, updatedAt: r.updated_at,
    status: {
      health: r.health, reason: r.reason, message: r.message, readyReplicas: r.ready_replicas,
      desiredReplicas: r.desired_replicas, observedGeneration: r.observed_generation, endpoints: r.endpoints,
      updatedAt: r.status_updated_at,
    },
    volumes: r.volumes,
    dependencies: r.dependencies.map((d) => ({ team: d.team, app: d.app })),
    sharedWith: r.shared_with,
    connectionInfo: effectiveExports(r.name, r.exports).map((e) => ('secret' in e
      ? { name: e.name, value: null, secret: true }
      : { name: e.name, value: fillEndpoint(e.value, { app: r.name, namespace: r.namespace, port: r.port }), secret: false })),
    envConflicts: connectionEnv({ app: r.name, namespace: r.namespace }, r.dependencies, [...r.env.map((e) => e.name), ...r.secrets.map((x) => x.name), 'PORT']).conflicts,
    installation: r.installation,
    cluster: r.cluster, movingTo: r.moving_to, moveError: r.move_error,
    autoscaling: r.autoscaling ? { ...fullRule(r.autoscaling), status: r.autoscaling_status } : null,
    sleepingSince: r.running && r.autoscaling?.scaleToZeroAfterMinutes != null ? r.sleeping_since : null,
  };
}

export async function findApp(q: Queryable, teamId: string, team: string, name: string): Promise<AppRow> {
  const { rows } = await q.query<AppRow>(`${APP_SELECT} WHERE a.team_id = $1 AND a.name = $2 AND a.deleted_at IS NULL`, [teamId, name]);
  if (!rows[0]) throw new NotFound(`app "${name}" not found in team "${team}"`);
  return rows[0];
}

/** Locks the live app row for the rest of the transaction, so concurrent changes serialise. */
export async function lockApp(tx: Tx, teamId: string, team: string, name: string): Promise<AppRow> {
  const { rows } = await tx.query<{ id: string }>(
    `SELECT id FROM apps WHERE team_id = $1 AND name = $2 AND deleted_at IS NULL FOR UPDATE`, [teamId, name]);
  if (!rows[0]) throw new NotFound(`app "${name}" not found in team "${team}"`);
  return findApp(tx, teamId, team, name);
}

/** Every intent change of an app goes through here: a reconcile, and a word to the team's followers (on commit). */
export async function enqueueReconcile(ctx: Ctx, tx: Tx, appId: string): Promise<void> {
  await tx.query('SELECT pg_notify($1, $2)', [APP_CHANNEL, appId]);
  await enqueue(ctx.boss, tx, QUEUES.reconcileApp, { appId }, appId);
}

/** Enqueues a reconcile of every live app that depends on this one. */
export async function reconcileDependents(ctx: Ctx, tx: Tx, appId: string): Promise<void> {
  const { rows } = await tx.query<{ id: string }>(
    `SELECT u.id FROM app_dependencies ad JOIN apps u ON u.id = ad.app_id WHERE ad.depends_on = $1 AND u.deleted_at IS NULL`, [appId]);
  for (const { id } of rows) await enqueueReconcile(ctx, tx, id);
}

/** A rule as the API shows it: every target named, null where not set (older rules lack the request targets). */
export function fullRule(r: Pick<AutoscalingRule, 'min' | 'max'> & { [k in 'cpuPercent' | 'memoryPercent' | 'requestsPerReplica' | 'p95Ms' | 'scaleToZeroAfterMinutes']?: number | null }): Required<AutoscalingRule> {
  return {
    min: r.min, max: r.max, cpuPercent: r.cpuPercent ?? null, memoryPercent: r.memoryPercent ?? null, requestsPerReplica: r.requestsPerReplica ?? null, p95Ms: r.p95Ms ?? null,
    scaleToZeroAfterMinutes: r.scaleToZeroAfterMinutes ?? null,
  };
}
