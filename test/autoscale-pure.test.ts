import { describe, expect, it } from 'vitest';
import { changedObjects } from '../k8s/apply.js';
import { autoscalerStatus, horizontalPodAutoscaler } from '../k8s/render/autoscaler.js';
import { renderApp } from '../k8s/render/index.js';
import { defaultRenderSettings, type AppIntent } from '../k8s/types.js';
import { parseKubeletResource, podMetrics, usageBetween } from '../scripts/local/node/resource-metrics.js';
import { scalingDecision } from '../src/status.js';

const app: AppIntent = {
  team: { name: 'acme', namespace: 'yb-acme', generation: 1 }, name: 'web', generation: 7, release: 3, image: 'nginx:1.27', port: 8080, replicas: 2, running: true,
  env: [], domains: [], resources: {}, healthCheckPath: null, tls: false, runAsNonRoot: false, restartedAt: null,
  args: null, defaultLabel: 'web-acme', volumes: [], secrets: [], dependencies: [], dependents: [], isolated: false,
};
const scaled: AppIntent = { ...app, autoscaling: { min: 1, max: 5, cpuPercent: 70, memoryPercent: null } };

describe('autoscaling (pure)', () => {
  it('an autoscaled app gets an HPA on its targets, and its Deployment leaves the replicas to it', () => {
    const objects = renderApp(scaled, { ...defaultRenderSettings, autoscaleDownSeconds: 45 });
    expect(objects.map((o) => o.kind)).toEqual(['NetworkPolicy', 'Service', 'Deployment', 'HorizontalPodAutoscaler', 'Ingress']);
    const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler')!;
    expect(hpa.apiVersion).toBe('autoscaling/v2beta2');
    expect(hpa.spec).toEqual({
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 5,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      behavior: { scaleDown: { stabilizationWindowSeconds: 45 } },
    });
    const deployment = objects.find((o) => o.kind === 'Deployment')!;
    expect(deployment.spec).not.toHaveProperty('replicas');
    expect(deployment.metadata.annotations).toEqual({ 'yunbang.dev/release': '3', 'yunbang.dev/replicas-by': 'autoscaler' });
    // By hand: the count, said so, and no HPA.
    const hand = renderApp(app, defaultRenderSettings);
    expect(hand.find((o) => o.kind === 'Deployment')!.spec).toMatchObject({ replicas: 2 });
    expect(hand.find((o) => o.kind === 'Deployment')!.metadata.annotations).toEqual({ 'yunbang.dev/release': '3', 'yunbang.dev/replicas-by': 'yunbang' });
    expect(hand.some((o) => o.kind === 'HorizontalPodAutoscaler')).toBe(false);
  });

  it('scale to zero: asleep, the Deployment runs none and has no HPA; awake, the HPA is back; the idle window counts from the later of the last request and the last wake', async () => {
    const sleepy: AppIntent = { ...scaled, autoscaling: { ...scaled.autoscaling!, scaleToZeroAfterMinutes: 15 } };
    const asleep = renderApp({ ...sleepy, sleeping: true }, defaultRenderSettings);
    expect(asleep.some((o) => o.kind === 'HorizontalPodAutoscaler')).toBe(false);
    expect(asleep.find((o) => o.kind === 'Deployment')!.spec).toMatchObject({ replicas: 0 });
    expect(asleep.find((o) => o.kind === 'Deployment')!.metadata.annotations).toMatchObject({ 'yunbang.dev/replicas-by': 'yunbang' });
    const awake = renderApp({ ...sleepy, sleeping: false }, defaultRenderSettings);
    expect(awake.some((o) => o.kind === 'HorizontalPodAutoscaler')).toBe(true);
    expect(awake.find((o) => o.kind === 'Deployment')!.spec).not.toHaveProperty('replicas');
    const { idlePast } = await import('../jobs/sleep.js');
    const t = Date.parse('2026-12-08T12:00:00Z');
    expect(idlePast(t, 15, { lastRequest: t - 16 * 60_000, awakeSince: t - 60 * 60_000 })).toBe(true);
    expect(idlePast(t, 15, { lastRequest: t - 14 * 60_000, awakeSince: t - 60 * 60_000 })).toBe(false);
    expect(idlePast(t, 15, { lastRequest: undefined, awakeSince: t - 10 * 60_000 })).toBe(false); // woken 10 min ago, no request since
    expect(idlePast(t, 15, { lastRequest: undefined, awakeSince: t - 15 * 60_000 })).toBe(true);
  });

  it('a stopped or volume-backed app has no HPA; memory is a second target when given', () => {
    expect(horizontalPodAutoscaler({ ...scaled, running: false }, defaultRenderSettings)).toBeUndefined();
    expect(renderApp({ ...scaled, running: false }, defaultRenderSettings).find((o) => o.kind === 'Deployment')!.spec).toMatchObject({ replicas: 0 });
    const both = horizontalPodAutoscaler({ ...scaled, autoscaling: { min: 2, max: 3, cpuPercent: null, memoryPercent: 80 } }, defaultRenderSettings)!;
    expect((both.spec as { metrics: unknown[] }).metrics).toEqual([{ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } }]);
  });

  it("the live Deployment's replicas, set by the HPA, are no difference to apply", () => {
    const desired = renderApp(scaled, defaultRenderSettings).filter((o) => o.kind === 'Deployment');
    const live = JSON.parse(JSON.stringify(desired[0]));
    live.spec.replicas = 4;
    expect(changedObjects(desired, new Map([['Deployment/yb-acme/web', live]]))).toEqual([]);
  });

  it("says in words why an HPA does not scale, and what it does when it does", () => {
    expect(autoscalerStatus(undefined)).toBeNull();
    expect(autoscalerStatus({ status: { currentReplicas: 1, desiredReplicas: 0 } })).toMatchObject({ working: false, reason: 'Pending' });
    const failing = autoscalerStatus({ status: { currentReplicas: 1, desiredReplicas: 1, conditions: [
      { type: 'AbleToScale', status: 'True', reason: 'SucceededGetScale' },
      { type: 'ScalingActive', status: 'False', reason: 'FailedGetResourceMetric', message: 'the HPA was unable to compute the replica count: unable to get metrics for resource cpu' },
    ] } });
    expect(failing).toEqual({ currentReplicas: 1, desiredReplicas: 1, working: false, reason: 'FailedGetResourceMetric', lastScaleTime: null,
      message: 'not scaling: the HPA was unable to compute the replica count: unable to get metrics for resource cpu' });
    expect(autoscalerStatus({ status: { currentReplicas: 5, desiredReplicas: 5, lastScaleTime: '2026-12-07T21:00:00Z', conditions: [
      { type: 'ScalingActive', status: 'True', reason: 'ValidMetricFound', message: 'ok' },
      { type: 'ScalingLimited', status: 'True', reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count' },
    ] } })).toEqual({ currentReplicas: 5, desiredReplicas: 5, working: true, reason: 'TooManyReplicas', message: 'the desired replica count is more than the maximum replica count', lastScaleTime: '2026-12-07T21:00:00Z' });
  });
});

