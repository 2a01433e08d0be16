import * as k8s from '@kubernetes/client-node';
import { statusCode } from '../src/kube.js';
import { recordEvent } from '../src/intents/audit.js';
import { commandInWords, type RunStatus } from '../src/intents/runs.js';
import { queueIn, QUEUES } from '../src/intents/queues.js';
import { RUN } from '../k8s/labels.js';
import { runJob, runJobName } from '../k8s/render/run.js';
import { loadApp } from './intent.js';
import type { ReconcileEnv } from './reconcile-env.js';

/** How long a finished run's Job (and pod) is kept, so its output can still be read and collected. */
export const KEEP_FINISHED_SECONDS = 600;

interface Row {
  id: string; app_id: string; team_id: string; command: string[]; timeout_seconds: number; status: RunStatus;
  started_at: Date | null; finished_at: Date | null; created_at: Date;
}

/** What a run's pod says: still to start, running, or over (with its exit code, or why it never ran). Pure. */
export function runOutcome(pod: k8s.V1Pod | undefined): { status: 'pending' | 'running' } | { status: 'succeeded' | 'failed' | 'timed-out'; exitCode: number | null; error: string | null } {
  if (!pod) return { status: 'pending' };
  const st = pod.status ?? {};
  const c = st.containerStatuses?.find((x) => x.name === 'app');
  if (st.reason === 'DeadlineExceeded') return { status: 'timed-out', exitCode: null, error: `stopped at its time limit (${pod.spec?.activeDeadlineSeconds ?? '?'} s)` };
  const done = c?.state?.terminated;
  if (done) return { status: done.exitCode === 0 ? 'succeeded' : 'failed', exitCode: done.exitCode, error: done.exitCode === 0 ? null : (done.reason && done.reason !== 'Error' && done.reason !== 'Completed' ? done.reason : null) };
  const waiting = c?.state?.waiting?.reason;
  if (waiting && /ErrImagePull|ImagePullBackOff|InvalidImageName|CreateContainerConfigError|CreateContainerError/.test(waiting)) {
    return { status: 'failed', exitCode: null, error: `${waiting}: ${c?.state?.waiting?.message ?? 'the container could not start'}` };
  }
  if (st.phase === 'Failed') return { status: 'failed', exitCode: null, error: st.message ?? st.reason ?? 'the pod failed' };
  return st.phase === 'Running' || st.phase === 'Succeeded' ? { status: 'running' } : { status: 'pending' };
}

/**
 * One step of a run (the watch calls it again on every change of its pod): a new run gets its Job;
 * a run being cancelled loses it; otherwise the pod's state is recorded, and a finished run's Job
 * is removed KEEP_FINISHED_SECONDS later.
 */
export async function advanceRun(env: ReconcileEnv, runId: string): Promise<string> {
  const { rows: [run] } = await env.db.query<Row>(
    `SELECT r.id, r.app_id, a.team_id, r.command, r.timeout_seconds, r.status, r.started_at, r.finished_at, r.created_at
       FROM runs r JOIN apps a ON a.id = r.app_id WHERE r.id = $1`, [runId]);
  if (!run) return 'gone';
  const loaded = await loadApp(env.db, run.app_id);
  if (!loaded) return 'gone';
  const { intent } = loaded;
  const namespace = intent.team.namespace;
  const job = runJob(intent, { id: run.id, command: run.command, timeoutSeconds: run.timeout_seconds });
  const removeJob = async () => {
    try {
      await env.kube.objects.delete({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: runJobName(intent.name, run.id), namespace } }, undefined, undefined, undefined, undefined, 'Background');
    } catch (err) {
      if (statusCode(err) !== 404) throw err;
    }
  };
  const finish = async (status: RunStatus, exitCode: number | null, error: string | null) => {
    const { rowCount } = await env.db.query(
      `UPDATE runs SET status = $2, exit_code = $3, error = $4, finished_at = now(), started_at = coalesce(started_at, now())
        WHERE id = $1 AND status NOT IN ('succeeded', 'failed', 'timed-out', 'cancelled')`, [run.id, status, exitCode, error]);
    if (!rowCount) return;
    const took = ((Date.now() - (run.started_at ?? run.created_at).getTime()) / 1000).toFixed(0);
    await recordEvent(env.db, { teamId: run.team_id, actor: 'worker', action: 'app.run-finished', subject: `app/${intent.name}`, outcome: status === 'succeeded' ? 'success' : 'failure',
      message: `${status}${exitCode !== null ? ` (exit ${exitCode})` : ''}${error ? `: ${error}` : ''} after ${took} s: ${commandInWords(run.command)}` });
    // Removed later: its output is still being read (attached) or collected into the app's logs.
    await env.boss.send(queueIn(QUEUES.advanceRun, env.cluster.name), { runId: run.id }, { startAfter: KEEP_FINISHED_SECONDS });
  };

  if (run.status === 'cancelling') {
    await removeJob();
    await finish('cancelled', null, 'cancelled');
    return 'cancelled';
  }
  if (run.finished_at) {
    if (Date.now() - run.finished_at.getTime() >= (KEEP_FINISHED_SECONDS - 5) * 1000) { await removeJob(); return 'removed'; }
    return 'finished';
  }
  const pods = (await env.kube.core.listNamespacedPod({ namespace, labelSelector: `${RUN}=${run.id}` })).items;
  const outcome = runOutcome(pods[0]);
  if (outcome.status === 'pending') {
    if (pods.length === 0) {
      try {
        await env.kube.objects.create(job as k8s.KubernetesObject);
      } catch (err) {
        if (statusCode(err) !== 409) { await finish('failed', null, `the run could not start: ${(err as Error).message}`.slice(0, 1000)); return 'failed'; }
      }
    }
    return 'pending';
  }
  if (!('exitCode' in outcome)) {
    await env.db.query(`UPDATE runs SET status = 'running', started_at = coalesce(started_at, now()) WHERE id = $1 AND status = 'pending'`, [run.id]);
    return 'running';
  }
  await finish(outcome.status, outcome.exitCode, outcome.error);
  return outcome.status;
}
