import * as k8s from '@kubernetes/client-node';
import { FIELD_MANAGER, REPLICAS_BY } from './labels.js';
import type { K8sObject } from './types.js';
import { toTyped, toWire, type WireObject } from './wire.js';

export type Action = 'created' | 'configured' | 'unchanged' | 'deleted';
export interface ApplyResult { kind: string; namespace?: string; name: string; action: Action }

/**
 * True when every field we would apply already has that value live. Lists are compared element
 * by element (the API server appends defaults inside elements, never new elements to ours).
 * This is what makes a reconcile of an unchanged app read-only.
 */
export function isSubset(desired: unknown, live: unknown): boolean {
  if (desired === live) return true;
  if (Array.isArray(desired)) {
    return Array.isArray(live) && desired.length === live.length && desired.every((d, i) => isSubset(d, live[i]));
  }
  if (desired !== null && typeof desired === 'object') {
    if (live === null || typeof live !== 'object' || Array.isArray(live)) return false;
    return Object.entries(desired).every(([k, v]) => isSubset(v, (live as Record<string, unknown>)[k]));
  }
  // The API server omits empty strings (omitempty): an empty value is already "applied".
  if (desired === '' && live === undefined) return true;
  // Numbers the server returns as strings or vice versa (int-or-string ports) compare by text.
  return desired !== undefined && live !== undefined && String(desired) === String(live);
}

export const objectKey = (o: { kind?: string; metadata?: { namespace?: string; name?: string } }) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
const codeOf = (err: unknown) => (err as { code?: number }).code;

/** The objects of `desired` that differ from their live copies (wire form, keyed kind/namespace/name). Pure. */
export function changedObjects(desired: K8sObject[], live: Map<string, WireObject>): K8sObject[] {
  return desired.filter((obj) => { const current = live.get(objectKey(obj)); return !current || !isSubset(obj, current); });
}

/** The live objects no longer rendered (to be pruned). Pure. */
export function unwantedObjects(desired: K8sObject[], live: WireObject[]): WireObject[] {
  const keep = new Set(desired.map(objectKey));
  return live.filter((o) => !keep.has(objectKey(o)));
}

/**
 * Server-side applies each object that differs from its live copy (one field manager, forcing
 * conflicts: Yunbang only sends fields it owns, so only those are taken back, e.g. after a
 * hand edit). `live` holds the current objects in wire form, keyed kind/namespace/name, as listed
 * by the caller (from the watch cache, or the API server). `applied`, if given, receives each
 * object as the API server answered its apply (typed), so the caller need not read it again.
 */
export async function applyObjects(client: k8s.KubernetesObjectApi, desired: K8sObject[], live: Map<string, WireObject>, applied?: Map<string, k8s.KubernetesObject>): Promise<ApplyResult[]> {
  const changed = new Set(changedObjects(desired, live));
  const results: ApplyResult[] = [];
  for (const obj of desired) {
    const base = { kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name };
    if (!changed.has(obj)) { results.push({ ...base, action: 'unchanged' }); continue; }
    const answer = await client.patch(toTyped(obj), undefined, undefined, FIELD_MANAGER, true, k8s.PatchStrategy.ServerSideApply);
    applied?.set(objectKey(obj), answer);
    results.push({ ...base, action: live.has(objectKey(obj)) ? 'configured' : 'created' });
  }
  return results;
}

/**
 * Before a Deployment is first applied without `replicas` (its app is now autoscaled): the field
 * is Yunbang's, and an apply that leaves out a field its only manager owned resets it to the
 * default, 1 replica, until the HPA scales it back. So another field manager first takes a share
 * of it at its live value; Yunbang's apply then lets go of its share and the value stays, for the
 * HPA to change (Kubernetes' documented hand-over to an HPA, "Transferring ownership").
 */
export const HANDOVER_MANAGER = 'yunbang-replicas-handover';
export async function handOverReplicas(client: k8s.KubernetesObjectApi, desired: K8sObject[], live: Map<string, WireObject>): Promise<number> {
  let handed = 0;
  for (const obj of desired) {
    if (obj.kind !== 'Deployment' || obj.metadata.annotations?.[REPLICAS_BY] !== 'autoscaler') continue;
    const current = live.get(objectKey(obj)) as (WireObject & { spec?: { replicas?: number } }) | undefined;
    const replicas = current?.spec?.replicas;
    if (!current || (current.metadata?.annotations as Record<string, string> | undefined)?.[REPLICAS_BY] === 'autoscaler' || replicas === undefined) continue;
    // At least 1: an HPA does nothing for a workload at 0 (an app waking from sleep would stay there).
    const share = { apiVersion: obj.apiVersion, kind: obj.kind, metadata: { name: obj.metadata.name, namespace: obj.metadata.namespace }, spec: { replicas: Math.max(replicas, 1) } };
    try {
      await client.patch(share as k8s.KubernetesObject, undefined, undefined, HANDOVER_MANAGER, false, k8s.PatchStrategy.ServerSideApply);
      handed++;
    } catch (err) {
      if (codeOf(err) !== 409) throw err; // a conflict: another manager has it already, so letting go cannot reset it
    }
  }
  return handed;
}

/** Deletes the live objects that are no longer rendered. */
export async function pruneObjects(client: k8s.KubernetesObjectApi, desired: K8sObject[], live: WireObject[]): Promise<ApplyResult[]> {
  const results: ApplyResult[] = [];
  for (const obj of unwantedObjects(desired, live)) {
    try {
      await client.delete(obj as k8s.KubernetesObject, undefined, undefined, undefined, undefined, 'Background');
    } catch (err) {
      if (codeOf(err) !== 404) throw err;
    }
    results.push({ kind: obj.kind!, namespace: obj.metadata?.namespace, name: obj.metadata!.name!, action: 'deleted' });
  }
  return results;
}

/** Lists the live objects of the given kinds that carry a label selector, in one namespace (wire form). */
export async function listOwned(client: k8s.KubernetesObjectApi, kinds: readonly { apiVersion: string; kind: string }[], namespace: string, selector: string): Promise<WireObject[]> {
  const lists = await Promise.all(kinds.map(async ({ apiVersion, kind }) => {
    try {
      const list = await client.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, selector);
      // List items come without apiVersion/kind; put them back so they can be deleted and keyed.
      return list.items.map((i) => toWire({ ...i, apiVersion, kind }) as WireObject);
    } catch (err) {
      if (codeOf(err) === 404) return []; // the namespace is gone: nothing is owned there
      throw err;
    }
  }));
  return lists.flat();
}

export const liveIndex = (objects: WireObject[]) => new Map(objects.map((o) => [objectKey(o), o]));
