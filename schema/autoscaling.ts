import { builder } from './builder.js';
import { App, AppPayload } from './app.js';
import { setAutoscaling } from '../src/intents/autoscaling.js';
import type { AutoscalingStatus, AutoscalingView } from '../src/model.js';

const AutoscalingStatusType = builder.objectRef<AutoscalingStatus>('AutoscalingStatus').implement({
  description: 'What the HorizontalPodAutoscaler last said',
  fields: (t) => ({
    currentReplicas: t.exposeInt('currentReplicas'),
    desiredReplicas: t.exposeInt('desiredReplicas'),
    working: t.exposeBoolean('working', { description: 'False while it cannot scale (no metrics, pods without requests): message says why' }),
    reason: t.exposeString('reason'),
    message: t.exposeString('message'),
    lastScaleTime: t.exposeString('lastScaleTime', { nullable: true }),
  }),
});

const Autoscaling = builder.objectRef<AutoscalingView>('Autoscaling').implement({
  description: 'Replicas between min and max, aiming at each target given (CPU and memory in percent of what the containers request; requests a second per replica and the p95 latency as the gateways measure them); a HorizontalPodAutoscaler does the work',
  fields: (t) => ({
    min: t.exposeInt('min'),
    max: t.exposeInt('max'),
    cpuPercent: t.exposeInt('cpuPercent', { nullable: true }),
    memoryPercent: t.exposeInt('memoryPercent', { nullable: true }),
    requestsPerReplica: t.exposeFloat('requestsPerReplica', { nullable: true }),
    p95Ms: t.exposeInt('p95Ms', { nullable: true }),
    scaleToZeroAfterMinutes: t.exposeInt('scaleToZeroAfterMinutes', { nullable: true, description: 'Beta: asleep (no replicas) after this many minutes without a request; the gateway holds the next request and wakes it' }),
    status: t.expose('status', { type: AutoscalingStatusType, nullable: true, description: 'Null until the autoscaler has said anything' }),
  }),
});

const AutoscalingInput = builder.inputType('AutoscalingInput', {
  fields: (t) => ({
    min: t.int({ required: true }),
    max: t.int({ required: true }),
    cpuPercent: t.int({ description: 'Target CPU use, percent of the CPU requested' }),
    memoryPercent: t.int({ description: 'Target memory use, percent of the memory requested' }),
    requestsPerReplica: t.float({ description: 'Target requests a second per replica, counted by the gateways (at most three decimals)' }),
    p95Ms: t.int({ description: 'Target 95th-percentile response time in milliseconds, measured by the gateways' }),
    scaleToZeroAfterMinutes: t.int({ description: 'Beta: put the app to sleep (no replicas) after this many minutes (1–1440) without a request; the gateway holds the next request and wakes it' }),
  }),
});

builder.objectField(App, 'autoscaling', (t) => t.expose('autoscaling', { type: Autoscaling, nullable: true, description: 'Null: scaled by hand (replicas)' }));
builder.objectField(App, 'sleepingSince', (t) => t.field({
  type: 'DateTime', nullable: true, description: 'Beta (scale to zero): asleep since then, with no replicas until a request wakes it; null when awake',
  resolve: (a) => a.sleepingSince,
}));

builder.mutationFields((t) => ({
  setAutoscaling: t.field({
    type: AppPayload,
    description: "Sets an app's autoscaling rule; input null turns it off (the app keeps the replicas it has then). Refused when the app's cluster cannot measure a target given: no resource metrics (metrics.k8s.io) for CPU and memory, no Yunbang request metrics (external.metrics.k8s.io) for requests and latency",
    args: { team: t.arg.string({ required: true }), name: t.arg.string({ required: true }), input: t.arg({ type: AutoscalingInput }) },
    resolve: async (_, { team, name, input }, { ctx }) => ({ app: await setAutoscaling(ctx, team, name, input ?? null) }),
  }),
}));
