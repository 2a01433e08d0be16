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
 * A real Kubernetes control plane: kube-apiserver and kube-controller-manager v1.20.2, built
 * once from Debian's source package by scripts/prepare-binaries.sh. There is no kubelet and no
 * scheduler: the simulated node (sim-node.ts) binds pods and reports their status.
 */
export const kubeBinDir = join(process.env.YUNBANG_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'yunbang'), 'kube-1.20.2', 'bin');

export interface LocalControlPlane {
  server: string;
  /** The admin's: for the local stack's own setup and the tests' assertions only. */
  kubeconfig: string;
  /** Yunbang's own identities (k8s/install/10-rbac.yaml): what the worker and the API run as. */
  identities: Identities;
  token: string;
  apiserverPid: number;
  stop(): Promise<void>;
}

function openssl(dir: string, ...args: string[]) {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** CA, serving certificate and service-account keys; made once per directory and reused. */
function ensurePki(dir: string): { token: string } {
  mkdirSync(dir, { recursive: true });
  if (!existsSync(join(dir, 'apiserver.crt'))) {
    openssl(dir, 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '3650', '-subj', '/CN=yunbang-local-ca');
    openssl(dir, 'req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'apiserver.key', '-out', 'apiserver.csr', '-subj', '/CN=kube-apiserver');
    writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    openssl(dir, 'x509', '-req', '-in', 'apiserver.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'apiserver.crt', '-days', '3650', '-extfile', 'ext.cnf');
    openssl(dir, 'genrsa', '-out', 'sa.key', '2048');
    openssl(dir, 'rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub');
  }
  const tokens = join(dir, 'tokens.csv');
  if (!existsSync(tokens)) writeFileSync(tokens, `${randomBytes(24).toString('hex')},admin,admin,system:masters\n`, { mode: 0o600 });
  return { token: readFileSync(tokens, 'utf8').split(',')[0]! };
}

function kubeconfigYaml(server: string, caFile: string, token: string): string {
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

export async function startControlPlane(opts: { dir: string; etcdEndpoint: string; port: number; logDir: string; pidDir?: string; suffix?: string }): Promise<LocalControlPlane> {
  const sfx = opts.suffix ?? '';
  const pidFile = (name: string) => (opts.pidDir ? { pidFile: join(opts.pidDir, `${name}${sfx}.pid`) } : {});
  const apiserver = join(kubeBinDir, 'kube-apiserver');
  const cm = join(kubeBinDir, 'kube-controller-manager');
  if (!existsSync(apiserver) || !existsSync(cm)) {
    throw new Error(`Kubernetes binaries not found in ${kubeBinDir}: run scripts/prepare-binaries.sh`);
  }
  const pki = join(opts.dir, 'pki');
  const { token } = ensurePki(pki);
  const server = `https://127.0.0.1:${opts.port}`;
  const kubeconfig = join(opts.dir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigYaml(server, join(pki, 'ca.crt'), token), { mode: 0o600 });

  const apiLog = join(opts.logDir, `kube-apiserver${sfx}.log`);
  const api = startProcess(apiserver, [
    `--etcd-servers=${opts.etcdEndpoint}`, '--bind-address=127.0.0.1', `--secure-port=${opts.port}`,
    '--advertise-address=127.0.0.1', `--tls-cert-file=${pki}/apiserver.crt`, `--tls-private-key-file=${pki}/apiserver.key`,
    `--client-ca-file=${pki}/ca.crt`, `--service-account-key-file=${pki}/sa.pub`,
    `--service-account-signing-key-file=${pki}/sa.key`, '--service-account-issuer=https://kubernetes.default.svc',
    `--token-auth-file=${pki}/tokens.csv`, '--authorization-mode=Node,RBAC', '--service-cluster-ip-range=10.96.0.0/16',
    '--allow-privileged=true', '--insecure-port=0', '--v=0',
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
    '--controllers=*,-nodeipam,-nodelifecycle', '--bind-address=127.0.0.1', '--secure-port=0', '--port=0',
  ], cmLog, pidFile('kube-controller-manager'));
  const stop = async () => { await stopProcess(controllers); await stopProcess(api); };
  let identities: Identities;
  try {
    const admin = new k8s.KubeConfig();
    admin.loadFromFile(kubeconfig);
    identities = await installIdentities(admin, opts.dir, server, join(pki, 'ca.crt'));
  } catch (err) {
    await stop();
    throw err;
  }
  return { server, kubeconfig, identities, token, apiserverPid: api.pid!, stop };
}
