import { describe, expect, it } from 'vitest';
import { renderApp, renderTeam } from '../k8s/render/index.js';
import { defaultRenderSettings, type AppIntent, type K8sObject } from '../k8s/types.js';

/**
 * No CNI runs here, so the policies are checked on the objects: a small evaluator of the
 * NetworkPolicy ingress semantics (a pod selected by any policy admits only what some policy allows).
 */
interface Peer { namespace: string; namespaceLabels: Record<string, string>; podLabels: Record<string, string> }
type Sel = { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } | undefined;
const matches = (sel: Sel, labels: Record<string, string>) => Object.entries(sel?.matchLabels ?? {}).every(([k, v]) => labels[k] === v)
  && (sel?.matchExpressions ?? []).every((e) => {
    if (e.operator === 'DoesNotExist') return !(e.key in labels);
    if (e.operator === 'Exists') return e.key in labels;
    throw new Error(`operator ${e.operator} not evaluated here`);
  });

function admits(policies: K8sObject[], from: Peer, to: Peer, port: number): boolean {
  const selecting = policies.filter((p) => p.metadata.namespace === to.namespace && matches((p.spec as { podSelector: Sel }).podSelector, to.podLabels)
    && ((p.spec as { policyTypes: string[] }).policyTypes).includes('Ingress'));
  if (selecting.length === 0) return true;
  return selecting.some((p) => ((p.spec as { ingress?: { from?: { podSelector?: Sel; namespaceSelector?: Sel }[]; ports?: { port: number }[] }[] }).ingress ?? []).some((rule) => {
    const portOk = !rule.ports || rule.ports.some((r) => r.port === port);
    const peerOk = !rule.from || rule.from.some((f) => {
      if (f.namespaceSelector) return matches(f.namespaceSelector, from.namespaceLabels) && (!f.podSelector || matches(f.podSelector, from.podLabels));
      return from.namespace === to.namespace && matches(f.podSelector, from.podLabels);
    });
    return portOk && peerOk;
  }));
}

const settings = defaultRenderSettings;
const teamA = { name: 'a', namespace: 'yb-a', generation: 1 };
const teamB = { name: 'b', namespace: 'yb-b', generation: 1 };
const app = (team: typeof teamA, name: string, domains: string[] = [], defaultLabel: string | null = `${name}-${team.name}`): AppIntent => ({
  team, name, generation: 1, release: 1, image: 'nginx', port: 8080, replicas: 1, running: true, env: [], domains, resources: {}, healthCheckPath: null, tls: false, runAsNonRoot: false, restartedAt: null,
  args: null, defaultLabel, volumes: [], secrets: [], dependencies: [], dependents: [], isolated: false,
});
const policies = [teamA, teamB].flatMap((t) => renderTeam(t, settings)).concat(renderApp(app(teamA, 'web', ['a.example.com']), settings), renderApp(app(teamB, 'db', [], null), settings))
  .filter((o) => o.kind === 'NetworkPolicy');
