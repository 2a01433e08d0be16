import { ACCESS, GENERATION, ROLE, TEAM_RENDER, TEAM_RENDER_VERSION, teamLabels } from '../labels.js';
import type { K8sObject, RenderSettings, TeamIntent } from '../types.js';

/**
 * Addresses closed to egress: the private ranges, where other teams' pods, Services, the API
 * server and nodes live, link-local (cloud metadata at 169.254.169.254), carrier-grade NAT,
 * plus what the operator adds (a public API server address, say).
 */
const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16'];
const closed = (s: RenderSettings) => [...PRIVATE_RANGES, ...s.egressDeny];

/** DNS queries go to the cluster's DNS pods only: port 53 elsewhere is no way out. */
const dnsEgress = (s: RenderSettings) => ({
  to: [{ namespaceSelector: { matchLabels: { ...s.dns.namespaceSelector } }, podSelector: { matchLabels: { ...s.dns.podSelector } } }],
  ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
});

/** App pods: everything but build pods, which have a policy of their own. */
const APP_PODS = { matchExpressions: [{ key: ROLE, operator: 'DoesNotExist' }] };
/** Build and detect pods. */
const BUILD_PODS = { matchExpressions: [{ key: ROLE, operator: 'In', values: ['build', 'detect'] }] };

function meta(team: TeamIntent, name: string, namespaced = true) {
  return {
    name,
    ...(namespaced ? { namespace: team.namespace } : {}),
    labels: { ...teamLabels(team.name), [GENERATION]: String(team.generation) },
  };
}

/**
 * The team's namespace, with Pod Security admission labels: the team's level is enforced, and
 * restricted is audited and warned about, so a baseline team sees what restricted would refuse.
 * (Kubernetes 1.20 does not enforce these labels yet; Yunbang renders pods to meet the level anyway.)
 */
export function namespace(team: TeamIntent): K8sObject {
  const m = meta(team, team.namespace, false);
  const level = team.podSecurity ?? 'baseline';
  return {
    apiVersion: 'v1', kind: 'Namespace',
    metadata: {
      ...m,
      labels: {
        ...m.labels, [TEAM_RENDER]: TEAM_RENDER_VERSION,
        'pod-security.kubernetes.io/enforce': level, 'pod-security.kubernetes.io/audit': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted',
      },
    },
  };
}

/**
 * Default deny for the team's app pods: no ingress (apps that expose domains get their own policy
 * admitting the ingress controller, backing services one admitting their dependents); egress only
 * to the team's own app pods, the cluster's DNS, and, when allowed, public addresses. Dependencies
 * in other teams are opened app by app (k8s/render/connect.ts).
 */
export function teamNetworkPolicy(team: TeamIntent, s: RenderSettings): K8sObject {
  const egress: unknown[] = [{ to: [{ podSelector: APP_PODS }] }, dnsEgress(s)];
  if (s.egressInternet) egress.push({ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: closed(s) } }] });
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta(team, 'yunbang-team-default'),
    spec: {
      podSelector: APP_PODS,
      policyTypes: ['Ingress', 'Egress'],
      egress,
    },
  };
}

/**
 * Build and detect pods run tenants' code paths (git hooks never run, but Dockerfile RUN steps do):
 * nothing reaches them, and they reach only the cluster's DNS, git hosts on public addresses over
 * https and ssh, the registry and allowed internal git hosts (buildEgress), never the team's apps,
 * other teams, the API server or metadata. Git hosts are allowed by port, not by address: the
 * addresses large hosts answer with vary between resolvers, so a policy pinned to the worker's
 * answer would fail clones at random.
 */
export function teamBuildPolicy(team: TeamIntent, s: RenderSettings): K8sObject {
  const egress: unknown[] = [
    dnsEgress(s),
    { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: closed(s) } }], ports: [{ protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 22 }] },
  ];
  if (s.buildEgress.length > 0) egress.push({ to: s.buildEgress.map((cidr) => ({ ipBlock: { cidr } })) });
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta(team, 'yunbang-team-builds'),
    spec: { podSelector: BUILD_PODS, policyTypes: ['Ingress', 'Egress'], egress },
  };
}

/**
 * The team's pods reach each other, except backing services (pods labelled for access by their
 * dependents only), which their own policy opens to exactly their dependents.
 */
export function teamIngressPolicy(team: TeamIntent): K8sObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta(team, 'yunbang-team-ingress'),
    spec: {
      podSelector: { matchExpressions: [{ key: ACCESS, operator: 'DoesNotExist' }, { key: ROLE, operator: 'DoesNotExist' }] },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: APP_PODS }] }],
    },
  };
}

/**
 * Yunbang's own rights in this namespace (k8s/install/base/rbac.yaml): the worker manages what is in
 * it, the API reads pods and their logs. Bound here, not cluster-wide, so neither identity reaches
 * into any namespace that is not a team's.
 */
export function tenantRoleBindings(team: TeamIntent, s: RenderSettings): K8sObject[] {
  return (['worker', 'api'] as const).map((who) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: meta(team, `yunbang-${who}`),
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: `yunbang-tenant-${who}` },
    subjects: [{ kind: 'ServiceAccount', name: s.identities[who], namespace: s.identities.namespace }],
  }));
}

export function resourceQuota(team: TeamIntent, s: RenderSettings): K8sObject {
  return { apiVersion: 'v1', kind: 'ResourceQuota', metadata: meta(team, 'yunbang-team-quota'), spec: { hard: { ...(team.quota ?? s.teamQuota) } } };
}

/** Defaults for containers that declare no resources: a quota on cpu/memory would refuse them otherwise. */
export function limitRange(team: TeamIntent, s: RenderSettings): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: meta(team, 'yunbang-team-defaults'),
    spec: { limits: [{ type: 'Container', defaultRequest: { ...s.containerDefaults.requests }, default: { ...s.containerDefaults.limits } }] },
  };
}
