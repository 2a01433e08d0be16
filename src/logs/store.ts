import type { Queryable } from '../db/pool.js';

/**
 * Apps' kept log lines in PostgreSQL (migration 0013): written in batches by the worker's
 * collector, searched by the API, trimmed by retention. Day partitions (UTC) are made ahead of
 * time; a line whose day has none lands in the default partition and is still kept.
 */
export interface StoredLine { teamId: string; app: string; pod: string; at: Date; line: string }

/** The longest a team may keep lines: partitions older than this are dropped whole. */
export const MAX_RETENTION_DAYS = 30;

const dayName = (d: Date) => `app_log_lines_${d.toISOString().slice(0, 10).replaceAll('-', '')}`;
const dayStart = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
const addDays = (d: Date, n: number) => new Date(d.getTime() + n * 86_400_000);

/** Makes the partitions of yesterday, today and the next two days, if they are not there. */
export async function ensurePartitions(db: Queryable, now = new Date()): Promise<void> {
  for (let i = -1; i <= 2; i++) {
    const from = dayStart(addDays(now, i));
    try {
      await db.query(`CREATE TABLE IF NOT EXISTS ${dayName(from)} PARTITION OF app_log_lines FOR VALUES FROM ('${from.toISOString()}') TO ('${addDays(from, 1).toISOString()}')`);
    } catch (err) {
      // Another worker made it at the same moment (42P07), or the default partition already holds
      // that day's lines (23514): they stay there, kept and searchable all the same.
      if (!['42P07', '23514', '23505'].includes((err as { code?: string }).code ?? '')) throw err;
    }
  }
}

/** Writes lines and counts their bytes per team and day, in one statement. */
export async function insertLines(db: Queryable, lines: StoredLine[]): Promise<void> {
  if (lines.length === 0) return;
  await db.query(
    `WITH ins AS (
       INSERT INTO app_log_lines (team_id, app, pod, at, line)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::text[])
       RETURNING team_id, at, octet_length(line) AS bytes)
     INSERT INTO app_log_usage (team_id, day, bytes)
     SELECT team_id, (at AT TIME ZONE 'UTC')::date, sum(bytes) FROM ins GROUP BY 1, 2
     ON CONFLICT (team_id, day) DO UPDATE SET bytes = app_log_usage.bytes + excluded.bytes`,
    [lines.map((l) => l.teamId), lines.map((l) => l.app), lines.map((l) => l.pod), lines.map((l) => l.at), lines.map((l) => l.line)],
  );
}

/**
 * When the last line kept of a pod was printed (RFC 3339 in UTC, to the microsecond PostgreSQL
 * keeps): a collector that starts again resumes after it.
 */
export async function lastLineAt(db: Queryable, teamId: string, app: string, pod: string): Promise<string | undefined> {
  const { rows } = await db.query<{ at: string | null }>(
    `SELECT to_char(max(at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at FROM app_log_lines
      WHERE team_id = $1 AND app = $2 AND pod = $3 AND at > now() - make_interval(days => $4)`,
    [teamId, app, pod, MAX_RETENTION_DAYS]);
  return rows[0]?.at ?? undefined;
}

export interface SearchQuery { teamId: string; app: string; since: Date; until: Date; grep?: string; pod?: string; limit: number }
export interface FoundLine { at: Date; pod: string; line: string }

/**
 * The newest `limit` lines of an app between `since` and `until` containing `grep` (a literal,
 * case-sensitive, as grep -F), in the order they were printed. `truncated` when there were more.
 */
export async function searchLines(db: Queryable, q: SearchQuery): Promise<{ lines: FoundLine[]; truncated: boolean }> {
  const { rows } = await db.query<FoundLine>(
    `SELECT at, pod, line FROM app_log_lines
      WHERE team_id = $1 AND app = $2 AND at >= $3 AND at <= $4
        AND ($5::text IS NULL OR strpos(line, $5) > 0)
        AND ($6::text IS NULL OR pod = $6 OR right(pod, length($6) + 1) = '-' || $6)
      ORDER BY at DESC, seq DESC LIMIT $7`,
    [q.teamId, q.app, q.since, q.until, q.grep ?? null, q.pod ?? null, q.limit + 1]);
  const truncated = rows.length > q.limit;
  return { lines: rows.slice(0, q.limit).reverse(), truncated };
}

export interface RetentionDefaults { days: number; megabytes: number }

/**
 * Retention: whole partitions older than the longest retention are dropped; then each team's
 * lines older than its own age limit are deleted, and, while a team keeps more than its size
 * limit, its oldest days (never today). Lines of teams that no longer exist go too.
 */
export async function applyRetention(db: Queryable, defaults: RetentionDefaults, now = new Date()): Promise<{ droppedPartitions: number; deletedLines: number }> {
  const oldest = dayStart(addDays(now, -MAX_RETENTION_DAYS));
  const { rows: parts } = await db.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'app_log_lines'::regclass AND c.relname ~ '^app_log_lines_[0-9]{8}$'`);
  let droppedPartitions = 0;
  for (const { name } of parts) {
    const day = new Date(`${name.slice(-8, -4)}-${name.slice(-4, -2)}-${name.slice(-2)}T00:00:00Z`);
    if (addDays(day, 1) <= oldest) { await db.query(`DROP TABLE IF EXISTS ${name}`); droppedPartitions++; }
  }
  // A team's own limit, or the default; a team deleted since: none. (The last day is never due,
  // as no limit is under a day: its partition is not even scanned.)
  const byAge = await db.query(
    `DELETE FROM app_log_lines l
      WHERE l.at < $1::timestamptz - interval '1 day'
        AND l.at < $1::timestamptz - make_interval(days => coalesce(
              (SELECT coalesce(t.log_retention_days, $2) FROM teams t WHERE t.id = l.team_id AND t.deleted_at IS NULL), 0))`,
    [now, Math.min(defaults.days, MAX_RETENTION_DAYS)]);
  // Sizes by day, newest first; a day goes once the days after it already fill the team's limit.
  const { rows: cut } = await db.query<{ team_id: string; day: Date }>(
    `WITH sized AS (
       SELECT u.team_id, u.day, sum(u.bytes) OVER (PARTITION BY u.team_id ORDER BY u.day DESC) - u.bytes AS newer,
              coalesce(t.log_retention_mb, $1) * 1048576::bigint AS limit_bytes
         FROM app_log_usage u LEFT JOIN teams t ON t.id = u.team_id)
     SELECT team_id, max(day) AS day FROM sized WHERE newer >= limit_bytes AND day < ($2::timestamptz AT TIME ZONE 'UTC')::date GROUP BY team_id`,
    [defaults.megabytes, now]);
  let bySize = 0;
  for (const c of cut) {
    const r = await db.query('DELETE FROM app_log_lines WHERE team_id = $1 AND at < ($2::date + 1)::timestamp AT TIME ZONE \'UTC\'', [c.team_id, c.day]);
    bySize += r.rowCount ?? 0;
    await db.query('DELETE FROM app_log_usage WHERE team_id = $1 AND day <= $2', [c.team_id, c.day]);
  }
  await db.query('DELETE FROM app_log_usage WHERE day < ($1::timestamptz AT TIME ZONE \'UTC\')::date - $2::int', [now, MAX_RETENTION_DAYS]);
  return { droppedPartitions, deletedLines: (byAge.rowCount ?? 0) + bySize };
}
