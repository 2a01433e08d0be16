import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import * as k8s from '@kubernetes/client-node';
import { STAND_IN_ANNOTATION } from '../../src/clusters/stand-ins.js';
import { isBuildPod, runBuildPod } from './sim-programs.js';
import { NO_DIRECTIVES, appliesTo, StandIn, simDirectives, type ContainerState, type SimDirectives } from './sim-pods.js';
import { SimLogs, type SimLine } from './sim-logs.js';
import { LOCAL_ADDRESS_MAP, mapAddress, parseAddressMap } from '../../gateway/address-map.js';
import { APP, TEAM } from '../../k8s/labels.js';

/**
 * The simulated node: stands in for a kubelet, which cannot run here (no container runtime).
 * Local stack and tests only; never part of a production run. It registers a Ready Node,
 * binds every unscheduled pod to it, reports bound pods Running and Ready with a distinct pod
 * IP (so Deployment status and Service Endpoints behave as on a real cluster), and finishes the
 * deletion of terminating pods, which a kubelet would otherwise confirm.
 *
 * A pod with a container port gets a stand-in container (sim-pods.ts): a real HTTP server at the
 * loopback address its pod IP maps to (10.b.c.d → 127.b.c.d, gateway/address-map.ts), probed for
 * readiness as a kubelet would, serving through its termination grace period. The API server
 * refuses loopback addresses in Endpoints, so the pod IPs themselves stay in 10.244.0.0/16 and
 * nothing ever connects to them.
 */
const LOOPBACK_RULES = parseAddressMap(LOCAL_ADDRESS_MAP);
export const SIM_NODE = 'yunbang-sim-node';

export interface SimNode { stop(): Promise<void>; podsStarted(): number }

/**
 * The kubelet's log endpoint, which the API server proxies `pods/log` to: it answers with what the
 * simulated containers printed, so logs take the same path as on a real cluster.
 */
