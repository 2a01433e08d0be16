/**
 * A reconcile is a fixed sequence of steps; a failing step is reported under its own reason
 * (as Flux marks conditions), so the status says where it broke.
 */
export type Step = 'LoadFailed' | 'RenderFailed' | 'ApplyFailed' | 'PruneFailed' | 'AssessFailed' | 'PublishFailed' | 'MoveFailed';

export class StepError extends Error {
  constructor(readonly reason: Step, readonly cause: unknown) {
    super(`${reason}: ${describe(cause)}`);
  }
}

/** Runs one step, tagging any failure with the step's reason. */
export async function step<T>(reason: Step, fn: () => Promise<T> | T): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw err instanceof StepError ? err : new StepError(reason, err);
  }
}

/** A one-line account of an error from the Kubernetes API, etcd or the network. */
export function describe(err: unknown): string {
  const e = err as { code?: number | string; body?: unknown; message?: string };
  let body = '';
  if (typeof e.body === 'string') {
    try { body = (JSON.parse(e.body) as { message?: string }).message ?? ''; } catch { body = e.body.slice(0, 200); }
  } else if (e.body && typeof e.body === 'object') {
    body = (e.body as { message?: string }).message ?? '';
  }
  const text = body || e.message || String(err);
  return e.code !== undefined && typeof e.code === 'number' ? `HTTP ${e.code}: ${text}` : text;
}
