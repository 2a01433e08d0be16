import { authorize } from '../auth/principal.js';
import { Conflict, Invalid, NotFound } from '../errors.js';
import { drainTarget } from '../logs/syslog.js';
import { checkOutboundHost } from '../net/outbound-guard.js';
import { findApp } from './app-rows.js';
import { mutation } from './audit.js';
import type { Ctx } from './context.js';
import { findTeam } from './teams.js';

export interface DrainView { id: string; url: string; createdAt: Date }

const URL_RULE = 'must be syslog://host:port, syslog+tls://host:port or an https:// URL, without user or password';

/** An app's log drains: where every line it prints is also sent, as Heroku's drains. */
export async function listDrains(ctx: Ctx, team: string, app: string): Promise<DrainView[]> {
  authorize(ctx.principal, team, 'read');
  const t = await findTeam(ctx.db, team);
  const a = await findApp(ctx.db, t.id, team, app);
  const { rows } = await ctx.db.query<DrainView>('SELECT id, url, created_at AS "createdAt" FROM log_drains WHERE app_id = $1 ORDER BY created_at, id', [a.id]);
  return rows;
}

/**
 * Adds a drain. The URL's host must resolve to public addresses (or be one the operator allows in
 * YUNBANG_OUTBOUND_ALLOWED_HOSTS), checked now and again at every connection.
 */
export async function addDrain(ctx: Ctx, team: string, app: string, url: unknown): Promise<DrainView> {
  authorize(ctx.principal, team, 'write');
  if (typeof url !== 'string' || url.length > 2000) throw Invalid.field('url', URL_RULE);
  const target = drainTarget(url);
  if (!target) throw Invalid.field('url', URL_RULE);
  try { await checkOutboundHost(target.host, ctx.outboundAllow); } catch (err) { throw Invalid.field('url', (err as Error).message); }
  return mutation(ctx, { action: 'app.add-drain', subject: `app/${app}`, team }, async (tx, scope) => {
    const t = await findTeam(tx, team);
    scope.teamId = t.id;
    const a = await findApp(tx, t.id, team, app);
    const { rows } = await tx.query<DrainView>(
      `INSERT INTO log_drains (app_id, url) VALUES ($1, $2) ON CONFLICT (app_id, url) DO NOTHING
       RETURNING id, url, created_at AS "createdAt"`, [a.id, url]);
    if (!rows[0]) throw new Conflict(`${app} already drains to ${target.kind}://${target.host}:${target.port}`, [{ field: 'url', message: 'already a drain of this app' }]);
    scope.message = `log drain to ${target.kind}://${target.host}:${target.port}`;
    return rows[0];
  });
}

export async function removeDrain(ctx: Ctx, team: string, app: string, id: string): Promise<DrainView> {
  authorize(ctx.principal, team, 'write');
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new NotFound(`drain ${id} not found`);
  return mutation(ctx, { action: 'app.remove-drain', subject: `app/${app}`, team }, async (tx, scope) => {
    const t = await findTeam(tx, team);
    scope.teamId = t.id;
    const a = await findApp(tx, t.id, team, app);
    const { rows } = await tx.query<DrainView>('DELETE FROM log_drains WHERE id = $1 AND app_id = $2 RETURNING id, url, created_at AS "createdAt"', [id, a.id]);
    if (!rows[0]) throw new NotFound(`drain ${id} not found on ${app}`);
    const target = drainTarget(rows[0].url);
    scope.message = `log drain to ${target ? `${target.kind}://${target.host}:${target.port}` : 'a drain'} removed`;
    return rows[0];
  });
}
