import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';

/**
 * The node's network namespace: the real node (containerd, the kubelet, kube-proxy, the pods'
 * bridge, the image registry) and the local gateway's nginx live in a network namespace of the
 * stack's own, as kind keeps a node inside a container. Nothing in it is routed off the machine:
 * its only routes are the pod network on its bridge, and the machine is reached from it (and it
 * from the machine) only through ports forwarded on loopback (portal.ts).
 *
 * It is entered with `nsenter --net=<path>`, never `ip netns exec`, which also remounts /sys and
 * takes the cgroup mounts away from the kubelet and containerd.
 */
export interface NodeNetwork {
  /** `ip netns` name, e.g. yb-3f2a1c. */
  name: string;
  /** The namespace's file, for `nsenter --net=`. */
  path: string;
  /** The pods' bridge inside it. */
  bridge: string;
  /** 10.<n>.0.0/16: pod IPs (host-local IPAM on the bridge). */
  podCidr: string;
  /** 10.<n>.0.1: the bridge's address, the pods' gateway, and the node's InternalIP. */
  nodeIp: string;
  /** ClusterIP Services (the API server's --service-cluster-ip-range). */
  serviceCidr: string;
}

const NETNS_DIR = '/var/run/netns';

function ip(...args: string[]): string {
  return execFileSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The addresses and names of a node network, a pure function of its name and pod network octet. */
export function nodeNetwork(name: string, podNet: number): NodeNetwork {
  return { name, path: `${NETNS_DIR}/${name}`, bridge: 'yb0', podCidr: `10.${podNet}.0.0/16`, nodeIp: `10.${podNet}.0.1`, serviceCidr: '10.96.0.0/16' };
}

/**
 * Makes the namespace with its loopback, and the pods' bridge holding the node's address (the
 * bridge CNI plugin finds it there and uses it as the pods' gateway). IPv6 is off inside: there is
 * no IPv6 pod network, and no link-local address to reach out with.
 */
export function createNodeNetwork(n: NodeNetwork): void {
  ip('netns', 'add', n.name);
  try {
    const inNs = (...args: string[]) => ip('-n', n.name, ...args);
    sysctlIn(n, 'net.ipv6.conf.all.disable_ipv6', '1');
    sysctlIn(n, 'net.ipv6.conf.default.disable_ipv6', '1');
    inNs('link', 'set', 'lo', 'up');
    inNs('link', 'add', n.bridge, 'type', 'bridge');
    inNs('addr', 'add', `${n.nodeIp}/16`, 'dev', n.bridge);
    inNs('link', 'set', n.bridge, 'up');
    // The node itself (the gateway's nginx) reaches Services: a connection needs a route before
    // kube-proxy's OUTPUT rules rewrite it to a pod. Pods reach them through the bridge.
    inNs('route', 'add', n.serviceCidr, 'dev', n.bridge, 'src', n.nodeIp);
    // Pods reach each other and Services through the node (kube-proxy's NAT), nothing beyond it:
    // there is no default route, so anything else fails at once with "network unreachable".
    sysctlIn(n, 'net.ipv4.ip_forward', '1');
    sysctlIn(n, 'net.bridge.bridge-nf-call-iptables', '1', true);
  } catch (err) {
    deleteNodeNetwork(n.name);
    throw err;
  }
}

function sysctlIn(n: NodeNetwork, key: string, value: string, optional = false): void {
  try {
    execFileSync('nsenter', [`--net=${n.path}`, 'sysctl', '-q', '-w', `${key}=${value}`], { stdio: 'ignore' });
  } catch (err) {
    if (!optional) throw err;
  }
}

export function netnsExists(name: string): boolean {
  return existsSync(`${NETNS_DIR}/${name}`);
}

/** The inode of a network namespace, as /proc/<pid>/ns/net names it (net:[4026532281]). */
function netnsInode(path: string): string | undefined {
  try {
    return execFileSync('stat', ['-L', '-c', '%i', path], { encoding: 'utf8' }).trim();
  } catch { return undefined; }
}

/** Every process inside the namespace (what `ip netns pids` lists, read from /proc). */
export function pidsIn(path: string): number[] {
  const inode = netnsInode(path);
  if (!inode) return [];
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try { if (readlinkSync(`/proc/${entry}/ns/net`) === `net:[${inode}]`) out.push(Number(entry)); } catch { /* gone */ }
  }
  return out;
}

/** Deletes the namespace; its bridge, veths, addresses and iptables rules go with it. */
export function deleteNodeNetwork(name: string): void {
  if (!netnsExists(name)) return;
  try { ip('netns', 'delete', name); } catch { /* already gone */ }
}

/** The namespaces the local stacks made (yb-*), for the counts the clean-up test compares. */
export function stackNamespaces(): string[] {
  return existsSync(NETNS_DIR) ? readdirSync(NETNS_DIR).filter((n) => n.startsWith('yb-')) : [];
}

/** The command line prefix that runs a program inside the namespace (and a mount namespace, if given). */
export function nsenter(n: { path: string }, mountNs?: string): string[] {
  return ['nsenter', `--net=${n.path}`, ...(mountNs ? [`--mount=${mountNs}`] : [])];
}
