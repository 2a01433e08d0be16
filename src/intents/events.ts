import { authorize } from '../auth/principal.js';
import { Invalid } from '../errors.js';
import type { EventView } from '../model.js';
import type { Ctx } from './context.js';
import { findTeam } from './teams.js';

export interface EventPage { limit?: number; before?: string }

/** A team's audit trail, newest first; page with `before` (an event id). */
export async function listEvents(ctx: Ctx, team: string, page: EventPage = {}): Promise<EventView[]> {
  authorize(ctx.principal, team, 'read');
  const limit = page.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw Invalid.field('limit', 'must be between 1 and 500');
  if (page.before !== undefined && !/^\d{1,18}$/.test(page.before)) throw Invalid.field('before', 'must be an event id');
  const t = await findTeam(ctx.db, team);
  const { rows } = await ctx.db.query<{ id: string; actor: string; action: string; subject: string; outcome: 'success' | 'failure'; message: string; request_id: string | null; created_at: Date }>(
    `SELECT id::text, actor, action, subject, outcome, message, request_id, created_at FROM events
      WHERE team_id = $1 AND ($2::bigint IS NULL OR id < $2) ORDER BY events.id DESC LIMIT $3`,
    [t.id, page.before ?? null, limit],
  );
  return rows.map((r) => ({ id: r.id, actor: r.actor, action: r.action, subject: r.subject, outcome: r.outcome, message: r.message, requestId: r.request_id, createdAt: r.created_at }));
}
