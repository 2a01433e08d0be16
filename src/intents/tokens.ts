import { z } from 'zod';
import { authorize } from '../auth/principal.js';
import { hashSecret, newSecret } from '../auth/tokens.js';
import { forgetTokens } from '../auth/token-cache.js';
import { actorName } from '../auth/principal.js';
import { NotFound } from '../errors.js';
import type { TokenView } from '../model.js';
import { parse, role, tokenName } from '../validation.js';
import { mutation } from './audit.js';
import type { Ctx } from './context.js';
import { findTeam } from './teams.js';

interface TokenRow {
  id: string; name: string; role: TokenView['role']; team: string; created_by: string;
  created_at: Date; last_used_at: Date | null; revoked_at: Date | null;
}

const TOKEN_SELECT = `SELECT t.id, t.name, t.role, tm.name AS team, t.created_by, t.created_at, t.last_used_at, t.revoked_at
  FROM api_tokens t JOIN teams tm ON tm.id = t.team_id`;

const toView = (r: TokenRow): TokenView => ({
  id: r.id, name: r.name, role: r.role, team: r.team, createdBy: r.created_by,
  createdAt: r.created_at, lastUsedAt: r.last_used_at, revokedAt: r.revoked_at,
});

const createSchema = z.object({ team: z.string(), role, name: tokenName });
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Creates a team token. The secret is returned here only; just its hash is stored. */
export async function createApiToken(ctx: Ctx, input: { team: string; role: string; name: string }): Promise<{ secret: string; token: TokenView }> {
  const t = parse(createSchema, input);
  return mutation(ctx, { action: 'token.create', subject: `token/${t.name}`, team: t.team }, async (tx, scope) => {
    authorize(ctx.principal, t.team, 'manage');
    const team = await findTeam(tx, t.team, true);
    scope.teamId = team.id;
    scope.message = `role ${t.role}`;
    const secret = newSecret();
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO api_tokens (team_id, name, role, secret_hash, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [team.id, t.name, t.role, hashSecret(secret), actorName(ctx.principal)],
    );
    const created = await tx.query<TokenRow>(`${TOKEN_SELECT} WHERE t.id = $1`, [rows[0]!.id]);
    return { secret, token: toView(created.rows[0]!) };
  });
}

/** Revokes a token at once: the next request with it is refused. Revoking twice is harmless. */
export async function revokeApiToken(ctx: Ctx, id: string): Promise<TokenView> {
  if (!UUID.test(id)) throw new NotFound(`token "${id}" not found`);
  const { rows } = await ctx.db.query<TokenRow>(`${TOKEN_SELECT} WHERE t.id = $1 AND tm.deleted_at IS NULL`, [id]);
  const found = rows[0];
  // Another team's token must not learn that this id exists.
  if (!found || (ctx.principal.kind === 'team' && ctx.principal.teamName !== found.team)) throw new NotFound(`token "${id}" not found`);
  const revoked = await mutation(ctx, { action: 'token.revoke', subject: `token/${found.name}`, team: found.team }, async (tx, scope) => {
    authorize(ctx.principal, found.team, 'manage');
    scope.message = `token ${id}`;
    const r = await tx.query<{ team_id: string }>(
      `UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING team_id`, [id]);
    scope.teamId = r.rows[0]!.team_id;
    await forgetTokens(tx);
    const updated = await tx.query<TokenRow>(`${TOKEN_SELECT} WHERE t.id = $1`, [id]);
    return toView(updated.rows[0]!);
  });
  ctx.tokenCache?.invalidate(); // this process at once; the others on the NOTIFY, at commit
  return revoked;
}

export async function listApiTokens(ctx: Ctx, team: string): Promise<TokenView[]> {
  authorize(ctx.principal, team, 'manage');
  const t = await findTeam(ctx.db, team);
  const { rows } = await ctx.db.query<TokenRow>(`${TOKEN_SELECT} WHERE t.team_id = $1 ORDER BY t.created_at, t.id`, [t.id]);
  return rows.map(toView);
}
