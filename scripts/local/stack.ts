import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { startControlPlane } from './control-plane.js';
import { startEtcd } from './etcd.js';
import { freePort, portInUse, stopLeftovers } from './proc.js';
import { startPostgres } from './postgres.js';
import { startSimNode } from './sim-node.js';
import { startRealNode, type KubeletScrape, type RealNode } from './node/real-node.js';

/**
 * The local stack on real components: embedded PostgreSQL, etcd for Yunbang's records, and for
 * each local cluster a Kubernetes control plane (its own etcd, kube-apiserver,
 * kube-controller-manager) with a node: a real one (node/real-node.ts: containerd, runc, the
 * kubelet, kube-proxy, kube-scheduler) or the simulated one (sim-node.ts). Each part is skipped
 * when the caller already has one (DATABASE_URL, ETCD_ENDPOINTS, KUBECONFIG).
 */
/**
 * Git servers of the local stack and its tests listen on loopback, which the git guard refuses by
 * default (src/net/git-guard.ts): the stack allows that one address and nothing else.
 */
export const LOCAL_GIT_HOSTS = '127.0.0.1';
/** A build's CPU request on the local real node, which has this machine's 2 cores: a tenth of one, so builds fit beside the apps (production keeps a whole core). */
export const LOCAL_BUILD_CPU_REQUEST = '100m';

export interface StackOptions {
  dir: string;
  /** 'fixed' for `npm start` (stable URLs across restarts), 'random' for tests. */
  ports: 'fixed' | 'random';
  /** Keep data between runs (`npm start`) or delete it on stop (tests). */
  persistent: boolean;
  use?: { DATABASE_URL?: string; ETCD_ENDPOINTS?: string; KUBECONFIG?: string };
  progress?: (message: string) => void;
  /**
   * The node of each local cluster, the first one's first (`local`, `local-2`, ...): each cluster
   * gets its own control plane and etcd. Default: one cluster with a simulated node.
   */
  nodes?: NodeKind[];
}

export type NodeKind = 'real' | 'simulated';

/** What the stack's users need of a real node: where its pods live and its images are kept. */
export interface RealNodeInfo {
  /** The node's network namespace file: nginx for this cluster runs in it (YUNBANG_GATEWAY_NETNS). */
  netns: string;
  /** Pod addresses, the only upstreams a gateway for this cluster may reach. */
  podCidr: string;
  /** The local registry on the machine's loopback, for pushing images. */
  registry: string;
  /** The node's address (the pods' gateway), and its registry as pods see it: where builds push (YUNBANG_REGISTRY). */
  nodeIp: string;
  registryInNode: string;
  /** Upstream image names served locally, and by what ("nginx:1.27" → "Debian's nginx-light 1.22.1-9"). */
  servedBy: Record<string, string>;
  /** Where Prometheus scrapes the node's kubelet (its per-container CPU and memory). */
  kubelet: KubeletScrape;
}

/** A local cluster besides the first: `local-2`, `local-3`, ... for placement and migration on one machine. */
export interface ExtraCluster {
  name: string;
  /** The admin's (setup and assertions only), and Yunbang's identities there (what it is registered with). */
  KUBECONFIG: string;
  WORKER_KUBECONFIG: string;
  API_KUBECONFIG: string;
  /** Its default domains: <app>-<team>.<name>.localhost. */
  appsDomain: string;
  /** The kube-apiserver's pid: tests freeze it (SIGSTOP) to make the cluster unreachable. */
  apiserverPid: number;
  node: NodeKind;
  realNode?: RealNodeInfo;
}

export interface Stack {
  DATABASE_URL: string;
  ETCD_ENDPOINTS: string;
  /** The admin's kubeconfig (the local cluster's own setup, tests' assertions); or the one given. */
  KUBECONFIG: string;
  /** What the worker and the API run as: their service accounts on the local cluster; the given KUBECONFIG otherwise. */
  WORKER_KUBECONFIG: string;
  API_KUBECONFIG: string;
  /** True when the cluster is the local one with the simulated node (pods served on loopback). */
  simulated: boolean;
  /** The first cluster's real node, when it has one. */
  realNode?: RealNodeInfo;
  /** A URL to the server's `postgres` database, for creating per-test databases (when embedded). */
  pgAdminUrl?: (database: string) => string;
  /** Local clusters besides the first (none when KUBECONFIG was given). */
  extraClusters: ExtraCluster[];
  stop(): Promise<void>;
}

