import { describe, expect, it } from 'vitest';
import { renderApp, renderTeam } from '../k8s/render/index.js';
import { buildPod, defaultBuildPodSettings, detectPod, type BuildSubject } from '../k8s/render/build-pods.js';
import { defaultRenderSettings, type AppIntent, type PodSecurityLevel, type TeamIntent } from '../k8s/types.js';
import { builtinTemplates } from '../src/market/catalog.js';
import { instantiate } from '../src/market/instantiate.js';
import { podSpecOf, violations } from './helpers/pod-security.js';

const team = (podSecurity: PodSecurityLevel): TeamIntent => ({ name: 'acme', namespace: 'yb-acme', generation: 1, podSecurity });
const base = (t: TeamIntent): AppIntent => ({
  team: t, name: 'web', generation: 1, release: 1, image: 'nginx:1.27', port: 8080, replicas: 1, running: true, env: [], domains: [],
  resources: {}, healthCheckPath: null, tls: false, runAsNonRoot: false, restartedAt: null,
  args: null, defaultLabel: 'web-acme', volumes: [], secrets: [], dependencies: [], dependents: [], isolated: false,
});

/** Every shape of app the API admits in a team of that level. */
function appsFor(level: PodSecurityLevel): AppIntent[] {
  const t = team(level);
  const apps: AppIntent[] = [
    base(t),
    { ...base(t), name: 'built', runAsNonRoot: true },
    { ...base(t), name: 'db', volumes: [{ name: 'data', mountPath: '/data', size: '1Gi', accessMode: 'ReadWriteOnce', storageClass: null }], secrets: [{ name: 'PASSWORD', length: 24 }], isolated: true },
    { ...base(t), name: 'low-port', capabilities: ['NET_BIND_SERVICE'] },
  ];
  if (level === 'baseline') apps.push({ ...base(t), name: 'gosu', capabilities: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'SETGID', 'SETUID'] });
  return apps;
}

const pods = (app: AppIntent) => renderApp(app, defaultRenderSettings).flatMap((o) => {
  const spec = podSpecOf(o);
  return spec ? [spec] : [];
});

describe('pod security: rendered pods meet their team\'s Pod Security Standard', () => {
  for (const level of ['baseline', 'restricted'] as const) {
    it(`every app pod in a ${level} team is admitted at ${level}`, () => {
      for (const app of appsFor(level)) {
        const specs = pods(app);
        expect(specs.length, app.name).toBe(1);
        expect(violations(specs[0]!, level), `${app.name} in a ${level} team`).toEqual([]);
      }
    });
  }

  it('the checker refuses what the standards refuse (so the checks above can fail)', () => {
    const t = team('baseline');
    // A ready image in a baseline team may run as root: not restricted.
    expect(violations(pods(base(t))[0]!, 'restricted')).toContain('app: runAsNonRoot not true');
    // A capability outside the baseline set, had the API let it through.
    expect(violations(pods({ ...base(t), capabilities: ['SYS_ADMIN'] })[0]!, 'baseline')).toEqual(['app: adds SYS_ADMIN']);
    expect(violations({ containers: [{ name: 'x' }], hostNetwork: true, volumes: [{ name: 'h', hostPath: { path: '/' } }] }, 'baseline'))
      .toEqual(['pod: host namespaces', 'pod: hostPath volume h']);
  });

  it('least privilege: every capability is dropped but those declared, and a non-root pod keeps none', () => {
    const t = team('baseline');
    const [gosu] = pods({ ...base(t), capabilities: ['SETUID', 'CHOWN'] });
    expect(gosu!.containers[0]!.securityContext!.capabilities).toEqual({ drop: ['ALL'], add: ['CHOWN', 'SETUID'] });
    expect(pods({ ...base(t), runAsNonRoot: true })[0]!.containers[0]!.securityContext!.capabilities).toEqual({ drop: ['ALL'] });
    // A root image that declares nothing: the runtime's defaults but NET_RAW.
    expect(pods(base(t))[0]!.containers[0]!.securityContext!.capabilities).toEqual({ drop: ['NET_RAW'] });
    // In a restricted team even an image Yunbang did not build must run as non-root.
    expect(pods(base(team('restricted')))[0]!.securityContext).toEqual({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  });

  it('every built-in template runs at baseline, each component with only the capabilities it declares', () => {
    for (const t of builtinTemplates().values()) {
      const specs = instantiate(t, t.versions[0]!.version, 'x', Object.fromEntries(t.parameters.map((p) => [p.name, p.default ?? 'value'])));
      for (const c of specs) {
        expect(c.capabilities.length, `${t.name}/${c.component} declares its capabilities`).toBeGreaterThan(0);
        const app: AppIntent = { ...base(team('baseline')), name: c.app, image: c.image, capabilities: c.capabilities, volumes: c.volumes };
        const [spec] = pods(app);
        expect(violations(spec!, 'baseline'), `${t.name}/${c.component}`).toEqual([]);
        expect(spec!.containers[0]!.securityContext!.capabilities!.drop).toEqual(['ALL']);
      }
    }
  });

  it('build pods are admitted at baseline; the detect pod even at restricted (cloning and detecting need no privilege)', () => {
    const subject: BuildSubject = {
      buildId: '00000000-0000-0000-0000-000000000001', number: 1, team: 'acme', app: 'shop', namespace: 'yb-acme', generation: 1,
      git: { url: 'git@git.example.com:acme/shop.git', ref: 'main', subdir: null }, buildMode: 'AUTO', dockerfilePath: 'Dockerfile',
      credentials: { secretName: 'shop-git-credentials', kind: 'ssh' },
    };
    const settings = { ...defaultBuildPodSettings, registrySecret: 'registry-push' };
    const detect = podSpecOf(detectPod(subject, settings))!;
    const build = podSpecOf(buildPod({ ...subject, commit: 'abc' }, settings, 'FROM scratch'))!;
    expect(violations(detect, 'restricted')).toEqual([]);
    expect(violations(build, 'baseline')).toEqual([]);
    // Kaniko alone runs as root; the clone before it does not.
    expect(violations(build, 'restricted').every((v) => v.startsWith('kaniko:'))).toBe(true);
  });

  it('the namespace enforces the team\'s level and warns about restricted', () => {
    for (const level of ['baseline', 'restricted'] as const) {
      const ns = renderTeam(team(level), defaultRenderSettings).find((o) => o.kind === 'Namespace')!;
      expect(ns.metadata.labels).toMatchObject({
        'pod-security.kubernetes.io/enforce': level, 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/audit': 'restricted',
      });
    }
  });

  it('a team\'s own plan replaces the default quota', () => {
    const hard = { pods: '5', 'limits.cpu': '2', 'requests.cpu': '2', 'limits.memory': '4Gi', 'requests.memory': '4Gi' };
    const quota = renderTeam({ ...team('baseline'), quota: hard }, defaultRenderSettings).find((o) => o.kind === 'ResourceQuota')!;
    expect((quota.spec as { hard: unknown }).hard).toEqual(hard);
    const fallback = renderTeam(team('baseline'), defaultRenderSettings).find((o) => o.kind === 'ResourceQuota')!;
    expect((fallback.spec as { hard: unknown }).hard).toEqual(defaultRenderSettings.teamQuota);
  });
});
