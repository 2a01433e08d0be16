import * as k8s from '@kubernetes/client-node';
import { describe, expect, inject, it } from 'vitest';
import { renderApp, renderTeam } from '../k8s/render/index.js';
import { defaultRenderSettings, type AppIntent } from '../k8s/types.js';
import { toTyped } from '../k8s/wire.js';

const team = { name: 'acme', namespace: 'yb-acme', generation: 1 };
const app: AppIntent = {
  team, name: 'web', generation: 7, release: 3, image: 'nginx:1.27', port: 8080, replicas: 2, running: true,
  env: [{ name: 'MODE', value: 'prod' }], domains: ['b.example.com', 'a.example.com'],
  resources: { requests: { cpu: '100m' }, limits: { memory: '256Mi' } }, healthCheckPath: null, tls: false, runAsNonRoot: false, restartedAt: null,
  args: null, defaultLabel: 'web-acme', volumes: [], secrets: [], dependencies: [], dependents: [], isolated: false,
};

// A backing service with a volume and a generated secret, and an app that depends on it and on
// another team's shared app.
const db: AppIntent = {
  ...app, name: 'db', defaultLabel: null, image: 'mysql:8.4', port: 3306, replicas: 1, env: [{ name: 'MYSQL_DATABASE', value: 'shop' }], domains: [],
  volumes: [{ name: 'data', mountPath: '/var/lib/mysql', size: '1Gi', accessMode: 'ReadWriteOnce', storageClass: null }],
  secrets: [{ name: 'MYSQL_PASSWORD', length: 24 }], isolated: true, args: ['--max-connections=50'],
  dependents: [{ team: 'acme', app: 'web', namespace: 'yb-acme' }],
};
const consumer: AppIntent = {
  ...app, domains: [], env: [{ name: 'DSN', value: 'mysql://$(MYSQL_USER)@$(MYSQL_HOST)' }, { name: 'MYSQL_USER', value: 'mine' }],
  dependencies: [
    { team: 'acme', app: 'db', namespace: 'yb-acme', port: 3306, exports: [{ name: 'MYSQL_HOST', value: '${host}' }, { name: 'MYSQL_PORT', value: '${port}' }, { name: 'MYSQL_USER', value: 'shop' }, { name: 'MYSQL_PASSWORD', secret: 'MYSQL_PASSWORD' }] },
    { team: 'ops', app: 'cache', namespace: 'yb-ops', port: 6379, exports: [{ name: 'REDIS_PASSWORD', secret: 'REDIS_PASSWORD' }, { name: 'MYSQL_HOST', value: 'elsewhere' }] },
    { team: 'acme', app: 'search', namespace: 'yb-acme', port: 9200, exports: [] },
  ],
};