const FIXED = { postgres: 54329, etcd: 23790, etcdPeer: 23800, kubeEtcd: 23791, kubeEtcdPeer: 23801, apiserver: 16443 };
/** Cluster n (from 2) takes the first cluster's Kubernetes ports plus n - 1. */
const KUBE_PORTS = new Set<keyof typeof FIXED>(['kubeEtcd', 'kubeEtcdPeer', 'apiserver']);

async function port(kind: keyof typeof FIXED, mode: StackOptions['ports'], cluster = 1): Promise<number> {
  if (mode === 'random' || process.env.YUNBANG_STACK_PORTS === 'random') return freePort();
  const p = FIXED[kind] + (KUBE_PORTS.has(kind) ? cluster - 1 : 0);
  if (await portInUse(p)) throw new Error(`port ${p} (${kind}) is in use: is another Yunbang already running? Stop it, or set the matching *_URL / ENDPOINTS / KUBECONFIG variable`);
  return p;
}

function secretFile(path: string): string {
  if (!existsSync(path)) writeFileSync(path, randomBytes(18).toString('base64url'), { mode: 0o600 });
  return readFileSync(path, 'utf8').trim();
}

/**
 * The second octet of a local cluster's pod IPs (10.<n>.x.y, served at 127.<n>.x.y). A test or
 * benchmark stack uses other addresses than a developer's `npm start` on the same machine, and
 * each cluster its own: 244, then 232, 233, ... for `npm start`; 246, then 242, 243, ... for tests.
 */
function podNetwork(o: StackOptions, cluster: number): number {
  const random = o.ports === 'random';
  if (cluster === 1) return random ? 246 : 244;
  return (random ? 240 : 230) + cluster;
}

