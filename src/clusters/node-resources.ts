import type * as k8s from '@kubernetes/client-node';
import { parseQuantity } from '../validation.js';

/** CPU in cores, memory in bytes: the units in the names, as the metrics API has them. */
export interface Amounts { cpuCores: number; memoryBytes: number }

/**
 * One node as the admin sees it: what it has, what Kubernetes lets pods use of it, what Yunbang's
 * pods there request, and (from Prometheus, when there is one) what is in use.
 */
export interface NodeResources {
  name: string;
  ready: boolean;
  capacity: Amounts & { pods: number };
  allocatable: Amounts & { pods: number };
  /** Requested by the pods Yunbang runs there (apps, builds): other pods' requests are not Yunbang's to list. */
  requests: Amounts & { pods: number };
}

const amount = (list: Record<string, string> | undefined, key: 'cpu' | 'memory') => {
  const v = list?.[key] ? parseQuantity(list[key]!) : 0;
  return Number.isFinite(v) ? v : 0;
};
/** CPU to the millicore (Kubernetes' own precision), so sums of "250m" read 0.35, not 0.35000000000000003. */
const milli = (v: number) => Math.round(v * 1000) / 1000;

interface PodLike {
  spec?: { nodeName?: string; containers?: { resources?: { requests?: Record<string, string> } }[] };
  status?: { phase?: string };
}

/**
 * Pure: the nodes a cluster reports, with the requests of the pods on each (pods that finished
 * hold nothing).
 */
export function nodeResources(nodes: k8s.V1Node[], pods: PodLike[]): NodeResources[] {
  const requested = new Map<string, Amounts & { pods: number }>();
  for (const p of pods) {
    const node = p.spec?.nodeName;
    if (!node || p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
    const r = requested.get(node) ?? { cpuCores: 0, memoryBytes: 0, pods: 0 };
    for (const c of p.spec?.containers ?? []) {
      r.cpuCores += amount(c.resources?.requests, 'cpu');
      r.memoryBytes += amount(c.resources?.requests, 'memory');
    }
    r.pods++;
    requested.set(node, r);
  }
  return nodes.map((n) => {
    const name = n.metadata?.name ?? '';
    const cap = n.status?.capacity;
    const alloc = n.status?.allocatable;
    const req = requested.get(name) ?? { cpuCores: 0, memoryBytes: 0, pods: 0 };
    return {
      name,
      ready: n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
      capacity: { cpuCores: milli(amount(cap, 'cpu')), memoryBytes: amount(cap, 'memory'), pods: Number(cap?.pods ?? 0) },
      allocatable: { cpuCores: milli(amount(alloc, 'cpu')), memoryBytes: amount(alloc, 'memory'), pods: Number(alloc?.pods ?? 0) },
      requests: { ...req, cpuCores: milli(req.cpuCores) },
    };
  }).sort((a, b) => (a.name < b.name ? -1 : 1));
}
