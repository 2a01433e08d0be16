import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { PULLS_ANNOTATION, STAND_IN_ANNOTATION } from '../../../src/clusters/stand-ins.js';
import { freePort, waitFor } from '../proc.js';
import { issueCertificate, kubeBinDir, kubeconfigYaml, type LocalControlPlane } from '../control-plane.js';
import { createCgroupRoot } from './cgroups.js';
import { cleanNode } from './clean.js';
import { forgetNode, recordNode, sweepOrphanedNodes } from './records.js';
import { startContainerd } from './containerd.js';
import { MIRRORED_REGISTRIES, RECIPES, PAUSE, STAND_IN_PREFIX, STAND_IN_REPOSITORY, type ImageRecipe } from './image-recipes.js';
import { ensureImages, type BuiltImage } from './images.js';
import { NODE_NAME, renderCniConfig, startKubelet, startKubeProxy } from './kubelet.js';
import { createMountNamespace } from './mount-ns.js';
import { startClusterDns } from './dns.js';
import { startLocalPath } from './local-path.js';
import { startMetricsApi } from './metrics-api.js';
import { machineRegistries, startEgressProxy } from './egress.js';

/** Where builds find the egress proxy, at the node's address (the Kaniko stand-in knows it). */
export const EGRESS_PORT = 3128;
import { createNodeNetwork, nodeNetwork, nsenter, type NodeNetwork } from './netns.js';
import { startPortal, type Portal } from './portal.js';
import { FRONT_ADDRESS, REGISTRY_PORT, startRegistry, startRegistryFront } from './registry.js';

/**
 * A real node for the local cluster: containerd, runc, the kubelet and kube-proxy run real
 * containers from images made of Debian's packages, kept in a network namespace and a mount
 * namespace of the stack's own (netns.ts, mount-ns.ts) and reached through loopback ports
 * (portal.ts). Stopping it, or the next start after a run was killed outright, leaves no
 * container, mount, namespace, bridge or iptables rule behind (clean.ts).
 */
export const cacheDir = process.env.YUNBANG_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'yunbang');


/** The NodePort of the evaluation install's bundled registry (k8s/install/overlays/evaluation/registry.yaml). */
export const EVALUATION_REGISTRY_PORT = 30500;

export interface RealNode {
  network: NodeNetwork;
  portal: Portal;
  /** The local registry on the machine's loopback (127.0.0.1:port), for pushing images. */
  registry: string;
  /** The same registry as pods and the node see it (<node address>:5000). */
  registryInNode: string;
  images: BuiltImage[];
  /** The nsenter prefix that runs a command inside the node's network namespace. */
  enter: string[];
  /** Where Prometheus scrapes the kubelet's metrics, with a client certificate of its own. */
  kubelet: KubeletScrape;
  stop(): Promise<void>;
}

/** The kubelet's HTTPS endpoint on loopback and the files a scraper presents and checks it with. */
export interface KubeletScrape { address: string; caFile: string; certFile: string; keyFile: string; node: string }

export interface RealNodeOptions {
  dir: string;
  /** The second octet of the pod network (10.<n>.0.0/16). */
  podNet: number;
  controlPlane: LocalControlPlane;
  apiserverPort: number;
  logDir: string;
  pidDir: string;
  say: (m: string) => void;
}

/** One name per node directory: the next start from the same directory finds what a killed run left. */
export function netnsName(dir: string): string {
  return `yb-${createHash('sha256').update(dir).digest('hex').slice(0, 10)}`;
}

