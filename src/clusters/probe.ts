import * as k8s from '@kubernetes/client-node';
import { withTimeout } from '../timeout.js';
import { nodeStandIns, type LocalImages } from './stand-ins.js';

/**
 * What Yunbang learns of a cluster by asking it, as its own identity (never an admin): that it
 * answers, its version and node count, and whether the identity holds the rights the worker needs
 * and none of an admin's. Each call is bounded, so an unreachable cluster costs `timeoutMs`, not
 * a hung request.
 */
export interface ClusterFacts {
  version: string;
  nodes: number;
  /** Images its nodes serve from local stand-ins (the local stack's nodes; none in production). */
  standIns: LocalImages;
  /** The nodes themselves, for their capacity. */
  nodeList: k8s.V1Node[];
}

/** A short, secret-free reason a call to a cluster failed (client-node errors carry whole responses). */
export function clusterError(err: unknown): string {
  const e = err as { code?: number | string; message?: string; cause?: { code?: string; message?: string } };
  if (typeof e.code === 'number') {
    if (e.code === 401) return 'the API server refused the credentials (401 Unauthorized)';
    if (e.code === 403) return 'the identity is not allowed to do this (403 Forbidden)';
    return `the API server answered ${e.code}`;
  }
  const cause = e.cause?.code ?? (typeof e.code === 'string' ? e.code : undefined);
  const message = (e.cause?.message ?? e.message ?? String(err)).split('\n')[0]!.slice(0, 300);
  return cause && !message.includes(cause) ? `${cause}: ${message}` : message;
}

export async function probeCluster(kc: k8s.KubeConfig, timeoutMs: number): Promise<ClusterFacts> {
  const [version, nodes] = await Promise.all([
    withTimeout(kc.makeApiClient(k8s.VersionApi).getCode(), timeoutMs, 'version'),
    withTimeout(kc.makeApiClient(k8s.CoreV1Api).listNode(), timeoutMs, 'nodes'),
  ]);
  return { version: version.gitVersion, nodes: nodes.items.length, standIns: nodeStandIns(nodes.items), nodeList: nodes.items };
}

interface Right { verb: string; group?: string; resource: string; namespace?: string; name?: string }
const describeRight = (r: Right) => `${r.verb} ${r.group ? `${r.resource}.${r.group}` : r.resource}${r.name ? ` ${r.name}` : ''}${r.namespace ? ` in ${r.namespace}` : ' (cluster-wide)'}`;

/** What the worker must be able to do in a cluster (k8s/install/base/rbac.yaml's yunbang-worker). */
export const WORKER_RIGHTS: Right[] = [
  { verb: 'create', resource: 'namespaces' },
  { verb: 'list', resource: 'nodes' },
  { verb: 'watch', resource: 'pods' },
  { verb: 'watch', group: 'apps', resource: 'deployments' },
  { verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'rolebindings', namespace: 'yb-probe' },
  { verb: 'bind', group: 'rbac.authorization.k8s.io', resource: 'clusterroles', name: 'yunbang-tenant-worker' },
];
/** What no Yunbang identity may be able to do: a kubeconfig that can is an admin's, and is refused. */
export const ADMIN_RIGHTS: Right[] = [
  { verb: 'get', resource: 'secrets', namespace: 'kube-system' },
  { verb: 'create', resource: 'pods', namespace: 'default' },
];

async function allowed(auth: k8s.AuthorizationV1Api, r: Right, timeoutMs: number): Promise<boolean> {
  const review = await withTimeout(auth.createSelfSubjectAccessReview({
    body: { spec: { resourceAttributes: { verb: r.verb, group: r.group ?? '', resource: r.resource, namespace: r.namespace, name: r.name } } },
  }), timeoutMs, 'access review');
  return review.status?.allowed === true;
}

/** Missing rights (the identity cannot do what `need` lists) and excess ones (it can do what an admin can). */
export async function checkRights(kc: k8s.KubeConfig, need: Right[], timeoutMs: number): Promise<{ missing: string[]; excess: string[] }> {
  const auth = kc.makeApiClient(k8s.AuthorizationV1Api);
  const [have, admin] = await Promise.all([
    Promise.all(need.map((r) => allowed(auth, r, timeoutMs))),
    Promise.all(ADMIN_RIGHTS.map((r) => allowed(auth, r, timeoutMs))),
  ]);
  return {
    missing: need.filter((_, i) => !have[i]).map(describeRight),
    excess: ADMIN_RIGHTS.filter((_, i) => admin[i]).map(describeRight),
  };
}
