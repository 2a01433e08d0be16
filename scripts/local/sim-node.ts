import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import * as k8s from '@kubernetes/client-node';
import { isBuildPod, runBuildPod } from './sim-programs.js';

/**
 * The simulated node: stands in for a kubelet, which cannot run here (no container runtime).
 * Local stack and tests only; never part of a production run. It registers a Ready Node,
 * binds every unscheduled pod to it, reports bound pods Running and Ready with a distinct pod
 * IP (so Deployment status and Service Endpoints behave as on a real cluster), and finishes the
 * deletion of terminating pods, which a kubelet would otherwise confirm.
 */
export const SIM_NODE = 'yunbang-sim-node';

export interface SimNode { stop(): Promise<void>; podsStarted(): number }

/**
 * The kubelet's log endpoint, which the API server proxies `pods/log` to: it answers with what the
 * simulated containers printed, so logs take the same path as on a real cluster.
 */
function startKubeletServer(tls: { cert: string; key: string }, logs: Map<string, string>): Promise<Server> {
  const server = createServer({ cert: readFileSync(tls.cert), key: readFileSync(tls.key) }, (req, res) => {
    const m = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/?]+)/.exec(req.url ?? '');
    const text = m ? logs.get(`${m[1]}/${m[2]}/${m[3]}`) : undefined;
    if (text === undefined) { res.writeHead(404).end('no such container'); return; }
    const tail = Number(new URL(req.url!, 'https://x').searchParams.get('tailLines') ?? 'NaN');
    const lines = text.split('\n');
    res.writeHead(200, { 'content-type': 'text/plain' }).end(Number.isFinite(tail) ? lines.slice(-tail - 1).join('\n') : text);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

export async function startSimNode(kc: k8s.KubeConfig, opts: { name?: string; tls?: { cert: string; key: string } } = {}): Promise<SimNode> {
  const name = opts.name ?? SIM_NODE;
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const logs = new Map<string, string>();
  const kubelet = opts.tls ? await startKubeletServer(opts.tls, logs) : undefined;
  await registerNode(core, name, kubelet ? (kubelet.address() as AddressInfo).port : 10250);

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
      if (isBuildPod(pod)) {
        await finishBuildPod(pod, ip, now);
        started++;
        return;
      }
      // As the kubelet does: a container whose env names a missing Secret or key does not start
      // (CreateContainerConfigError); it is retried until the Secret appears.
      const missing = await missingSecretRef(pod);
      if (missing) {
        await core.patchNamespacedPodStatus({
          name: podName, namespace: ns,
          body: {
            status: {
              hostIP: '127.0.0.1', podIP: ip, podIPs: [{ ip }], startTime: now,
              conditions: [{ type: 'Ready', status: 'False', reason: 'ContainersNotReady', lastTransitionTime: now }, { type: 'PodScheduled', status: 'True', lastTransitionTime: now }],
              containerStatuses: (pod.spec.containers ?? []).map((c) => ({
                name: c.name, image: c.image, imageID: '', ready: false, started: false, restartCount: 0,
                state: { waiting: { reason: 'CreateContainerConfigError', message: missing } },
              })),
            },
          },
        }, mergePatch).catch(ignoreNotFound);
        retry(pod);
        return;
      }
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
      for (const c of pod.spec.containers ?? []) {
        logs.set(`${ns}/${podName}/${c.name}`, `simulated container ${c.name} started from ${c.image} on ${name} (no process runs here)\n`);
      }
      started++;
    } catch (err) {
      process.stderr.write(`[sim-node] ${meta.namespace}/${meta.name}: ${(err as Error).message}\n`);
    } finally {
      inFlight.delete(key);
      const next = pending.get(key);
      if (next) { pending.delete(key); void handle(next); }
    }
  };

  /** A Secret's key as the kubelet resolves env valueFrom.secretKeyRef; undefined when the Secret or key is missing. */
  const readSecretKey = async (namespace: string, name: string, key: string): Promise<string | undefined> => {
    const v = (await core.readNamespacedSecret({ name, namespace }).catch(() => undefined))?.data?.[key];
    return v === undefined ? undefined : Buffer.from(v, 'base64').toString('utf8');
  };
  /** The first env secretKeyRef of the pod that cannot be resolved, as the kubelet words it, or undefined. */
  const missingSecretRef = async (pod: k8s.V1Pod): Promise<string | undefined> => {
    const ns = pod.metadata!.namespace!;
    for (const e of (pod.spec?.containers ?? []).flatMap((c) => c.env ?? [])) {
      const ref = e.valueFrom?.secretKeyRef;
      if (ref && !ref.optional && (await readSecretKey(ns, ref.name!, ref.key)) === undefined) return `couldn't find key ${ref.key} in Secret ${ns}/${ref.name}`;
    }
    return undefined;
  };
  const retries = new Set<string>();
  /** Looks at a waiting pod again later, as the kubelet's sync loop does. */
  const retry = (pod: k8s.V1Pod) => {
    const key = `${pod.metadata!.namespace}/${pod.metadata!.name}`;
    if (retries.has(key) || stopped) return;
    retries.add(key);
    setTimeout(() => {
      retries.delete(key);
      core.readNamespacedPod({ name: pod.metadata!.name!, namespace: pod.metadata!.namespace! }).then((p) => handle(p), () => {});
    }, 500).unref();
  };

  /** Runs a build pod's programs, then reports it Succeeded or Failed with its termination message. */
  const finishBuildPod = async (pod: k8s.V1Pod, ip: string, startedAt: string) => {
    const meta = pod.metadata!;
    await core.patchNamespacedPodStatus({ name: meta.name!, namespace: meta.namespace!, body: { status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], hostIP: '127.0.0.1', startTime: startedAt } } }, mergePatch);
    // The kubelet enforces activeDeadlineSeconds; so does the simulated one.
    const deadline = pod.spec?.activeDeadlineSeconds;
    const result = await Promise.race([
      runBuildPod(pod, readSecretKey),
      ...(deadline ? [new Promise<'deadline'>((r) => setTimeout(() => r('deadline'), deadline * 1000).unref())] : []),
    ]);
    if (result === 'deadline') {
      await core.patchNamespacedPodStatus({ name: meta.name!, namespace: meta.namespace!, body: { status: {
        phase: 'Failed', reason: 'DeadlineExceeded', message: `Pod was active on the node longer than the specified deadline`,
      } } }, mergePatch).catch(ignoreNotFound);
      return;
    }
    for (const [container, text] of Object.entries(result.logs)) logs.set(`${meta.namespace}/${meta.name}/${container}`, text);
    const finishedAt = new Date().toISOString();
    const terminated = (exitCode: number, message?: string) => ({ terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', message, startedAt, finishedAt } });
    const initFailed = result.exitCode === 128;
    await core.patchNamespacedPodStatus({
      name: meta.name!, namespace: meta.namespace!,
      body: {
        status: {
          phase: result.exitCode === 0 ? 'Succeeded' : 'Failed',
          initContainerStatuses: (pod.spec?.initContainers ?? []).map((c) => ({
            name: c.name, image: c.image, imageID: `sim://${c.image}`, ready: false, restartCount: 0,
            state: terminated(initFailed ? 1 : 0, initFailed ? result.message : undefined),
          })),
          containerStatuses: (pod.spec?.containers ?? []).map((c) => ({
            name: c.name, image: c.image, imageID: `sim://${c.image}`, ready: false, restartCount: 0,
            state: initFailed ? { waiting: { reason: 'PodInitializing' } } : terminated(result.exitCode, result.message),
          })),
        },
      },
    }, mergePatch).catch(ignoreNotFound);
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
    stop: async () => { stopped = true; await informer.stop(); kubelet?.close(); },
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
        // Only an InternalIP: the API server reaches the kubelet endpoint (pod logs) by it.
        addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
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