export async function startRealNode(o: RealNodeOptions): Promise<RealNode> {
  mkdirSync(o.dir, { recursive: true });
  const net = nodeNetwork(netnsName(o.dir), o.podNet);
  const cgroupRoot = `/yunbang/${net.name}`;
  const cleanup = () => { cleanNode({ dir: o.dir, network: net.name, cgroupRoot }); forgetNode(net.name); };
  const cleaned = cleanNode({ dir: o.dir, network: net.name, cgroupRoot });
  if (cleaned.length) o.say(`cleaned what a killed earlier run left on the node: ${cleaned.join(', ')}`);
  const orphans = sweepOrphanedNodes();
  if (orphans.length) o.say(`cleaned nodes that killed runs elsewhere left: ${orphans.join('; ')}`);
  recordNode({ network: net.name, dir: o.dir, cgroupRoot, owner: process.pid });
  createNodeNetwork(net);
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => {});
    cleanup();
  };
  try {
    const mnt = createMountNamespace(o.dir);
    createCgroupRoot(cgroupRoot);
    const inNode = nsenter(net, mnt.file);
    const portal = await startPortal(net.path, { logFile: join(o.logDir, 'portal.log'), pidFile: join(o.pidDir, 'portal.pid') });
    stops.push(() => portal.stop());
    // The kubelet, kube-proxy and pods (the `kubernetes` Service) reach the API server.
    await portal.outward({ host: '0.0.0.0', port: o.apiserverPort }, o.apiserverPort);

    const storage = join(cacheDir, 'registry');
    const registryPort = await portal.inward(0, { host: '127.0.0.1', port: REGISTRY_PORT });
    const registry = `127.0.0.1:${registryPort}`;
    const reg = await startRegistry({
      storage, dir: join(o.dir, 'registry'), prefix: inNode, logDir: o.logDir, pidDir: o.pidDir,
      probe: async () => (await fetch(`http://${registry}/v2/`)).ok,
    });
    stops.push(() => reg.stop());
    const images = await ensureImages(RECIPES, { registry, storage, cacheDir, say: o.say });

    const inNodeRegistry = `127.0.0.1:${REGISTRY_PORT}`;
    const pauseImage = `${inNodeRegistry}/${PAUSE.repository}:${PAUSE.tag}`;
    const cniConfDir = join(o.dir, 'cni');
    mkdirSync(cniConfDir, { recursive: true });
    writeFileSync(join(cniConfDir, '10-yunbang.conflist'), renderCniConfig({ bridge: net.bridge, podCidr: net.podCidr, gateway: net.nodeIp, ipamDir: join(o.dir, 'cni-ipam') }));
    // `registry.example/*` images are the test stand-in under each name, from the registry front.
    const front = startRegistryFront({ prefix: inNode, repository: STAND_IN_REPOSITORY, logDir: o.logDir, pidDir: o.pidDir });
    stops.push(async () => (await front).stop());
    const containerd = await startContainerd(
      {
        dir: join(o.dir, 'containerd'), sandboxImage: pauseImage, cniConfDir, registry: inNodeRegistry,
        mirrored: [...MIRRORED_REGISTRIES, `${net.nodeIp}:${REGISTRY_PORT}`],
        fronted: {
          [STAND_IN_PREFIX.slice(0, -1)]: FRONT_ADDRESS,
          // The evaluation install's registry on its NodePort: plain HTTP allowed, as its README
          // asks of an operator's nodes (k8s/install/overlays/evaluation/registry.yaml).
          [`${net.nodeIp}:${EVALUATION_REGISTRY_PORT}`]: `${net.nodeIp}:${EVALUATION_REGISTRY_PORT}`,
        },
      },
      { prefix: inNode, logDir: o.logDir, pidDir: o.pidDir },
    );
    stops.push(() => containerd.stop());
    await front;

    // Builds reach the package registries this machine uses, and nothing else, through a proxy at the node's address.
    const egress = await startEgressProxy(machineRegistries(), (line) => appendFileSync(join(o.logDir, 'egress.log'), `${new Date().toISOString()} ${line}\n`));
    stops.push(async () => { egress.server.closeAllConnections(); egress.server.close(); });
    await portal.outward({ host: net.nodeIp, port: EGRESS_PORT }, egress.port);

    const pki = o.controlPlane.pki;
    const server = `https://127.0.0.1:${o.apiserverPort}`;
    const proxyConfig = join(o.dir, 'kube-proxy.kubeconfig');
    writeFileSync(proxyConfig, kubeconfigYaml(server, join(pki, 'ca.crt'), o.controlPlane.nodeTokens['kube-proxy']), { mode: 0o600 });
    // Cluster DNS on the node's address, watching Services as kube-proxy does (with its identity).
    const dns = await startClusterDns({ prefix: nsenter(net), address: net.nodeIp, kubeconfig: proxyConfig, logDir: o.logDir, pidDir: o.pidDir });
    stops.push(() => dns.stop());
    const kubeletDir = join(o.dir, 'kubelet');
    mkdirSync(kubeletDir, { recursive: true });
    if (!existsSync(join(pki, 'kubelet.crt'))) issueCertificate(pki, 'kubelet', NODE_NAME, { san: `DNS:${NODE_NAME},IP:127.0.0.1,IP:${net.nodeIp}` });
    const kubeletConfig = join(kubeletDir, 'kubeconfig');
    writeFileSync(kubeletConfig, kubeconfigYaml(server, join(pki, 'ca.crt'), o.controlPlane.nodeTokens.kubelet), { mode: 0o600 });
    // The kubelet's port has the same number inside and on loopback, where the API server dials it.
    const kubeletPort = await freePort();
    await portal.inward(kubeletPort, { host: '127.0.0.1', port: kubeletPort });
    const kubelet = await startKubelet(
      { dir: kubeletDir, port: kubeletPort, healthzPort: await freePort(), nodeIp: net.nodeIp, caFile: join(pki, 'ca.crt'), servingCert: join(pki, 'kubelet.crt'), servingKey: join(pki, 'kubelet.key'), cgroupRoot, clusterDns: net.nodeIp },
      { prefix: inNode, bin: join(kubeBinDir, 'kubelet'), kubeconfig: kubeletConfig, containerdSocket: containerd.socket, cniConfDir, pauseImage, logDir: o.logDir, pidDir: o.pidDir },
    );
    stops.push(() => kubelet.stop());

    const proxy = await startKubeProxy({ prefix: inNode, bin: join(kubeBinDir, 'kube-proxy'), kubeconfig: proxyConfig, podCidr: net.podCidr, dir: join(o.dir, 'kube-proxy'), healthzPort: await freePort(), metricsPort: await freePort(), logDir: o.logDir, pidDir: o.pidDir });
    stops.push(() => proxy.stop());

    const admin = new k8s.KubeConfig();
    admin.loadFromFile(o.controlPlane.kubeconfig);
    const volumes = await startLocalPath(admin, join(o.dir, 'volumes'));
    stops.push(async () => volumes.stop());
    await waitForNodeReady(o.controlPlane.kubeconfig, join(o.logDir, 'kubelet.log'));
    await declareStandIns(admin, standInNames(RECIPES, images));
    // Prometheus reaches the kubelet as the API server does: a client certificate of the cluster's CA.
    if (!existsSync(join(pki, 'prometheus.crt'))) issueCertificate(pki, 'prometheus', 'yunbang-prometheus');
    const scrape = { address: `127.0.0.1:${kubeletPort}`, caFile: join(pki, 'ca.crt'), certFile: join(pki, 'prometheus.crt'), keyFile: join(pki, 'prometheus.key'), node: NODE_NAME };
    // metrics.k8s.io, for the HPA controller (Debian has no metrics-server): from the kubelet's figures.
    const metricsApi = await startMetricsApi({ admin, pki, kubelet: scrape, onError: (e) => appendFileSync(join(o.logDir, 'metrics-api.log'), `${new Date().toISOString()} ${e.message}\n`) });
    stops.push(() => metricsApi.stop());
    return { network: net, portal, registry, registryInNode: `${net.nodeIp}:${REGISTRY_PORT}`, images, enter: nsenter(net), kubelet: scrape, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Every upstream name a built image answers to (`mysql:8.4`, `mysql:8.0`, `mysql:8`) → what serves it. */
export function standInNames(recipes: ImageRecipe[], images: BuiltImage[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of recipes) {
    const servedBy = images.find((i) => i.upstream === r.upstream)?.servedBy;
    if (!servedBy) continue;
    if (r.repository === STAND_IN_REPOSITORY) { out[`${STAND_IN_PREFIX}*`] = `Yunbang's test stand-in server on ${servedBy}`; continue; }
    const repo = r.upstream.slice(0, r.upstream.lastIndexOf(':'));
    for (const tag of [r.tag, ...(r.alsoTags ?? [])]) out[`${repo}:${tag}`] = servedBy;
  }
  return out;
}

/** The node says which images it serves from stand-ins, for the API to show the apps' owners and refuse what cannot run. */
async function declareStandIns(admin: k8s.KubeConfig, names: Record<string, string>): Promise<void> {
  await admin.makeApiClient(k8s.CoreV1Api).patchNode(
    // It pulls nothing from outside: an image with no stand-in here can never start.
    { name: NODE_NAME, body: { metadata: { annotations: { [STAND_IN_ANNOTATION]: JSON.stringify(names), [PULLS_ANNOTATION]: 'none' } } } },
    k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
}

async function waitForNodeReady(kubeconfig: string, logFile: string): Promise<void> {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await waitFor('the node to be Ready', async () => {
    const node = await core.readNode({ name: NODE_NAME });
    return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  }, 60_000, undefined, logFile);
}

