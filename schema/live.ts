import { builder } from './builder.js';
import { App } from './app.js';
import { watchTeamApps, type TeamAppsUpdate } from '../src/intents/team-feed.js';
import { teamTopology, type Topology, type TopologyEdge, type TopologyNode } from '../src/intents/topology.js';

/** What a console needs to show a team live without polling or a query per app. */

const TeamAppsUpdateType = builder.objectRef<TeamAppsUpdate>('TeamAppsUpdate').implement({
  description: 'The team\'s apps: all of them first (snapshot), then those that changed',
  fields: (t) => ({
    snapshot: t.exposeBoolean('snapshot', { description: 'True for the first update: apps is then the whole list' }),
    apps: t.expose('apps', { type: [App], description: 'Apps created or changed (status or config) since the previous update' }),
    removed: t.exposeStringList('removed', { description: 'Names of apps deleted since the previous update' }),
  }),
});

const TopologyNodeType = builder.objectRef<TopologyNode>('TopologyNode').implement({
  fields: (t) => ({
    id: t.exposeID('id', { description: 'team/app' }),
    team: t.exposeString('team'),
    app: t.exposeString('app'),
    health: t.exposeString('health', { nullable: true, description: 'null for another team\'s app' }),
    installation: t.exposeString('installation', { nullable: true }),
  }),
});

const TopologyEdgeType = builder.objectRef<TopologyEdge>('TopologyEdge').implement({
  description: 'from depends on to',
  fields: (t) => ({ from: t.exposeID('from'), to: t.exposeID('to') }),
});

const TopologyType = builder.objectRef<Topology>('Topology').implement({
  fields: (t) => ({
    nodes: t.expose('nodes', { type: [TopologyNodeType] }),
    edges: t.expose('edges', { type: [TopologyEdgeType] }),
  }),
});

builder.queryFields((t) => ({
  topology: t.field({
    type: TopologyType,
    description: 'The team\'s apps and the dependencies among them (and on other teams\' shared apps), in one query',
    args: { team: t.arg.string({ required: true }) },
    resolve: (_, { team }, { ctx }) => teamTopology(ctx, team),
  }),
}));

builder.subscriptionFields((t) => ({
  teamApps: t.field({
    type: TeamAppsUpdateType,
    description: 'Every app of the team, then each change (status, config, created, deleted) as it is recorded, until the client disconnects (server-sent events)',
    args: { team: t.arg.string({ required: true }) },
    subscribe: (_, { team }, { ctx, signal }) => watchTeamApps(ctx, team, signal),
    resolve: (u) => u,
  }),
}));
