import { describe } from '../src/describe-error.js';

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
