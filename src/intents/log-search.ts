import { authorize } from '../auth/principal.js';
import { Invalid } from '../errors.js';
import { searchLines, type FoundLine } from '../logs/store.js';
import { parseDuration } from '../observe/promql.js';
import { findApp } from './app-rows.js';
import type { Ctx } from './context.js';
import { findTeam } from './teams.js';

export interface LogSearchInput {
  /** A duration back from now ("2h") or an instant (ISO 8601); default 1h. */
  since?: string;
  until?: string;
  /** Only lines containing this text (literal, case-sensitive, as grep -F). */
  grep?: string;
  /** One replica: its pod name or the end of it. */
  replica?: string;
  limit?: number;
}

export interface LogSearchView { lines: FoundLine[]; truncated: boolean }

/** "2h" back from now, or an ISO 8601 instant; refused otherwise, naming the field. */
function instant(field: string, v: string, now: number): Date {
  if (/^\d+[smhd]$/.test(v)) return new Date(now - parseDuration(field, v) * 1000);
  const d = new Date(v);
  if (!/^\d{4}-\d\d-\d\d/.test(v) || Number.isNaN(d.getTime())) throw Invalid.field(field, 'must be a duration back from now (30m, 2h, 7d) or an ISO 8601 time');
  return d;
}

/**
 * An app's kept log lines (every replica's, those since deleted too) between `since` and `until`,
 * optionally only those containing `grep`: the newest `limit` of them, oldest first.
 */
export async function searchLogs(ctx: Ctx, team: string, app: string, q: LogSearchInput = {}): Promise<LogSearchView> {
  authorize(ctx.principal, team, 'read');
  const now = Date.now();
  const since = instant('since', q.since ?? '1h', now);
  const until = q.until === undefined ? new Date(now) : instant('until', q.until, now);
  if (since > until) throw Invalid.field('since', 'must be before until');
  const limit = q.limit ?? 1000;
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw Invalid.field('limit', 'must be between 1 and 10000');
  if (q.grep !== undefined && (q.grep.length === 0 || q.grep.length > 1000)) throw Invalid.field('grep', 'must be 1 to 1000 characters');
  if (q.replica !== undefined && !/^[a-z0-9]([-a-z0-9]{0,252})$/.test(q.replica)) throw Invalid.field('replica', 'must be a pod name or the end of one');
  const t = await findTeam(ctx.db, team);
  await findApp(ctx.db, t.id, team, app);
  return searchLines(ctx.db, { teamId: t.id, app, since, until, grep: q.grep, pod: q.replica, limit });
}
