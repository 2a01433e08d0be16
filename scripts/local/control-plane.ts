import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:https';
import * as k8s from '@kubernetes/client-node';
import { installIdentities, type Identities } from './identities.js';
import { startProcess, stopProcess, waitFor } from './proc.js';

/**
 * A real Kubernetes control plane: kube-apiserver, kube-controller-manager and (for a real node)
 * kube-scheduler v1.20.2, built once from Debian's source package by scripts/prepare-binaries.sh.
 * With a simulated node there is no scheduler: the simulated node (sim-node.ts) binds pods itself.
 */
export const kubeBinDir = join(process.env.YUNBANG_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'yunbang'), 'kube-1.20.2', 'bin');

export interface LocalControlPlane {
  server: string;
  /** The admin's: for the local stack's own setup and the tests' assertions only. */
  kubeconfig: string;
  /** Yunbang's own identities (k8s/install/base/rbac.yaml): what the worker and the API run as. */
  identities: Identities;
  token: string;
  /** The real node's components' tokens (NODE_IDENTITIES). */
  nodeTokens: Record<NodeIdentity, string>;
  pki: string;
  apiserverPid: number;
  stop(): Promise<void>;
}

function openssl(dir: string, ...args: string[]) {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** A certificate from the local CA (or another CA of the folder, `ca`) for `cn` (in group `o`), with these subject alternative names. */
export function issueCertificate(dir: string, name: string, cn: string, o: { org?: string; san?: string; ca?: string } = {}): void {
  const ca = o.ca ?? 'ca';
  openssl(dir, 'req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `${o.org ? `/O=${o.org}` : ''}/CN=${cn}`);
  writeFileSync(join(dir, `${name}.cnf`), o.san ? `subjectAltName=${o.san}\n` : 'basicConstraints=CA:FALSE\n');
  openssl(dir, 'x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.crt`, '-days', '3650', '-extfile', `${name}.cnf`);
}

/**
 * The aggregation layer's front proxy, as kubeadm sets it up: a CA of its own (a client
 * certificate of the cluster's CA must not pass for the proxy), and the certificate the API server
 * presents to aggregated API servers (the resource metrics API of metrics-api.ts) when it forwards
 * a request it has authenticated and authorized, naming the user in X-Remote-User.
 */
export const FRONT_PROXY_CLIENT = 'front-proxy-client';
function ensureFrontProxy(dir: string): void {
  if (!existsSync(join(dir, 'front-proxy-ca.crt'))) {
    openssl(dir, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'front-proxy-ca.key', '-out', 'front-proxy-ca.crt', '-days', '3650', '-subj', '/CN=yunbang-local-front-proxy-ca');
  }
  if (!existsSync(join(dir, `${FRONT_PROXY_CLIENT}.crt`))) issueCertificate(dir, FRONT_PROXY_CLIENT, FRONT_PROXY_CLIENT, { ca: 'front-proxy-ca' });
}

const frontProxyFlags = (pki: string) => [
  `--requestheader-client-ca-file=${pki}/front-proxy-ca.crt`, `--requestheader-allowed-names=${FRONT_PROXY_CLIENT}`,
  '--requestheader-username-headers=X-Remote-User', '--requestheader-group-headers=X-Remote-Group', '--requestheader-extra-headers-prefix=X-Remote-Extra-',
  `--proxy-client-cert-file=${pki}/${FRONT_PROXY_CLIENT}.crt`, `--proxy-client-key-file=${pki}/${FRONT_PROXY_CLIENT}.key`,
];

/**
 * The identities a real node's components sign in with: static tokens, as the apiserver's token
 * file takes them (user, uid, groups); the Node authorizer and the default RBAC bindings know them.
 */
export const NODE_IDENTITIES = {
  kubelet: { user: 'system:node:localhost', groups: 'system:nodes' },
  'kube-proxy': { user: 'system:kube-proxy', groups: '' },
  'kube-scheduler': { user: 'system:kube-scheduler', groups: '' },
} as const;
export type NodeIdentity = keyof typeof NODE_IDENTITIES;

/** The API server's serving names: loopback, and for a real node its address and the `kubernetes` Service's. */
function apiserverSans(advertise?: string): string {
  return ['IP:127.0.0.1', 'DNS:localhost', ...(advertise ? [`IP:${advertise}`, 'IP:10.96.0.1', 'DNS:kubernetes', 'DNS:kubernetes.default', 'DNS:kubernetes.default.svc', 'DNS:kubernetes.default.svc.cluster.local'] : [])].join(',');
}

/**
 * CA, serving certificate, service-account keys and tokens; made once per directory and reused
 * (the serving certificate is issued again when the names it must carry change).
 */
function ensurePki(dir: string, advertise?: string): { token: string; tokens: Record<NodeIdentity, string> } {
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, 'ca.crt'))) {
    openssl(dir, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '3650', '-subj', '/CN=yunbang-local-ca');
    openssl(dir, 'genrsa', '-out', 'sa.key', '2048');
    openssl(dir, 'rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub');
  }
  const san = apiserverSans(advertise);
  const cnf = join(dir, 'apiserver.cnf');
  if (!existsSync(join(dir, 'apiserver.crt')) || !existsSync(cnf) || readFileSync(cnf, 'utf8').trim() !== `subjectAltName=${san}`) {
    issueCertificate(dir, 'apiserver', 'kube-apiserver', { san });
  }
  // How the API server proves itself to kubelets (they trust the local CA's clients).
  if (!existsSync(join(dir, 'apiserver-kubelet-client.crt'))) issueCertificate(dir, 'apiserver-kubelet-client', 'kube-apiserver-kubelet-client', { org: 'system:masters' });
  ensureFrontProxy(dir);
  const file = join(dir, 'tokens.csv');
  if (!existsSync(file)) writeFileSync(file, `${randomBytes(24).toString('hex')},admin,admin,system:masters\n`, { mode: 0o600 });
  let lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  const tokens = {} as Record<NodeIdentity, string>;
  for (const [id, who] of Object.entries(NODE_IDENTITIES) as [NodeIdentity, (typeof NODE_IDENTITIES)[NodeIdentity]][]) {
    const line = lines.find((l) => l.split(',')[1] === who.user);
    if (line) { tokens[id] = line.split(',')[0]!; continue; }
    tokens[id] = randomBytes(24).toString('hex');
    lines = [...lines, `${tokens[id]},${who.user},${who.user}${who.groups ? `,"${who.groups}"` : ''}`];
  }
  writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  return { token: lines[0]!.split(',')[0]!, tokens };
}

