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
    if (e.operator === 'In') return e.key in labels && (e.values ?? []).includes(labels[e.key]!);
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

/**
 * Egress, evaluated the same way: a pod selected by any Egress policy may send only what some
 * rule of those policies allows. A destination is a pod (labels, namespace) with an address, or an
 * address outside the cluster.
 */
interface Dest { ip: string; port: number; protocol?: 'TCP' | 'UDP'; pod?: Peer }
const ipv4 = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
const inCidr = (ip: string, cidr: string) => {
  const [net, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return Math.floor(ipv4(ip) / size) === Math.floor(ipv4(net!) / size);
};
type EgressPeer = { ipBlock?: { cidr: string; except?: string[] }; podSelector?: Sel; namespaceSelector?: Sel };
type EgressRule = { to?: EgressPeer[]; ports?: { port: number; protocol?: string }[] };

function sends(all: K8sObject[], from: Peer, to: Dest): boolean {
  const selecting = all.filter((p) => p.kind === 'NetworkPolicy' && p.metadata.namespace === from.namespace
    && matches((p.spec as { podSelector: Sel }).podSelector, from.podLabels) && (p.spec as { policyTypes: string[] }).policyTypes.includes('Egress'));
  if (selecting.length === 0) return true;
  return selecting.some((p) => ((p.spec as { egress?: EgressRule[] }).egress ?? []).some((rule) => {
    const portOk = !rule.ports || rule.ports.some((r) => r.port === to.port && (r.protocol ?? 'TCP') === (to.protocol ?? 'TCP'));
    const peerOk = !rule.to || rule.to.some((peer) => {
      if (peer.ipBlock) return inCidr(to.ip, peer.ipBlock.cidr) && !(peer.ipBlock.except ?? []).some((c) => inCidr(to.ip, c));
      if (!to.pod) return false;
      if (peer.namespaceSelector) return matches(peer.namespaceSelector, to.pod.namespaceLabels) && (!peer.podSelector || matches(peer.podSelector, to.pod.podLabels));
      return to.pod.namespace === from.namespace && matches(peer.podSelector, to.pod.podLabels);
    });
    return portOk && peerOk;
  }));
}

describe('tenancy: rendered egress', () => {
  const s = { ...settings, egressDeny: ['203.0.113.10/32'], buildEgress: ['10.100.0.5/32'] };
  const all = [teamA, teamB].flatMap((t) => renderTeam(t, s)).concat(renderApp(app(teamA, 'web'), s), renderApp(app(teamB, 'db', [], null), s));
  const web = pod(teamA, 'web');
  const build = pod(teamA, 'web', { 'yunbang.dev/role': 'build' });
  const dnsPod: Peer = { namespace: 'kube-system', namespaceLabels: { 'kubernetes.io/metadata.name': 'kube-system' }, podLabels: { 'k8s-app': 'kube-dns' } };
  const dns = { ip: '10.96.0.10', port: 53, protocol: 'UDP' as const, pod: dnsPod };
  const github = (port: number) => ({ ip: '140.82.112.3', port });
  const apiServer = { ip: '10.96.0.1', port: 443 };
  const metadata = { ip: '169.254.169.254', port: 80 };
  const node = { ip: '10.0.0.5', port: 10250 };
  const otherTeam = { ip: '10.244.1.7', port: 8080, pod: pod(teamB, 'db') };
  const ownTeam = { ip: '10.244.0.9', port: 8080, pod: pod(teamA, 'api') };

  it('app pods: the team, the cluster DNS and public addresses; not the API server, nodes, metadata or other teams', () => {
    expect(sends(all, web, ownTeam)).toBe(true);
    expect(sends(all, web, dns)).toBe(true);
    expect(sends(all, web, github(443))).toBe(true);
    expect(sends(all, web, apiServer)).toBe(false);
    expect(sends(all, web, node)).toBe(false);
    expect(sends(all, web, metadata)).toBe(false);
    expect(sends(all, web, otherTeam)).toBe(false);
    expect(sends(all, web, { ip: '203.0.113.10', port: 443 })).toBe(false); // the operator's own deny list
  });

  it('DNS goes to the cluster DNS pods only, not port 53 anywhere inside', () => {
    expect(sends(all, web, { ip: '10.0.0.53', port: 53, protocol: 'UDP' })).toBe(false);
    expect(sends(all, web, { ip: '10.244.1.7', port: 53, protocol: 'UDP', pod: pod(teamB, 'db') })).toBe(false);
    expect(sends(all, build, { ip: '10.0.0.53', port: 53, protocol: 'UDP' })).toBe(false);
  });

  it('without internet egress, app pods keep the team and DNS only', () => {
    const closed = [...renderTeam(teamA, { ...s, egressInternet: false }), ...renderApp(app(teamA, 'web'), s)];
    expect(sends(closed, web, github(443))).toBe(false);
    expect(sends(closed, web, dns)).toBe(true);
    expect(sends(closed, web, ownTeam)).toBe(true);
  });

  it('build pods: DNS, git hosts over https and ssh, the registry; nothing of the team, the cluster or other ports', () => {
    expect(sends(all, build, dns)).toBe(true);
    expect(sends(all, build, github(443))).toBe(true);
    expect(sends(all, build, github(22))).toBe(true);
    expect(sends(all, build, github(80))).toBe(false);
    expect(sends(all, build, { ip: '10.100.0.5', port: 5000 })).toBe(true); // the registry's range (buildEgress)
    expect(sends(all, build, ownTeam)).toBe(false);
    expect(sends(all, build, otherTeam)).toBe(false);
    expect(sends(all, build, apiServer)).toBe(false);
    expect(sends(all, build, metadata)).toBe(false);
  });

  it('nothing reaches build pods, not even the team\'s own apps or the ingress controller', () => {
    const nps = all.filter((o) => o.kind === 'NetworkPolicy');
    expect(admits(nps, web, build, 8080)).toBe(false);
    expect(admits(nps, ingressController, build, 8080)).toBe(false);
    expect(admits(nps, web, pod(teamA, 'api'), 8080)).toBe(true); // while app pods of the team still reach each other
  });

  it('a dependency in another team is reached on its port only', () => {
    const consumer: AppIntent = { ...app(teamB, 'worker'), dependencies: [{ team: 'a', app: 'db', namespace: 'yb-a', port: 3306, exports: [] }] };
    const withDep = [...renderTeam(teamB, s), ...renderApp(consumer, s)];
    const dbPod = { ip: '10.244.0.20', port: 3306, pod: pod(teamA, 'db', { 'yunbang.dev/access': 'dependents' }) };
    expect(sends(withDep, pod(teamB, 'worker'), dbPod)).toBe(true);
    expect(sends(withDep, pod(teamB, 'worker'), { ...dbPod, port: 22 })).toBe(false);
    expect(sends(withDep, pod(teamB, 'other'), dbPod)).toBe(false);
  });
});
