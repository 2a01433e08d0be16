import { RUN } from '../labels.js';
import type { AppIntent, K8sObject } from '../types.js';
import { podTemplate } from './app.js';
import { appMeta } from './meta.js';

export interface RunIntent { id: string; command: string[]; timeoutSeconds: number }

/** A run's Job name: the app's, `-run-`, and the first 8 characters of the run's id (one Job per run). */
export const runJobName = (app: string, runId: string) => `${app.slice(0, 40)}-run-${runId.slice(0, 8)}`;

/**
 * A one-off command (`yb run`, Heroku's `heroku run`): a Job of one pod from the app's current
 * release, with its config and its dependencies' env, its command in place of the image's
 * entrypoint. Pure.
 *  - It carries the app's labels, so the app's network policies apply: it reaches what the app
 *    reaches (its database, say), and nothing more.
 *  - It is no replica: labelled with the run (every view of the app's replicas leaves such pods
 *    out), and never ready. Its readiness probe knocks on port 1, which nothing answers, so the
 *    app's Service never sends it traffic.
 *  - It runs once (restartPolicy Never, no retry) and for `timeoutSeconds` at most, after which the
 *    kubelet stops it (DeadlineExceeded); cancelled, it has 10 s to stop.
 *  - Volumes stay with the app's own pods (a claim may be mounted by one pod only).
 */
export function runJob(app: AppIntent, run: RunIntent): K8sObject {
  const template = podTemplate(app, { drainSeconds: 0 });
  const [container] = template.spec.containers;
  const { readinessProbe: _r, livenessProbe: _l, volumeMounts: _v, lifecycle: _c, args: _a, ports: _p, ...rest } = container as typeof container & { volumeMounts?: unknown; lifecycle?: unknown };
  const labels = { ...template.metadata.labels, [RUN]: run.id };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { ...appMeta(app), name: runJobName(app.name, run.id), labels: { ...appMeta(app).labels, [RUN]: run.id } },
    spec: {
      backoffLimit: 0,
      template: {
        metadata: { labels, annotations: template.metadata.annotations },
        spec: {
          ...template.spec,
          restartPolicy: 'Never',
          activeDeadlineSeconds: run.timeoutSeconds,
          // Cancelled (its caller left): 10 s to stop after SIGTERM, then SIGKILL (a shell as PID 1
          // ignores SIGTERM, so it would otherwise hold its pod the whole 30 s).
          terminationGracePeriodSeconds: 10,
          containers: [{
            ...rest,
            command: run.command,
            readinessProbe: { tcpSocket: { port: 1 }, periodSeconds: 3600, failureThreshold: 1 },
          }],
        },
      },
    },
  };
}
