import type { AppIntent, K8sObject, RenderSettings, TeamIntent } from '../types.js';
import { deployment, ingress, ingressPolicy, service } from './app.js';
import { limitRange, namespace, resourceQuota, teamNetworkPolicy } from './team.js';

/** Apply order: what others depend on first (the namespace, then policies and quotas, then workloads). */
const KIND_ORDER = ['Namespace', 'ResourceQuota', 'LimitRange', 'NetworkPolicy', 'Service', 'Deployment', 'Ingress'];

export function sortObjects(objects: K8sObject[]): K8sObject[] {
  return [...objects].sort((a, b) =>
    KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || a.metadata.name.localeCompare(b.metadata.name));
}

/** Everything a team owns at the namespace level. Pure: same input, same output. */
export function renderTeam(team: TeamIntent, s: RenderSettings): K8sObject[] {
  return sortObjects([namespace(team), teamNetworkPolicy(team, s), resourceQuota(team, s), limitRange(team, s)]);
}

/** Everything one app owns. Pure: same input, same output, sorted. */
export function renderApp(app: AppIntent, s: RenderSettings): K8sObject[] {
  const objects = [deployment(app), service(app), ingress(app, s), ingressPolicy(app, s)].filter((o): o is K8sObject => o !== undefined);
  return sortObjects(objects);
}

/** The kinds an app may own, for prune (it lists these and deletes what is no longer rendered). */
export const APP_KINDS = [
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
] as const;

/**
 * What deleting an app removes: its rendered kinds plus the Secrets made for it outside the
 * render (the build's git credentials).
 */
export const APP_KINDS_ON_DELETE = [...APP_KINDS, { apiVersion: 'v1', kind: 'Secret' }] as const;
