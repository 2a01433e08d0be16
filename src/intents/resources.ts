import { requireAdmin } from '../auth/principal.js';
import { NotFound } from '../errors.js';
import type { Amounts, NodeResources } from '../clusters/node-resources.js';
import { log } from '../log.js';
import { nodeUsageQueries } from '../observe/promql.js';
import type { Queryable } from '../db/pool.js';
import type { Ctx } from './context.js';

export interface NodeView extends NodeResources {
  /** In use now (the kubelet's resource metrics, through Prometheus); null when there are none. */
  usage: Amounts | null;
}

export interface ClusterResourcesView {
  cluster: string;
  /** When the worker last read the nodes. */
  checkedAt: Date | null;
  nodes: NodeView[];
}

/**
 * A cluster's nodes for the admin (the seed's operators "manage compute resources"): capacity,
 * allocatable, what Yunbang's pods request (as the worker last read them), and what is in use.
 */
export async function clusterResources(ctx: Ctx, cluster: string): Promise<ClusterResourcesView> {
  requireAdmin(ctx.principal, 'read clusters\' resources');
  const { rows } = await ctx.db.query<{ name: string; node_resources: NodeResources[]; checked_at: Date | null }>(
    'SELECT name, node_resources, checked_at FROM clusters WHERE name = $1', [cluster]);
  const row = rows[0];
  if (!row) throw new NotFound(`cluster "${cluster}" not found`);
  const usage = new Map<string, Amounts>();
  if (ctx.metrics) {
    const q = nodeUsageQueries(cluster, ctx.metrics.scrapeSeconds);
    try {
      const [cpu, memory] = await Promise.all([ctx.metrics.prometheus.instant(q.cpuCores), ctx.metrics.prometheus.instant(q.memoryBytes)]);
      // Both or neither: a node just scraped once has memory but no CPU rate yet.
      for (const [node, v] of memory) if (cpu.has(node)) usage.set(node, { cpuCores: cpu.get(node)!, memoryBytes: v });
    } catch (err) {
      // Capacity and requests are still worth showing: usage is left out, and said so in the log.
      log.warn({ cluster, error: (err as Error).message }, 'node usage unavailable');
    }
  }
  return { cluster: row.name, checkedAt: row.checked_at, nodes: row.node_resources.map((n) => ({ ...n, usage: usage.get(n.name) ?? null })) };
}

/** The names of a cluster's nodes, as the worker's probe last listed them (none for an unknown cluster). */
export async function clusterNodeNames(db: Queryable, cluster: string): Promise<string[]> {
  const { rows } = await db.query<{ node_resources: NodeResources[] }>('SELECT node_resources FROM clusters WHERE name = $1', [cluster]);
  return (rows[0]?.node_resources ?? []).map((n) => n.name);
}