const pod = (team: typeof teamA, appName: string, extra: Record<string, string> = {}): Peer => ({ namespace: team.namespace, namespaceLabels: { 'kubernetes.io/metadata.name': team.namespace, 'yunbang.dev/team': team.name }, podLabels: { 'yunbang.dev/team': team.name, 'yunbang.dev/app': appName, ...extra } });
const ingressController: Peer = { namespace: 'ingress-nginx', namespaceLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' }, podLabels: { app: 'ingress-nginx' } };
const system = { 'kubernetes.io/metadata.name': 'yunbang-system' };
const gatewayLabels = { 'app.kubernetes.io/name': 'yunbang', 'app.kubernetes.io/component': 'gateway' };
const gateway: Peer = { namespace: 'yunbang-system', namespaceLabels: system, podLabels: gatewayLabels };

describe('tenancy: rendered NetworkPolicies', () => {
  it('admit traffic between pods of the same team', () => {
    expect(admits(policies, pod(teamA, 'api'), pod(teamA, 'web'), 8080)).toBe(true);
    expect(admits(policies, pod(teamB, 'api'), pod(teamB, 'db'), 5432)).toBe(true);
  });
  it('deny traffic from another team', () => {
    expect(admits(policies, pod(teamA, 'web'), pod(teamB, 'db'), 8080)).toBe(false);
    expect(admits(policies, pod(teamB, 'db'), pod(teamA, 'web'), 8080)).toBe(false);
  });
  it('admit the ingress controller to an app with hosts, on its port only', () => {
    expect(admits(policies, ingressController, pod(teamA, 'web'), 8080)).toBe(true);
    expect(admits(policies, ingressController, pod(teamA, 'web'), 9090)).toBe(false);
    expect(admits(policies, ingressController, pod(teamB, 'db'), 8080)).toBe(false);
  });
  it("admit Yunbang's gateway pods (by namespace and pod labels) to an app with hosts, on its port only", () => {
    expect(admits(policies, gateway, pod(teamA, 'web'), 8080)).toBe(true);
    expect(admits(policies, gateway, pod(teamA, 'web'), 9090)).toBe(false);
    expect(admits(policies, gateway, pod(teamB, 'db'), 8080)).toBe(false);
    // Another pod of the system namespace, or the gateway's labels in another namespace, are not the gateway.
    expect(admits(policies, { ...gateway, podLabels: { 'app.kubernetes.io/name': 'yunbang', 'app.kubernetes.io/component': 'api' } }, pod(teamA, 'web'), 8080)).toBe(false);
    expect(admits(policies, { namespace: 'yb-b', namespaceLabels: { 'kubernetes.io/metadata.name': 'yb-b' }, podLabels: gatewayLabels }, pod(teamA, 'web'), 8080)).toBe(false);
  });
  it('admit the gateway to every app with a default domain, custom domains or not', () => {
    const plain = [...renderTeam(teamB, settings), ...renderApp(app(teamB, 'api'), settings)].filter((o) => o.kind === 'NetworkPolicy');
    expect(admits(plain, gateway, pod(teamB, 'api'), 8080)).toBe(true);
  });
  it('keep private ranges closed to egress so teams cannot reach each other directly', () => {
    const def = policies.find((p) => p.metadata.name === 'yunbang-team-default')!;
    expect(JSON.stringify(def.spec)).toContain('"except":["10.0.0.0/8","172.16.0.0/12","192.168.0.0/16"');
  });

  describe('a backing service (it declares connection info)', () => {
    // db in team a is used by a's api and, shared, by b's worker; a's web does not depend on it.
    const db: AppIntent = {
      ...app(teamA, 'db', [], null), port: 3306, isolated: true,
      dependents: [{ team: 'a', app: 'api', namespace: 'yb-a' }, { team: 'b', app: 'worker', namespace: 'yb-b' }],
    };
    const all = [teamA, teamB].flatMap((t) => renderTeam(t, settings)).concat(renderApp(db, settings), renderApp(app(teamA, 'web', ['a.example.com']), settings))
      .filter((o) => o.kind === 'NetworkPolicy');
    const dbPod = pod(teamA, 'db', { 'yunbang.dev/access': 'dependents' });

    it('admits exactly its dependents, on its port only', () => {
      expect(admits(all, pod(teamA, 'api'), dbPod, 3306)).toBe(true);
      expect(admits(all, pod(teamA, 'api'), dbPod, 22)).toBe(false);
      expect(admits(all, pod(teamB, 'worker'), dbPod, 3306)).toBe(true);
    });
    it('denies the rest of its team, other teams and the ingress controller', () => {
      expect(admits(all, pod(teamA, 'web'), dbPod, 3306)).toBe(false);
      expect(admits(all, pod(teamB, 'api'), dbPod, 3306)).toBe(false);
      expect(admits(all, ingressController, dbPod, 3306)).toBe(false);
      expect(admits(all, gateway, dbPod, 3306)).toBe(false);
    });
    it('leaves the rest of the team open to each other', () => {
      expect(admits(all, pod(teamA, 'db'), pod(teamA, 'web'), 8080)).toBe(true);
    });
  });
});
