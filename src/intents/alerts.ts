import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { authorize } from '../auth/principal.js';
import { open, seal } from '../crypto/box.js';
import type { Queryable } from '../db/pool.js';
import { withTx } from '../db/pool.js';
import { Conflict, Invalid, NotFound } from '../errors.js';
import { ALERTS, alertSettingsSchema, effectiveAlerts, type AlertSettings } from '../observe/alerts.js';
import { checkOutboundHost } from '../net/outbound-guard.js';
import { parse } from '../validation.js';
import { findApp } from './app-rows.js';
import { mutation, recordEvent } from './audit.js';
import type { Ctx, Deps } from './context.js';
import { enqueueNotify } from './queues.js';
import { findTeam } from './teams.js';

/*
 * Alerts: an app's rules (the defaults, or its overrides), where its team is told, and the
 * receiver Alertmanager posts to. See src/observe/alerts.ts for the rules themselves.
 */

export interface AppAlertsView { rules: AlertSettings; overrides: Partial<AlertSettings> }

export async function getAppAlerts(ctx: Ctx, team: string, app: string): Promise<AppAlertsView> {
  authorize(ctx.principal, team, 'read');
  const t = await findTeam(ctx.db, team);
  const a = await findApp(ctx.db, t.id, team, app);
  const { rows } = await ctx.db.query<{ alerts: Partial<AlertSettings> | null }>('SELECT alerts FROM apps WHERE id = $1', [a.id]);
  const overrides = rows[0]?.alerts ?? {};
  return { rules: effectiveAlerts(overrides), overrides };
}

/**
 * Sets an app's rules where they differ from the defaults: each rule given replaces the default
 * (false turns it off), rules not given keep the default; null returns all to the defaults. The
 * worker exports the new thresholds within seconds; Prometheus' configuration is not touched.
 */
export async function setAppAlerts(ctx: Ctx, team: string, app: string, raw: unknown): Promise<AppAlertsView> {
  authorize(ctx.principal, team, 'write');
  const overrides = raw === null ? null : parse(alertSettingsSchema.partial(), raw);
  return mutation(ctx, { action: 'app.set-alerts', subject: `app/${app}`, team }, async (tx, scope) => {
    const t = await findTeam(tx, team);
    scope.teamId = t.id;
    const a = await findApp(tx, t.id, team, app);
    await tx.query('UPDATE apps SET alerts = $2 WHERE id = $1', [a.id, overrides && Object.keys(overrides).length > 0 ? JSON.stringify(overrides) : null]);
    scope.message = overrides ? `alert rules: ${Object.keys(overrides).join(', ') || 'defaults'}` : 'alert rules back to the defaults';
    return { rules: effectiveAlerts(overrides), overrides: overrides ?? {} };
  });
}

export interface NotificationView { id: string; url: string; format: 'json' | 'slack'; createdAt: Date }

const notificationInput = z.object({
  url: z.string().max(2000).refine((u) => URL.canParse(u) && new URL(u).protocol === 'https:' || (URL.canParse(u) && new URL(u).protocol === 'http:' && ['127.0.0.1', 'localhost'].includes(new URL(u).hostname)), 'must be an https:// URL'),
  format: z.enum(['json', 'slack'], { message: 'must be json or slack' }).default('json'),
}).strict();

export async function listNotifications(ctx: Ctx, team: string): Promise<NotificationView[]> {
  authorize(ctx.principal, team, 'read');
  const t = await findTeam(ctx.db, team);
  const { rows } = await ctx.db.query<NotificationView>('SELECT id, url, format, created_at AS "createdAt" FROM team_notifications WHERE team_id = $1 ORDER BY created_at, id', [t.id]);
  return rows;
}

/**
 * Adds a webhook the team's alerts are posted to, signed with a secret of its own (HMAC-SHA256 of
 * the body in X-Yunbang-Signature, as Yunbang's SDK checks it), shown this once.
 */
export async function addNotification(ctx: Ctx, team: string, raw: unknown): Promise<NotificationView & { secret: string }> {
  authorize(ctx.principal, team, 'manage');
  const i = parse(notificationInput, raw);
  try { await checkOutboundHost(new URL(i.url).hostname.replace(/^\[(.*)\]$/, '$1'), ctx.outboundAllow); } catch (err) { throw Invalid.field('url', (err as Error).message); }
  const secret = `ybw_${randomBytes(24).toString('base64url')}`;
  return mutation(ctx, { action: 'team.add-notification', subject: `team/${team}`, team }, async (tx, scope) => {
    const t = await findTeam(tx, team);
    scope.teamId = t.id;
    const { rows } = await tx.query<NotificationView>(
      `INSERT INTO team_notifications (team_id, url, format, secret_sealed) VALUES ($1, $2, $3, $4) ON CONFLICT (team_id, url) DO NOTHING
       RETURNING id, url, format, created_at AS "createdAt"`, [t.id, i.url, i.format, seal(ctx.secretKey, secret, 'notification-secret')]);
    if (!rows[0]) throw new Conflict('the team already notifies this URL', [{ field: 'url', message: 'already a notification of this team' }]);
    scope.message = `alerts notified to ${new URL(i.url).host} (${i.format})`;
    return { ...rows[0], secret };
  });
}

