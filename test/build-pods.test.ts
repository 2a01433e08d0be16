import * as k8s from '@kubernetes/client-node';
import { describe, expect, inject, it } from 'vitest';
import { generateDockerfile } from '../src/build/dockerfile.js';
import { buildPod, credentialsSecret, defaultBuildPodSettings, detectPod, type BuildSubject } from '../k8s/render/build-pods.js';
import { renderTeam } from '../k8s/render/index.js';
import { defaultRenderSettings } from '../k8s/types.js';
import { toTyped } from '../k8s/wire.js';

const subject: BuildSubject = {
  buildId: '00000000-0000-0000-0000-000000000001', number: 7, team: 'acme', app: 'shop', namespace: 'yb-acme', generation: 3,
  git: { url: 'https://git.example.com/acme/shop.git', ref: 'main', subdir: 'services/shop' }, buildMode: 'AUTO', dockerfilePath: 'Dockerfile', credentials: { secretName: 'shop-git-credentials', kind: 'basic' },
};
const settings = { ...defaultBuildPodSettings, registry: 'registry.example.com/yb', registrySecret: 'registry-push' };

describe('build pod specs', () => {
  it('the build pod runs Kaniko with the cache, the digest file, limits, a deadline and no service-account token', () => {
    const df = generateDockerfile({ language: 'static', version: null, versionSource: null, packageManager: null, framework: null, buildCommand: null, startCommand: null, staticDir: '.', port: 8080, evidence: ['index.html'], dockerfile: null });
    const pod = buildPod({ ...subject, commit: 'abc123' }, settings, df) as any;
    expect(pod.spec).toMatchObject({ restartPolicy: 'Never', automountServiceAccountToken: false, activeDeadlineSeconds: 1800 });
    expect(pod.spec.containers[0].args).toEqual([
      '--context=dir:///workspace/src/services/shop', '--dockerfile=/workspace/Dockerfile.yunbang',
      '--destination=registry.example.com/yb/acme/shop:7', '--cache=true', '--cache-repo=registry.example.com/yb/acme/shop/cache',
      '--cache-ttl=168h', '--snapshot-mode=redo', '--compressed-caching=false', '--push-retry=3', '--digest-file=/dev/termination-log',
      '--label=org.opencontainers.image.revision=abc123',
    ]);
    expect(pod.spec.containers[0].volumeMounts).toContainEqual({ name: 'registry', mountPath: '/kaniko/.docker', readOnly: true });
    expect(pod.spec.volumes).toContainEqual({ name: 'registry', secret: { secretName: 'registry-push', items: [{ key: '.dockerconfigjson', path: 'config.json' }] } });
    expect(pod.spec.initContainers[0].env).toContainEqual({ name: 'DOCKERFILE', value: df });
    expect(pod.spec.containers[0].resources.limits).toEqual({ cpu: '1', memory: '2Gi', 'ephemeral-storage': '10Gi' });
    expect(pod.spec.containers[0].resources.requests).toEqual({ cpu: '1', memory: '2Gi', 'ephemeral-storage': '10Gi' });
    expect(pod.metadata.labels).toMatchObject({ 'yunbang.dev/build': subject.buildId, 'yunbang.dev/role': 'build', 'yunbang.dev/app': 'shop' });
  });

  it('a small machine requests less CPU for a build than it may use (the local 2-core node)', () => {
    const pod = buildPod({ ...subject, commit: 'abc123' }, { ...settings, cpu: '2', cpuRequest: '100m' }, 'FROM x') as any;
    expect(pod.spec.containers[0].resources.requests.cpu).toBe('100m');
    expect(pod.spec.containers[0].resources.limits.cpu).toBe('2');
  });

  it('the clone speaks https and ssh only (http only for an http URL, which the guard let through) and follows no redirect', () => {
    const config = (url: string) => {
      const env = Object.fromEntries(((detectPod({ ...subject, git: { ...subject.git, url } }, settings) as any).spec.initContainers[0].env as { name: string; value: string }[]).map((e) => [e.name, e.value]));
      return Object.fromEntries(Array.from({ length: Number(env.GIT_CONFIG_COUNT) }, (_, i) => [env[`GIT_CONFIG_KEY_${i}`], env[`GIT_CONFIG_VALUE_${i}`]]));
    };
    expect(config('https://git.example.com/a.git')).toEqual({
      'protocol.allow': 'never', 'protocol.https.allow': 'always', 'protocol.ssh.allow': 'always', 'http.followRedirects': 'false',
    });
    expect(config('http://git.internal/a.git')['protocol.http.allow']).toBe('always');
  });

  it('a Dockerfile build uses the repository\'s Dockerfile in the subdirectory', () => {
    const pod = buildPod({ ...subject, commit: 'abc' }, settings, null) as any;
    expect(pod.spec.containers[0].args[1]).toBe('--dockerfile=/workspace/src/services/shop/Dockerfile');
    expect(pod.spec.initContainers[0].env.map((e: { name: string }) => e.name)).not.toContain('DOCKERFILE');
  });

  it('git credentials reach the clone only by reference to their Secret', () => {
    const pod = detectPod(subject, settings) as any;
    const env = pod.spec.initContainers[0].env;
    expect(env).toContainEqual({ name: 'GIT_PASSWORD', valueFrom: { secretKeyRef: { name: 'shop-git-credentials', key: 'password' } } });
    expect(env).toContainEqual({ name: 'GIT_USERNAME', valueFrom: { secretKeyRef: { name: 'shop-git-credentials', key: 'username' } } });
    expect(pod.spec.containers[0].env ?? []).not.toContainEqual(expect.objectContaining({ name: 'GIT_PASSWORD' }));
    expect(JSON.stringify(pod)).not.toContain('GIT_URL=https://'); // the URL never carries a token

    const ssh = detectPod({ ...subject, credentials: { secretName: 'shop-git-credentials', kind: 'ssh' } }, settings) as any;
    expect(ssh.spec.volumes).toContainEqual({ name: 'git-ssh', secret: { secretName: 'shop-git-credentials', defaultMode: 0o440 } });
    expect(ssh.spec.initContainers[0].volumeMounts).toContainEqual({ name: 'git-ssh', mountPath: '/etc/git-ssh', readOnly: true });
    expect(ssh.spec.initContainers[0].env.map((e: { name: string }) => e.name)).not.toContain('GIT_PASSWORD');

    const none = detectPod({ ...subject, credentials: null }, settings) as any;
    expect(none.spec.initContainers[0].env.map((e: { name: string }) => e.name)).not.toContain('GIT_PASSWORD');
    expect(none.spec.volumes.map((v: { name: string }) => v.name)).toEqual(['workspace']);
  });

  it('every pod spec Yunbang creates is accepted by the real API server', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(inject('stack').KUBECONFIG);
    const client = k8s.KubernetesObjectApi.makeApiClient(kc);
    const ns = `yb-pods-${Date.now()}`;
    const [namespace, ...teamObjects] = renderTeam({ name: `pods-${Date.now()}`, namespace: ns, generation: 1 }, defaultRenderSettings);
    await client.patch(toTyped(namespace!), undefined, undefined, 'yunbang-test', true, k8s.PatchStrategy.ServerSideApply);
    try {
      for (const o of teamObjects) await client.patch(toTyped(o), undefined, undefined, 'yunbang-test', true, k8s.PatchStrategy.ServerSideApply);
      const s = { ...subject, namespace: ns };
      const ssh = { ...s, credentials: { secretName: 'shop-git-credentials', kind: 'ssh' as const } };
      for (const pod of [
        detectPod(s, settings), buildPod({ ...s, commit: 'abc' }, settings, 'FROM scratch\n'), buildPod({ ...s, commit: 'abc' }, { ...settings, registrySecret: null }, null),
        detectPod(ssh, settings), credentialsSecret(s, { token: 't0ken' }), credentialsSecret(s, { sshPrivateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----\n' }),
      ]) {
        const out = await client.patch(toTyped(pod), undefined, 'All', 'yunbang-test', true, k8s.PatchStrategy.ServerSideApply);
        expect(out.metadata?.name).toBe(pod.metadata.name);
      }
    } finally {
      await client.delete(toTyped(namespace!));
    }
  });
});
