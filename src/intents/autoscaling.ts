import * as k8s from '@kubernetes/client-node';
import { z } from 'zod';
import { authorize } from '../auth/principal.js';
import { Conflict, Unavailable } from '../errors.js';
import type { AppView, AutoscalingRule } from '../model.js';
import * as v from '../validation.js';
import { parse } from '../validation.js';
import { mutation } from './audit.js';
import { enqueueReconcile, findApp, fullRule, lockApp, toView } from './app-rows.js';
import { checkPlan } from './apps.js';
import type { Ctx } from './context.js';
import { findTeam } from './teams.js';
import { EXTERNAL_GROUP_VERSION, EXTERNAL_METRICS } from '../observe/external-metrics.js';

/**
 * An app's autoscaling rule, which a HorizontalPodAutoscaler carries out (k8s/render/autoscaler.ts):
 * replicas between `min` and `max`, aiming at each target given, in percent of what the
 * containers request (Rainbond's rule, Heroku's range). `null` turns it off: the app keeps the
 * replicas it has then, as its `replicas`.
 */
const percent = z.number().int('must be a whole number').min(1, 'must be between 1 and 1000').max(1000, 'must be between 1 and 1000');
const TARGETS = 'cpuPercent, memoryPercent, requestsPerReplica or p95Ms';
const ruleSchema = z.object({
  min: z.number().int('must be a whole number').min(1, 'must be at least 1').max(v.MAX_REPLICAS, `must be at most ${v.MAX_REPLICAS}`),
  max: z.number().int('must be a whole number').min(1, 'must be at least 1').max(v.MAX_REPLICAS, `must be at most ${v.MAX_REPLICAS}`),
  cpuPercent: percent.nullish(),
  memoryPercent: percent.nullish(),
  /** Requests a second each replica should take (KEDA's HTTP add-on's target): thousandths at most, as the HPA compares them. */
  requestsPerReplica: z.number().min(0.001, 'must be more than 0').max(100_000, 'must be at most 100000')
    .refine((n) => Math.abs(n * 1000 - Math.round(n * 1000)) < 1e-6, 'must have at most three decimals').nullish(),
  /** The p95 response time to hold (Heroku's dyno autoscaling aims at one). */
  p95Ms: z.number().int('must be a whole number of milliseconds').min(1, 'must be at least 1').max(600_000, 'must be at most 600000 (10 minutes)').nullish(),
  /** Scale to zero (beta): asleep after this long without a request (Knative's and KEDA's idea); the gateway wakes it. */
  scaleToZeroAfterMinutes: z.number().int('must be a whole number of minutes').min(1, 'must be between 1 and 1440 (a day)').max(1440, 'must be between 1 and 1440 (a day)').nullish(),
}).strict().superRefine((r, c) => {
  if (r.max < r.min) c.addIssue({ code: 'custom', path: ['max'], message: `must be at least min (${r.min})` });
  if (r.cpuPercent == null && r.memoryPercent == null && r.requestsPerReplica == null && r.p95Ms == null) c.addIssue({ code: 'custom', path: ['cpuPercent'], message: `give at least one target: ${TARGETS}` });
});

export type AutoscalingInput = z.input<typeof ruleSchema>;

/** Does the cluster serve this group (and, when given, these resources of its version)? Asked at the time of the request: the HPA would otherwise fail silently later. */
async function serves(ctx: Ctx, cluster: string, groupVersion: string, resources: string[] = []): Promise<boolean> {
  const conn = await ctx.clusters?.get(cluster);
  const cannot = (why?: string) => new Unavailable(`cluster "${cluster}" cannot be asked which metrics it serves right now${why ? ` (${why})` : ''}; try again`);
  if (!conn?.kube) throw cannot();
  const [group] = groupVersion.split('/');
  try {
    const groups = await conn.kube.config.makeApiClient(k8s.ApisApi).getAPIVersions();
    if (!groups.groups.some((g) => g.name === group && g.versions.some((x) => x.groupVersion === groupVersion))) return false;
    if (resources.length === 0) return true;
    const list = await conn.kube.config.makeApiClient(k8s.CustomObjectsApi).getAPIResources({ group: group!, version: groupVersion.split('/')[1]! });
    return resources.every((r) => list.resources.some((x) => x.name === r));
  } catch (err) {
    // An APIService whose server does not answer: discovery of its version fails (503).
    if ((err as { code?: number }).code === 503) return false;
    throw cannot((err as Error).message);
  }
}

