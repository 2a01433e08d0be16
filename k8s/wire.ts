import type { KubernetesObject } from '@kubernetes/client-node';
// Not re-exported by the package index; pinned with client-node ~1.4.
import { ObjectSerializer } from '@kubernetes/client-node/dist/serializer.js';
import { getSerializationType } from '@kubernetes/client-node/dist/util.js';
import type { K8sObject } from './types.js';

/**
 * client-node 1.x sends and receives objects through typed models whose property names differ
 * from the wire format where JSON keys are reserved words: `default` is `_default` (LimitRange),
 * `from` is `_from` (NetworkPolicy). A plain object handed to it loses those fields silently
 * (a NetworkPolicy without `from` admits everyone), so rendered objects are converted to the
 * typed form before sending, and live objects back to wire form before comparing.
 */
export function toTyped(o: K8sObject): KubernetesObject {
  return ObjectSerializer.deserialize(o, getSerializationType(o.apiVersion, o.kind)) as KubernetesObject;
}

export function toWire(o: KubernetesObject): Record<string, unknown> {
  return ObjectSerializer.serialize(o, getSerializationType(o.apiVersion, o.kind)) as Record<string, unknown>;
}

/** An object as the API server sends it (wire JSON: `from`, not client-node's `_from`), as the watch cache keeps it. */
export type WireObject = {
  apiVersion?: string; kind?: string;
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; labels?: Record<string, string>; deletionTimestamp?: string; [k: string]: unknown };
  [k: string]: unknown;
};
