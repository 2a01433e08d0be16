import { Writable } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { authorize } from '../auth/principal.js';
import type { Kube } from '../kube.js';
import { log } from '../log.js';
import { Invalid, NotFound, Unavailable } from '../errors.js';
import { appPodSelector } from '../../k8s/labels.js';
import { describe } from '../describe-error.js';
import type { Ctx } from './context.js';
import { findTeam } from './teams.js';

export interface AppLogLine { pod: string; line: string }

/** The app's namespace and the clients of the cluster it runs in, for reading its pods' logs. */
export async function logSource(ctx: Ctx, team: string, app: string): Promise<{ namespace: string; kube: Kube }> {
  authorize(ctx.principal, team, 'read');
  if (!ctx.clusters) throw new Unavailable('logs are not available in this process');
  const t = await findTeam(ctx.db, team);
  const { rows } = await ctx.db.query<{ cluster: string }>(
    'SELECT c.name AS cluster FROM apps a JOIN clusters c ON c.id = a.cluster_id WHERE a.team_id = $1 AND a.name = $2 AND a.deleted_at IS NULL', [t.id, app]);
  if (!rows[0]) throw new NotFound(`app "${app}" not found in team "${team}"`);
  const kube = (await ctx.clusters.get(rows[0].cluster))?.kube;
  if (!kube) throw new Unavailable(`logs of apps in cluster "${rows[0].cluster}" are not available: it was registered without an apiKubeconfig`);
  return { namespace: t.namespace, kube };
}

async function runningPods(kube: Kube, namespace: string, team: string, app: string): Promise<string[]> {
  const pods = await kube.core.listNamespacedPod({ namespace, labelSelector: appPodSelector(team, app) });
  return pods.items.filter((p) => p.status?.phase === 'Running').map((p) => p.metadata!.name!).sort();
}

/**
 * A pod listed as Running can stop before its log is read: a rollout's old pod whose container the
 * kubelet has already stopped answers 400 ("is terminated"), one already deleted 404. It has no
 * running replica's lines to give, so it is left out (undefined); any other failure is the cluster's.
 */
async function podLog(kube: Kube, namespace: string, pod: string, tail: number): Promise<string | undefined> {
  try {
    return String(await kube.core.readNamespacedPodLog({ name: pod, namespace, container: 'app', tailLines: tail }));
  } catch (err) {
    if (stoppedPod(err)) return undefined;
    throw err;
  }
}

/** The API server's answer for a pod whose container the kubelet has stopped (400) or that is gone (404). */
const stoppedPod = (err: unknown) => [400, 404].includes((err as { code?: unknown }).code as number);

/**
 * The last `tail` lines of every running replica of an app, read through the API server's
 * pod-log endpoint (as `kubectl logs` does), so it works the same on any cluster.
 */
export async function appLogs(ctx: Ctx, team: string, app: string, tail = 100): Promise<AppLogLine[]> {
  authorize(ctx.principal, team, 'read'); // before anything else: another team learns nothing
  if (!Number.isInteger(tail) || tail < 1 || tail > 5000) throw Invalid.field('tail', 'must be between 1 and 5000');
  const { namespace, kube } = await logSource(ctx, team, app);
  try {
    const out: AppLogLine[] = [];
    for (const pod of await runningPods(kube, namespace, team, app)) {
      const text = await podLog(kube, namespace, pod, tail);
      for (const line of text?.split('\n') ?? []) if (line) out.push({ pod, line });
    }
    return out;
  } catch (err) {
    throw new Unavailable(`the cluster did not answer: ${describe(err)}`);
  }
}

/** Lines buffered for a slow reader at most; beyond, the oldest are dropped (and said so). */
const BUFFERED = 10_000;

/**
 * Every running replica's log, following (as `kubectl logs -f` does, through the API server): the
 * last `tail` lines of each, then each line as it is printed, until the client goes. Replicas that
 * start later are followed from their first line (the pod list is read again every few seconds);
 * a replica that stops simply ends its stream.
 */
export async function* followLogs(ctx: Ctx, team: string, app: string, tail: number, signal: AbortSignal, rescanMs = 3000): AsyncGenerator<AppLogLine> {
  authorize(ctx.principal, team, 'read');
  if (!Number.isInteger(tail) || tail < 0 || tail > 5000) throw Invalid.field('tail', 'must be between 0 and 5000');
  const { namespace, kube } = await logSource(ctx, team, app);
  const reader = new k8s.Log(kube.config);
  const following = new Map<string, AbortController>();
  const queue: AppLogLine[] = [];
  let dropped = 0;
  let wake: (() => void) | undefined;
  const push = (l: AppLogLine) => {
    if (queue.length >= BUFFERED) { queue.shift(); dropped++; }
    queue.push(l);
    wake?.();
  };
  const follow = async (pod: string, tailLines: number | undefined) => {
    let rest = '';
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        rest += chunk.toString();
        let i: number;
        while ((i = rest.indexOf('\n')) >= 0) {
          const line = rest.slice(0, i);
          rest = rest.slice(i + 1);
          if (line) push({ pod, line });
        }
        done();
      },
    });
    sink.on('finish', () => following.delete(pod)); // the pod's stream ended: it may be followed again if it runs
    try {
      const req = await reader.log(namespace, pod, 'app', sink, (err: unknown) => {
        following.delete(pod);
        if (err && !signal.aborted) log.debug({ pod, error: describe(err) }, 'log stream ended');
      }, { follow: true, ...(tailLines !== undefined ? { tailLines } : {}) });
      following.set(pod, req);
    } catch (err) {
      if (!stoppedPod(err)) throw err; // a pod stopped since it was listed has nothing more to follow
    }
  };
  let first = true;
  const scan = async () => {
    try {
      for (const pod of await runningPods(kube, namespace, team, app)) {
        if (!following.has(pod)) await follow(pod, first ? tail : undefined);
      }
    } catch (err) {
      if (first) throw new Unavailable(`the cluster did not answer: ${describe(err)}`);
      log.debug({ team, app, error: describe(err) }, 'could not list the pods to follow');
    }
    first = false;
  };
  await scan();
  const rescan = setInterval(() => { void scan(); }, rescanMs);
  const onAbort = () => wake?.();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    while (!signal.aborted) {
      if (queue.length === 0) await new Promise<void>((r) => { wake = r; });
      wake = undefined;
      if (dropped > 0) { yield { pod: '', line: `(${dropped} lines dropped: the reader fell behind)` }; dropped = 0; }
      while (queue.length > 0 && !signal.aborted) yield queue.shift()!;
    }
  } finally {
    clearInterval(rescan);
    signal.removeEventListener('abort', onAbort);
    for (const req of following.values()) req.abort();
  }
}
