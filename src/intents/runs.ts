import { z } from 'zod';
import { actorName, authorize } from '../auth/principal.js';
import { Conflict, NotFound } from '../errors.js';
import type { Queryable } from '../db/pool.js';
import { parse } from '../validation.js';
import { mutation } from './audit.js';
import { findApp, lockApp } from './app-rows.js';
import type { Ctx } from './context.js';
import { QUEUES, enqueue } from './queues.js';
import { findTeam } from './teams.js';

/**
 * One-off commands (Heroku's `heroku run`): a command in a Job of one pod from the app's current
 * release, with its config and its dependencies' env (k8s/render/run.ts; the worker's jobs/run.ts
 * launches and follows it). Attached, the caller follows its output (`runOutput`) and leaving
 * cancels it; detached, its output goes to the app's logs. Every run is an audit event naming the
 * command, and is kept with who started it, its exit code and how long it took.
 */
export type RunStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'timed-out' | 'cancelling' | 'cancelled';
export const FINISHED: RunStatus[] = ['succeeded', 'failed', 'timed-out', 'cancelled'];

export interface RunView {
  id: string; app: string; command: string[]; release: number; attached: boolean; timeoutSeconds: number;
  status: RunStatus; exitCode: number | null; error: string | null; createdBy: string;
  createdAt: Date; startedAt: Date | null; finishedAt: Date | null;
}

const MAX_TIMEOUT = 86_400;
const runSchema = z.object({
  command: z.array(z.string().min(1, 'must not be empty').max(4096, 'must be at most 4096 characters')
    .refine((a) => !a.includes('\0'), 'must not contain NUL')).min(1, 'give the command to run').max(256, 'at most 256 arguments'),
  /** Attached (the default): the caller follows the output, and leaving cancels the run. */
  attach: z.boolean().default(true),
  timeoutSeconds: z.number().int('must be a whole number of seconds').min(1, `must be between 1 and ${MAX_TIMEOUT}`).max(MAX_TIMEOUT, `must be between 1 and ${MAX_TIMEOUT} (a day)`).default(3600),
}).strict();
export type RunInput = z.input<typeof runSchema>;

interface RunRow {
  id: string; app: string; command: string[]; release: number; attached: boolean; timeout_seconds: number; status: RunStatus;
  exit_code: number | null; error: string | null; created_by: string; created_at: Date; started_at: Date | null; finished_at: Date | null;
}
const RUN_SELECT = `SELECT r.id, a.name AS app, r.command, r.release, r.attached, r.timeout_seconds, r.status, r.exit_code, r.error, r.created_by,
                           r.created_at, r.started_at, r.finished_at FROM runs r JOIN apps a ON a.id = r.app_id`;
const toRun = (r: RunRow): RunView => ({
  id: r.id, app: r.app, command: r.command, release: r.release, attached: r.attached, timeoutSeconds: r.timeout_seconds, status: r.status,
  exitCode: r.exit_code, error: r.error, createdBy: r.created_by, createdAt: r.created_at, startedAt: r.started_at, finishedAt: r.finished_at,
});

/** A command in words for the audit log: its arguments, quoted where they hold spaces, cut at 300 characters. */
export function commandInWords(command: string[]): string {
  const text = command.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

export async function startRun(ctx: Ctx, team: string, app: string, input: RunInput): Promise<RunView> {
  return mutation(ctx, { action: 'app.run', subject: `app/${app}`, team }, async (tx, scope) => {
    authorize(ctx.principal, team, 'write');
    const t = await findTeam(tx, team, true);
    scope.teamId = t.id;
    const cur = await lockApp(tx, t.id, team, app);
    const run = parse(runSchema, input);
    if (!cur.current_release || !cur.image) throw new Conflict(`app "${app}" has no release yet: deploy it first`, [{ field: 'command', message: 'the app has no release to run it in' }]);
    if (!cur.running) throw new Conflict(`app "${app}" is stopped: start it to run commands in it`, [{ field: 'command', message: 'the app is stopped' }]);
    const { rows: [row] } = await tx.query<{ id: string }>(
      `INSERT INTO runs (app_id, command, release, attached, timeout_seconds, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [cur.id, run.command, cur.current_release, run.attach, run.timeoutSeconds, actorName(ctx.principal)]);
    scope.message = `${run.attach ? 'attached' : 'detached'} run of release ${cur.current_release}: ${commandInWords(run.command)}`;
    await enqueue(ctx.boss, tx, QUEUES.advanceRun, { runId: row!.id }, row!.id);
    return (await readRun(tx, row!.id))!;
  });
}

export async function readRun(q: Queryable, id: string): Promise<RunView | undefined> {
  const { rows } = await q.query<RunRow>(`${RUN_SELECT} WHERE r.id = $1`, [id]);
  return rows[0] && toRun(rows[0]);
}

/** A run of this app, for a caller who may read the team. */
export async function getRun(ctx: Ctx, team: string, app: string, id: string): Promise<RunView> {
  authorize(ctx.principal, team, 'read');
  const t = await findTeam(ctx.db, team);
  const a = await findApp(ctx.db, t.id, team, app);
  const found = z.string().uuid().safeParse(id).success
    ? (await ctx.db.query<RunRow>(`${RUN_SELECT} WHERE r.id = $1 AND r.app_id = $2`, [id, a.id])).rows[0] : undefined;
  if (!found) throw new NotFound(`run "${id}" not found in app "${app}"`);
  return toRun(found);
}

export async function listRuns(ctx: Ctx, team: string, app: string, limit = 20): Promise<RunView[]> {
  authorize(ctx.principal, team, 'read');
  const t = await findTeam(ctx.db, team);
  const a = await findApp(ctx.db, t.id, team, app);
  const { rows } = await ctx.db.query<RunRow>(`${RUN_SELECT} WHERE r.app_id = $1 ORDER BY r.created_at DESC LIMIT $2`, [a.id, Math.min(Math.max(limit, 1), 100)]);
  return rows.map(toRun);
}

/** Stops a run that has not finished: the worker removes its Job (its pod is stopped). */
export async function cancelRun(ctx: Ctx, team: string, app: string, id: string): Promise<RunView> {
  return mutation(ctx, { action: 'app.run-cancel', subject: `app/${app}`, team }, async (tx, scope) => {
    const run = await getRun(ctx, team, app, id);
    const t = await findTeam(tx, team, true);
    scope.teamId = t.id;
    authorize(ctx.principal, team, 'write');
    if (FINISHED.includes(run.status) || run.status === 'cancelling') { scope.message = `run ${id} already ${run.status}`; return run; }
    await tx.query(`UPDATE runs SET status = 'cancelling' WHERE id = $1 AND status IN ('pending', 'running')`, [id]);
    scope.message = `run ${id} cancelled: ${commandInWords(run.command)}`;
    await enqueue(ctx.boss, tx, QUEUES.advanceRun, { runId: id }, id);
    return (await readRun(tx, id))!;
  });
}
