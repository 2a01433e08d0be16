import * as k8sClient from '@kubernetes/client-node';
import type { Db } from '../src/db/pool.js';
import { statusCode, type Kube } from '../src/kube.js';
import { applyObjects, changedObjects, liveIndex, objectKey, type ApplyResult } from '../k8s/apply.js';
import type { WireObject } from '../k8s/wire.js';
import { apiReader, type LiveReader } from './cache/live.js';
import { GENERATION, MANAGED_BY, TEAM_RENDER, TEAM_RENDER_VERSION } from '../k8s/labels.js';
import { renderTeam } from '../k8s/render/index.js';
import type { K8sObject, RenderSettings, TeamIntent } from '../k8s/types.js';
import { loadTeam } from './intent.js';
import { StepError, step } from './steps.js';

/** Reads the live copies of a team's objects (missing ones are left out). */
async function readLive(live: LiveReader, desired: K8sObject[]): Promise<WireObject[]> {
  const found = await Promise.all(desired.map((o) => live.object({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace })));
  return found.filter((o): o is WireObject => o !== undefined);
}

/**
 * Refuses a namespace that is not a team's: outside the prefix, or existing without Yunbang's
 * label (someone else's namespace of the same name). The worker's RBAC cannot draw this line
 * (it may create namespaces and RoleBindings by any name), so the code does.
 */
function guardNamespace(team: TeamIntent, settings: RenderSettings, live: { metadata?: { labels?: Record<string, string> } } | undefined): void {
  if (!team.namespace.startsWith(settings.namespacePrefix)) {
    throw new StepError('ApplyFailed', new Error(`namespace ${team.namespace} is outside the team prefix ${settings.namespacePrefix}: refusing to touch it`));
  }
  if (live && live.metadata?.labels?.[MANAGED_BY] !== 'yunbang') {
    throw new StepError('ApplyFailed', new Error(`namespace ${team.namespace} exists and is not managed by Yunbang: refusing to touch it`));
  }
}

/**
 * Applies a team's namespace and Yunbang's RoleBindings in it first, waits until those rights are
 * in effect (RBAC takes a moment to see a new binding), then the default-deny policies, quota and
 * limit range. The namespace gets its generation labels last: they tell every reconcile (ensureTeam)
 * that all of the team's objects of that generation are in place, so none may go ahead before.
 */
export async function applyTeamObjects(kube: Kube, team: TeamIntent, settings: RenderSettings, live: LiveReader = apiReader(kube)): Promise<ApplyResult[]> {
  const desired = await step('RenderFailed', () => renderTeam(team, settings));
  const namespace = desired.find((o) => o.kind === 'Namespace')!;
  const { [GENERATION]: _generation, [TEAM_RENDER]: _render, ...labels } = namespace.metadata.labels ?? {};
  const unstamped: K8sObject = { ...namespace, metadata: { ...namespace.metadata, labels } };
  // The namespace and the bindings are read and applied with cluster-wide rights; what is inside
  // the namespace only once the bindings give the rights to read it.
  const bindings = desired.filter((o) => o.kind === 'RoleBinding');
  const rest = desired.filter((o) => o !== namespace && !bindings.includes(o));
  const liveFirst = liveIndex(await step('ApplyFailed', () => readLive(live, [namespace, ...bindings])));
  guardNamespace(team, settings, liveFirst.get(objectKey(namespace)));
  const stamped = changedObjects([namespace], liveFirst).length === 0;
  const results = await step('ApplyFailed', () => applyObjects(kube.objects, [unstamped, ...bindings], liveFirst));
  if (!stamped) await step('ApplyFailed', () => waitForRights(kube, team.namespace));
  const liveRest = await step('ApplyFailed', () => readLive(live, rest));
  results.push(...await step('ApplyFailed', () => applyObjects(kube.objects, rest, liveIndex(liveRest))));
  if (!stamped) results.push(...await step('ApplyFailed', () => applyObjects(kube.objects, [namespace], liveIndex([unstamped as WireObject]))));
  return results;
}

/** Waits (up to 10 s) until this identity may manage the namespace's objects. */
async function waitForRights(kube: Kube, namespace: string): Promise<void> {
  const auth = kube.config.makeApiClient(k8sClient.AuthorizationV1Api);
  for (let i = 0; i < 100; i++) {
    const review = await auth.createSelfSubjectAccessReview({ body: { spec: { resourceAttributes: { namespace, verb: 'patch', group: 'networking.k8s.io', resource: 'networkpolicies' } } } });
    if (review.status?.allowed) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the RoleBindings in ${namespace} gave no rights within 10 s: are the ClusterRoles of k8s/install/base/rbac.yaml applied?`);
}

/**
 * Makes sure the team's namespace exists at the team's generation; one GET when it does.
 * App reconciles call this first, so an app never waits for a separate team job.
 */
export async function ensureTeam(kube: Kube, team: TeamIntent, settings: RenderSettings, live: LiveReader = apiReader(kube)): Promise<ApplyResult[]> {
  const ns = await step('ApplyFailed', () => live.object({ apiVersion: 'v1', kind: 'Namespace', name: team.namespace })) as
    { metadata?: { labels?: Record<string, string> }; status?: { phase?: string } } | undefined;
  if (namespaceCurrent(ns, team)) return [];
  return applyTeamObjects(kube, team, settings, live);
}

/** Whether a live namespace carries the stamp of the team's current generation (all its objects applied). */
export function namespaceCurrent(ns: { metadata?: { labels?: Record<string, string> }; status?: { phase?: string } } | undefined, team: TeamIntent): boolean {
  return ns !== undefined && ns.status?.phase !== 'Terminating' && ns.metadata?.labels?.[GENERATION] === String(team.generation)
    && ns.metadata?.labels?.[TEAM_RENDER] === TEAM_RENDER_VERSION;
}

/**
 * The team-reconcile job in one cluster: apply a live team's objects where it is allowed, or
 * delete its namespace where it no longer is (deleted, or disallowed in this cluster).
 */
export async function reconcileTeam(env: { db: Db; kube: Kube; settings: RenderSettings; clusterId: string; live?: LiveReader }, teamId: string): Promise<ApplyResult[]> {
  const team = await step('LoadFailed', () => loadTeam(env.db, teamId));
  if (!team) return [];
  if (!team.deleted && team.clusterIds.includes(env.clusterId)) return applyTeamObjects(env.kube, team.intent, env.settings, env.live);
  return step('PruneFailed', async () => {
    try {
      guardNamespace(team.intent, env.settings, await env.kube.core.readNamespace({ name: team.intent.namespace }));
      await env.kube.core.deleteNamespace({ name: team.intent.namespace });
      return [{ kind: 'Namespace', name: team.intent.namespace, action: 'deleted' as const }];
    } catch (err) {
      if (statusCode(err) === 404) return [];
      throw err;
    }
  });
}
