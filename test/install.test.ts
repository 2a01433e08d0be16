import { readdirSync, readFileSync } from 'node:fs';
import * as k8s from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import { describe, expect, inject, it } from 'vitest';

const dir = new URL('../k8s/install/', import.meta.url);

// The manifests a cluster operator applies are accepted by a real API server.
describe('k8s/install manifests', () => {
  it('server-side dry-run accepts every manifest', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(inject('stack').KUBECONFIG);
    const client = k8s.KubernetesObjectApi.makeApiClient(kc);
    const docs = readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()
      .flatMap((f) => parseAllDocuments(readFileSync(new URL(f, dir), 'utf8')).map((d) => d.toJS() as k8s.KubernetesObject));
    expect(docs.map((d) => d.kind)).toEqual(['Namespace', 'ServiceAccount', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'ClusterRole', 'ClusterRole', 'ConfigMap', 'Secret', 'Deployment', 'Service', 'Deployment', 'Deployment', 'Service']);
    const [ns, ...rest] = docs;
    // A dry run persists nothing, so the namespace must exist for real before its contents can be dry-run.
    await client.patch(ns!, undefined, undefined, 'yunbang-install-test', true, k8s.PatchStrategy.ServerSideApply);
    try {
      for (const doc of rest) {
        const applied = await client.patch(doc, undefined, 'All', 'yunbang-install-test', true, k8s.PatchStrategy.ServerSideApply);
        expect(applied.metadata?.name).toBe(doc.metadata?.name);
      }
      const apps = kc.makeApiClient(k8s.AppsV1Api);
      const live = await apps.listNamespacedDeployment({ namespace: 'yunbang-system' });
      expect(live.items).toEqual([]); // dry run: nothing was created
    } finally {
      await client.delete(ns!);
    }
  });
});
