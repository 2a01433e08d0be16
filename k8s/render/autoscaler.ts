import type { AppIntent, AutoscalingStatus, K8sObject, RenderSettings } from '../types.js';
import { appMeta as meta } from './meta.js';

/** The names of the external metrics Yunbang serves to HPAs (src/observe/external-metrics.ts). */
export const REQUESTS_METRIC = 'yunbang-requests-per-second';
export const P95_METRIC = 'yunbang-latency-p95-seconds';

export const HPA_API_VERSION = 'autoscaling/v2beta2';

/** Does an HPA set this app's replicas (so its workload is applied without them)? */
export function autoscaled(app: AppIntent): boolean {
  return !!app.autoscaling && app.running && !app.sleeping && app.volumes.length === 0;
}

/** May this app be put to sleep when idle (scale to zero)? */
export const canSleep = (app: AppIntent): boolean => app.running && app.volumes.length === 0 && app.autoscaling?.scaleToZeroAfterMinutes != null;

/**
 * An autoscaled app's HorizontalPodAutoscaler (autoscaling/v2beta2: what Kubernetes 1.20 serves;
 * the same fields as autoscaling/v2), which kube-controller-manager's HPA controller carries out:
 * it reads the pods' CPU and memory from metrics.k8s.io and sets the Deployment's replicas
 * through its scale subresource. Utilization is of what the containers request (the LimitRange's
 * defaults where the app asks nothing). Scale-down waits `autoscaleDownSeconds` (Kubernetes' own
 * default is 5 minutes) so a dip in load does not shed replicas the next spike needs. Pure.
 */
export function horizontalPodAutoscaler(app: AppIntent, s: Pick<RenderSettings, 'autoscaleDownSeconds'>): K8sObject | undefined {
  const rule = app.autoscaling;
  if (!rule || !autoscaled(app)) return undefined;
  const target = (name: 'cpu' | 'memory', percent: number) => ({ type: 'Resource', resource: { name, target: { type: 'Utilization', averageUtilization: percent } } });
  // Request targets read the app's gateway traffic: the rate is divided among the replicas
  // (AverageValue: replicas = total / per-replica target); the latency is held to its value
  // (Value: replicas grow in proportion to how far p95 is over it).
  const external = (name: string, t: Record<string, string>) => ({ type: 'External', external: { metric: { name, selector: { matchLabels: { app: app.name } } }, target: t } });
  return {
    apiVersion: HPA_API_VERSION,
    kind: 'HorizontalPodAutoscaler',
    metadata: meta(app),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: app.name },
      minReplicas: rule.min,
      maxReplicas: rule.max,
      metrics: [
        ...(rule.cpuPercent != null ? [target('cpu', rule.cpuPercent)] : []),
        ...(rule.memoryPercent != null ? [target('memory', rule.memoryPercent)] : []),
        ...(rule.requestsPerReplica != null ? [external(REQUESTS_METRIC, { type: 'AverageValue', averageValue: milliQuantity(rule.requestsPerReplica) })] : []),
        ...(rule.p95Ms != null ? [external(P95_METRIC, { type: 'Value', value: `${rule.p95Ms}m` })] : []),
      ],
      behavior: { scaleDown: { stabilizationWindowSeconds: s.autoscaleDownSeconds } },
    },
  };
}

/** A number as a quantity in thousandths, which the HPA compares exactly ("2.5" → "2500m"; never below 0). */
export const milliQuantity = (v: number) => `${Math.max(0, Math.round(v * 1000))}m`;

interface HpaCondition { type?: string; status?: string; reason?: string; message?: string }
interface LiveHpa { status?: { currentReplicas?: number; desiredReplicas?: number; lastScaleTime?: string; conditions?: HpaCondition[] } }

/**
 * What a live HPA says, in words a user understands: working while it can read its metrics and
 * scale; otherwise the condition that says why not (no metrics API, pods without requests), so a
 * rule that does nothing never looks as though it works (Rainbond #1514, #1225). Pure.
 */
export function autoscalerStatus(live: unknown): AutoscalingStatus | null {
  if (!live) return null;
  const s = (live as LiveHpa).status ?? {};
  const conditions = s.conditions ?? [];
  const failing = conditions.find((c) => (c.type === 'ScalingActive' || c.type === 'AbleToScale') && c.status === 'False');
  const limited = conditions.find((c) => c.type === 'ScalingLimited' && c.status === 'True');
  const active = conditions.find((c) => c.type === 'ScalingActive' && c.status === 'True');
  const base = { currentReplicas: s.currentReplicas ?? 0, desiredReplicas: s.desiredReplicas ?? 0, lastScaleTime: s.lastScaleTime ?? null };
  if (failing) return { ...base, working: false, reason: failing.reason ?? 'NotScaling', message: `not scaling: ${failing.message ?? failing.reason ?? 'the autoscaler cannot compute a replica count'}` };
  if (!active) return { ...base, working: false, reason: 'Pending', message: 'waiting for the autoscaler\'s first reading of the metrics' };
  return { ...base, working: true, reason: limited?.reason ?? active.reason ?? 'ValidMetricFound', message: limited?.message ?? active.message ?? '' };
}
