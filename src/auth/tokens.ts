import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Queryable } from '../db/pool.js';
import type { Principal } from './principal.js';
import type { Role } from '../validation.js';
import type { TokenCache } from './token-cache.js';

const PREFIX = 'ybt_';

/** A new team token secret: recognisable prefix (for secret scanners) + 256 random bits. */
export function newSecret(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

/** Constant-time comparison of a presented token with the admin token (via their hashes, so lengths match). */
export function isAdminToken(presented: string, adminToken: string): boolean {
  return timingSafeEqual(hashSecret(presented), hashSecret(adminToken));
}

export function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return m?.[1];
}

const touch = (db: Queryable, id: string) => { db.query('UPDATE api_tokens SET last_used_at = now() WHERE id = $1', [id]).catch(() => {}); };

/**
 * Resolves a presented secret to a principal, or undefined if it is unknown, revoked or its team
 * is gone. With a cache, a token seen within its TTL costs no query (see TokenCache for how a
 * revocation still takes effect at once).
 */
export async function authenticate(db: Queryable, presented: string, adminToken: string, cache?: TokenCache): Promise<Principal | undefined> {
  if (isAdminToken(presented, adminToken)) return { kind: 'admin' };
  if (!presented.startsWith(PREFIX)) return undefined;
  const hash = hashSecret(presented);
  const key = hash.toString('base64');
  const cached = cache?.get(key);
  if (cached) {
    if (cached.touch && cached.principal.kind === 'team') touch(db, cached.principal.tokenId);
    return cached.principal;
  }
  const epoch = cache?.begin() ?? 0;
  const { rows } = await db.query<{ id: string; name: string; role: Role; team_id: string; team_name: string; stale: boolean }>(
    `SELECT t.id, t.name, t.role, t.team_id, tm.name AS team_name,
            (t.last_used_at IS NULL OR t.last_used_at < now() - interval '1 minute') AS stale
       FROM api_tokens t JOIN teams tm ON tm.id = t.team_id
      WHERE t.secret_hash = $1 AND t.revoked_at IS NULL AND tm.deleted_at IS NULL`,
    [hash],
  );
  const row = rows[0];
  if (!row) return undefined;
  // last_used_at is informational: refresh it at most once a minute, off the request's path.
  if (row.stale) touch(db, row.id);
  const principal: Principal = { kind: 'team', tokenId: row.id, tokenName: row.name, teamId: row.team_id, teamName: row.team_name, role: row.role };
  cache?.set(key, principal, epoch);
  return principal;
}
