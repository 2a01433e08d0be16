import type * as k8s from '@kubernetes/client-node';
import { statusCode, type Kube } from '../../src/kube.js';
import { listOwned } from '../../k8s/apply.js';
import { appPodSelector, appSelector } from '../../k8s/labels.js';
import { toWire, type WireObject } from '../../k8s/wire.js';
import type { ClusterCache } from './cluster-cache.js';

type KindRef = { apiVersion: string; kind: string };
export interface ObjectRef extends KindRef { namespace?: string; name: string }

/**
 * Where a reconcile reads the cluster's current state from. Everything comes back in wire form,
 * as the API server sends it. Two implementations: the API server itself (`apiReader`), and the
 * watch cache (`cachedReader`), which answers without a request and falls back to the API server
 * for a kind it has not listed yet.
 */
export interface LiveReader {
  /** One object, or undefined if it does not exist. */
  object(ref: ObjectRef): Promise<WireObject | undefined>;
  /** The objects of these kinds carrying one app's owner labels, in its namespace. */
  owned(kinds: readonly KindRef[], namespace: string, team: string, app: string): Promise<WireObject[]>;
  /** The app's own pods (its build and detect pods are not among them). */
  pods(namespace: string, team: string, app: string): Promise<k8s.V1Pod[]>;
  /** A Secret Yunbang made. */
  secret(namespace: string, name: string): Promise<WireObject & { data?: Record<string, string> } | undefined>;
  /** The API server itself, to confirm what the cache says before a write that cannot be undone by the next apply. */
  readonly fresh: LiveReader;
}

const orUndefined = async <T>(read: () => Promise<T>): Promise<T | undefined> => {
  try { return await read(); } catch (err) { if (statusCode(err) === 404) return undefined; throw err; }
};

export function apiReader(kube: Kube): LiveReader {
  const reader: LiveReader = {
    object: async (ref) => {
      const header = { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } };
      const found = await orUndefined(() => kube.objects.read(header));
      return found && toWire({ ...found, apiVersion: ref.apiVersion, kind: ref.kind }) as WireObject;
    },
    owned: (kinds, namespace, team, app) => listOwned(kube.objects, kinds, namespace, appSelector(team, app)),
    pods: async (namespace, team, app) => (await kube.core.listNamespacedPod({ namespace, labelSelector: appPodSelector(team, app) })).items,
    secret: async (namespace, name) => {
      const found = await orUndefined(() => kube.core.readNamespacedSecret({ name, namespace }));
      return found && { ...toWire({ ...found, apiVersion: 'v1', kind: 'Secret' }) as WireObject, data: found.data };
    },
    get fresh() { return reader; },
  };
  return reader;
}

/**
 * Reads from the watch cache. A Namespace the cache does not hold is confirmed with the API
 * server: one without Yunbang's label is never in the cache, and must still be seen (and refused).
 */
export function cachedReader(cache: ClusterCache, kube: Kube): LiveReader {
  const api = apiReader(kube);
  return {
    object: async (ref) => {
      if (!cache.synced(ref.kind)) return api.object(ref);
      const found = cache.get(ref.kind, ref.namespace ?? '', ref.name);
      return found ?? (ref.kind === 'Namespace' ? api.object(ref) : undefined);
    },
    owned: async (kinds, namespace, team, app) => {
      if (!kinds.every((k) => cache.synced(k.kind))) return api.owned(kinds, namespace, team, app);
      return kinds.flatMap((k) => cache.owned(k.kind, namespace, team, app));
    },
    pods: async (namespace, team, app) => {
      if (!cache.synced('Pod')) return api.pods(namespace, team, app);
      return cache.pods(namespace, team, app);
    },
    secret: async (namespace, name) => {
      const secrets = await cache.secretsIn(namespace);
      return secrets ? secrets.get(namespace, name) as WireObject & { data?: Record<string, string> } | undefined : api.secret(namespace, name);
    },
    fresh: api,
  };
}