function startKubeletServer(tls: { cert: string; key: string }, logs: SimLogs): Promise<Server> {
  const server = createServer({ cert: readFileSync(tls.cert), key: readFileSync(tls.key) }, (req, res) => {
    const m = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/?]+)/.exec(req.url ?? '');
    const key = m ? `${m[1]}/${m[2]}/${m[3]}` : '';
    const all = logs.get(key);
    if (all === undefined) { res.writeHead(404).end('no such container'); return; }
    const params = new URL(req.url!, 'https://x').searchParams;
    const tail = Number(params.get('tailLines') ?? 'NaN');
    const since = params.get('sinceTime');
    const stamped = params.get('timestamps') === 'true';
    const show = (l: SimLine) => `${stamped ? `${l.ts} ` : ''}${l.line}\n`;
    // sinceTime is to the second, as the API takes it: a line of that second or later is shown.
    const kept = since ? all.filter((l) => l.ts.slice(0, 19) >= since.slice(0, 19)) : all;
    const shown = (Number.isFinite(tail) ? (tail > 0 ? kept.slice(-tail) : []) : kept).map(show).join('');
    if (params.get('follow') !== 'true') { res.writeHead(200, { 'content-type': 'text/plain' }).end(shown); return; }
    // Following: what is there, then every line as it is printed, until the client goes.
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.write(shown);
    const stop = logs.follow(key, (l) => res.write(show(l)));
    res.on('close', stop);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

/**
 * `podNetwork` is the second octet of the pod IPs (10.<n>.0.0/16, served at 127.<n>.x.y): two
 * simulated clusters on one machine (a test file with a cluster of its own) must not share it.
 */
export async function startSimNode(kc: k8s.KubeConfig, opts: { name?: string; tls?: { cert: string; key: string }; podNetwork?: number } = {}): Promise<SimNode> {
  const net = opts.podNetwork ?? 244;
  const name = opts.name ?? SIM_NODE;
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const logs = new SimLogs();
  const kubelet = opts.tls ? await startKubeletServer(opts.tls, logs) : undefined;
  await registerNode(core, name, kubelet ? (kubelet.address() as AddressInfo).port : 10250);

  let nextIp = 1;
  const ips = new Map<string, string>();
  const inUse = new Set<number>();
  const standIns = new Map<string, StandIn>();
  const terminating = new Set<string>();
  const inFlight = new Set<string>();
  // Events that arrive while a pod is being handled are kept (latest wins) and handled after,
  // so an update (e.g. the pod coming back bound) is never lost.
  const pending = new Map<string, k8s.V1Pod>();
  let started = 0;
  // Pod IPs in 10.<net>.0.0/16, reused once their pod is gone, so a long-running stack never runs out.
  const ipFor = (uid: string) => {
    let ip = ips.get(uid);
    if (!ip) {
      while (inUse.has(nextIp)) nextIp = (nextIp % 60_000) + 1;
      const n = nextIp;
      inUse.add(n);
      nextIp = (nextIp % 60_000) + 1;
      ip = `10.${net}.${Math.floor(n / 250)}.${(n % 250) + 2}`;
      ips.set(uid, ip);
    }
    return ip;
  };
  const releaseIp = (uid: string) => {
    const ip = ips.get(uid);
    if (!ip) return;
    const [, , c, d] = ip.split('.').map(Number);
    inUse.delete(c! * 250 + d! - 2);
    ips.delete(uid);
  };

  const handle = async (pod: k8s.V1Pod) => {
    const meta = pod.metadata!;
    const key = `${meta.uid}`;
    if (inFlight.has(key)) { pending.set(key, pod); return; }
    inFlight.add(key);
    try {
      const ns = meta.namespace!, podName = meta.name!;
      if (meta.deletionTimestamp) {
        if ((pod.spec?.nodeName === name || !pod.spec?.nodeName) && !terminating.has(key)) {
          terminating.add(key);
          // As a kubelet: the container keeps running through the grace period, then the pod goes.
          const standIn = standIns.get(key);
          if (standIn) await standIn.terminate(meta.deletionGracePeriodSeconds ?? 30);
          standIns.delete(key);
          await core.deleteNamespacedPod({ name: podName, namespace: ns, gracePeriodSeconds: 0 }).catch(ignoreNotFound);
          releaseIp(key);
          terminating.delete(key);
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
      const main = pod.spec.containers?.[0];
      const port = main?.ports?.[0]?.containerPort;
      if (main && port && !standIns.has(key)) {
        const standIn = new StandIn(
          { pod: podName, namespace: ns, app: meta.labels?.[APP] ?? '', team: meta.labels?.[TEAM] ?? '', image: main.image ?? '' },
          mapAddress(ip, LOOPBACK_RULES), port, main.readinessProbe, directivesFor(pod, main),
          (state) => reportContainer(pod, ip, now, state),
          (line) => logs.append(`${ns}/${podName}/${main.name}`, line),
        );
        standIns.set(key, standIn);
        for (const c of pod.spec.containers ?? []) {
          logs.set(`${ns}/${podName}/${c.name}`, `simulated container ${c.name} started from ${c.image} on ${name}: a stand-in HTTP server at ${mapAddress(ip, LOOPBACK_RULES)}:${port} (no image runs here)\n`);
        }
        await standIn.start();
        started++;
        return;
      }
      if (standIns.has(key)) return;
      await reportContainer(pod, ip, now, { running: true, ready: true, restartCount: 0, startedAt: now });
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

  /** The pod's YUNBANG_SIM directives, unless YUNBANG_SIM_ORDINALS names other pods of its StatefulSet. */
  const directivesFor = (pod: k8s.V1Pod, c: k8s.V1Container): SimDirectives => {
    let d: SimDirectives;
    try { d = simDirectives(c); } catch (err) {
      process.stderr.write(`[sim-node] ${pod.metadata!.namespace}/${pod.metadata!.name}: ${(err as Error).message}\n`);
      return NO_DIRECTIVES;
    }
    return appliesTo(d, pod.metadata!.name!) ? d : NO_DIRECTIVES;
  };

  // Status writes of one pod go out in order (a later state must not be overtaken by an earlier one).
  const reports = new Map<string, Promise<void>>();
  const reportContainer = (pod: k8s.V1Pod, ip: string, startTime: string, s: ContainerState): Promise<void> => {
    const meta = pod.metadata!;
    const at = new Date().toISOString();
    const ready = s.ready ? 'True' : 'False';
    const body = {
      status: {
        phase: 'Running', hostIP: '127.0.0.1', podIP: ip, podIPs: [{ ip }], startTime,
        conditions: [
          { type: 'Initialized', status: 'True', lastTransitionTime: startTime },
          { type: 'Ready', status: ready, lastTransitionTime: at, ...(s.ready ? {} : { reason: 'ContainersNotReady' }) },
          { type: 'ContainersReady', status: ready, lastTransitionTime: at, ...(s.ready ? {} : { reason: 'ContainersNotReady' }) },
          { type: 'PodScheduled', status: 'True', lastTransitionTime: startTime },
        ],
        containerStatuses: (pod.spec?.containers ?? []).map((c) => ({
          name: c.name, image: c.image, imageID: `sim://${c.image}`, ready: s.ready, started: s.running, restartCount: s.restartCount,
          containerID: `sim://${meta.uid}/${c.name}`,
          state: s.running ? { running: { startedAt: s.startedAt } } : { waiting: s.waiting ?? { reason: 'ContainerCreating' } },
          lastState: s.lastTerminated ? { terminated: s.lastTerminated } : {},
        })),
      },
    };
    const key = meta.uid!;
    const next = (reports.get(key) ?? Promise.resolve()).then(() => core.patchNamespacedPodStatus({ name: meta.name!, namespace: meta.namespace!, body }, mergePatch))
      .then(() => undefined, (err) => { if (codeOf(err) !== 404 && !stopped) process.stderr.write(`[sim-node] ${meta.namespace}/${meta.name}: status: ${(err as Error).message}\n`); });
    reports.set(key, next);
    void next.finally(() => { if (reports.get(key) === next) reports.delete(key); });
    return next;
  };

  /** A Secret's key as the kubelet resolves env valueFrom.secretKeyRef; undefined when the Secret or key is missing. */
  const readSecret = async (namespace: string, name: string): Promise<Record<string, string> | undefined> => {
    const data = (await core.readNamespacedSecret({ name, namespace }).catch(() => undefined))?.data;
    return data && Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  };
  const readSecretKey = async (namespace: string, name: string, key: string): Promise<string | undefined> => (await readSecret(namespace, name))?.[key];
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
      runBuildPod(pod, readSecret),
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
  // Gone without passing through termination here (force-deleted, or its namespace went): stop it.
  informer.on('delete', (p) => {
    const key = p.metadata!.uid!;
    if (terminating.has(key)) return;
    standIns.get(key)?.stop();
    standIns.delete(key);
    releaseIp(key);
  });
  let stopped = false;
  // The informer stops on a watch error; start it again until the API server answers (it may be
  // restarting for a while, and a kubelet keeps trying).
  const restart = () => { if (!stopped) setTimeout(() => { if (!stopped) informer.start().catch(restart); }, 1000).unref(); };
  informer.on('error', restart);
  await informer.start();
  return {
    podsStarted: () => started,
    stop: async () => {
      stopped = true;
      await informer.stop();
      for (const s of standIns.values()) s.stop();
      standIns.clear();
      kubelet?.close();
    },
  };
}

async function registerNode(core: k8s.CoreV1Api, name: string, kubeletPort: number): Promise<void> {
  await core.createNode({
    body: { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, 'yunbang.dev/simulated': 'true' } } },
  }).catch(ignoreConflict);
  // Every image "runs" as the same stand-in server here, and the API shows the apps' owners so.
  await core.patchNode({ name, body: { metadata: { annotations: { [STAND_IN_ANNOTATION]: JSON.stringify({ '*': 'the simulated node\'s stand-in HTTP server (no container runs)' }) } } } }, mergePatch);
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