export function kubeconfigYaml(server: string, caFile: string, token: string): string {
  const ca = readFileSync(caFile).toString('base64');
  return `apiVersion: v1
kind: Config
clusters:
- name: yunbang-local
  cluster:
    server: ${server}
    certificate-authority-data: ${ca}
users:
- name: admin
  user:
    token: ${token}
contexts:
- name: yunbang-local
  context: { cluster: yunbang-local, user: admin }
current-context: yunbang-local
`;
}

export interface ControlPlaneOptions {
  dir: string; etcdEndpoint: string; port: number; logDir: string; pidDir?: string; suffix?: string;
  /**
   * For a real node: the node's address, which the `kubernetes` Service points pods at (its port
   * there is forwarded to the API server on loopback); kubelets are reached by their Hostname
   * address (`localhost`, forwarded into the node's namespace), and kube-scheduler runs.
   */
  realNode?: { advertise: string };
}

export async function startControlPlane(opts: ControlPlaneOptions): Promise<LocalControlPlane> {
  const sfx = opts.suffix ?? '';
  const pidFile = (name: string) => (opts.pidDir ? { pidFile: join(opts.pidDir, `${name}${sfx}.pid`) } : {});
  const apiserver = join(kubeBinDir, 'kube-apiserver');
  const cm = join(kubeBinDir, 'kube-controller-manager');
  if (!existsSync(apiserver) || !existsSync(cm)) {
    throw new Error(`Kubernetes binaries not found in ${kubeBinDir}: run scripts/prepare-binaries.sh`);
  }
  const pki = join(opts.dir, 'pki');
  const { token, tokens: nodeTokens } = ensurePki(pki, opts.realNode?.advertise);
  const server = `https://127.0.0.1:${opts.port}`;
  const kubeconfig = join(opts.dir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigYaml(server, join(pki, 'ca.crt'), token), { mode: 0o600 });

  const apiLog = join(opts.logDir, `kube-apiserver${sfx}.log`);
  const api = startProcess(apiserver, [
    `--etcd-servers=${opts.etcdEndpoint}`, '--bind-address=127.0.0.1', `--secure-port=${opts.port}`,
    `--advertise-address=${opts.realNode?.advertise ?? '127.0.0.1'}`, `--tls-cert-file=${pki}/apiserver.crt`, `--tls-private-key-file=${pki}/apiserver.key`,
    `--client-ca-file=${pki}/ca.crt`, `--service-account-key-file=${pki}/sa.pub`,
    `--service-account-signing-key-file=${pki}/sa.key`, '--service-account-issuer=https://kubernetes.default.svc',
    `--token-auth-file=${pki}/tokens.csv`, '--authorization-mode=Node,RBAC', '--service-cluster-ip-range=10.96.0.0/16',
    '--allow-privileged=true', '--insecure-port=0', '--v=0', ...frontProxyFlags(pki),
    ...(opts.realNode ? ['--kubelet-preferred-address-types=Hostname', `--kubelet-client-certificate=${pki}/apiserver-kubelet-client.crt`, `--kubelet-client-key=${pki}/apiserver-kubelet-client.key`] : []),
  ], apiLog, pidFile('kube-apiserver'));
  const ca = readFileSync(join(pki, 'ca.crt'));
  const ready = () => new Promise<boolean>((resolve, reject) => {
    const req = request(`${server}/readyz`, { ca, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', reject);
    req.end();
  });
  try {
    await waitFor('kube-apiserver', ready, 60_000, api, apiLog);
  } catch (err) {
    await stopProcess(api);
    throw err;
  }
  const cmLog = join(opts.logDir, `kube-controller-manager${sfx}.log`);
  const controllers = startProcess(cm, [
    `--kubeconfig=${kubeconfig}`, '--leader-elect=false', `--service-account-private-key-file=${pki}/sa.key`,
    `--root-ca-file=${pki}/ca.crt`, '--use-service-account-credentials=false',
    // A real node's kubelet registers tainted not-ready until node-lifecycle sees it Ready; the
    // simulated node has no kubelet heartbeats that controller would wait for.
    `--controllers=*,-nodeipam${opts.realNode ? '' : ',-nodelifecycle'}`, '--bind-address=127.0.0.1', '--secure-port=0', '--port=0',
  ], cmLog, pidFile('kube-controller-manager'));
  let scheduler: ReturnType<typeof startProcess> | undefined;
  if (opts.realNode) {
    const schedulerConfig = join(opts.dir, 'scheduler.kubeconfig');
    writeFileSync(schedulerConfig, kubeconfigYaml(server, join(pki, 'ca.crt'), nodeTokens['kube-scheduler']), { mode: 0o600 });
    scheduler = startProcess(join(kubeBinDir, 'kube-scheduler'), [
      `--kubeconfig=${schedulerConfig}`, '--leader-elect=false', '--port=0', '--secure-port=0', '--v=0',
    ], join(opts.logDir, `kube-scheduler${sfx}.log`), pidFile('kube-scheduler'));
  }
  const stop = async () => { await stopProcess(scheduler); await stopProcess(controllers); await stopProcess(api); };
  let identities: Identities;
  try {
    const admin = new k8s.KubeConfig();
    admin.loadFromFile(kubeconfig);
    identities = await installIdentities(admin, opts.dir, server, join(pki, 'ca.crt'));
  } catch (err) {
    await stop();
    throw err;
  }
  return { server, kubeconfig, identities, token, nodeTokens, pki, apiserverPid: api.pid!, stop };
}
