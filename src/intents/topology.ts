import type { AppView, Health } from '../model.js';
import type { Ctx } from './context.js';
import { listApps } from './apps.js';

export interface TopologyNode {
  /** team/app */
  id: string; team: string; app: string;
  /** null for another team's app: its state is that team's business */
  health: Health | null;
  /** The template installation the app belongs to, if any. */
  installation: string | null;
}
export interface TopologyEdge { from: string; to: string }
export interface Topology { nodes: TopologyNode[]; edges: TopologyEdge[] }

/**
 * The team's apps as a graph: an edge from each app to each app it depends on. Apps of other
 * teams it depends on (shared with it) are nodes too, without their health. Pure.
 */
export function topologyOf(team: string, apps: AppView[]): Topology {
  const nodes = new Map<string, TopologyNode>();
  for (const a of apps) nodes.set(`${team}/${a.name}`, { id: `${team}/${a.name}`, team, app: a.name, health: a.status.health, installation: a.installation ?? null });
  const edges: TopologyEdge[] = [];
  for (const a of apps) {
    for (const d of a.dependencies) {
      const to = `${d.team}/${d.app}`;
      if (!nodes.has(to)) nodes.set(to, { id: to, team: d.team, app: d.app, health: null, installation: null });
      edges.push({ from: `${team}/${a.name}`, to });
    }
  }
  return { nodes: [...nodes.values()], edges };
}

/** One query for the whole picture (the apps' rows carry their dependencies). */
export async function teamTopology(ctx: Ctx, team: string): Promise<Topology> {
  return topologyOf(team, await listApps(ctx, team));
}
