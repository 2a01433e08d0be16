import type * as k8s from '@kubernetes/client-node';
import { APP, MANAGED_BY, ROLE, RUN, TEAM } from '../../k8s/labels.js';
import { HPA_API_VERSION } from '../../k8s/render/autoscaler.js';
import { log } from '../../src/log.js';
import { Reflector, slimObject, type EventType, type WireObject } from './reflector.js';

/** Only Yunbang's objects are ever listed, watched or kept. */
export const MANAGED_SELECTOR = `${MANAGED_BY}=yunbang`;

/** The kinds watched in every namespace at once (k8s/install/base/rbac.yaml grants list/watch on exactly these). */
export const CLUSTER_KINDS = [
  { apiVersion: 'v1', kind: 'Namespace', path: '/api/v1/namespaces' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', path: '/apis/rbac.authorization.k8s.io/v1/rolebindings' },
  { apiVersion: 'v1', kind: 'ResourceQuota', path: '/api/v1/resourcequotas' },
  { apiVersion: 'v1', kind: 'LimitRange', path: '/api/v1/limitranges' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', path: '/apis/networking.k8s.io/v1/networkpolicies' },
  { apiVersion: 'v1', kind: 'Service', path: '/api/v1/services' },
  { apiVersion: 'apps/v1', kind: 'Deployment', path: '/apis/apps/v1/deployments' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet', path: '/apis/apps/v1/statefulsets' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', path: '/apis/networking.k8s.io/v1/ingresses' },
  { apiVersion: HPA_API_VERSION, kind: 'HorizontalPodAutoscaler', path: `/apis/${HPA_API_VERSION}/horizontalpodautoscalers` },
  { apiVersion: 'v1', kind: 'Pod', path: '/api/v1/pods' },
] as const;

/**
 * Pods are the most numerous objects: keep what health and endpoints are read from (metadata,
 * status), the node it runs on, and each container's name, limits and requests (the LimitRange's
 * defaults included, which only the pod shows): for the memory-near-limit series and the nodes'
 * requested resources.
 */
export function slimPod(o: WireObject): WireObject {
  const s = slimObject(o) as WireObject & { status?: Record<string, unknown>; spec?: { nodeName?: string; containers?: { name?: string; resources?: { limits?: unknown; requests?: unknown } }[] } };
  const { phase, podIP, conditions, containerStatuses } = s.status ?? {};
  const containers = s.spec?.containers?.map((c) => ({ name: c.name, resources: { limits: c.resources?.limits, requests: c.resources?.requests } }));
  return { apiVersion: s.apiVersion, kind: s.kind, metadata: s.metadata, spec: { nodeName: s.spec?.nodeName, containers }, status: { phase, podIP, conditions, containerStatuses } };
}

/** One app's objects, as keyed in each kind's index. */
const appKey = (namespace: string, team: string, app: string) => `${namespace}/${team}/${app}`;
const appKeyOf = (o: WireObject) => {
  const l = o.metadata?.labels;
  return l?.[APP] ? appKey(o.metadata?.namespace ?? '', l[TEAM] ?? '', l[APP]) : undefined;
};

/**
 * The worker's view of one cluster: every Yunbang-labelled object of the kinds it manages, kept
 * current by watches, indexed by app. Reconciles read here instead of asking the API server, so a
 * reconcile that finds nothing to do makes no request; the watches' events are what trigger
 * reconciles when the cluster changes (drift included). Secrets are watched per team namespace,
 * from the first time a reconcile needs one there.
 *
 * A kind is read from the cache only once its first list is in (`synced`); before that, and for
 * anything the cache cannot answer, readers go to the API server (see jobs/cache/live.ts).
 */
export class ClusterCache {
  private readonly kinds = new Map<string, Reflector>();
  private readonly secrets = new Map<string, Reflector>();
  private stopped = false;

  constructor(private readonly kc: k8s.KubeConfig, private readonly onEvent: (type: EventType, obj: WireObject) => void, private readonly cluster?: string) {
    for (const k of CLUSTER_KINDS) {
      this.kinds.set(k.kind, new Reflector({
        kc, apiVersion: k.apiVersion, kind: k.kind, path: k.path, labelSelector: MANAGED_SELECTOR, cluster,
        slim: k.kind === 'Pod' ? slimPod : slimObject, indexBy: appKeyOf,
        onEvent: (type, obj) => {
          if (type === 'delete' && obj.kind === 'Namespace') this.dropSecrets(obj.metadata!.name!);
          this.onEvent(type, obj);
        },
      }));
    }
  }

  /** Starts every watch; resolves once each kind's first list is in or has failed (failed ones keep retrying). */
  async start(): Promise<void> {
    await Promise.all([...this.kinds.values()].map((r) => r.start().catch((err) => {
      log.warn({ cluster: this.cluster, error: (err as Error).message }, 'cache: first list failed; reading this kind from the API server until it succeeds');
    })));
  }

  stop(): void {
    this.stopped = true;
    for (const r of this.kinds.values()) r.stop();
    for (const r of this.secrets.values()) r.stop();
  }

  synced(kind: string): boolean { return this.kinds.get(kind)?.synced ?? false; }

  /** One object of a cluster-wide kind, or undefined if the cache holds none; throws if the kind is not synced. */
  get(kind: string, namespace: string, name: string): WireObject | undefined {
    return this.kindOf(kind).get(namespace, name);
  }

  /** The objects of one kind carrying one app's owner labels. */
  owned(kind: string, namespace: string, team: string, app: string): WireObject[] {
    return this.kindOf(kind).indexed(appKey(namespace, team, app));
  }

  /** Every object of a kind held, or nothing before its first list is in. */
  all(kind: string): WireObject[] {
    const r = this.kinds.get(kind);
    return r?.synced ? [...r.values()] : [];
  }

  /** An app's own pods (its build and detect pods, which carry a role, and its one-off commands' are not its replicas). */
  pods(namespace: string, team: string, app: string): k8s.V1Pod[] {
    return this.owned('Pod', namespace, team, app).filter((p) => p.metadata?.labels?.[ROLE] === undefined && p.metadata?.labels?.[RUN] === undefined) as k8s.V1Pod[];
  }

  /** A one-off command's pod (`yb run`), from the cache. */
  runPod(runId: string): k8s.V1Pod | undefined {
    return this.all('Pod').find((p) => p.metadata?.labels?.[RUN] === runId) as k8s.V1Pod | undefined;
  }

  /**
   * The Secrets Yunbang made in one namespace, watched from the first call on. Undefined when
   * the watch cannot list there (yet): the caller reads the API server instead.
   */
  async secretsIn(namespace: string): Promise<Reflector | undefined> {
    if (this.stopped) return undefined;
    let r = this.secrets.get(namespace);
    if (!r) {
      r = new Reflector({
        kc: this.kc, apiVersion: 'v1', kind: 'Secret', path: `/api/v1/namespaces/${namespace}/secrets`, labelSelector: MANAGED_SELECTOR, cluster: this.cluster,
        onEvent: (type, obj) => this.onEvent(type, obj),
      });
      this.secrets.set(namespace, r);
      const started = r;
      // A namespace whose RoleBinding is not in effect yet answers 403: forget it and try again next time.
      await r.start().catch(() => { started.stop(); if (this.secrets.get(namespace) === started) this.secrets.delete(namespace); });
    }
    return r.synced ? r : undefined;
  }

  private dropSecrets(namespace: string): void {
    this.secrets.get(namespace)?.stop();
    this.secrets.delete(namespace);
  }

  /** Objects held, by kind (for the scale benchmark's memory per app). */
  get sizes(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [kind, r] of this.kinds) out[kind] = r.size;
    out.Secret = [...this.secrets.values()].reduce((n, r) => n + r.size, 0);
    return out;
  }

  private kindOf(kind: string): Reflector {
    const r = this.kinds.get(kind);
    if (!r?.synced) throw new Error(`cache: ${kind} is not synced`);
    return r;
  }
}
