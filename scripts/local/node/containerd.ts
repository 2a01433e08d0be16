import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startProcess, stopProcess, waitFor } from '../proc.js';

/**
 * containerd (Debian's, 1.6, CRI plugin built in) as a child process of the stack, never the
 * system service: its own root, state and socket under the node's directory, runc through the
 * runc.v2 shim with cgroupfs, and image pulls resolved by hosts.toml files that send every
 * registry to the local one (registry.ts): nothing is pulled from outside.
 */
export interface ContainerdSettings {
  dir: string;
  /** The pause image, from the local registry. */
  sandboxImage: string;
  cniConfDir: string;
  /** host:port of the local registry as seen inside the node's namespace. */
  registry: string;
  /** Registries whose names images keep (docker.io for `nginx:1.27`), all served by the local one. */
  mirrored: string[];
  /** Registries served by another server on the node: registry.example by the stand-in's front. */
  fronted: Record<string, string>;
}

/** containerd's config.toml: a pure function of the settings. */
export function renderContainerdConfig(s: ContainerdSettings): string {
  const cri = '[plugins."io.containerd.grpc.v1.cri"]';
  return `version = 2
root = "${s.dir}/root"
state = "${s.dir}/state"
[grpc]
  address = "${s.dir}/containerd.sock"
[ttrpc]
  address = "${s.dir}/containerd.sock.ttrpc"
${cri}
  sandbox_image = "${s.sandboxImage}"
  # runc cannot lower oom_score_adj below the stack's own here (Permission denied), and without
  # this every sandbox fails with "can't get final child's PID from pipe: EOF".
  restrict_oom_score_adj = true
  disable_apparmor = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  # Pods' network namespaces under our state directory, not /var/run/netns.
  netns_mounts_under_state_dir = true
  ${cri.slice(0, -1)}.containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    ${cri.slice(0, -1)}.containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      ${cri.slice(0, -1)}.containerd.runtimes.runc.options]
        SystemdCgroup = false
  ${cri.slice(0, -1)}.cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "${s.cniConfDir}"
  ${cri.slice(0, -1)}.registry]
    config_path = "${s.dir}/certs.d"
`;
}

/** hosts.toml for one registry name: the local registry is its only server (plain HTTP, on the node). */
export function renderHostsToml(registry: string): string {
  return `server = "http://${registry}"\n[host."http://${registry}"]\n  capabilities = ["pull", "resolve", "push"]\n`;
}

export interface LocalContainerd { socket: string; stop(): Promise<void> }

export async function startContainerd(s: ContainerdSettings, o: { prefix: string[]; logDir: string; pidDir: string }): Promise<LocalContainerd> {
  mkdirSync(s.dir, { recursive: true });
  const servers: [string, string][] = [...[...s.mirrored, s.registry].map((n): [string, string] => [n, s.registry]), ...Object.entries(s.fronted)];
  for (const [name, server] of servers) {
    const d = join(s.dir, 'certs.d', name);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'hosts.toml'), renderHostsToml(server));
  }
  const config = join(s.dir, 'config.toml');
  writeFileSync(config, renderContainerdConfig(s));
  const logFile = join(o.logDir, 'containerd.log');
  const child = startProcess(o.prefix[0]!, [...o.prefix.slice(1), 'containerd', '--config', config, '--log-level', 'warn'], logFile, { pidFile: join(o.pidDir, 'containerd.pid') });
  const socket = join(s.dir, 'containerd.sock');
  await waitFor('containerd', async () => existsSync(socket), 20_000, child, logFile);
  return { socket, stop: () => stopProcess(child, 10_000) };
}
