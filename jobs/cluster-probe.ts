import type { Db } from '../src/db/pool.js';
import { log } from '../src/log.js';
import { STATUS_CHANNEL } from '../src/status.js';
import type { ClusterConn } from '../src/clusters/clients.js';
import { clusterError, probeCluster } from '../src/clusters/probe.js';
import { nodeResources } from '../src/clusters/node-resources.js';

/**
 * Probes one cluster (its version and nodes, each call bounded by the timeout) and records what
 * it saw on the cluster's row. On the first failure the cluster is Unreachable: every app placed
 * there shows health Unknown with the reason (nobody can know how it is), and the worker pauses
 * the cluster's queues. On the first success after that it is Reachable again and resynced.
 */
export class ClusterProbe {
  private readonly down = new Set<string>();

  constructor(private readonly o: {
    db: Db; timeoutMs: number;
    onUnreachable: (cluster: string) => Promise<void>;
    onReachable: (cluster: string) => Promise<void>;
  }) {}

  /** `pods`: the cluster's pods Yunbang runs (the watch cache's), for what they request of each node. */
  async check(conn: ClusterConn, pods: () => unknown[] = () => []): Promise<void> {
    const { name, id } = conn.cluster;
    if (!conn.kube) return;
    try {
      const facts = await probeCluster(conn.kube.config, this.o.timeoutMs);
      const health = facts.nodes > 0 ? 'Reachable' : 'Degraded';
      const resources = nodeResources(facts.nodeList, pods() as Parameters<typeof nodeResources>[1]);
      await this.o.db.query(
        `UPDATE clusters SET health = $2, server_version = $3, nodes = $4, stand_in_images = $5, node_resources = $6, checked_at = now(),
                last_error = CASE WHEN $2 = 'Degraded' THEN 'no nodes: pods cannot run' ELSE last_error END,
                last_error_at = CASE WHEN $2 = 'Degraded' THEN now() ELSE last_error_at END
          WHERE id = $1`, [id, health, facts.version, facts.nodes, JSON.stringify(facts.standIns), JSON.stringify(resources)]);
      if (this.down.delete(name)) {
        log.info({ cluster: name }, 'cluster reachable again');
        await this.o.onReachable(name);
      }
    } catch (err) {
      const reason = clusterError(err);
      await this.o.db.query(`UPDATE clusters SET health = 'Unreachable', last_error = $2, last_error_at = now(), checked_at = now() WHERE id = $1`, [id, reason])
        .catch(() => {});
      if (!this.down.has(name)) {
        this.down.add(name);
        log.warn({ cluster: name, error: reason }, 'cluster unreachable; pausing its jobs, its apps are Unknown');
        await this.o.onUnreachable(name).catch((e) => log.warn({ cluster: name, error: (e as Error).message }, 'could not pause the cluster\'s jobs'));
      }
      await markUnknown(this.o.db, id, name, reason).catch(() => {});
    }
  }
}

/** Every app in the cluster shows Unknown, with why (the last observation stays in the message's place until it is reachable). */
export async function markUnknown(db: Db, clusterId: string, cluster: string, reason: string): Promise<void> {
  const { rows } = await db.query<{ app_id: string }>(
    `UPDATE app_status s SET health = 'Unknown', reason = 'ClusterUnreachable', message = $2, updated_at = now()
       FROM apps a WHERE a.id = s.app_id AND a.cluster_id = $1 AND a.deleted_at IS NULL AND s.health <> 'Unknown'
     RETURNING s.app_id`, [clusterId, `cluster ${cluster} is unreachable: ${reason}`.slice(0, 2000)]);
  for (const r of rows) await db.query('SELECT pg_notify($1, $2)', [STATUS_CHANNEL, r.app_id]);
}