export async function removeNotification(ctx: Ctx, team: string, id: string): Promise<NotificationView> {
  authorize(ctx.principal, team, 'manage');
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new NotFound(`notification ${id} not found`);
  return mutation(ctx, { action: 'team.remove-notification', subject: `team/${team}`, team }, async (tx, scope) => {
    const t = await findTeam(tx, team);
    scope.teamId = t.id;
    const { rows } = await tx.query<NotificationView>('DELETE FROM team_notifications WHERE id = $1 AND team_id = $2 RETURNING id, url, format, created_at AS "createdAt"', [id, t.id]);
    if (!rows[0]) throw new NotFound(`notification ${id} not found`);
    scope.message = `alerts no longer notified to ${new URL(rows[0].url).host}`;
    return rows[0];
  });
}

/** Alertmanager's webhook body (version 4), what Yunbang reads of it. */
const alertmanagerBody = z.object({
  alerts: z.array(z.object({
    status: z.enum(['firing', 'resolved']),
    labels: z.record(z.string(), z.string()),
    annotations: z.record(z.string(), z.string()).default({}),
    startsAt: z.string(),
    fingerprint: z.string().max(64),
  })).max(1000),
});

const KNOWN = new Set<string>(Object.values(ALERTS));

/**
 * Alertmanager's notification: each alert of Yunbang's rules that fired or resolved is recorded
 * once (its fingerprint and start deduplicate Alertmanager's repeats and retries), filed as an app
 * event, and owed to each of the team's webhooks as a job that retries with backoff; all of it
 * in one transaction, so a notification exists if and only if its event does.
 */
export async function receiveAlerts(deps: Deps, raw: unknown): Promise<{ recorded: number }> {
  const body = parse(alertmanagerBody, raw);
  let recorded = 0;
  for (const a of body.alerts) {
    const { team, app, alertname } = a.labels;
    if (!team || !app || !alertname || !KNOWN.has(alertname)) continue;
    await withTx(deps.db, async (tx) => {
      const { rows: teams } = await tx.query<{ id: string }>('SELECT id FROM teams WHERE name = $1 AND deleted_at IS NULL', [team]);
      if (!teams[0]) return; // an app of another Yunbang on the same Prometheus, or a team since deleted
      const summary = (a.annotations.summary ?? '').slice(0, 500);
      const { rows } = await tx.query<{ id: string }>(
        `INSERT INTO alert_events (team_id, app, alert, status, summary, fingerprint, starts_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (fingerprint, starts_at, status) DO NOTHING RETURNING id::text`,
        [teams[0].id, app, alertname, a.status, summary, a.fingerprint, a.startsAt]);
      if (!rows[0]) return; // told before
      recorded++;
      await recordEvent(tx, {
        teamId: teams[0].id, actor: 'alertmanager', action: `alert.${a.status}`, subject: `app/${app}`,
        outcome: a.status === 'firing' ? 'failure' : 'success', message: `${alertname}${summary ? `: ${summary}` : ''}`,
      });
      await owe(deps, tx, teams[0].id, rows[0].id);
    });
  }
  return { recorded };
}

async function owe(deps: Deps, tx: Queryable, teamId: string, alertEventId: string): Promise<void> {
  const { rows } = await tx.query<{ id: string }>('SELECT id FROM team_notifications WHERE team_id = $1', [teamId]);
  for (const n of rows) {
    await enqueueNotify(deps.boss, tx, { alertEventId, notificationId: n.id });
  }
}

/** The signing secret of a notification, opened for the worker that delivers to it. */
export async function notificationSecret(q: Queryable, id: string, secretKey: string): Promise<{ url: string; format: 'json' | 'slack'; secret: string } | undefined> {
  const { rows } = await q.query<{ url: string; format: 'json' | 'slack'; secret_sealed: string }>('SELECT url, format, secret_sealed FROM team_notifications WHERE id = $1', [id]);
  return rows[0] && { url: rows[0].url, format: rows[0].format, secret: open(secretKey, rows[0].secret_sealed, 'notification-secret') };
}
