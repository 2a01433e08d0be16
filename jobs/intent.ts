import type { Queryable } from '../src/db/pool.js';
import type { EnvVar } from '../src/model.js';
import type { Resources } from '../src/validation.js';
import type { AppIntent, AppRef, AutoscalingRule, Dependency, TeamIntent, Volume, ConnectionEntry, GeneratedSecret } from '../k8s/types.js';

/** The latest recorded intent of an app, as the reconciler reads it (deleted ones included). */
export interface LoadedApp {
  id: string;
  teamId: string;
  deleted: boolean;
  /** False for a git app whose first build has not succeeded: nothing can run yet. */
  hasImage: boolean;
  /** Deleted with its data: its volume claims and generated secrets go too. */
  deleteData: boolean;
  /** Copies of shared dependencies' secrets the worker made in its namespace. */
  secretCopies: string[];
  /** Where it runs, and where it is moving to (and since when), by cluster id. */
  placement: { clusterId: string; clusterName: string; etcdEndpoints: string[]; movingTo: string | null; movingToName: string | null; moveStartedAt: Date | null };
  intent: AppIntent;
}

interface Row {
  id: string; name: string; image: string | null; port: number; replicas: number; env: EnvVar[]; resources: Resources;
  health_check_path: string | null; tls: boolean;
  running: boolean; restarted_at: Date | null; generation: number; current_release: number | null; deleted_at: Date | null;
  team_id: string; team: string; namespace: string; team_generation: number; team_deleted_at: Date | null; domains: string[];
  pod_security: 'baseline' | 'restricted'; quota: Record<string, string> | null; capabilities: string[];
  args: string[] | null; default_label: string | null; volumes: Volume[]; secrets: GeneratedSecret[]; exports: ConnectionEntry[]; delete_data: boolean;
  dependencies: Dependency[]; dependents: AppRef[]; secret_copies: string[] | null;
  cluster_id: string; cluster_name: string; cluster_etcd: string[]; moving_to: string | null; moving_to_name: string | null; move_started_at: Date | null;
  autoscaling: AutoscalingRule | null;
  sleeping_since: Date | null;
}

const SELECT_APPS = `SELECT a.id, a.name, a.image, a.port, a.replicas, a.autoscaling, a.sleeping_since, a.env, a.resources, a.health_check_path, a.tls, a.running, a.restarted_at, a.generation,
            a.current_release, a.deleted_at, t.id AS team_id, t.name AS team, t.namespace, t.generation AS team_generation,
            t.deleted_at AS team_deleted_at, t.pod_security, t.quota, a.capabilities,
            array(SELECT d.host FROM app_domains d WHERE d.app_id = a.id ORDER BY d.position) AS domains,
            a.args, a.default_label, a.volumes, a.secrets, a.exports, a.delete_data, (SELECT s.secret_copies FROM app_status s WHERE s.app_id = a.id) AS secret_copies,
            (SELECT coalesce(json_agg(json_build_object('team', dt.name, 'app', d.name, 'namespace', dt.namespace, 'port', d.port, 'exports', d.exports)
                     ORDER BY dt.name, d.name), '[]')
               FROM app_dependencies ad JOIN apps d ON d.id = ad.depends_on JOIN teams dt ON dt.id = d.team_id
              WHERE ad.app_id = a.id AND d.deleted_at IS NULL) AS dependencies,
            (SELECT coalesce(json_agg(json_build_object('team', ut.name, 'app', u.name, 'namespace', ut.namespace) ORDER BY ut.name, u.name), '[]')
               FROM app_dependencies ad JOIN apps u ON u.id = ad.app_id JOIN teams ut ON ut.id = u.team_id
              WHERE ad.depends_on = a.id AND u.deleted_at IS NULL) AS dependents,
            a.cluster_id, c.name AS cluster_name, c.etcd_endpoints AS cluster_etcd, a.moving_to, (SELECT m.name FROM clusters m WHERE m.id = a.moving_to) AS moving_to_name, a.move_started_at
       FROM apps a JOIN teams t ON t.id = a.team_id JOIN clusters c ON c.id = a.cluster_id`;

export async function loadApp(db: Queryable, appId: string): Promise<LoadedApp | undefined> {
  const { rows } = await db.query<Row>(`${SELECT_APPS} WHERE a.id = $1`, [appId]);
  return rows[0] && toLoaded(rows[0]);
}

/** Every app placed in a cluster or moving into it (deleted ones not yet cleaned up included), in one query: for the resync. */
export async function loadClusterApps(db: Queryable, clusterId: string): Promise<LoadedApp[]> {
  const { rows } = await db.query<Row>(`${SELECT_APPS} WHERE a.cluster_id = $1 OR a.moving_to = $1`, [clusterId]);
  return rows.map(toLoaded);
}

function toLoaded(r: Row): LoadedApp {
  return {
    id: r.id,
    teamId: r.team_id,
    deleted: r.deleted_at !== null || r.team_deleted_at !== null,
    hasImage: r.image !== null,
    deleteData: r.delete_data,
    secretCopies: r.secret_copies ?? [],
    placement: { clusterId: r.cluster_id, clusterName: r.cluster_name, etcdEndpoints: r.cluster_etcd, movingTo: r.moving_to, movingToName: r.moving_to_name, moveStartedAt: r.move_started_at },
    intent: {
      team: { name: r.team, namespace: r.namespace, generation: r.team_generation, podSecurity: r.pod_security, quota: r.quota },
      name: r.name, generation: r.generation, release: r.current_release ?? 0, image: r.image ?? '', port: r.port,
      replicas: r.replicas, autoscaling: r.autoscaling, sleeping: r.sleeping_since !== null && r.autoscaling?.scaleToZeroAfterMinutes != null, running: r.running, env: r.env, domains: r.domains, resources: r.resources,
      healthCheckPath: r.health_check_path, tls: r.tls,
      runAsNonRoot: false, restartedAt: r.restarted_at ? r.restarted_at.toISOString() : null,
      args: r.args, capabilities: r.capabilities, defaultLabel: r.default_label, volumes: r.volumes, secrets: r.secrets,
      dependencies: r.dependencies, dependents: r.dependents, isolated: r.exports.length > 0,
    },
  };
}

export interface LoadedTeam { id: string; deleted: boolean; intent: TeamIntent; clusterIds: string[] }

export async function loadTeam(db: Queryable, teamId: string): Promise<LoadedTeam | undefined> {
  const { rows } = await db.query<{ id: string; name: string; namespace: string; generation: number; deleted_at: Date | null; pod_security: 'baseline' | 'restricted'; quota: Record<string, string> | null; cluster_ids: string[] }>(
    `SELECT id, name, namespace, generation, deleted_at, pod_security, quota,
            array(SELECT cluster_id FROM team_clusters WHERE team_id = teams.id) AS cluster_ids FROM teams WHERE id = $1`, [teamId]);
  const r = rows[0];
  return r && { id: r.id, deleted: r.deleted_at !== null, clusterIds: r.cluster_ids, intent: { name: r.name, namespace: r.namespace, generation: r.generation, podSecurity: r.pod_security, quota: r.quota } };
}
