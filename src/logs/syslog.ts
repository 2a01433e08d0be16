/**
 * Log drain messages in Heroku's convention: RFC 5424 syslog, framed by octet counting (RFC 6587)
 * over TCP or TLS, and the same frames in the body of an HTTPS POST (`application/logplex-1`).
 * Pure.
 *
 *   <14>1 2026-12-07T17:00:00.123456Z acme web web-7d9c-x2x4z - - GET / 200
 *   pri  v timestamp                  host app replica      msgid sd message
 *
 * HOSTNAME is the team, APP-NAME the app and PROCID the replica (its pod), so a receiver can tell
 * apps and replicas apart as Heroku's `host app web.1` does dynos.
 */
export interface DrainLine { team: string; app: string; pod: string; at: Date | string; line: string }

/** user.info: what a container prints to stdout is the app's own informational output. */
const PRI = '<14>';

/** RFC 5424 header fields are printable US-ASCII without spaces, with a length limit each. */
const field = (v: string, max: number) => (v.replace(/[^\x21-\x7e]/g, '_').slice(0, max) || '-');

export function syslogMessage(l: DrainLine): string {
  const ts = typeof l.at === 'string' ? l.at : l.at.toISOString();
  // Control characters other than tab would break a receiver's line handling: shown escaped.
  const msg = l.line.replace(/[\x00-\x08\x0a-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return `${PRI}1 ${ts} ${field(l.team, 255)} ${field(l.app, 48)} ${field(l.pod, 128)} - - ${msg}`;
}

/** One octet-counted frame: "<length in bytes> <message>". */
export function frame(message: string): string {
  return `${Buffer.byteLength(message)} ${message}`;
}

/** A drain's URL: syslog over TCP (syslog://), over TLS (syslog+tls://), or HTTPS. */
export interface DrainTarget { kind: 'syslog' | 'syslog+tls' | 'https'; host: string; port: number; url: string }

export function drainTarget(url: string): DrainTarget | undefined {
  let u: URL;
  try { u = new URL(url); } catch { return undefined; }
  const kind = u.protocol.slice(0, -1);
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (!host || u.username || u.password) return undefined;
  if (kind === 'https') return { kind, host, port: Number(u.port || 443), url };
  if ((kind === 'syslog' || kind === 'syslog+tls') && u.port && (u.pathname === '' || u.pathname === '/')) return { kind, host, port: Number(u.port), url };
  return undefined;
}
