import { Writable } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { actorName } from '../auth/principal.js';
import { describe } from '../describe-error.js';
import { log } from '../log.js';
import { RUN } from '../../k8s/labels.js';
import { logSource } from './logs.js';
import { FINISHED, cancelRun, getRun, readRun, type RunStatus } from './runs.js';
import type { Ctx } from './context.js';

/** A line the command printed, or (last) how it ended. */
export type RunOutputItem = { line: string; status?: undefined } | { line?: undefined; status: RunStatus; exitCode: number | null; error: string | null };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A run's output as it is printed (its pod's log, from the first line, through the API server),
 * then how it ended. Whoever started an attached run and leaves before it ends cancels it, as
 * closing `heroku run` does; anyone else who may read the team only stops watching.
 */
export async function* followRun(ctx: Ctx, team: string, app: string, id: string, signal: AbortSignal): AsyncGenerator<RunOutputItem> {
  const run = await getRun(ctx, team, app, id);
  const { namespace, kube } = await logSource(ctx, team, app);
  let ended = false;
  try {
    // The pod: once it has started (or the run ended without one: an image that cannot be pulled).
    let pod: string | undefined;
    while (!signal.aborted && !pod) {
      const now = await readRun(ctx.db, id);
      if (now && FINISHED.includes(now.status)) break;
      const found = (await kube.core.listNamespacedPod({ namespace, labelSelector: `${RUN}=${id}` })).items[0];
      if (found && found.status?.phase !== 'Pending') pod = found.metadata!.name!;
      else await sleep(250);
    }
    if (pod) {
      const lines: string[] = [];
      let wake: (() => void) | undefined;
      let done = false;
      let rest = '';
      const sink = new Writable({
        write(chunk: Buffer, _e, cb) {
          rest += chunk.toString();
          let i: number;
          while ((i = rest.indexOf('\n')) >= 0) { lines.push(rest.slice(0, i)); rest = rest.slice(i + 1); }
          wake?.();
          cb();
        },
      });
      const stop = () => { done = true; wake?.(); };
      const req = await new k8s.Log(kube.config).log(namespace, pod, 'app', sink, (err: unknown) => {
        if (err && !signal.aborted) log.debug({ pod, error: describe(err) }, 'run output stream ended');
        stop();
      }, { follow: true });
      sink.on('finish', stop);
      signal.addEventListener('abort', stop, { once: true });
      try {
        while (!signal.aborted) {
          if (lines.length === 0 && !done) await new Promise<void>((r) => { wake = r; });
          wake = undefined;
          while (lines.length > 0) yield { line: lines.shift()! };
          if (done) break;
        }
        if (rest && !signal.aborted) yield { line: rest };
      } finally {
        req.abort();
        signal.removeEventListener('abort', stop);
      }
    }
    // How it ended, once the worker has recorded it (it follows the same pod).
    for (let i = 0; i < 240 && !signal.aborted; i++) {
      const now = await readRun(ctx.db, id);
      if (now && FINISHED.includes(now.status)) { ended = true; yield { status: now.status, exitCode: now.exitCode, error: now.error }; return; }
      await sleep(250);
    }
  } finally {
    if (!ended && signal.aborted && run.attached && run.createdBy === actorName(ctx.principal)) {
      await cancelRun(ctx, team, app, id).catch((err) => log.warn({ run: id, error: describe(err) }, 'could not cancel a run its caller left'));
    }
  }
}
