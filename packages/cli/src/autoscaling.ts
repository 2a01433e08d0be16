import type { Schemas } from '@yunbang/sdk';
import { colors } from './output.js';

type Autoscaling = NonNullable<Schemas['App']['autoscaling']>;

/** One line for a rule: "1–4 replicas on CPU 70% and 20 req/s per replica", and what the autoscaler says. */
export function describeRule(a: Autoscaling): string[] {
  const targets = [
    a.cpuPercent != null && `CPU ${a.cpuPercent}%`, a.memoryPercent != null && `memory ${a.memoryPercent}%`,
    a.requestsPerReplica != null && `${a.requestsPerReplica} req/s per replica`, a.p95Ms != null && `p95 ${a.p95Ms} ms`,
  ].filter(Boolean).join(' and ') + (a.scaleToZeroAfterMinutes != null ? `, asleep after ${a.scaleToZeroAfterMinutes} min idle (beta)` : '');
  const s = a.status;
  const said = !s ? 'waiting for the autoscaler' : s.working ? `${s.currentReplicas} now, ${s.desiredReplicas} wanted${s.message ? ` (${s.message})` : ''}` : colors.red(s.message);
  return [`${a.min}–${a.max} replicas on ${targets}`, said];
}

