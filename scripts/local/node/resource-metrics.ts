/**
 * What metrics-server makes of a kubelet's `/metrics/resource`, as pure functions: the counters
 * and gauges it reads, CPU as the rate between two readings (the counter is cumulative seconds),
 * memory as the working set, and the `metrics.k8s.io/v1beta1` objects the HPA controller lists.
 */

/** One reading of a kubelet: per container (namespace/pod/container) and for the node, at the kubelet's own times (ms). */
export interface KubeletReading {
  containers: Map<string, { cpuSeconds: number; cpuAt: number; memoryBytes: number }>;
  node?: { cpuSeconds: number; cpuAt: number; memoryBytes: number };
}

const LINE = /^([a-z_]+)(?:\{([^}]*)\})?\s+(\S+)(?:\s+(\d+))?$/;
const labelsOf = (text: string | undefined) => Object.fromEntries([...(text ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]));

/** Parses the exposition text (the names metrics-server reads; every other line is skipped). */
export function parseKubeletResource(text: string, now: number): KubeletReading {
  const out: KubeletReading = { containers: new Map() };
  const container = (key: string) => {
    let c = out.containers.get(key);
    if (!c) out.containers.set(key, (c = { cpuSeconds: NaN, cpuAt: now, memoryBytes: NaN }));
    return c;
  };
  const node = () => (out.node ??= { cpuSeconds: NaN, cpuAt: now, memoryBytes: NaN });
  for (const line of text.split('\n')) {
    const m = LINE.exec(line.trim());
    if (!m) continue;
    const [, name, labelText, raw, at] = m;
    const value = Number(raw);
    const time = at ? Number(at) : now;
    const l = labelsOf(labelText);
    const key = `${l.namespace}/${l.pod}/${l.container}`;
    if (name === 'container_cpu_usage_seconds_total') Object.assign(container(key), { cpuSeconds: value, cpuAt: time });
    else if (name === 'container_memory_working_set_bytes') container(key).memoryBytes = value;
    else if (name === 'node_cpu_usage_seconds_total') Object.assign(node(), { cpuSeconds: value, cpuAt: time });
    else if (name === 'node_memory_working_set_bytes') node().memoryBytes = value;
  }
  return out;
}

export interface Usage { cpuCores: number; memoryBytes: number; at: number; windowSeconds: number }

/** CPU cores between two readings of one counter, and the newer memory; none until two readings a moment apart. */
export function usageBetween(before: { cpuSeconds: number; cpuAt: number } | undefined, after: { cpuSeconds: number; cpuAt: number; memoryBytes: number }): Usage | undefined {
  if (!before || !Number.isFinite(before.cpuSeconds) || !Number.isFinite(after.cpuSeconds) || !Number.isFinite(after.memoryBytes)) return undefined;
  const seconds = (after.cpuAt - before.cpuAt) / 1000;
  if (seconds <= 0 || after.cpuSeconds < before.cpuSeconds) return undefined; // the same reading, or a restarted container
  return { cpuCores: (after.cpuSeconds - before.cpuSeconds) / seconds, memoryBytes: after.memoryBytes, at: after.cpuAt, windowSeconds: Math.round(seconds) };
}

/** Quantities as metrics-server writes them: CPU in nanocores, memory in KiB. */
export const cpuQuantity = (cores: number) => `${Math.round(cores * 1e9)}n`;
export const memoryQuantity = (bytes: number) => `${Math.round(bytes / 1024)}Ki`;

export const GROUP_VERSION = 'metrics.k8s.io/v1beta1';

/** The API's discovery document (what the aggregator checks to call the APIService Available). */
export const RESOURCE_LIST = {
  kind: 'APIResourceList', apiVersion: 'v1', groupVersion: GROUP_VERSION,
  resources: [
    { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
    { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
  ],
};

export interface PodRef { namespace: string; name: string; labels?: Record<string, string> }

/** A pod's metrics from its containers' usage (a pod with no container measured yet is left out). */
export function podMetrics(pod: PodRef, usage: Map<string, Usage>): Record<string, unknown> | undefined {
  const containers = [...usage].filter(([k]) => k.startsWith(`${pod.namespace}/${pod.name}/`));
  if (containers.length === 0) return undefined;
  const newest = Math.max(...containers.map(([, u]) => u.at));
  return {
    metadata: { name: pod.name, namespace: pod.namespace, labels: pod.labels ?? {}, creationTimestamp: new Date().toISOString() },
    timestamp: new Date(newest).toISOString(),
    window: `${containers[0]![1].windowSeconds}s`,
    containers: containers.map(([k, u]) => ({ name: k.split('/')[2], usage: { cpu: cpuQuantity(u.cpuCores), memory: memoryQuantity(u.memoryBytes) } })),
  };
}

export function nodeMetrics(name: string, u: Usage): Record<string, unknown> {
  return {
    metadata: { name, labels: {}, creationTimestamp: new Date().toISOString() },
    timestamp: new Date(u.at).toISOString(), window: `${u.windowSeconds}s`,
    usage: { cpu: cpuQuantity(u.cpuCores), memory: memoryQuantity(u.memoryBytes) },
  };
}
