/**
 * A line of `kubectl logs --timestamps`: the runtime's RFC 3339 timestamp (nanoseconds, trailing
 * zeros trimmed), a space, what the container printed. Pure.
 */
export interface ParsedLine { ts: string; at: Date; line: string }

export function parseLogLine(raw: string): ParsedLine | undefined {
  const i = raw.indexOf(' ');
  const ts = i > 0 ? raw.slice(0, i) : raw;
  const at = new Date(ts);
  if (!/^\d{4}-\d\d-\d\dT/.test(ts) || Number.isNaN(at.getTime())) return undefined;
  return { ts: normalize(ts), at, line: i > 0 ? raw.slice(i + 1) : '' };
}

/** "2026-12-07T17:00:00.12Z" and "...00.120000000Z" alike: nine fractional digits, so strings compare in time order. */
export function normalize(ts: string): string {
  const m = /^(.*?T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(ts);
  if (!m) return ts;
  const utc = m[3] === 'Z' ? m[1]! : new Date(ts).toISOString().slice(0, 19);
  return `${utc}.${(m[2] ?? '').padEnd(9, '0').slice(0, 9)}Z`;
}

/** Whether a line's timestamp is after the last one kept (none kept: yes). */
export const after = (ts: string, last: string | undefined) => last === undefined || ts > normalize(last);
