import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { describe, expect, inject, it } from 'vitest';
import { kubeBinDir } from '../scripts/local/control-plane.js';

const install = new URL('../k8s/install/', import.meta.url).pathname;

/**
 * The install as an operator applies it: each overlay rendered by `kubectl kustomize` (kubectl
 * v1.20.2, built with the control plane: kustomize v2, whose words v5 still reads), then accepted
 * by a real API server in a server-side dry run.
 */
function render(overlay: string): k8s.KubernetesObject[] {
  const out = execFileSync(join(kubeBinDir, 'kubectl'), ['kustomize', join(install, 'overlays', overlay)], { encoding: 'utf8' });
  return parseAllDocuments(out).map((d) => d.toJS() as k8s.KubernetesObject).filter(Boolean);
}

const find = (docs: k8s.KubernetesObject[], kind: string, name: string) => docs.find((d) => d.kind === kind && d.metadata?.name === name) as Record<string, any> | undefined;

/**
 * The local API server is Kubernetes 1.20 (Debian's), which serves PodDisruptionBudgets as
 * policy/v1beta1 only; the install names policy/v1, served from 1.21 and the only one from 1.25.
 * The fields used are the same in both.
 */
const forThisServer = (d: k8s.KubernetesObject) => (d.kind === 'PodDisruptionBudget' ? { ...d, apiVersion: 'policy/v1beta1' } : d);

