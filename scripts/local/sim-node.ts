import * as k8s from '@kubernetes/client-node';

/**
 * The simulated node: stands in for a kubelet, which cannot run here (no container runtime).
 * Local stack and tests only; never part of a production run. It registers a Ready Node,
 * binds every unscheduled pod to it, reports bound pods Running and Ready with a distinct pod
 * IP (so Deployment status and Service Endpoints behave as on a real cluster), and finishes the
 * deletion of terminating pods, which a kubelet would otherwise confirm.
 */
export const SIM_NODE = 'yunbang-sim-node';

export interface SimNode { stop(): Promise<void>; podsStarted(): number }

const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

export async function startSimNode(kc: k8s.KubeConfig, opts: { name?: string; kubeletPort?: number } = {}): Promise<SimNode> {
  const name = opts.name ?? SIM_NODE;
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await registerNode(core, name, opts.kubeletPort ?? 10250);

  let nextIp = 1;
  const ips = new Map<string, string>();
  const inFlight = new Set<string>();
  // Events that arrive while a pod is being handled are kept (latest wins) and handled after,
  // so an update (e.g. the pod coming back bound) is never lost.
  const pending = new Map<string, k8s.V1Pod>();
  let started = 0;
  const ipFor = (uid: string) => {
    let ip = ips.get(uid);
    if (!ip) { const n = nextIp++; ip = `10.244.${Math.floor(n / 250)}.${(n % 250) + 2}`; ips.set(uid, ip); }
    return ip;
  };

  const handle = async (pod: k8s.V1Pod) => {
    const meta = pod.metadata!;
    const key = `${meta.uid}`;
    if (inFlight.has(key)) { pending.set(key, pod); return; }
    inFlight.add(key);
    try {
      const ns = meta.namespace!, podName = meta.name!;
      if (meta.deletionTimestamp) {
        if (pod.spec?.nodeName === name || !pod.spec?.nodeName) {
          await core.deleteNamespacedPod({ name: podName, namespace: ns, gracePeriodSeconds: 0 }).catch(ignoreNotFound);
          ips.delete(key);
        }
        return;
      }
      if (!pod.spec?.nodeName) {
        await core.createNamespacedPodBinding({
          name: podName, namespace: ns,
          body: { apiVersion: 'v1', kind: 'Binding', metadata: { name: podName, namespace: ns }, target: { apiVersion: 'v1', kind: 'Node', name } },
        }).catch(ignoreConflict);
        return; // the bound pod comes back as an update
      }
      if (pod.spec.nodeName !== name || pod.status?.phase !== 'Pending') return;
      const now = new Date().toISOString();
      const ip = ipFor(key);
      await core.patchNamespacedPodStatus({
        name: podName, namespace: ns,
        body: {
          status: {
            phase: 'Running', hostIP: '127.0.0.1', podIP: ip, podIPs: [{ ip }], startTime: now,
            conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({ type, status: 'True', lastTransitionTime: now })),
            containerStatuses: (pod.spec.containers ?? []).map((c) => ({
              name: c.name, image: c.image, imageID: `sim://${c.image}`, ready: true, started: true, restartCount: 0,
              containerID: `sim://${meta.uid}/${c.name}`, state: { running: { startedAt: now } },
            })),
          },
        },
      }, mergePatch).catch(ignoreNotFound);
      started++;
    } catch (err) {
      process.stderr.write(`[sim-node] ${meta.namespace}/${meta.name}: ${(err as Error).message}\n`);
    } finally {
      inFlight.delete(key);
      const next = pending.get(key);
      if (next) { pending.delete(key); void handle(next); }
    }
  };

  const informer = k8s.makeInformer(kc, '/api/v1/pods', () => core.listPodForAllNamespaces());
  informer.on('add', (p) => void handle(p));
  informer.on('update', (p) => void handle(p));
  let stopped = false;
  // The informer stops on a watch error; restart it unless we are shutting down.
  informer.on('error', () => { if (!stopped) setTimeout(() => { if (!stopped) informer.start().catch(() => {}); }, 1000).unref(); });
  await informer.start();
  return {
    podsStarted: () => started,
    stop: async () => { stopped = true; await informer.stop(); },
  };
}

async function registerNode(core: k8s.CoreV1Api, name: string, kubeletPort: number): Promise<void> {
  await core.createNode({
    body: { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, 'yunbang.dev/simulated': 'true' } } },
  }).catch(ignoreConflict);
  const now = new Date().toISOString();
  await core.patchNodeStatus({
    name,
    body: {
      status: {
        conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'simulated node', lastHeartbeatTime: now, lastTransitionTime: now }],
        addresses: [{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: name }],
        capacity: { cpu: '64', memory: '256Gi', pods: '1000' },
        allocatable: { cpu: '64', memory: '256Gi', pods: '1000' },
        daemonEndpoints: { kubeletEndpoint: { Port: kubeletPort } },
        nodeInfo: {
          architecture: 'amd64', bootID: 'sim', containerRuntimeVersion: 'sim://1', kernelVersion: 'sim', kubeProxyVersion: 'v1.20.2',
          kubeletVersion: 'v1.20.2', machineID: 'sim', operatingSystem: 'linux', osImage: 'Yunbang simulated node', systemUUID: 'sim',
        },
      },
    },
  }, mergePatch);
}

const codeOf = (err: unknown) => (err as { code?: number }).code;
function ignoreNotFound(err: unknown) { if (codeOf(err) !== 404) throw err; }
function ignoreConflict(err: unknown) { if (codeOf(err) !== 409) throw err; }
