import type { IncomingHttpHeaders } from 'node:http';
import type PgBoss from 'pg-boss';
import { withTx, type Db } from '../db/pool.js';
import { queueBuild } from '../intents/builds.js';
import { recordEvent } from '../intents/audit.js';
import type { SourceSpec } from '../intents/source.js';
import { deliveryId, parseDelivery, providerOf, verify } from './verify.js';
import { isSealed, open, seal } from '../crypto/box.js';

export interface HookResponse { status: number; body: Record<string, unknown> }

const ZERO = /^0+$/;

/**
 * One delivery to an app's webhook: verify, then (only then) parse; a push to the tracked branch
 * queues a build of its head commit. A delivery id or a commit seen before never builds twice.
 */
export async function handleDelivery(deps: { db: Db; boss: PgBoss; secretKey: string }, hookId: string, providerFromPath: string | undefined,
  headers: IncomingHttpHeaders, body: Buffer, requestId?: string): Promise<HookResponse> {
  const provider = providerOf(headers, providerFromPath);
  if (!provider) return { status: 404, body: { error: 'unknown git host' } };
  const { rows } = await deps.db.query<{ id: string; name: string; team_id: string; source: SourceSpec | null; webhook_secret: string | null }>(
    `SELECT a.id, a.name, a.team_id, a.source, a.webhook_secret FROM apps a JOIN teams t ON t.id = a.team_id
      WHERE a.webhook_id = $1 AND a.deleted_at IS NULL AND t.deleted_at IS NULL`, [hookId]);
  const app = rows[0];
  // Unknown hook and bad signature answer alike, so neither reveals whether the hook exists.
  // Sealed at rest; a secret stored before sealing existed is still plain (sealLegacyWebhookSecrets seals it).
  const secret = app?.webhook_secret ? (isSealed(app.webhook_secret) ? open(deps.secretKey, app.webhook_secret, 'webhook-secret') : app.webhook_secret) : undefined;
  if (!app || !secret || !app.source || !verify(provider, headers, body, secret)) {
    return { status: 401, body: { error: 'signature missing or invalid' } };
  }
  let delivery;
  try { delivery = parseDelivery(provider, headers, body); } catch { return { status: 400, body: { error: 'body is not the JSON the git host sends' } }; }
  if (delivery.kind === 'ping') return { status: 200, body: { ok: true, pong: true } };
  if (delivery.kind === 'other') return { status: 202, body: { ignored: `event ${delivery.event}` } };
  const push = delivery.push;
  if (push.branch !== app.source.branch) {
    return { status: 202, body: { ignored: push.branch ? `branch ${push.branch} is not tracked (${app.source.branch} is)` : `tag ${push.tag ?? '?'} is not a tracked branch` } };
  }
  if (!/^[0-9a-f]{7,64}$/.test(push.commit) || ZERO.test(push.commit)) return { status: 202, body: { ignored: 'branch deleted or no commit' } };

  const id = deliveryId(provider, headers);
  return oneAtATime(app.id, () => withTx(deps.db, async (tx) => {
    if (id) {
      const seen = await tx.query(`INSERT INTO webhook_deliveries (app_id, delivery_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [app.id, id]);
      if (seen.rowCount === 0) return { status: 200, body: { duplicate: 'delivery already received' } };
    }
    const actor = `webhook:${provider}`;
    const b = await queueBuild(tx, { boss: deps.boss, actor }, app.id, push.commit, 'webhook', { commit: push.commit, author: push.author ?? undefined, message: push.message ?? undefined });
    if (b.duplicate) return { status: 200, body: { duplicate: `commit ${push.commit} already built as build #${b.number}`, build: { id: b.id, number: b.number } } };
    await recordEvent(tx, { teamId: app.team_id, actor, action: 'build.trigger', subject: `app/${app.name}`, outcome: 'success', message: `build #${b.number} of ${push.commit.slice(0, 12)}`, requestId });
    return { status: 202, body: { build: { id: b.id, number: b.number } } };
  }));
}

/**
 * Deliveries for one app queue here, in memory, before taking a database connection: they would
 * serialise on the app's build lock anyway (queueBuild), and waiting for it while holding a pooled
 * connection lets a flood to a few apps take every connection and starve all other requests.
 * The lock in the database still orders deliveries across API processes.
 */
const perApp = new Map<string, Promise<unknown>>();
function oneAtATime<T>(appId: string, fn: () => Promise<T>): Promise<T> {
  const prev = perApp.get(appId) ?? Promise.resolve();
  const next = prev.then(fn, fn);
  const tail = next.catch(() => {});
  perApp.set(appId, tail);
  void tail.then(() => { if (perApp.get(appId) === tail) perApp.delete(appId); });
  return next;
}

/** Seals the webhook secrets stored in plain text before they were sealed; returns how many. */
export async function sealLegacyWebhookSecrets(db: Db, secretKey: string): Promise<number> {
  const { rows } = await db.query<{ id: string; webhook_secret: string }>(`SELECT id, webhook_secret FROM apps WHERE webhook_secret IS NOT NULL AND webhook_secret NOT LIKE 'v_.%'`);
  for (const r of rows) {
    await db.query('UPDATE apps SET webhook_secret = $2 WHERE id = $1 AND webhook_secret = $3', [r.id, seal(secretKey, r.webhook_secret, 'webhook-secret'), r.webhook_secret]);
  }
  return rows.length;
}
