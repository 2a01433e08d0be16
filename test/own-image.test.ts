import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildOwnImage, type OwnImage } from '../scripts/local/node/own-image.js';
import { eventually } from './helpers/full.js';
import { realNodeOfStack } from './helpers/real-node.js';

/**
 * Yunbang's own image, built from k8s/install/Dockerfile on this machine
 * (buildah; cached by its sources' hash: built once per change of them) and run there.
 */
describe("Yunbang's own image", { timeout: 1_900_000 }, () => {
  const node = realNodeOfStack();
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(inject('stack').KUBECONFIG);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const namespace = `own-image-${Date.now().toString(36)}`;
  let image: OwnImage;

  beforeAll(async () => {
    image = await buildOwnImage({ registry: node.registry, registryInNode: node.registryInNode, say: (m) => process.stdout.write(`${m}\n`) });
    await core.createNamespace({ body: { metadata: { name: namespace } } });
  }, 1_900_000);
  afterAll(async () => { await core.deleteNamespace({ name: namespace }).catch(() => {}); });

  it('carries the OCI labels of its version and commit, and runs as a user other than root', async () => {
    const manifest = await (await fetch(`http://${node.registry}/v2/yunbang/yunbang/manifests/${image.tag}`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' } })).json() as { config: { digest: string }; layers: { size: number }[] };
    const config = await (await fetch(`http://${node.registry}/v2/yunbang/yunbang/blobs/${manifest.config.digest}`)).json() as { config: { Labels: Record<string, string>; User: string; Entrypoint: string[] } };
    expect(config.config.Labels['org.opencontainers.image.version']).toMatch(/^\d+\.\d+\.\d+/);
    expect(config.config.Labels['org.opencontainers.image.revision']).toMatch(/^[0-9a-f]{40}$/);
    expect(config.config.User).toBe('1000:1000');
    expect(config.config.Entrypoint).toEqual(['node', 'server/main.js']);
    const bytes = manifest.layers.reduce((a, l) => a + l.size, 0);
    process.stdout.write(`Yunbang's image ${image.tag}: ${(bytes / 2 ** 20).toFixed(0)} MiB compressed${image.built ? `, built in ${image.seconds.toFixed(0)} s` : ' (cached)'}\n`);
  });

  it('started in a cluster without YUNBANG_PUBLIC_URL, the API exits non-zero, naming the variable', async () => {
    await core.createNamespacedPod({
      namespace,
      body: {
        metadata: { name: 'half-configured' },
        spec: {
          restartPolicy: 'Never', automountServiceAccountToken: false,
          containers: [{
            name: 'api', image: image.reference, args: ['api'],
            // Everything but the in-cluster settings; the kubelet sets KUBERNETES_SERVICE_HOST itself.
            env: [
              { name: 'DATABASE_URL', value: 'postgres://yunbang:pw@postgres.invalid:5432/yunbang' }, { name: 'ETCD_ENDPOINTS', value: 'http://etcd.invalid:2379' },
              { name: 'YUNBANG_ADMIN_TOKEN', value: 'a'.repeat(32) }, { name: 'YUNBANG_SECRET_KEY', value: 'k'.repeat(40) },
              { name: 'YUNBANG_REGISTRY', value: 'registry.corp.test/yunbang' }, { name: 'YUNBANG_APPS_DOMAIN', value: 'apps.corp.test' },
            ],
            resources: { requests: { cpu: '50m', memory: '128Mi' } },
          }],
        },
      },
    });
    const ended = await eventually('the API container ended', async () => (await core.readNamespacedPod({ name: 'half-configured', namespace })).status?.containerStatuses?.[0]?.state?.terminated, 120_000);
    const log = await core.readNamespacedPodLog({ name: 'half-configured', namespace });
    expect({ exitCode: ended.exitCode, log }).toEqual({ exitCode: 1, log: expect.stringContaining('YUNBANG_PUBLIC_URL: required in a cluster (KUBERNETES_SERVICE_HOST is set)') });
    expect(log).not.toContain('YUNBANG_REGISTRY');
  });
});
