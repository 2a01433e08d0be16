import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The pods' cgroup tree of one node (the kubelet's cgroupRoot, one per stack): every container
 * process of the node is in it, whatever namespaces it made for itself, so a killed run's
 * containers are found and stopped by it, and the tree is removed after.
 */
const CGROUP_FS = '/sys/fs/cgroup';

/** The v1 hierarchies (cpu, memory, pids, ...) that exist on this machine. */
function hierarchies(): string[] {
  return existsSync(CGROUP_FS) ? readdirSync(CGROUP_FS).filter((h) => { try { return statSync(join(CGROUP_FS, h)).isDirectory() && !h.includes(','); } catch { return false; } }) : [];
}

/** Creates the root in every hierarchy (the kubelet refuses a cgroupRoot that does not exist). */
export function createCgroupRoot(root: string): void {
  for (const h of hierarchies()) {
    try { mkdirSync(join(CGROUP_FS, h, root), { recursive: true }); } catch { /* a hierarchy we may not write */ }
  }
}


/** Every process in the tree, in any hierarchy. */
export function pidsInCgroup(root: string): number[] {
  const pids = new Set<number>();
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    try { for (const p of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) pids.add(Number(p)); } catch { /* gone */ }
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) walk(join(dir, e.name));
  };
  for (const h of hierarchies()) walk(join(CGROUP_FS, h, root));
  return [...pids];
}

/** Removes the tree, deepest first (a cgroup can go once it has no process and no child). */
export function removeCgroupRoot(root: string): void {
  const remove = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) remove(join(dir, e.name));
    try { rmdirSync(dir); } catch { /* still busy: the next clean-up takes it */ }
  };
  for (const h of hierarchies()) remove(join(CGROUP_FS, h, root));
}
