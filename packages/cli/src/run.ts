import type { Ctx, Target } from './context.js';

/** A command's body: the clients and output mode, what it acts on, then its arguments and options. */
export type Action = (c: Ctx, target: Target, ...args: any[]) => Promise<void>;
/** Wraps an action for commander: options resolved, errors reported, the exit code kept. */
export type Run = (action: Action, needs?: { login?: boolean; team?: boolean; app?: boolean }) => (...args: unknown[]) => Promise<void>;
