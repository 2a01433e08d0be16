import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A private mount namespace for the node, kept open by a bind mount of its file (as `ip netns`
 * keeps network namespaces): containerd, the kubelet and every container mount their root
 * filesystems, volumes and secrets inside it, so the machine's mount table never sees them, and
 * unmounting one file after the node's processes are gone takes them all away.
 *
 * Inside it, /var/log/pods (where the kubelet 1.20 writes container logs, a path it does not let
 * us change) is the node's own directory.
 */
export interface MountNamespace { file: string; holder: string }

export function mountNamespaceOf(dir: string): MountNamespace {
  return { holder: join(dir, 'mnt'), file: join(dir, 'mnt', 'ns') };
}

function mountedAt(path: string): boolean {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => l.split(' ')[4] === path);
}

export function createMountNamespace(dir: string): MountNamespace {
  const m = mountNamespaceOf(dir);
  mkdirSync(m.holder, { recursive: true });
  // A namespace file can only be bind-mounted onto a private mount.
  if (!mountedAt(m.holder)) {
    execFileSync('mount', ['--bind', m.holder, m.holder]);
    execFileSync('mount', ['--make-private', m.holder]);
  }
  if (!existsSync(m.file)) writeFileSync(m.file, '');
  const podLogs = join(dir, 'pod-logs');
  mkdirSync(podLogs, { recursive: true });
  mkdirSync('/var/log/pods', { recursive: true });
  execFileSync('unshare', [`--mount=${m.file}`, '--propagation', 'private', 'mount', '--bind', podLogs, '/var/log/pods']);
  return m;
}

/** Unmounts the namespace's file (its mounts go once no process is left in it) and its holder. */
export function deleteMountNamespace(dir: string): void {
  const m = mountNamespaceOf(dir);
  for (const p of [m.file, m.holder]) {
    if (mountedAt(p)) {
      try { execFileSync('umount', ['-l', p], { stdio: 'ignore' }); } catch { /* gone meanwhile */ }
    }
  }
}

/** Mounts of the machine's mount table under `dir` (the clean-up test counts them). */
export function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4] ?? '').filter((p) => p === dir || p.startsWith(`${dir}/`));
}
