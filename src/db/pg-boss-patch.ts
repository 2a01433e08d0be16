import { createRequire } from 'node:module';

/**
 * pg-boss 10 completes or fails a job after its handler without awaiting the database call
 * (src/manager.js, watch → onFetch: `this.complete(...)`, `this.fail(...)`). When the database
 * goes away at that moment the rejection is unhandled, and Node ends the process: a PostgreSQL
 * restart would take the worker down with it. Here those calls report to pg-boss's 'error' event
 * instead. The job's outcome is simply not recorded: it expires and runs again, which every
 * Yunbang job allows (they read the latest intent and are idempotent).
 */
type Manager = { prototype: Record<string, (...args: unknown[]) => Promise<unknown>> & { emit(event: string, e: unknown): void } };
const manager = createRequire(import.meta.url)('pg-boss/src/manager.js') as Manager;

for (const name of ['complete', 'fail']) {
  const original = manager.prototype[name]!;
  if ((original as { patched?: boolean }).patched) continue;
  const patched = function (this: { emit(event: string, e: unknown): void }, ...args: unknown[]) {
    const p = original.apply(this, args);
    p.catch((err: unknown) => this.emit('error', err));
    return p;
  };
  (patched as { patched?: boolean }).patched = true;
  manager.prototype[name] = patched;
}
