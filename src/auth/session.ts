import { randomBytes, timingSafeEqual } from 'node:crypto';
import { parse as parseCookies, serialize } from 'cookie';
import type { Queryable } from '../db/pool.js';
import type { Role } from '../validation.js';
import { hashSecret } from './tokens.js';
import type { Principal } from './principal.js';

/**
 * Web console sessions. The browser trades an API token for a session once (POST /auth/session);
 * from then on it holds only the session's secret, in an httpOnly SameSite=Strict cookie that
 * scripts cannot read, so an injected script cannot steal a long-lived token. Every request that
 * is not a plain read (anything but GET/HEAD) also carries the session's CSRF token in a header,
 * which a cross-site form cannot set. Only the hashes of both secrets are stored.
 */
export const SESSION_COOKIE = 'yb_session';
export const CSRF_HEADER = 'x-csrf-token';

export interface Session { principal: Principal; csrfToken: string }

export async function createSession(db: Queryable, principal: Principal, adminToken: string, hours: number): Promise<{ secret: string; csrfToken: string }> {
  const secret = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  await db.query(
    `INSERT INTO console_sessions (secret_hash, csrf_token, token_id, admin_token_hash, expires_at)
     VALUES ($1, $2, $3, $4, now() + make_interval(secs => $5))`,
    [hashSecret(secret), csrfToken, principal.kind === 'team' ? principal.tokenId : null,
      principal.kind === 'admin' ? hashSecret(adminToken) : null, Math.round(hours * 3600)]);
  // Expired sessions of anyone are swept on the way (cheap: indexed, usually nothing).
  db.query('DELETE FROM console_sessions WHERE expires_at < now()').catch(() => {});
  return { secret, csrfToken };
}

/**
 * The session a cookie secret names, if it is live: not expired, its token not revoked and its
 * team not deleted, or (the admin's) signed in with the admin token in force now.
 */
export async function findSession(db: Queryable, secret: string, adminToken: string): Promise<Session | undefined> {
  const { rows } = await db.query<{
    csrf_token: string; admin_token_hash: Buffer | null; token_id: string | null; name: string | null; role: Role | null; team_id: string | null; team_name: string | null;
  }>(
    `SELECT s.csrf_token, s.admin_token_hash, t.id AS token_id, t.name, t.role, t.team_id, tm.name AS team_name
       FROM console_sessions s
       LEFT JOIN api_tokens t ON t.id = s.token_id AND t.revoked_at IS NULL
       LEFT JOIN teams tm ON tm.id = t.team_id AND tm.deleted_at IS NULL
      WHERE s.secret_hash = $1 AND s.expires_at > now()`,
    [hashSecret(secret)]);
  const r = rows[0];
  if (!r) return undefined;
  if (r.admin_token_hash) {
    const now = hashSecret(adminToken);
    return r.admin_token_hash.length === now.length && timingSafeEqual(r.admin_token_hash, now)
      ? { principal: { kind: 'admin' }, csrfToken: r.csrf_token } : undefined;
  }
  if (!r.token_id || !r.team_name) return undefined;
  return {
    principal: { kind: 'team', tokenId: r.token_id, tokenName: r.name!, teamId: r.team_id!, teamName: r.team_name, role: r.role! },
    csrfToken: r.csrf_token,
  };
}

export async function endSession(db: Queryable, secret: string): Promise<void> {
  await db.query('DELETE FROM console_sessions WHERE secret_hash = $1', [hashSecret(secret)]);
}

export function sessionSecret(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  const v = parseCookies(cookieHeader)[SESSION_COOKIE];
  return v && /^[A-Za-z0-9_-]{43}$/.test(v) ? v : undefined;
}

export function sessionCookie(secret: string, o: { secure: boolean; maxAgeSeconds: number }): string {
  return serialize(SESSION_COOKIE, secret, { httpOnly: true, sameSite: 'strict', secure: o.secure, path: '/', maxAge: o.maxAgeSeconds });
}

export function clearedCookie(secure: boolean): string {
  return serialize(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge: 0 });
}

/** The live session a request's Cookie header names, if any. */
export async function sessionOf(db: Queryable, cookieHeader: string | undefined, adminToken: string): Promise<Session | undefined> {
  const secret = sessionSecret(cookieHeader);
  return secret ? findSession(db, secret, adminToken) : undefined;
}

/**
 * Whether a request on a session must be refused for want of its CSRF token: anything but a plain
 * read (GET, HEAD) must carry it in CSRF_HEADER, which a cross-site form cannot set.
 */
export function csrfRefused(session: Session, method: string, header: string | string[] | undefined): boolean {
  return method !== 'GET' && method !== 'HEAD' && !csrfMatches(session, header);
}

/** Constant-time check of the CSRF header against the session's token. */
function csrfMatches(session: Session, header: string | string[] | undefined): boolean {
  if (typeof header !== 'string') return false;
  const a = Buffer.from(header);
  const b = Buffer.from(session.csrfToken);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** What the console is told about who signed in (never a secret). */
export function describePrincipal(p: Principal): { kind: 'admin' } | { kind: 'team'; team: string; role: Role; tokenName: string } {
  return p.kind === 'admin' ? { kind: 'admin' } : { kind: 'team', team: p.teamName, role: p.role, tokenName: p.tokenName };
}
