import { pidsInCgroup, removeCgroupRoot } from './cgroups.js';
import { deleteMountNamespace } from './mount-ns.js';
import { deleteNodeNetwork, netnsExists, pidsIn } from './netns.js';

/**
 * Takes a node away entirely, whether it stopped in order or was killed outright: every process
 * left in its network namespace (containerd's shims, the registry, the portal) and in its pods'
 * cgroup tree (the containers, whatever namespaces they made), then its mount namespace (the
 * containers' root filesystems, volumes and secrets go with it), its network namespace (the
 * bridge, the pods' veths and kube-proxy's iptables rules go with it) and its cgroups.
 * Returns what it found, for the log.
 */
export function cleanNode(o: { dir: string; network: string; cgroupRoot: string }): string[] {
  const found: string[] = [];
  const path = `/var/run/netns/${o.network}`;
  for (let round = 0; round < 20; round++) {
    const pids = [...new Set([...(netnsExists(o.network) ? pidsIn(path) : []), ...pidsInCgroup(o.cgroupRoot)])].filter((p) => p !== process.pid);
    if (pids.length === 0) break;
    if (round === 0) found.push(`${pids.length} processes`);
    for (const pid of pids) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
  deleteMountNamespace(o.dir);
  if (netnsExists(o.network)) { found.push(`network namespace ${o.network}`); deleteNodeNetwork(o.network); }
  removeCgroupRoot(o.cgroupRoot);
  return found;
}
