import type * as k8s from '@kubernetes/client-node';
import type { Health } from './types.js';

export interface Assessment { health: Health; reason: string; message: string; ready: number; desired: number }

const STUCK_REASONS = new Set(['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError']);

export type Workload = k8s.V1Deployment | k8s.V1StatefulSet;

/** The health of an app from its live Deployment and pods. */
export const assessDeployment = (d: k8s.V1Deployment | undefined, pods: k8s.V1Pod[]) => assessWorkload('Deployment', d, pods);

/**
 * The health of an app from its live workload (a Deployment, or a StatefulSet for apps with
 * volumes) and pods, as gitops-engine does per kind: a small enum and a message a person can act
 * on. The two kinds report rollouts with the same status fields; only a Deployment has a
 * Progressing condition. Pure.
 */
export function assessWorkload(kind: 'Deployment' | 'StatefulSet', d: Workload | undefined, pods: k8s.V1Pod[]): Assessment {
  if (!d) return { health: 'Missing', reason: 'Missing', message: `the ${kind} does not exist`, ready: 0, desired: 0 };
  const desired = d.spec?.replicas ?? 1;
  const st = d.status ?? {};
  const ready = st.readyReplicas ?? 0;
  const updated = st.updatedReplicas ?? 0;
  const progressing = (st.conditions as k8s.V1DeploymentCondition[] | undefined)?.find((c) => c.type === 'Progressing');
  const stuckStatus = pods.flatMap((p) => p.status?.containerStatuses ?? [])
    .find((c) => c.state?.waiting?.reason !== undefined && STUCK_REASONS.has(c.state.waiting.reason));
  const stuck = stuckStatus?.state?.waiting?.reason;

  if ((st.observedGeneration ?? 0) < (d.metadata?.generation ?? 0)) {
    return { health: 'Progressing', reason: 'Progressing', message: `waiting for the ${kind} controller to observe the change`, ready, desired };
  }
  if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') {
    return { health: 'Failed', reason: 'ProgressDeadlineExceeded', message: `rollout stalled: ${progressing.message ?? 'progress deadline exceeded'}`, ready, desired };
  }
  if (desired === 0) {
    return ready === 0 && (st.replicas ?? 0) === 0
      ? { health: 'Ready', reason: 'Ready', message: 'stopped: 0 replicas', ready, desired }
      : { health: 'Progressing', reason: 'Progressing', message: `stopping: ${st.replicas ?? 0} replica(s) left`, ready, desired };
  }
  if (stuck) {
    return { health: ready > 0 ? 'Degraded' : 'Failed', reason: stuck, message: `${ready} of ${desired} replicas ready; a container is in ${stuck}${stuckDetail(stuckStatus!)}`, ready, desired };
  }
  if (updated < desired || (st.replicas ?? 0) > updated) {
    return { health: 'Progressing', reason: 'Progressing', message: `rolling out: ${updated} of ${desired} replicas updated, ${ready} ready`, ready, desired };
  }
  if (ready < desired) {
    return { health: 'Progressing', reason: 'Progressing', message: `${ready} of ${desired} replicas ready`, ready, desired };
  }
  return { health: 'Ready', reason: 'Ready', message: `${ready} of ${desired} replicas ready`, ready, desired };
}

/**
 * What the kubelet says of a stuck container, as a person would want it: the back-off before its
 * next start, how its last run ended, and how often it restarted. The kubelet's own message names
 * the pod and container at length: only its back-off is kept.
 */
export function stuckDetail(c: k8s.V1ContainerStatus): string {
  const backOff = /back-off (\S+)/.exec(c.state?.waiting?.message ?? '')?.[1];
  const last = c.lastState?.terminated;
  const parts = [
    ...(backOff ? [`back-off ${backOff} before the next start`] : []),
    ...(last ? [`its last run ended with exit code ${last.exitCode}${last.reason && last.reason !== 'Error' ? ` (${last.reason})` : ''}`] : []),
    ...(c.restartCount ? [`restarted ${c.restartCount} time${c.restartCount === 1 ? '' : 's'}`] : []),
  ];
  if (!backOff && !last) {
    const msg = c.state?.waiting?.message?.trim();
    if (msg) parts.unshift(msg.length > 200 ? `${msg.slice(0, 199)}…` : msg);
  }
  return parts.length ? `: ${parts.join('; ')}` : '';
}

/** Pod IP:port of every ready pod, sorted. */
export function readyEndpoints(pods: k8s.V1Pod[], port: number): string[] {
  return pods
    .filter((p) => !p.metadata?.deletionTimestamp && p.status?.podIP && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
    .map((p) => `${p.status!.podIP}:${port}`)
    .sort();
}