async function dryRun(docs: k8s.KubernetesObject[]): Promise<void> {
  // Every namespaced object names yunbang-system (a generator an overlay merges keeps it too):
  // one without would land in whatever namespace the operator's kubeconfig has as its default.
  const clusterWide = ['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'APIService'];
  expect(docs.filter((d) => !clusterWide.includes(d.kind!) && d.metadata?.namespace !== 'yunbang-system').map((d) => `${d.kind}/${d.metadata?.name}`)).toEqual([]);
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(inject('stack').KUBECONFIG);
  const client = k8s.KubernetesObjectApi.makeApiClient(kc);
  const [ns, ...rest] = docs;
  expect(ns!.kind).toBe('Namespace');
  // A dry run persists nothing, so the namespace must exist for real before its contents can be
  // dry-run. The local stack made it already (its service accounts are the platform's identities,
  // so it must outlive this test); one made here is deleted after.
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const existed = await core.readNamespace({ name: ns!.metadata!.name! }).then(() => true, () => false);
  if (!existed) await client.patch(ns!, undefined, undefined, 'yunbang-install-test', false, k8s.PatchStrategy.ServerSideApply);
  try {
    for (const doc of rest.map(forThisServer)) {
      // Kubernetes 1.20's aggregator cannot take a server-side apply of an APIService (it panics):
      // a create, dry run too, is what kubectl's client-side apply sends it.
      const applied = await (doc.kind === 'APIService' ? client.create(doc, undefined, 'All') : client.patch(doc, undefined, 'All', 'yunbang-install-test', true, k8s.PatchStrategy.ServerSideApply))
        .catch((e: { code?: number; body?: unknown }) => { throw new Error(`${doc.kind}/${doc.metadata?.name}: ${e.code} ${JSON.stringify(e.body)}`); });
      expect(applied.metadata?.name).toBe(doc.metadata?.name);
    }
    const live = await kc.makeApiClient(k8s.AppsV1Api).listNamespacedDeployment({ namespace: 'yunbang-system' });
    expect(live.items).toEqual([]); // dry run: nothing was created
  } finally {
    if (!existed) await client.delete(ns!);
  }
}

describe('k8s/install: kubectl apply -k', () => {
  it('the production overlay renders the platform, highly available, with its settings named once each', async () => {
    const docs = render('production');
    expect(docs.map((d) => `${d.kind}/${d.metadata?.name?.replace(/-[a-z0-9]{10}$/, '-<hash>')}`).sort()).toEqual([
      'ClusterRole/yunbang-api-auth-reader', 'ClusterRole/yunbang-tenant-api', 'ClusterRole/yunbang-tenant-worker', 'ClusterRole/yunbang-worker',
      'ClusterRoleBinding/yunbang-api-auth-reader', 'ClusterRoleBinding/yunbang-worker',
      'ConfigMap/yunbang-config-<hash>', 'Deployment/yunbang-api', 'Deployment/yunbang-gateway', 'Deployment/yunbang-worker', 'Namespace/yunbang-system',
      'PodDisruptionBudget/yunbang-api', 'PodDisruptionBudget/yunbang-gateway', 'Secret/yunbang-secrets-<hash>',
      'Service/yunbang-api', 'Service/yunbang-gateway', 'ServiceAccount/yunbang-api', 'ServiceAccount/yunbang-worker',
    ]);
    const replicas = Object.fromEntries(['api', 'worker', 'gateway'].map((c) => [c, find(docs, 'Deployment', `yunbang-${c}`)!.spec.replicas]));
    expect(replicas).toEqual({ api: 2, worker: 2, gateway: 3 });
    expect(find(docs, 'Deployment', 'yunbang-gateway')!.spec.template.spec.affinity.podAntiAffinity).toBeDefined();
    // The gateway holds one secret, the key sealing what its replicas share, and nothing else of the Secret's.
    const gatewayContainer = find(docs, 'Deployment', 'yunbang-gateway')!.spec.template.spec.containers[0];
    expect(gatewayContainer.envFrom).toBeUndefined();
    expect(gatewayContainer.env.filter((e: { valueFrom?: { secretKeyRef?: unknown } }) => e.valueFrom?.secretKeyRef).map((e: { valueFrom: { secretKeyRef: { key: string } } }) => e.valueFrom.secretKeyRef.key)).toEqual(['YUNBANG_GATEWAY_KEY']);
    expect(find(docs, 'Deployment', 'yunbang-api')!.spec.strategy.rollingUpdate).toEqual({ maxUnavailable: 0, maxSurge: 1 });
    // The generated names reach the pods that read them.
    const config = docs.find((d) => d.kind === 'ConfigMap')!;
    const data = (config as { data: Record<string, string> }).data;
    expect(Object.keys(data)).toEqual(expect.arrayContaining(['ETCD_ENDPOINTS', 'YUNBANG_REGISTRY', 'YUNBANG_PUBLIC_URL', 'YUNBANG_APPS_DOMAIN']));
    const api = find(docs, 'Deployment', 'yunbang-api')!.spec.template.spec.containers[0];
    expect(api.envFrom.map((e: Record<string, { name: string }>) => (e.configMapRef ?? e.secretRef)!.name)).toEqual([config.metadata!.name, docs.find((d) => d.kind === 'Secret')!.metadata!.name]);
    await dryRun(docs);
  });

  it('the evaluation overlay bundles PostgreSQL, etcd and a registry with volumes, marked as not for production', async () => {
    const docs = render('evaluation');
    for (const name of ['postgres', 'etcd', 'registry']) {
      const set = find(docs, 'StatefulSet', name);
      expect(set, name).toBeDefined();
      expect(set!.spec.volumeClaimTemplates[0].spec.resources.requests.storage).toMatch(/^\d+Gi$/);
      expect(find(docs, 'Service', name)).toBeDefined();
    }
    for (const d of docs) expect(d.metadata?.annotations?.['yunbang.dev/install'], `${d.kind}/${d.metadata?.name}`).toBe('evaluation: not for production');
    // The API reaches the bundled database with the Secret's password, which the Deployment does not hold.
    const api = find(docs, 'Deployment', 'yunbang-api')!.spec.template.spec.containers[0];
    expect(api.env).toContainEqual({ name: 'DATABASE_URL', value: 'postgres://yunbang:$(POSTGRES_PASSWORD)@postgres.yunbang-system.svc:5432/yunbang' });
    const secret = docs.find((d) => d.kind === 'Secret') as { metadata: { name: string }; data: Record<string, string> };
    expect(Object.keys(secret.data).sort()).toEqual(['POSTGRES_PASSWORD', 'YUNBANG_ADMIN_TOKEN', 'YUNBANG_GATEWAY_KEY', 'YUNBANG_MONITORING_TOKEN', 'YUNBANG_SECRET_KEY']);
    const password = find(docs, 'StatefulSet', 'postgres')!.spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === 'POSTGRES_PASSWORD');
    expect(password.valueFrom.secretKeyRef).toEqual({ name: secret.metadata.name, key: 'POSTGRES_PASSWORD' });
    await dryRun(docs);
  });

  it('the evaluation overlay bundles Prometheus and Alertmanager: their configuration, rules and token reach them under the generated names', async () => {
    const docs = render('evaluation');
    const config = docs.find((d) => d.kind === 'ConfigMap' && d.metadata!.name!.startsWith('yunbang-config-')) as { data: Record<string, string> };
    expect(config.data.YUNBANG_PROMETHEUS_URL).toBe('http://prometheus.yunbang-system.svc:9090');
    const secret = docs.find((d) => d.kind === 'Secret')!.metadata!.name;
    const volumes = (kind: string, name: string) => Object.fromEntries((find(docs, kind, name)!.spec.template.spec.volumes as { name: string; configMap?: { name: string }; secret?: { secretName: string; items: unknown[] } }[])
      .filter((v) => v.configMap || v.secret).map((v) => [v.name, v.configMap?.name ?? v.secret]));
    const generated = (prefix: string) => docs.find((d) => d.kind === 'ConfigMap' && d.metadata!.name!.startsWith(`${prefix}-`)) as { metadata: { name: string }; data: Record<string, string> };
    const token = { secretName: secret, items: [{ key: 'YUNBANG_MONITORING_TOKEN', path: 'token' }] };
    expect(volumes('StatefulSet', 'prometheus')).toEqual({ config: generated('prometheus-config').metadata.name, token });
    expect(volumes('Deployment', 'alertmanager')).toEqual({ config: generated('alertmanager-config').metadata.name, token });
    // The files are this repository's: the generated rules and Alertmanager routing, the scrape jobs.
    const file = (path: string) => readFileSync(join(install, path), 'utf8');
    expect(generated('prometheus-config').data).toEqual({ 'prometheus.yml': file('observe/prometheus.yml'), 'yunbang-rules.yml': file('observe/yunbang-rules.yml') });
    expect(generated('alertmanager-config').data['alertmanager.yml']).toContain('url: "http://yunbang-api/hooks/alertmanager"');
    // Debian's promtool and amtool (of the Prometheus and Alertmanager the local node runs) accept the files.
    const dir = mkdtempSync(join(tmpdir(), 'yunbang-promtool-'));
    try {
      writeFileSync(join(dir, 'prometheus.yml'), file('observe/prometheus.yml'));
      writeFileSync(join(dir, 'yunbang-rules.yml'), file('observe/yunbang-rules.yml'));
      expect(execFileSync('promtool', ['check', 'config', '--syntax-only', join(dir, 'prometheus.yml')], { encoding: 'utf8' })).toMatch(/SUCCESS/);
      expect(execFileSync('promtool', ['check', 'rules', join(dir, 'yunbang-rules.yml')], { encoding: 'utf8' })).toMatch(/SUCCESS: 4 rules found/);
      writeFileSync(join(dir, 'alertmanager.yml'), generated('alertmanager-config').data['alertmanager.yml']!);
      expect(execFileSync('amtool', ['check-config', join(dir, 'alertmanager.yml')], { encoding: 'utf8' })).toMatch(/SUCCESS/);
    } finally { rmSync(dir, { recursive: true, force: true }); }
    // Prometheus' one cluster-wide right: the kubelets' metrics through the node proxy.
    expect(find(docs, 'ClusterRole', 'yunbang-prometheus')!.rules).toEqual([{ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }]);
  });
});