describe('render (pure)', () => {
  it('renders an app as an exact, sorted list of objects', () => {
    const objects = renderApp(app, defaultRenderSettings);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['NetworkPolicy/web-from-ingress', 'Service/web', 'Deployment/web', 'Ingress/web']);
    const labels = {
      'app.kubernetes.io/name': 'web', 'app.kubernetes.io/instance': 'web', 'app.kubernetes.io/managed-by': 'yunbang',
      'yunbang.dev/team': 'acme', 'yunbang.dev/app': 'web', 'yunbang.dev/generation': '7',
    };
    for (const o of objects) expect(o.metadata.labels).toEqual(labels);
    expect(objects[1]).toEqual({
      apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'yb-acme', labels },
      spec: { type: 'ClusterIP', selector: { 'yunbang.dev/team': 'acme', 'yunbang.dev/app': 'web' }, ports: [{ name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP' }] },
    });
    expect(objects[3]!.spec).toEqual({
      ingressClassName: 'nginx',
      rules: ['a.example.com', 'b.example.com', 'web-acme.localhost'].map((host) => ({ host, http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { name: 'http' } } } }] } })),
    });
    expect(objects).toMatchSnapshot();
  });

  it('is deterministic: same input, same output, whatever the domain order', () => {
    expect(renderApp({ ...app, domains: [...app.domains].reverse() }, defaultRenderSettings)).toEqual(renderApp(app, defaultRenderSettings));
  });

  it('renders a stopped app with zero replicas and keeps its config', () => {
    const [, , dep] = renderApp({ ...app, running: false }, defaultRenderSettings);
    expect((dep!.spec as { replicas: number }).replicas).toBe(0);
  });

  it('puts the release and restart on the pod template, the generation only on object metadata', () => {
    const dep = renderApp({ ...app, restartedAt: '2026-01-01T00:00:00.000Z' }, defaultRenderSettings).find((o) => o.kind === 'Deployment')!;
    const template = (dep.spec as { template: { metadata: { labels: Record<string, string>; annotations: Record<string, string> } } }).template;
    expect(template.metadata.annotations).toEqual({ 'yunbang.dev/release': '3', 'yunbang.dev/restarted-at': '2026-01-01T00:00:00.000Z' });
    expect(template.metadata.labels).not.toHaveProperty('yunbang.dev/generation'); // a new generation alone must not roll pods
  });

  it('a pod told to stop keeps serving drainSeconds first (a preStop sleep), within a grace period that still leaves the app 30 s', () => {
    const pod = (drainSeconds: number) => (renderApp(app, { ...defaultRenderSettings, drainSeconds }).find((o) => o.kind === 'Deployment')!.spec as any).template.spec;
    expect(pod(5).containers[0].lifecycle).toEqual({ preStop: { exec: { command: ['sleep', '5'] } } });
    expect(pod(5).terminationGracePeriodSeconds).toBe(35);
    expect(pod(0).containers[0]).not.toHaveProperty('lifecycle');
    expect(pod(0)).not.toHaveProperty('terminationGracePeriodSeconds');
  });

  it('probes the TCP port by default and an HTTP path when the app names one', () => {
    const container = (a: AppIntent) => (renderApp(a, defaultRenderSettings).find((o) => o.kind === 'Deployment')!.spec as any).template.spec.containers[0];
    expect(container(app).readinessProbe).toEqual({ tcpSocket: { port: 'http' }, periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 3 });
    expect(container({ ...app, healthCheckPath: '/healthz' }).livenessProbe).toEqual({ httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 20, timeoutSeconds: 2, failureThreshold: 3, initialDelaySeconds: 15 });
  });

  it('routes the default domain alone when there are no custom domains, nothing without any host, and adds TLS when asked', () => {
    expect((renderApp(app, defaultRenderSettings).find((o) => o.kind === 'Ingress')!.spec as object)).not.toHaveProperty('tls');
    const own = renderApp({ ...app, domains: [] }, { ...defaultRenderSettings, appsDomain: 'apps.example.com' }).find((o) => o.kind === 'Ingress')!;
    expect((own.spec as { rules: { host: string }[] }).rules.map((r) => r.host)).toEqual(['web-acme.apps.example.com']);
    expect(renderApp({ ...app, domains: [], defaultLabel: null }, defaultRenderSettings).map((o) => o.kind)).toEqual(['Service', 'Deployment']);
    const ing = renderApp({ ...app, tls: true }, defaultRenderSettings).find((o) => o.kind === 'Ingress')!;
    expect((ing.spec as { tls: unknown }).tls).toEqual([
      { hosts: ['a.example.com'], secretName: 'a-example-com-tls' }, { hosts: ['b.example.com'], secretName: 'b-example-com-tls' },
      { hosts: ['web-acme.localhost'], secretName: 'web-acme-localhost-tls' },
    ]);
    // With a wildcard certificate for the apps domain, default domains use it; custom domains keep their own.
    const wild = renderApp({ ...app, tls: true }, { ...defaultRenderSettings, appsTlsSecret: 'apps-wildcard-tls' }).find((o) => o.kind === 'Ingress')!;
    expect((wild.spec as { tls: { secretName: string }[] }).tls.map((t) => t.secretName)).toEqual(['a-example-com-tls', 'b-example-com-tls', 'apps-wildcard-tls']);
  });

  it('names default domains <app>-<team>, cut with a stable hash past 63 characters', async () => {
    const { defaultLabel } = await import('../k8s/render/hosts.js');
    expect(defaultLabel('web', 'acme')).toBe('web-acme');
    const long = defaultLabel('a'.repeat(40), 'b'.repeat(40));
    expect(long).toMatch(/^a{40}-b{15}-[0-9a-f]{6}$/);
    expect(long.length).toBeLessThanOrEqual(63);
    expect(defaultLabel('a'.repeat(40), 'b'.repeat(40))).toBe(long);
    expect(defaultLabel('a'.repeat(40), 'b'.repeat(39) + 'c')).not.toBe(long);
  });

  it('renders a team: namespace, default-deny policy, quota and limit range', () => {
    const objects = renderTeam(team, defaultRenderSettings);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/yb-acme', 'RoleBinding/yunbang-api', 'RoleBinding/yunbang-worker', 'ResourceQuota/yunbang-team-quota', 'LimitRange/yunbang-team-defaults',
      'NetworkPolicy/yunbang-team-builds', 'NetworkPolicy/yunbang-team-default', 'NetworkPolicy/yunbang-team-ingress',
    ]);
    expect(objects).toMatchSnapshot();
  });

  it('every rendered object is accepted by the real API server (server-side dry run)', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(inject('stack').KUBECONFIG);
    const client = k8s.KubernetesObjectApi.makeApiClient(kc);
    const t = { name: `render-${Date.now()}`, namespace: `yb-render-${Date.now()}`, generation: 1 };
    const [ns, ...teamObjects] = renderTeam(t, defaultRenderSettings);
    await client.patch(toTyped(ns!), undefined, undefined, 'yunbang-test', true, k8s.PatchStrategy.ServerSideApply);
    try {
      const objects = [...teamObjects, ...renderApp({ ...app, team: t, tls: true }, defaultRenderSettings), ...renderApp({ ...app, team: t, name: 'worker', runAsNonRoot: true, healthCheckPath: '/ready', domains: [] }, defaultRenderSettings),
        ...renderApp({ ...db, team: t }, defaultRenderSettings), ...renderApp({ ...consumer, team: t }, defaultRenderSettings)];
      for (const o of objects) {
        const out = await client.patch(toTyped(o), undefined, 'All', 'yunbang-test', true, k8s.PatchStrategy.ServerSideApply);
        expect(out.metadata?.name).toBe(o.metadata.name);
      }
    } finally {
      await client.delete(toTyped(ns!));
    }
  });

  it('renders an app with volumes as a StatefulSet with claims and a headless Service', () => {
    const objects = renderApp(db, defaultRenderSettings);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['NetworkPolicy/db-from-dependents', 'Service/db', 'Service/db-pods', 'StatefulSet/db']);
    const sts = objects.find((o) => o.kind === 'StatefulSet')!.spec as any;
    expect(sts.serviceName).toBe('db-pods');
    expect(sts.volumeClaimTemplates).toEqual([{
      metadata: { name: 'data', labels: { 'app.kubernetes.io/name': 'db', 'app.kubernetes.io/instance': 'db', 'app.kubernetes.io/managed-by': 'yunbang', 'yunbang.dev/team': 'acme', 'yunbang.dev/app': 'db' } },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    }]);
    const c = sts.template.spec.containers[0];
    expect(c.volumeMounts).toEqual([{ name: 'data', mountPath: '/var/lib/mysql' }]);
    expect(c.args).toEqual(['--max-connections=50']);
    expect(c.env).toEqual([
      { name: 'PORT', value: '3306' },
      { name: 'MYSQL_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-secrets', key: 'MYSQL_PASSWORD' } } },
      { name: 'MYSQL_DATABASE', value: 'shop' },
    ]);
    expect(sts.template.metadata.labels['yunbang.dev/access']).toBe('dependents'); // a backing service
    expect((objects.find((o) => o.metadata.name === 'db-pods')!.spec as any).clusterIP).toBe('None');
    expect(objects).toMatchSnapshot();
  });

  it('gives a dependent the connection info of its dependencies: secrets by reference, its own env first', () => {
    const objects = renderApp(consumer, defaultRenderSettings);
    const env = (objects.find((o) => o.kind === 'Deployment')!.spec as any).template.spec.containers[0].env;
    expect(env).toEqual([
      { name: 'PORT', value: '8080' },
      { name: 'MYSQL_HOST', value: 'db.yb-acme.svc.cluster.local' },
      { name: 'MYSQL_PORT', value: '3306' },
      { name: 'MYSQL_PASSWORD', valueFrom: { secretKeyRef: { name: 'db-secrets', key: 'MYSQL_PASSWORD' } } },
      { name: 'SEARCH_HOST', value: 'search.yb-acme.svc.cluster.local' },
      { name: 'SEARCH_PORT', value: '9200' },
      { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'web-from-ops-cache', key: 'REDIS_PASSWORD' } } },
      { name: 'DSN', value: 'mysql://$(MYSQL_USER)@$(MYSQL_HOST)' },
      { name: 'MYSQL_USER', value: 'mine' },
    ]);
    expect(JSON.stringify(objects)).not.toMatch(/password"?:\s*"[^$]/i);
    const egress = objects.find((o) => o.metadata.name === 'web-to-dependencies')!.spec as any;
    expect(egress.egress).toEqual([{
      to: [{ namespaceSelector: { matchLabels: { 'yunbang.dev/team': 'ops' } }, podSelector: { matchLabels: { 'yunbang.dev/team': 'ops', 'yunbang.dev/app': 'cache' }, matchExpressions: [{ key: 'yunbang.dev/role', operator: 'DoesNotExist' }] } }],
      ports: [{ protocol: 'TCP', port: 6379 }],
    }]);
  });

  it('reports env names given by more than one source', async () => {
    const { connectionEnv } = await import('../k8s/render/connect.js');
    const { conflicts } = connectionEnv({ app: 'web', namespace: 'yb-acme' }, consumer.dependencies, ['DSN', 'MYSQL_USER']);
    expect(conflicts).toEqual([
      { name: 'MYSQL_HOST', from: ['acme/db', 'ops/cache'], usedFrom: 'acme/db' },
      { name: 'MYSQL_USER', from: ['acme/db'], usedFrom: 'own env' },
    ]);
  });
});
