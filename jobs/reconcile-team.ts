import type * as k8s from '@kubernetes/client-node';
import type { Db } from '../src/db/pool.js';
import { statusCode, type Kube } from '../src/kube.js';
import { applyObjects, liveIndex, type ApplyResult } from '../k8s/apply.js';
import { GENERATION } from '../k8s/labels.js';
import { renderTeam } from '../k8s/render/index.js';
import type { K8sObject, RenderSettings, TeamIntent } from '../k8s/types.js';
import { loadTeam } from './intent.js';
import { step } from './steps.js';

/** Reads the live copies of a team's objects (four GETs; missing ones are left out). */
async function readLive(kube: Kube, desired: K8sObject[]): Promise<k8s.KubernetesObject[]> {
  const found = await Promise.all(desired.map(async (o): Promise<k8s.KubernetesObject | undefined> => {
    try {
      const header = { apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.metadata.name, namespace: o.metadata.namespace } };
      return { ...(await kube.objects.read(header)), apiVersion: o.apiVersion, kind: o.kind };
    } catch (err) {
      if (statusCode(err) === 404) return undefined;
      throw err;
    }
  }));
  return found.filter((o): o is k8s.KubernetesObject => o !== undefined);
}

/** Applies a team's namespace, default-deny policy, quota and limit range. */
export async function applyTeamObjects(kube: Kube, team: TeamIntent, settings: RenderSettings): Promise<ApplyResult[]> {
  const desired = await step('RenderFailed', () => renderTeam(team, settings));
  const live = await step('ApplyFailed', () => readLive(kube, desired));
  return step('ApplyFailed', () => applyObjects(kube.objects, desired, liveIndex(live)));
}

/**
 * Makes sure the team's namespace exists at the team's generation; one GET when it does.
 * App reconciles call this first, so an app never waits for a separate team job.
 */
export async function ensureTeam(kube: Kube, team: TeamIntent, settings: RenderSettings): Promise<ApplyResult[]> {
  const ns = await step('ApplyFailed', async () => {
    try { return await kube.core.readNamespace({ name: team.namespace }); } catch (err) { if (statusCode(err) === 404) return undefined; throw err; }
  });
  if (ns && ns.status?.phase !== 'Terminating' && ns.metadata?.labels?.[GENERATION] === String(team.generation)) return [];
  return applyTeamObjects(kube, team, settings);
}

/** The team-reconcile job: apply a live team's objects, or delete a deleted team's namespace. */
export async function reconcileTeam(env: { db: Db; kube: Kube; settings: RenderSettings }, teamId: string): Promise<ApplyResult[]> {
  const team = await step('LoadFailed', () => loadTeam(env.db, teamId));
  if (!team) return [];
  if (!team.deleted) return applyTeamObjects(env.kube, team.intent, env.settings);
  return step('PruneFailed', async () => {
    try {
      await env.kube.core.deleteNamespace({ name: team.intent.namespace });
      return [{ kind: 'Namespace', name: team.intent.namespace, action: 'deleted' as const }];
    } catch (err) {
      if (statusCode(err) === 404) return [];
      throw err;
    }
  });
}
