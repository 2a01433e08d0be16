import type { AppIntent, K8sObject, RenderSettings, TeamIntent } from '../types.js';
import { deployment, headlessService, ingress, ingressPolicy, service, statefulSet } from './app.js';
import { dependenciesEgressPolicy, dependentsPolicy } from './connect.js';
import { HPA_API_VERSION, horizontalPodAutoscaler } from './autoscaler.js';
import { limitRange, namespace, resourceQuota, teamBuildPolicy, teamIngressPolicy, teamNetworkPolicy, tenantRoleBindings } from './team.js';

/** Apply order: what others depend on first (the namespace, then policies and quotas, then workloads). */
const KIND_ORDER = ['Namespace', 'RoleBinding', 'ResourceQuota', 'LimitRange', 'NetworkPolicy', 'Service', 'Deployment', 'StatefulSet', 'HorizontalPodAutoscaler', 'Ingress'];

export function sortObjects(objects: K8sObject[]): K8sObject[] {
  return [...objects].sort((a, b) =>
    KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.metadata.name.localeCompare(b.metadata.name));
}

/** Everything a team owns at the namespace level. Pure: same input, same output. */
export function renderTeam(team: TeamIntent, s: RenderSettings): K8sObject[] {
  return sortObjects([namespace(team), ...tenantRoleBindings(team, s), teamNetworkPolicy(team, s), teamBuildPolicy(team, s), teamIngressPolicy(team), resourceQuota(team, s), limitRange(team, s)]);
}

/** Everything one app owns. Pure: same input, same output, sorted. */
export function renderApp(app: AppIntent, s: RenderSettings): K8sObject[] {
  const workload = app.volumes.length > 0 ? [statefulSet(app, s), headlessService(app)] : [deployment(app, s)];
  const objects = [...workload, horizontalPodAutoscaler(app, s), service(app), ingress(app, s), ingressPolicy(app, s), dependentsPolicy(app), dependenciesEgressPolicy(app)]
    .filter((o): o is K8sObject => o !== undefined);
  return sortObjects(objects);
}

/** The kinds an app may own, for prune (it lists these and deletes what is no longer rendered). */
export const APP_KINDS = [
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
  { apiVersion: HPA_API_VERSION, kind: 'HorizontalPodAutoscaler' },
] as const;

/**
 * The kinds one app may own: an app's volumes are fixed when it is created, so it only ever has
 * one of the two workload kinds, and a reconcile lists only that one.
 */
export function appKinds(app: Pick<AppIntent, 'volumes'>) {
  const absent = app.volumes.length > 0 ? 'Deployment' : 'StatefulSet';
  return APP_KINDS.filter((k) => k.kind !== absent);
}

/**
 * What deleting an app removes: its rendered kinds plus the Secrets made for it outside the
 * render (the build's git credentials, the copies of shared dependencies' secrets).
 */
export const APP_KINDS_ON_DELETE = [...APP_KINDS, { apiVersion: 'v1', kind: 'Secret' }] as const;
/** What deleting an app with its data removes as well (kept by default). */
export const DATA_KINDS = [{ apiVersion: 'v1', kind: 'PersistentVolumeClaim' }] as const;
