import { builder, withoutNulls } from './builder.js';
import { Team } from './team.js';
import {
  allowTeamCluster, cordonCluster, disallowTeamCluster, getCluster, listClusters, registerCluster, removeCluster, updateCluster,
} from '../src/intents/clusters.js';
import { getTeam } from '../src/intents/teams.js';
import { moveApp } from '../src/intents/move-app.js';
import { AppPayload } from './app.js';
import type { ClusterView } from '../src/model.js';

const ClusterHealthEnum = builder.enumType('ClusterHealth', {
  description: 'What the last probe saw: Reachable; Degraded (answers, but cannot run pods: no nodes); Unreachable (see lastError); Unknown (not probed yet)',
  values: ['Reachable', 'Unreachable', 'Degraded', 'Unknown'] as const,
});

const ClusterLabel = builder.objectRef<{ key: string; value: string }>('ClusterLabel').implement({
  fields: (t) => ({ key: t.exposeString('key'), value: t.exposeString('value') }),
});

const ClusterLabelInput = builder.inputType('ClusterLabelInput', {
  fields: (t) => ({ key: t.string({ required: true }), value: t.string({ required: true }) }),
});

export const Cluster = builder.objectRef<ClusterView>('Cluster').implement({
  description: 'A Kubernetes cluster Yunbang drives (a region): teams are allowed in clusters, apps run in one',
  fields: (t) => ({
    name: t.exposeString('name'),
    server: t.exposeString('server', { description: "The API server's URL" }),
    appsDomain: t.exposeString('appsDomain', { description: 'Default domains of its apps are <app>-<team>.<appsDomain>' }),
    etcdEndpoints: t.exposeStringList('etcdEndpoints', { description: "Where its apps' records are published for its gateway; empty: the platform's etcd" }),
    labels: t.field({ type: [ClusterLabel], resolve: (c) => Object.entries(c.labels).map(([key, value]) => ({ key, value })) }),
    cordoned: t.exposeBoolean('cordoned', { description: 'Takes no new apps (created or moved in)' }),
    fromEnvironment: t.exposeBoolean('fromEnvironment', { description: "The cluster of the processes' own KUBECONFIG" }),
    health: t.expose('health', { type: ClusterHealthEnum }),
    lastError: t.exposeString('lastError', { nullable: true }),
    lastErrorAt: t.expose('lastErrorAt', { type: 'DateTime', nullable: true }),
    checkedAt: t.expose('checkedAt', { type: 'DateTime', nullable: true }),
    version: t.exposeString('version', { nullable: true, description: 'Kubernetes version of its API server' }),
    nodes: t.exposeInt('nodes', { nullable: true }),
    teams: t.exposeInt('teams', { description: 'Teams allowed in it' }),
    apps: t.exposeInt('apps', { description: 'Apps running in it (or moving into it)' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const ClusterPayload = builder.objectRef<{ cluster: ClusterView }>('ClusterPayload').implement({
  fields: (t) => ({ cluster: t.expose('cluster', { type: Cluster }) }),
});

const RegisterClusterInput = builder.inputType('RegisterClusterInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    kubeconfig: t.string({ required: true, description: "A kubeconfig of Yunbang's worker identity in the cluster (k8s/install's yunbang-worker), inline credentials only; never an admin's" }),
    apiKubeconfig: t.string({ description: "A kubeconfig of the API's identity (yunbang-api), for reading pod logs; absent: no logs from this cluster" }),
    appsDomain: t.string({ required: true }),
    etcdEndpoints: t.stringList({ description: "An etcd of the cluster's own for its apps' records; absent: the platform's" }),
    labels: t.field({ type: [ClusterLabelInput] }),
  }),
});

const UpdateClusterInput = builder.inputType('UpdateClusterInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    kubeconfig: t.string(),
    apiKubeconfig: t.string(),
    appsDomain: t.string(),
    etcdEndpoints: t.stringList(),
    labels: t.field({ type: [ClusterLabelInput] }),
  }),
});

const MoveAppInput = builder.inputType('MoveAppInput', {
  fields: (t) => ({ team: t.string({ required: true }), app: t.string({ required: true }), cluster: t.string({ required: true }) }),
});

const labelMap = (labels: { key: string; value: string }[] | null | undefined) =>
  labels ? Object.fromEntries(labels.map((l) => [l.key, l.value])) : undefined;

builder.queryFields((t) => ({
  clusters: t.field({ type: [Cluster], description: 'Every cluster (admin only)', resolve: (_, __, { ctx }) => listClusters(ctx) }),
  cluster: t.field({
    type: Cluster, nullable: true,
    args: { name: t.arg.string({ required: true }) },
    resolve: (_, { name }, { ctx }) => getCluster(ctx, name),
  }),
}));

builder.mutationFields((t) => ({
  registerCluster: t.field({
    type: ClusterPayload,
    description: 'Registers a cluster (admin only), once Yunbang has reached it and checked its identity has the rights it needs and no more',
    args: { input: t.arg({ type: RegisterClusterInput, required: true }) },
    resolve: async (_, { input }, { ctx }) => ({ cluster: await registerCluster(ctx, withoutNulls({ ...input, labels: labelMap(input.labels) })) }),
  }),
  updateCluster: t.field({
    type: ClusterPayload,
    args: { input: t.arg({ type: UpdateClusterInput, required: true }) },
    resolve: async (_, { input }, { ctx }) => ({ cluster: await updateCluster(ctx, withoutNulls({ ...input, labels: labelMap(input.labels) })) }),
  }),
  cordonCluster: t.field({
    type: ClusterPayload, description: 'The cluster takes no new apps; those it runs stay',
    args: { name: t.arg.string({ required: true }) },
    resolve: async (_, { name }, { ctx }) => ({ cluster: await cordonCluster(ctx, name, true) }),
  }),
  uncordonCluster: t.field({
    type: ClusterPayload,
    args: { name: t.arg.string({ required: true }) },
    resolve: async (_, { name }, { ctx }) => ({ cluster: await cordonCluster(ctx, name, false) }),
  }),
  removeCluster: t.field({
    type: ClusterPayload, description: 'Forgets a cluster; refused while apps run there',
    args: { name: t.arg.string({ required: true }) },
    resolve: async (_, { name }, { ctx }) => ({ cluster: await removeCluster(ctx, name) }),
  }),
  allowTeamCluster: t.field({
    type: Team, description: "Allows a team in a cluster (admin only); makeDefault places the team's new apps there",
    args: { team: t.arg.string({ required: true }), cluster: t.arg.string({ required: true }), makeDefault: t.arg.boolean() },
    resolve: async (_, a, { ctx }) => { await allowTeamCluster(ctx, a.team, a.cluster, a.makeDefault ?? false); return getTeam(ctx, a.team); },
  }),
  disallowTeamCluster: t.field({
    type: Team, description: 'Disallows a team in a cluster (admin only); refused while its apps run there',
    args: { team: t.arg.string({ required: true }), cluster: t.arg.string({ required: true }) },
    resolve: async (_, a, { ctx }) => { await disallowTeamCluster(ctx, a.team, a.cluster); return getTeam(ctx, a.team); },
  }),
  moveApp: t.field({
    type: AppPayload,
    description: 'Moves an app to another cluster of its team: it is brought up there, and once Ready its routes switch and the old cluster is pruned',
    args: { input: t.arg({ type: MoveAppInput, required: true }) },
    resolve: async (_, { input }, { ctx }) => ({ app: await moveApp(ctx, input) }),
  }),
}));
