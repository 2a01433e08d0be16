import { createHmac } from 'node:crypto';
import type { Db } from '../src/db/pool.js';
import { notificationSecret } from '../src/intents/alerts.js';
import type { NotifyJob } from '../src/intents/queues.js';
import { checkOutboundHost, type AllowList } from '../src/net/outbound-guard.js';

interface AlertEventRow { id: string; team: string; app: string; alert: string; status: 'firing' | 'resolved'; summary: string; starts_at: Date; created_at: Date }

/** The body a team's webhook gets: Yunbang's JSON, or a Slack-compatible `text` (incoming webhooks). Pure. */
export function notificationBody(e: AlertEventRow, format: 'json' | 'slack'): string {
  if (format === 'slack') {
    const mark = e.status === 'firing' ? ':red_circle:' : ':large_green_circle:';
    return JSON.stringify({ text: `${mark} *${e.team}/${e.app}*: ${e.alert} ${e.status}${e.summary ? ` (${e.summary})` : ''}` });
  }
  return JSON.stringify({
    type: 'alert', id: e.id, status: e.status, alert: e.alert, team: e.team, app: e.app, summary: e.summary,
    startsAt: e.starts_at.toISOString(), recordedAt: e.created_at.toISOString(),
  });
}

/**
 * Delivers one alert event to one team webhook, signed: `X-Yunbang-Signature: sha256=<HMAC-SHA256
 * of the body under the webhook's secret>` (the SDK's verifyWebhookSignature checks it), and a
 * delivery id the receiver can deduplicate retries by. Anything but a 2xx throws, and pg-boss
 * tries again later with backoff. A webhook or event deleted meanwhile is nothing to deliver.
 */
export async function deliverNotification(env: { db: Db; secretKey: string; allow: AllowList }, job: NotifyJob): Promise<{ status: number } | { skipped: string }> {
  const target = await notificationSecret(env.db, job.notificationId, env.secretKey);
  if (!target) return { skipped: 'the webhook was removed' };
  const { rows } = await env.db.query<AlertEventRow>(
    `SELECT e.id::text, t.name AS team, e.app, e.alert, e.status, e.summary, e.starts_at, e.created_at
       FROM alert_events e JOIN teams t ON t.id = e.team_id WHERE e.id = $1`, [job.alertEventId]);
  const event = rows[0];
  if (!event) return { skipped: 'the alert event is gone' };
  const url = new URL(target.url);
  await checkOutboundHost(url.hostname.replace(/^\[(.*)\]$/, '$1'), env.allow);
  const body = notificationBody(event, target.format);
  const res = await fetch(url, {
    method: 'POST', body, redirect: 'manual', signal: AbortSignal.timeout(10_000),
    headers: {
      'content-type': 'application/json', 'user-agent': 'Yunbang alerts',
      'x-yunbang-event': 'alert', 'x-yunbang-delivery': `${job.alertEventId}.${job.notificationId}`,
      'x-yunbang-signature': `sha256=${createHmac('sha256', target.secret).update(body).digest('hex')}`,
    },
  });
  await res.arrayBuffer().catch(() => undefined);
  if (res.status < 200 || res.status > 299) throw new Error(`the webhook answered ${res.status}; will try again`);
  return { status: res.status };
}
