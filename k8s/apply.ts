import * as k8s from '@kubernetes/client-node';
import { FIELD_MANAGER } from './labels.js';
import type { K8sObject } from './types.js';
import { toTyped, toWire } from './wire.js';

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

const key = (o: { kind?: string; metadata?: { namespace?: string; name?: string } }) => `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
const codeOf = (err: unknown) => (err as { code?: number }).code;

/**
 * Server-side applies each object that differs from its live copy (one field manager, forcing
 * conflicts: Yunbang only sends fields it owns, so only those are taken back, e.g. after a
 * hand edit). `live` holds the current objects, keyed kind/namespace/name, as listed by the caller.
 */
export async function applyObjects(client: k8s.KubernetesObjectApi, desired: K8sObject[], live: Map<string, k8s.KubernetesObject>): Promise<ApplyResult[]> {
  const results: ApplyResult[] = [];
  for (const obj of desired) {
    const current = live.get(key(obj));
    const base = { kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name };
    if (current && isSubset(obj, toWire(current))) { results.push({ ...base, action: 'unchanged' }); continue; }
    await client.patch(toTyped(obj), undefined, undefined, FIELD_MANAGER, true, k8s.PatchStrategy.ServerSideApply);
    results.push({ ...base, action: current ? 'configured' : 'created' });
  }
  return results;
}

/** Deletes the live objects that are no longer rendered. */
export async function pruneObjects(client: k8s.KubernetesObjectApi, desired: K8sObject[], live: k8s.KubernetesObject[]): Promise<ApplyResult[]> {
  const keep = new Set(desired.map(key));
  const results: ApplyResult[] = [];
  for (const obj of live) {
    if (keep.has(key(obj))) continue;
    try {
      await client.delete(obj, undefined, undefined, undefined, undefined, 'Background');
    } catch (err) {
      if (codeOf(err) !== 404) throw err;
    }
    results.push({ kind: obj.kind!, namespace: obj.metadata?.namespace, name: obj.metadata!.name!, action: 'deleted' });
  }
  return results;
}

/** Lists the live objects of the given kinds that carry a label selector, in one namespace. */
export async function listOwned(client: k8s.KubernetesObjectApi, kinds: readonly { apiVersion: string; kind: string }[], namespace: string, selector: string): Promise<k8s.KubernetesObject[]> {
  const lists = await Promise.all(kinds.map(async ({ apiVersion, kind }) => {
    try {
      const list = await client.list(apiVersion, kind, namespace, undefined, undefined, undefined, undefined, selector);
      // List items come without apiVersion/kind; put them back so they can be deleted and keyed.
      return list.items.map((i) => ({ ...i, apiVersion, kind }));
    } catch (err) {
      if (codeOf(err) === 404) return []; // the namespace is gone: nothing is owned there
      throw err;
    }
  }));
  return lists.flat();
}

export const liveIndex = (objects: k8s.KubernetesObject[]) => new Map(objects.map((o) => [key(o), o]));
