import { ACCESS, GENERATION, TEAM_RENDER, TEAM_RENDER_VERSION, teamLabels } from '../labels.js';
import type { K8sObject, RenderSettings, TeamIntent } from '../types.js';

/** Private address ranges: closed to egress so a team's pods cannot reach other teams' pods. */
const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16'];

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
 * Default deny for the whole namespace: no ingress (apps that expose domains get their own policy
 * admitting the ingress controller, backing services one admitting their dependents); egress only
 * to the team's own pods, DNS, and, when allowed, public addresses.
 */
export function teamNetworkPolicy(team: TeamIntent, s: RenderSettings): K8sObject {
  const egress: unknown[] = [
    { to: [{ podSelector: {} }] },
    { ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] },
  ];
  if (s.egressInternet) egress.push({ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: PRIVATE_RANGES } }] });
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta(team, 'yunbang-team-default'),
    spec: {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      egress,
    },
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
      podSelector: { matchExpressions: [{ key: ACCESS, operator: 'DoesNotExist' }] },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: {} }] }],
    },
  };
}

/**
 * Yunbang's own rights in this namespace (k8s/install/10-rbac.yaml): the worker manages what is in
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
