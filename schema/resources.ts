import { builder } from './builder.js';
import { Cluster } from './cluster.js';
import { clusterResources, type ClusterResourcesView, type NodeView } from '../src/intents/resources.js';
import type { Amounts } from '../src/clusters/node-resources.js';

const AmountsType = builder.objectRef<Amounts>('ResourceAmounts').implement({
  fields: (t) => ({ cpuCores: t.exposeFloat('cpuCores'), memoryBytes: t.exposeFloat('memoryBytes') }),
});
const AmountsWithPods = builder.objectRef<Amounts & { pods: number }>('ResourceAmountsWithPods').implement({
  fields: (t) => ({ cpuCores: t.exposeFloat('cpuCores'), memoryBytes: t.exposeFloat('memoryBytes'), pods: t.exposeInt('pods') }),
});

const NodeType = builder.objectRef<NodeView>('NodeResources').implement({
  description: 'One node: what it has, what pods may use of it, what Yunbang\'s pods there request, and what is in use',
  fields: (t) => ({
    name: t.exposeString('name'),
    ready: t.exposeBoolean('ready'),
    capacity: t.expose('capacity', { type: AmountsWithPods }),
    allocatable: t.expose('allocatable', { type: AmountsWithPods }),
    requests: t.expose('requests', { type: AmountsWithPods, description: 'Of the pods Yunbang runs there (apps, builds)' }),
    usage: t.expose('usage', { type: AmountsType, nullable: true, description: 'In use now, from the kubelet through Prometheus; null without one' }),
  }),
});

const Resources = builder.objectRef<ClusterResourcesView>('ClusterResources').implement({
  fields: (t) => ({
    cluster: t.exposeString('cluster'),
    checkedAt: t.expose('checkedAt', { type: 'DateTime', nullable: true, description: 'When the worker last read the nodes' }),
    nodes: t.expose('nodes', { type: [NodeType] }),
  }),
});

builder.objectField(Cluster, 'resources', (t) => t.field({
  type: Resources, description: "Its nodes' capacity, requests and usage (the admin only)",
  resolve: (c, _a, { ctx }) => clusterResources(ctx, c.name),
}));
