import { YunbangError } from './errors.js';
import type { GraphQLClient } from './graphql.js';
import { AppLogLinesDocument, AppStatusDocument, BuildLogsDocument, type AppStatusSubscription } from './gql/graphql.js';

export type AppStatus = AppStatusSubscription['appStatus'];

/**
 * Resolves once the app is Ready with every desired replica ready (and, with `generation`, once
 * that generation was observed: the change you just made, not the state before it). It follows
 * the appStatus subscription: no polling. Rejects when the app is Failed, or after `timeoutMs`.
 */
export async function waitUntilReady(gql: GraphQLClient, o: {
  team: string; app: string; generation?: number; timeoutMs?: number; onStatus?: (s: AppStatus) => void; signal?: AbortSignal;
}): Promise<AppStatus> {
  const abort = new AbortController();
  const timeoutMs = o.timeoutMs ?? 300_000;
  const timer = setTimeout(() => abort.abort(new YunbangError(`${o.app} was not Ready within ${Math.round(timeoutMs / 1000)} s`, { status: 0, code: 'TIMEOUT' })), timeoutMs);
  o.signal?.addEventListener('abort', () => abort.abort(o.signal!.reason), { once: true });
  let last: AppStatus | undefined;
  try {
    for await (const { appStatus: s } of gql.subscribe(AppStatusDocument, { team: o.team, app: o.app }, abort.signal)) {
      last = s;
      o.onStatus?.(s);
      const current = o.generation === undefined || s.observedGeneration >= o.generation;
      if (current && s.health === 'Ready' && s.readyReplicas >= s.desiredReplicas) return s;
      if (current && s.health === 'Failed') throw new YunbangError(`${o.app} failed: ${s.message || s.reason}`, { status: 0, code: 'FAILED' });
    }
  } finally {
    clearTimeout(timer);
  }
  if (abort.signal.aborted) throw abort.signal.reason as Error;
  throw new YunbangError(`the status stream of ${o.app} ended before it was Ready (last: ${last?.health ?? 'none'})`, { status: 0, code: 'ENDED' });
}

/** A build's log: every line so far, then new ones as they come, until the build ends. */
export async function* followBuildLog(gql: GraphQLClient, buildId: string, signal?: AbortSignal): AsyncGenerator<string> {
  let seq = 0;
  for await (const { buildLogs } of gql.subscribe(BuildLogsDocument, { buildId }, signal)) {
    if (buildLogs.seq <= seq && seq > 0) continue;
    seq = buildLogs.seq;
    yield buildLogs.line;
  }
}

/**
 * The app's log lines, every replica's, following (the appLogLines subscription, as `kubectl logs
 * -f`): the last `tail` lines of each replica, then each line as it is printed; replicas that
 * start later too. Ends when `signal` aborts.
 */
export async function* followAppLogs(gql: GraphQLClient, o: { team: string; app: string; tail?: number; replica?: string; signal?: AbortSignal }): AsyncGenerator<{ pod: string; line: string }> {
  for await (const { appLogLines: l } of gql.subscribe(AppLogLinesDocument, { team: o.team, app: o.app, tail: o.tail ?? 100 }, o.signal)) {
    if (!o.replica || l.pod === o.replica || l.pod.endsWith(o.replica)) yield l;
  }
}