describe("the autoscaler's decisions as events (pure)", () => {
  const at = (desiredReplicas: number, message = '') => ({ currentReplicas: 1, desiredReplicas, working: true, reason: 'ValidMetricFound', message, lastScaleTime: null });
  it('a new count wanted is a decision, with the reason the HPA gives; the same count, a first reading or none is not', () => {
    expect(scalingDecision(at(1), at(4, 'the desired count is more than the maximum'))).toBe('1 → 4 replicas: the desired count is more than the maximum');
    expect(scalingDecision(at(4), at(1))).toBe('4 → 1 replicas');
    expect(scalingDecision(at(2), at(2))).toBeUndefined();
    expect(scalingDecision(null, at(2))).toBeUndefined();
    expect(scalingDecision(at(2), null)).toBeUndefined();
    expect(scalingDecision(at(0), at(1))).toBeUndefined();
  });
});

describe('the local resource metrics API (pure)', () => {
  const text = (cpu: number, at: number) => [
    '# HELP container_cpu_usage_seconds_total [ALPHA] Cumulative cpu time consumed by the container in core-seconds',
    `container_cpu_usage_seconds_total{container="app",namespace="yb-acme",pod="web-1"} ${cpu} ${at}`,
    `container_memory_working_set_bytes{container="app",namespace="yb-acme",pod="web-1"} 52428800 ${at}`,
    `node_cpu_usage_seconds_total 100 ${at}`, `node_memory_working_set_bytes 1e9 ${at}`,
  ].join('\n');

  it("CPU is the counter's rate between two of the kubelet's readings; memory the working set; in metrics-server's units", () => {
    const a = parseKubeletResource(text(10, 1_000_000), 0);
    const b = parseKubeletResource(text(12.5, 1_010_000), 0);
    const u = usageBetween(a.containers.get('yb-acme/web-1/app'), b.containers.get('yb-acme/web-1/app')!)!;
    expect(u).toEqual({ cpuCores: 0.25, memoryBytes: 52428800, at: 1_010_000, windowSeconds: 10 });
    expect(usageBetween(undefined, b.containers.get('yb-acme/web-1/app')!)).toBeUndefined();
    expect(usageBetween(b.containers.get('yb-acme/web-1/app'), a.containers.get('yb-acme/web-1/app')!)).toBeUndefined(); // a restarted container's counter
    const m = podMetrics({ namespace: 'yb-acme', name: 'web-1', labels: { app: 'web' } }, new Map([['yb-acme/web-1/app', u]]))!;
    expect(m).toMatchObject({ metadata: { name: 'web-1', namespace: 'yb-acme', labels: { app: 'web' } }, window: '10s', containers: [{ name: 'app', usage: { cpu: '250000000n', memory: '51200Ki' } }] });
    expect(podMetrics({ namespace: 'yb-acme', name: 'other' }, new Map([['yb-acme/web-1/app', u]]))).toBeUndefined();
    expect(b.node).toEqual({ cpuSeconds: 100, cpuAt: 1_010_000, memoryBytes: 1e9 });
  });
});