export async function startStack(o: StackOptions): Promise<Stack> {
  const say = o.progress ?? (() => {});
  const logs = join(o.dir, 'logs');
  mkdirSync(logs, { recursive: true });
  // A stack killed outright (SIGKILL) leaves its servers running: stop them before anything else.
  const pids = join(o.dir, 'pids');
  const leftovers = await stopLeftovers(pids);
  if (leftovers.length > 0) say(`stopped what a killed earlier run left running: ${leftovers.join(', ')}`);
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => { for (const s of stops.reverse()) await s().catch(() => {}); };
  try {
    let DATABASE_URL = o.use?.DATABASE_URL;
    let pgAdminUrl: Stack['pgAdminUrl'];
    if (!DATABASE_URL) {
      say('starting embedded PostgreSQL');
      const pg = await startPostgres({
        dir: join(o.dir, 'postgres'), port: await port('postgres', o.ports),
        password: o.persistent ? secretFile(join(o.dir, 'postgres.password')) : randomBytes(12).toString('hex'),
        persistent: o.persistent, logFile: join(logs, 'postgres.log'), ownDir: o.dir,
      });
      stops.push(pg.stop);
      DATABASE_URL = pg.url;
      pgAdminUrl = pg.adminUrl;
    }

    let ETCD_ENDPOINTS = o.use?.ETCD_ENDPOINTS;
    if (!ETCD_ENDPOINTS) {
      say('starting etcd');
      const etcd = await startEtcd({ name: 'yunbang-etcd', dir: join(o.dir, 'etcd'), port: await port('etcd', o.ports), peerPort: await port('etcdPeer', o.ports), logDir: logs, pidDir: pids });
      stops.push(etcd.stop);
      ETCD_ENDPOINTS = etcd.endpoint;
    }

    const nodes = o.nodes ?? ['simulated'];
    let first: LocalCluster | undefined;
    if (!o.use?.KUBECONFIG) {
      first = await startLocalCluster(o, 1, nodes[0]!, say, pids, logs);
      stops.push(first.stop);
    }
    const extraClusters: ExtraCluster[] = [];
    for (let n = 2; !o.use?.KUBECONFIG && n <= nodes.length; n++) {
      const c = await startLocalCluster(o, n, nodes[n - 1]!, say, pids, logs);
      stops.push(c.stop);
      extraClusters.push({
        name: `local-${n}`, KUBECONFIG: c.KUBECONFIG, WORKER_KUBECONFIG: c.identities.worker, API_KUBECONFIG: c.identities.api,
        appsDomain: `local-${n}.localhost`, apiserverPid: c.apiserverPid, node: nodes[n - 1]!, realNode: c.realNode,
      });
    }
    const KUBECONFIG = o.use?.KUBECONFIG ?? first!.KUBECONFIG;
    const identities = first?.identities ?? { worker: KUBECONFIG, api: KUBECONFIG };
    return {
      DATABASE_URL, ETCD_ENDPOINTS, KUBECONFIG, WORKER_KUBECONFIG: identities.worker, API_KUBECONFIG: identities.api,
      simulated: !o.use?.KUBECONFIG && nodes[0] === 'simulated', realNode: first?.realNode, pgAdminUrl, extraClusters, stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

interface LocalCluster {
  KUBECONFIG: string;
  identities: { worker: string; api: string };
  apiserverPid: number;
  realNode?: RealNodeInfo;
  stop(): Promise<void>;
}

/** Cluster n: its own etcd, control plane and node; the first one's directories and logs keep their names. */
async function startLocalCluster(o: StackOptions, n: number, kind: NodeKind, say: (m: string) => void, pids: string, logs: string): Promise<LocalCluster> {
  const sfx = n === 1 ? '' : `-${n}`;
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => { for (const s of [...stops].reverse()) await s().catch(() => {}); };
  try {
    say(n === 1
      ? `starting the Kubernetes control plane (etcd, kube-apiserver, kube-controller-manager${kind === 'real' ? ', kube-scheduler' : ''})`
      : `starting local cluster ${n} (its own etcd, kube-apiserver, kube-controller-manager and ${kind === 'real' ? 'real' : 'simulated'} node)`);
    const kubeEtcd = await startEtcd({ name: `kube-etcd${sfx}`, dir: join(o.dir, `kube-etcd${sfx}`), port: await port('kubeEtcd', o.ports, n), peerPort: await port('kubeEtcdPeer', o.ports, n), logDir: logs, pidDir: pids });
    stops.push(kubeEtcd.stop);
    const net = podNetwork(o, n);
    const apiPort = await port('apiserver', o.ports, n);
    const cp = await startControlPlane({
      dir: join(o.dir, `kube${sfx}`), etcdEndpoint: kubeEtcd.endpoint, port: apiPort, logDir: logs, pidDir: pids, suffix: sfx,
      ...(kind === 'real' ? { realNode: { advertise: `10.${net}.0.1` } } : {}),
    });
    stops.push(cp.stop);
    let realNode: RealNodeInfo | undefined;
    if (kind === 'real') {
      say(n === 1 ? 'starting the node (containerd, runc, the kubelet and kube-proxy, in a network namespace of its own)' : `starting local cluster ${n}'s real node`);
      const node: RealNode = await startRealNode({ dir: join(o.dir, `node${sfx}`), podNet: net, controlPlane: cp, apiserverPort: apiPort, logDir: logs, pidDir: pids, say });
      stops.push(node.stop);
      realNode = {
        netns: node.network.path, podCidr: node.network.podCidr, registry: node.registry, nodeIp: node.network.nodeIp, registryInNode: node.registryInNode,
        servedBy: Object.fromEntries(node.images.filter((i) => i.servedBy).map((i) => [i.upstream, i.servedBy])), kubelet: node.kubelet,
      };
    } else {
      if (n === 1) say('starting the simulated node (stands in for a kubelet: its pods are stand-in servers, not containers)');
      const kc = new k8s.KubeConfig();
      kc.loadFromFile(cp.kubeconfig);
      const pki = join(o.dir, `kube${sfx}`, 'pki');
      // Pods of a test or benchmark stack are served on other loopback addresses than those of a
      // developer's `npm start` on the same machine (127.246.x.y, not 127.244.x.y).
      const node = await startSimNode(kc, { ...(n === 1 ? {} : { name: `sim-node${sfx}` }), tls: { cert: join(pki, 'apiserver.crt'), key: join(pki, 'apiserver.key') }, podNetwork: net });
      stops.push(node.stop);
    }
    return { KUBECONFIG: cp.kubeconfig, identities: cp.identities, apiserverPid: cp.apiserverPid, realNode, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
