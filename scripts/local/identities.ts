import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';

/**
 * Makes the local cluster run Yunbang as production does: applies k8s/install/base's namespace and
 * RBAC, and writes a kubeconfig per identity (the worker's and the API's service-account tokens).
 * Only the local stack's own setup and the tests' assertions use the admin kubeconfig.
 */
const INSTALL = new URL('../../k8s/install/base/', import.meta.url);
export const IDENTITY_MANIFESTS = ['namespace.yaml', 'rbac.yaml'];

export interface Identities { worker: string; api: string }

export async function installIdentities(admin: k8s.KubeConfig, dir: string, server: string, caFile: string): Promise<Identities> {
  const client = k8s.KubernetesObjectApi.makeApiClient(admin);
  for (const file of IDENTITY_MANIFESTS) {
    for (const doc of parseAllDocuments(readFileSync(new URL(file, INSTALL), 'utf8'))) {
      const obj = doc.toJS() as k8s.KubernetesObject;
      await client.patch(obj, undefined, undefined, 'yunbang-install', true, k8s.PatchStrategy.ServerSideApply);
    }
  }
  const core = admin.makeApiClient(k8s.CoreV1Api);
  const tokenOf = async (account: string): Promise<string> => {
    // Kubernetes 1.20's token controller makes a Secret holding each service account's token.
    for (let i = 0; i < 200; i++) {
      const secrets = (await core.listNamespacedSecret({ namespace: 'yunbang-system' })).items;
      const s = secrets.find((x) => x.type === 'kubernetes.io/service-account-token' && x.metadata?.annotations?.['kubernetes.io/service-account.name'] === account);
      if (s?.data?.token) return Buffer.from(s.data.token, 'base64').toString('utf8');
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no token for service account ${account} after 20 s`);
  };
  const ca = readFileSync(caFile).toString('base64');
  const out: Partial<Identities> = {};
  for (const who of ['worker', 'api'] as const) {
    const token = await tokenOf(`yunbang-${who}`);
    const file = join(dir, `${who}.kubeconfig`);
    writeFileSync(file, `apiVersion: v1
kind: Config
clusters:
- name: yunbang-local
  cluster: { server: ${server}, certificate-authority-data: ${ca} }
users:
- name: yunbang-${who}
  user: { token: ${token} }
contexts:
- name: yunbang-${who}
  context: { cluster: yunbang-local, user: yunbang-${who} }
current-context: yunbang-${who}
`, { mode: 0o600 });
    out[who] = file;
  }
  return out as Identities;
}
