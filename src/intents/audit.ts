import { withTx, type Queryable, type Tx } from '../db/pool.js';
import { DomainError } from '../errors.js';
import { actorName } from '../auth/principal.js';
import { log } from '../log.js';
import type { Ctx } from './context.js';

export interface AuditScope {
  /** Set by the intent once it knows the team; the event is filed under it. */
  teamId?: string;
  /** A short human summary of what changed, for the audit trail (never secret values). */
  message?: string;
}

interface Meta { action: string; subject: string; team?: string }

/**
 * Runs one mutation in one transaction and files its audit event. Success is recorded in the
 * same transaction as the change; a domain failure rolls the change back (no row, no job) and
 * then files a failure event on its own, so the trail shows refused attempts too.
 */
export async function mutation<T>(ctx: Ctx, meta: Meta, fn: (tx: Tx, scope: AuditScope) => Promise<T>): Promise<T> {
  const scope: AuditScope = {};
  try {
    return await withTx(ctx.db, async (tx) => {
      const result = await fn(tx, scope);
      await appendEvent(tx, ctx, meta, scope.teamId ?? null, 'success', scope.message ?? '');
      return result;
    }, (err) => log.warn({ err, action: meta.action }, 'a follow-up after commit failed; the periodic resync will catch up'));
  } catch (err) {
    if (err instanceof DomainError) {
      await recordFailure(ctx, meta, scope, err).catch((e) => log.warn({ err: e }, 'could not record failure event'));
    }
    throw err;
  }
}

async function recordFailure(ctx: Ctx, meta: Meta, scope: AuditScope, err: DomainError): Promise<void> {
  let teamId = scope.teamId ?? null;
  if (!teamId && meta.team) {
    const { rows } = await ctx.db.query<{ id: string }>('SELECT id FROM teams WHERE name = $1 AND deleted_at IS NULL', [meta.team]);
    teamId = rows[0]?.id ?? null;
  }
  if (!teamId) return; // nothing to file it under: the team does not exist
  await appendEvent(ctx.db, ctx, meta, teamId, 'failure', `${err.code}: ${err.message}`);
}

function appendEvent(q: Queryable, ctx: Ctx, meta: Meta, teamId: string | null, outcome: 'success' | 'failure', message: string) {
  return recordEvent(q, { teamId, actor: actorName(ctx.principal), ...meta, outcome, message, requestId: ctx.requestId });
}

/** Appends one audit event; for callers that are not an authenticated API client (webhooks). */
export function recordEvent(q: Queryable, e: { teamId: string | null; actor: string; action: string; subject: string; outcome: 'success' | 'failure'; message: string; requestId?: string }) {
  return q.query(
    `INSERT INTO events (team_id, actor, action, subject, outcome, message, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [e.teamId, e.actor, e.action, e.subject, e.outcome, e.message.slice(0, 1000), e.requestId ?? null],
  );
}
