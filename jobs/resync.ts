import { isDeepStrictEqual } from 'node:util';
import type { Etcd3 } from 'etcd3';
import { readAllApps, samePublished, type AppRecord } from '../src/publish/etcd.js';
import { storedStatus, type ObservedStatus } from '../src/status.js';
import type { Db, Queryable } from '../src/db/pool.js';
import { changedObjects, liveIndex, unwantedObjects } from '../k8s/apply.js';
import type { Workload } from '../k8s/health.js';
import { appKinds, renderApp, renderTeam } from '../k8s/render/index.js';
import type { K8sObject, RenderSettings, TeamIntent } from '../k8s/types.js';
import type { ClusterCache } from './cache/cluster-cache.js';
import { loadClusterApps, type LoadedApp } from './intent.js';
import { observeApp, workloadKind } from './observe.js';
import { namespaceCurrent } from './reconcile-team.js';

/**
 * The periodic full comparison, per cluster: every app's rendered objects, status and etcd record
 * against the watch cache, Postgres and etcd, read in one pass each (one query for the apps, one
 * for their statuses, one etcd range), and every team's namespace-level objects the same way.
 * Only what differs gets a reconcile job: a resync that finds nothing costs no API-server request
 * and no job. It catches what a lost event missed (a watch event, a NOTIFY, a job given up).
 *
 * `appDrift` and `teamDrift` only look at memory (the cache and what `planResync` read); the
 * worker does the enqueueing.
 */
export interface ResyncView {
  cache: ClusterCache;
  settings: RenderSettings;
  cluster: { id: string; name: string };
  /** Recorded statuses, by app id. */
  statuses: Map<string, ObservedStatus>;
  /** Published records, by `team/app`. */
  records: Map<string, AppRecord>;
}

/** Why an app needs a reconcile, or undefined when everything matches. */
export function appDrift(app: LoadedApp, v: ResyncView): string | undefined {
  const { intent, placement } = app;
  if (app.deleted) return 'deleted';
  if (placement.clusterId !== v.cluster.id || placement.movingTo !== null) return 'moving';
  if (!app.hasImage) return 'awaiting build';
  // Secrets are compared by their reconcile, which reads them from the cache too.
  if (intent.secrets.length > 0 || app.secretCopies.length > 0 || intent.dependencies.some((d) => d.exports.some((e) => 'secret' in e))) return 'secrets';
  if (!namespaceCurrent(v.cache.get('Namespace', '', intent.team.namespace), intent.team)) return 'team';
  const desired = renderApp(intent, v.settings);
  const owned = appKinds(intent).flatMap((k) => v.cache.owned(k.kind, intent.team.namespace, intent.team.name, intent.name));
  if (changedObjects(desired, liveIndex(owned)).length > 0) return 'objects differ';
  if (unwantedObjects(desired, owned).length > 0) return 'objects to prune';
  const workload = owned.find((o) => o.kind === workloadKind(intent) && o.metadata?.name === intent.name) as Workload | undefined;
  const pods = v.cache.pods(intent.team.namespace, intent.team.name, intent.name);
  const autoscaler = owned.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata?.name === intent.name);
  const observed = observeApp(app.id, intent, v.settings, v.cluster.name, workload, pods, autoscaler);
  if (!isDeepStrictEqual(v.statuses.get(app.id), storedStatus(observed.status))) return 'status';
  const record = v.records.get(`${intent.team.name}/${intent.name}`);
  if (!record || record.appId !== app.id || !samePublished(record, observed.record)) return 'record';
  return undefined;
}

/** Whether a team's namespace-level objects all match the cache. */
export function teamDrift(team: TeamIntent, settings: RenderSettings, cache: ClusterCache): boolean {
  const desired = renderTeam(team, settings);
  const live = desired.map((o: K8sObject) => cache.get(o.kind, o.metadata.namespace ?? '', o.metadata.name)).filter((o) => o !== undefined);
  return changedObjects(desired, liveIndex(live)).length > 0;
}

const KINDS_NEEDED = ['Namespace', 'RoleBinding', 'ResourceQuota', 'LimitRange', 'NetworkPolicy', 'Service', 'Deployment', 'StatefulSet', 'Ingress', 'HorizontalPodAutoscaler', 'Pod'];

export interface ResyncPlan { apps: string[]; teams: string[]; reasons: Record<string, number>; compared: number }

/**
 * Reads what the comparison needs and returns what must be reconciled. Undefined when the cache
 * is not complete (a kind could not be listed): the caller falls back to reconciling everything.
 */
export async function planResync(env: { db: Queryable; etcd: Etcd3; cache: ClusterCache; settings: RenderSettings; cluster: { id: string; name: string } }): Promise<ResyncPlan | undefined> {
  if (!KINDS_NEEDED.every((k) => env.cache.synced(k))) return undefined;
  // The three queries one after another (a client inside a transaction serves only one at a time),
  // beside the etcd range.
  const fromDb = async () => {
    const apps = await loadClusterApps(env.db, env.cluster.id);
    const statuses = await env.db.query<ObservedStatus & { appId: string }>(
      `SELECT s.app_id AS "appId", s.health, s.reason, s.message, s.ready_replicas AS "readyReplicas", s.desired_replicas AS "desiredReplicas",
              s.observed_generation::int AS "observedGeneration", s.endpoints, s.autoscaling
         FROM app_status s JOIN apps a ON a.id = s.app_id WHERE a.cluster_id = $1 OR a.moving_to = $1`, [env.cluster.id]);
    const teams = await env.db.query<{ id: string; name: string; namespace: string; generation: number; pod_security: 'baseline' | 'restricted'; quota: Record<string, string> | null }>(
      `SELECT t.id, t.name, t.namespace, t.generation, t.pod_security, t.quota FROM teams t JOIN team_clusters tc ON tc.team_id = t.id
        WHERE tc.cluster_id = $1 AND t.deleted_at IS NULL`, [env.cluster.id]);
    return { apps, statuses, teams };
  };
  const [{ apps, statuses, teams }, records] = await Promise.all([fromDb(), readAllApps(env.etcd)]);
  const view: ResyncView = {
    cache: env.cache, settings: env.settings, cluster: env.cluster, records,
    statuses: new Map(statuses.rows.map(({ appId, ...s }) => [appId, s])),
  };
  const plan: ResyncPlan = { apps: [], teams: [], reasons: {}, compared: apps.length };
  for (const app of apps) {
    const why = appDrift(app, view);
    if (!why) continue;
    plan.apps.push(app.id);
    plan.reasons[why] = (plan.reasons[why] ?? 0) + 1;
  }
  for (const t of teams.rows) {
    const intent: TeamIntent = { name: t.name, namespace: t.namespace, generation: t.generation, podSecurity: t.pod_security, quota: t.quota };
    if (teamDrift(intent, env.settings, env.cache)) plan.teams.push(t.id);
  }
  return plan;
}

/**
 * Claims this period's resync of a cluster for the calling worker: true for one worker per period
 * (the row's update is atomic), however many serve the cluster.
 */
export async function claimResync(db: Db, clusterId: string, periodSeconds: number): Promise<boolean> {
  const { rowCount } = await db.query(
    `UPDATE clusters SET resynced_at = now()
      WHERE id = $1 AND (resynced_at IS NULL OR resynced_at <= now() - make_interval(secs => $2::double precision))`,
    [clusterId, periodSeconds * 0.9]);
  return (rowCount ?? 0) > 0;
}
