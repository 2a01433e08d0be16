import { Forbidden, NotFound } from '../errors.js';
import type { Role } from '../validation.js';

/** Who is calling. The admin can do everything; a team token acts only inside its team. */
export type Principal =
  | { kind: 'admin' }
  | { kind: 'team'; tokenId: string; tokenName: string; teamId: string; teamName: string; role: Role };

/** What an operation needs: read (any role), write (developer, owner), manage (owner: tokens). */
export type Need = 'read' | 'write' | 'manage';

const ALLOWED: Record<Role, readonly Need[]> = {
  viewer: ['read'],
  developer: ['read', 'write'],
  owner: ['read', 'write', 'manage'],
};

/**
 * Checks a principal against a team by name. Another team's token gets NotFound, never
 * Forbidden: it must not learn whether that team (or anything in it) exists.
 */
export function authorize(p: Principal, team: string, need: Need): void {
  if (p.kind === 'admin') return;
  if (p.teamName !== team) throw new NotFound(`team "${team}" not found`);
  if (!ALLOWED[p.role].includes(need)) {
    throw new Forbidden(`the ${p.role} role cannot ${need === 'manage' ? 'manage tokens of' : 'change'} team "${team}"`);
  }
}

export function requireAdmin(p: Principal, what: string): void {
  if (p.kind !== 'admin') throw new Forbidden(`only the admin token can ${what}`);
}

/** How the audit trail names the caller. */
export function actorName(p: Principal): string {
  return p.kind === 'admin' ? 'admin' : `token:${p.tokenName} (${p.tokenId})`;
}