/** Refuses a rule the cluster could not carry out, in words that say what is missing (Rainbond #1514, #1225). */
async function checkCluster(ctx: Ctx, cluster: string, rule: AutoscalingRule): Promise<void> {
  if ((rule.cpuPercent != null || rule.memoryPercent != null) && !(await serves(ctx, cluster, 'metrics.k8s.io/v1beta1'))) {
    throw new Conflict(`cluster "${cluster}" serves no resource metrics (metrics.k8s.io), so nothing could measure the app's CPU or memory: install metrics-server there, or scale by hand`,
      [{ field: rule.cpuPercent != null ? 'cpuPercent' : 'memoryPercent', message: `cluster "${cluster}" serves no resource metrics` }]);
  }
  if (rule.requestsPerReplica == null && rule.p95Ms == null) return;
  const field = rule.requestsPerReplica != null ? 'requestsPerReplica' : 'p95Ms';
  if (!ctx.metrics) {
    throw new Conflict('this Yunbang has no Prometheus (YUNBANG_PROMETHEUS_URL), so nothing counts the app\'s requests: aim at CPU or memory instead',
      [{ field, message: 'request targets need the platform\'s Prometheus' }]);
  }
  if (!(await serves(ctx, cluster, EXTERNAL_GROUP_VERSION, Object.values(EXTERNAL_METRICS)))) {
    throw new Conflict(`cluster "${cluster}" does not serve Yunbang's request metrics (external.metrics.k8s.io from Yunbang's API), so its autoscaler could not read the app's request rate or latency: install k8s/install/observe there, or aim at CPU or memory`,
      [{ field, message: `cluster "${cluster}" does not serve Yunbang's request metrics` }]);
  }
}

/** "CPU 50% and 20 req/s per replica": a rule's targets in words, for the audit log. */
export function targetsInWords(r: AutoscalingRule): string {
  return [
    r.cpuPercent != null && `CPU ${r.cpuPercent}%`, r.memoryPercent != null && `memory ${r.memoryPercent}%`,
    r.requestsPerReplica != null && `${r.requestsPerReplica} req/s per replica`, r.p95Ms != null && `p95 ${r.p95Ms} ms`,
  ].filter(Boolean).join(' and ') + (r.scaleToZeroAfterMinutes != null ? `, asleep after ${r.scaleToZeroAfterMinutes} min idle` : '');
}

export async function setAutoscaling(ctx: Ctx, team: string, name: string, input: AutoscalingInput | null): Promise<AppView> {
  return mutation(ctx, { action: input ? 'app.autoscale' : 'app.autoscale-off', subject: `app/${name}`, team }, async (tx, scope) => {
    // Who may first, then what: another team's caller learns nothing of the app, not even from a 400.
    authorize(ctx.principal, team, 'write');
    const t = await findTeam(tx, team, true);
    scope.teamId = t.id;
    const cur = await lockApp(tx, t.id, team, name);
    const parsed = input === null ? null : parse(ruleSchema, input);
    const rule: AutoscalingRule | null = parsed && fullRule(parsed);
    if (!rule) {
      if (!cur.autoscaling) { scope.message = 'already scaled by hand'; return toView(cur, ctx); }
      // Off: the count the autoscaler last set becomes the app's own, so turning it off changes
      // nothing running. (Its desiredReplicas: currentReplicas trails a scale by one of its syncs.)
      const keep = Math.max(cur.autoscaling_status?.desiredReplicas || cur.autoscaling_status?.currentReplicas || cur.replicas, 1);
      scope.message = `autoscaling off, keeping ${keep} replica(s)`;
      await tx.query('UPDATE apps SET autoscaling = NULL, replicas = $2, sleeping_since = NULL, generation = generation + 1, updated_at = now() WHERE id = $1', [cur.id, keep]);
      await tx.query('UPDATE app_status SET autoscaling = NULL, desired_replicas = $2 WHERE app_id = $1', [cur.id, cur.running ? keep : 0]);
    } else {
      if (cur.volumes.length > 0) throw new Conflict(`app "${name}" has volumes (each replica keeps its own): scale it by hand`, [{ field: 'max', message: 'apps with volumes are scaled by hand' }]);
      // Room in the plan for the most it may run.
      await checkPlan(ctx, tx, t, cur.id, { replicas: rule.max, resources: cur.resources, running: cur.running }, 'max');
      await checkCluster(ctx, cur.cluster, rule);
      scope.message = `${rule.min}–${rule.max} replicas on ${targetsInWords(rule)}`;
      // Its idle window (scale to zero) starts now; without one, an app asleep wakes.
      await tx.query(`UPDATE apps SET autoscaling = $2, awake_since = now(), generation = generation + 1, updated_at = now(),
                             sleeping_since = CASE WHEN $3::boolean THEN sleeping_since END WHERE id = $1`, [cur.id, JSON.stringify(rule), rule.scaleToZeroAfterMinutes != null]);
    }
    await enqueueReconcile(ctx, tx, cur.id);
    return toView(await findApp(tx, t.id, team, name), ctx);
  });
}
