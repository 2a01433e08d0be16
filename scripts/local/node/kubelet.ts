import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startProcess, stopProcess, waitFor } from '../proc.js';

/**
 * The kubelet (v1.20.2, built from Debian's kubernetes source package) and kube-proxy, inside the
 * node's namespaces. The node is called `localhost`: the API server reaches a kubelet by its
 * Hostname address (--kubelet-preferred-address-types=Hostname), and `localhost` is the machine's
 * loopback, where the portal forwards the kubelet's port into the namespace.
 */
export const NODE_NAME = 'localhost';

export interface KubeletSettings {
  dir: string;
  /** The kubelet's port, the same number inside the namespace and on the machine's loopback. */
  port: number;
  healthzPort: number;
  nodeIp: string;
  caFile: string;
  servingCert: string;
  servingKey: string;
  /** Where pods' cgroups go (one tree per stack, so a killed run's containers are found). */
  cgroupRoot: string;
  clusterDns?: string;
}

/** The kubelet's configuration file: a pure function of the settings. */
export function renderKubeletConfig(s: KubeletSettings): string {
  return `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# Only the API server (a client certificate from the local CA) reaches the kubelet; none anonymously.
authentication:
  anonymous: { enabled: false }
  webhook: { enabled: false }
  x509: { clientCAFile: ${s.caFile} }
authorization: { mode: AlwaysAllow }
tlsCertFile: ${s.servingCert}
tlsPrivateKeyFile: ${s.servingKey}
address: 0.0.0.0
port: ${s.port}
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: ${s.healthzPort}
cgroupDriver: cgroupfs
cgroupsPerQOS: true
cgroupRoot: ${s.cgroupRoot}
enforceNodeAllocatable: []
failSwapOn: false
# A developer's disk is not a dedicated node's: evict nothing for disk pressure, and collect images late.
evictionHard: { memory.available: "100Mi", nodefs.available: "1%", imagefs.available: "1%" }
imageGCHighThresholdPercent: 99
imageGCLowThresholdPercent: 98
serializeImagePulls: false
clusterDomain: cluster.local
${s.clusterDns ? `clusterDNS: [${s.clusterDns}]` : '# No cluster DNS yet: pods resolve with the node\'s resolv.conf'}
resolvConf: ${join(s.dir, 'resolv.conf')}
volumePluginDir: ${join(s.dir, 'volume-plugins')}
syncFrequency: 10s
fileCheckFrequency: 20s
nodeStatusUpdateFrequency: 10s
runtimeRequestTimeout: 2m
`;
}

export function kubeletArgs(s: KubeletSettings, o: { kubeconfig: string; containerdSocket: string; cniConfDir: string; pauseImage: string }): string[] {
  return [
    `--config=${join(s.dir, 'kubelet.yaml')}`, `--kubeconfig=${o.kubeconfig}`,
    '--container-runtime=remote', `--container-runtime-endpoint=unix://${o.containerdSocket}`,
    '--network-plugin=cni', '--cni-bin-dir=/usr/lib/cni', `--cni-conf-dir=${o.cniConfDir}`,
    `--root-dir=${join(s.dir, 'root')}`, `--cert-dir=${join(s.dir, 'pki')}`,
    `--hostname-override=${NODE_NAME}`, `--node-ip=${s.nodeIp}`,
    `--pod-infra-container-image=${o.pauseImage}`, '--v=0',
  ];
}

/** The bridge CNI configuration: pods take addresses from the node's bridge; no masquerade, no way out. */
export function renderCniConfig(o: { bridge: string; podCidr: string; gateway: string; ipamDir: string }): string {
  return JSON.stringify({
    cniVersion: '0.4.0', name: 'yunbang',
    plugins: [
      {
        type: 'bridge', bridge: o.bridge, isGateway: true, ipMasq: false, hairpinMode: true,
        ipam: { type: 'host-local', ranges: [[{ subnet: o.podCidr, gateway: o.gateway }]], routes: [{ dst: '0.0.0.0/0' }], dataDir: o.ipamDir },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
    ],
  }, null, 2);
}

export async function startKubelet(s: KubeletSettings, o: { prefix: string[]; kubeconfig: string; containerdSocket: string; cniConfDir: string; pauseImage: string; logDir: string; pidDir: string; bin: string }): Promise<{ stop(): Promise<void> }> {
  mkdirSync(join(s.dir, 'root'), { recursive: true });
  mkdirSync(join(s.dir, 'volume-plugins'), { recursive: true });
  writeFileSync(join(s.dir, 'kubelet.yaml'), renderKubeletConfig(s));
  // Pods get no name server of the machine's: nothing of theirs leaves the node.
  writeFileSync(join(s.dir, 'resolv.conf'), 'options ndots:5\n');
  const logFile = join(o.logDir, 'kubelet.log');
  const child = startProcess(o.prefix[0]!, [...o.prefix.slice(1), o.bin, ...kubeletArgs(s, o)], logFile, { pidFile: join(o.pidDir, 'kubelet.pid') });
  const healthy = async () => (await fetchInNs(o.prefix, `http://127.0.0.1:${s.healthzPort}/healthz`)) === 'ok';
  await waitFor('the kubelet', healthy, 60_000, child, logFile);
  return { stop: () => stopProcess(child, 10_000) };
}

/** A GET from inside the namespace (curl is not assumed: bash's /dev/tcp is). */
async function fetchInNs(prefix: string[], url: string): Promise<string> {
  const u = new URL(url);
  const script = `exec 3<>/dev/tcp/${u.hostname}/${u.port} && printf 'GET ${u.pathname} HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3 | tail -n 1`;
  return new Promise((resolve) => {
    execFile(prefix[0]!, [...prefix.slice(1), 'bash', '-c', script], { timeout: 3000 }, (err, stdout) => resolve(err ? '' : stdout.trim()));
  });
}

export async function startKubeProxy(o: { prefix: string[]; bin: string; kubeconfig: string; podCidr: string; dir: string; healthzPort: number; metricsPort: number; logDir: string; pidDir: string }): Promise<{ stop(): Promise<void> }> {
  mkdirSync(o.dir, { recursive: true });
  const logFile = join(o.logDir, 'kube-proxy.log');
  const child = startProcess(o.prefix[0]!, [...o.prefix.slice(1), o.bin,
    `--kubeconfig=${o.kubeconfig}`, `--hostname-override=${NODE_NAME}`, `--cluster-cidr=${o.podCidr}`, '--proxy-mode=iptables',
    `--healthz-bind-address=127.0.0.1:${o.healthzPort}`, `--metrics-bind-address=127.0.0.1:${o.metricsPort}`,
    // The conntrack table size is the machine's, not the namespace's: leave it alone.
    '--conntrack-max-per-core=0', '--oom-score-adj=0', '--v=0',
  ], logFile, { pidFile: join(o.pidDir, 'kube-proxy.pid') });
  await waitFor('kube-proxy', async () => (await fetchInNs(o.prefix, `http://127.0.0.1:${o.healthzPort}/healthz`)).includes('lastUpdated'), 30_000, child, logFile);
  return { stop: () => stopProcess(child) };
}
