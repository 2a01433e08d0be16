import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { Counter } from 'prom-client';
import type { Db } from '../../src/db/pool.js';
import { log } from '../../src/log.js';
import { registry } from '../../src/metrics.js';
import type { StoredLine } from '../../src/logs/store.js';
import { drainTarget, frame, syslogMessage, type DrainTarget } from '../../src/logs/syslog.js';
import { checkOutboundHost, type AllowList } from '../../src/net/outbound-guard.js';

const sent = new Counter({ name: 'yunbang_log_drain_lines_total', help: 'Lines sent to log drains, by outcome: sent, or dropped (the drain was unreachable and its queue full)', labelNames: ['outcome'] as const, registers: [registry] });

/** Lines waiting for a drain that does not answer, at most; beyond, the oldest are dropped. */
const QUEUED = 10_000;

interface Sender { push(message: string): void; close(): void }

/**
 * One syslog drain over TCP or TLS: one connection, frames written in the order lines were read;
 * reconnects with backoff (1 s to 30 s) while lines wait in a bounded queue.
 */
function syslogSender(t: DrainTarget, allow: AllowList): Sender {
  const queue: string[] = [];
  let socket: Socket | undefined;
  let connecting = false;
  let closed = false;
  let backoff = 1000;
  let retry: NodeJS.Timeout | undefined;
  const pump = () => {
    if (!socket || connecting) return;
    while (queue.length > 0 && socket.writable) { socket.write(frame(queue.shift()!)); sent.inc({ outcome: 'sent' }); }
  };
  const open = async () => {
    if (closed || socket || connecting) return;
    connecting = true;
    try {
      // Resolved and checked at every connection, and pinned: a name that now points inward is refused.
      const [address] = await checkOutboundHost(t.host, allow);
      const s = t.kind === 'syslog+tls'
        ? tlsConnect({ host: address, port: t.port, servername: t.host })
        : tcpConnect({ host: address, port: t.port });
      await new Promise<void>((resolve, reject) => { s.once(t.kind === 'syslog+tls' ? 'secureConnect' : 'connect', resolve); s.once('error', reject); });
      s.on('error', () => {});
      s.on('close', () => { socket = undefined; if (!closed) schedule(); });
      socket = s;
      backoff = 1000;
      connecting = false;
      pump();
    } catch (err) {
      connecting = false;
      log.debug({ drain: `${t.kind}://${t.host}:${t.port}`, error: (err as Error).message }, 'log drain unreachable; retrying');
      schedule();
    }
  };
  const schedule = () => {
    if (retry || closed) return;
    retry = setTimeout(() => { retry = undefined; void open(); }, backoff);
    retry.unref();
    backoff = Math.min(backoff * 2, 30_000);
  };
  return {
    push(message) {
      if (queue.length >= QUEUED) { queue.shift(); sent.inc({ outcome: 'dropped' }); }
      queue.push(message);
      if (socket) pump(); else void open();
    },
    close() { closed = true; clearTimeout(retry); socket?.end(); },
  };
}

/**
 * One HTTPS drain: batches of up to 100 frames POSTed as Heroku's `application/logplex-1`, one
 * batch at a time (so order holds), retried with backoff while lines wait in a bounded queue.
 */
function httpsSender(t: DrainTarget, allow: AllowList): Sender {
  const queue: string[] = [];
  let busy = false;
  let closed = false;
  let backoff = 1000;
  const post = async () => {
    if (busy || closed || queue.length === 0) return;
    busy = true;
    const batch = queue.slice(0, 100);
    try {
      await checkOutboundHost(t.host, allow);
      const res = await fetch(t.url, {
        method: 'POST', body: batch.map(frame).join(''), signal: AbortSignal.timeout(10_000),
        headers: { 'content-type': 'application/logplex-1', 'logplex-msg-count': String(batch.length), 'user-agent': 'Yunbang log drain' },
      });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      queue.splice(0, batch.length);
      sent.inc({ outcome: 'sent' }, batch.length);
      backoff = 1000;
      busy = false;
      if (queue.length > 0) void post();
    } catch (err) {
      log.debug({ drain: `${t.kind}://${t.host}:${t.port}`, error: (err as Error).message }, 'log drain refused a batch; retrying');
      setTimeout(() => { busy = false; void post(); }, backoff).unref();
      backoff = Math.min(backoff * 2, 30_000);
    }
  };
  const timer = setInterval(() => void post(), 1000);
  timer.unref();
  return {
    push(message) {
      if (queue.length >= QUEUED) { queue.shift(); sent.inc({ outcome: 'dropped' }); }
      queue.push(message);
      if (queue.length >= 100) void post();
    },
    close() { closed = true; clearInterval(timer); },
  };
}

/**
 * Every app's drains, read from PostgreSQL every few seconds: each line the collector keeps is
 * also sent to its app's drains.
 */
export class DrainRouter {
  private byApp = new Map<string, { team: string; senders: Map<string, Sender> }>();
  private timer: NodeJS.Timeout;

  constructor(private readonly db: Db, private readonly allow: AllowList, refreshMs = 3000) {
    this.timer = setInterval(() => void this.refresh(), refreshMs);
    this.timer.unref();
    void this.refresh();
  }

  send(l: StoredLine): void {
    const d = this.byApp.get(`${l.teamId}/${l.app}`);
    if (!d) return;
    const message = syslogMessage({ team: d.team, app: l.app, pod: l.pod, at: l.at, line: l.line });
    for (const s of d.senders.values()) s.push(message);
  }

  async refresh(): Promise<void> {
    try {
      const { rows } = await this.db.query<{ team_id: string; team: string; app: string; url: string }>(
        `SELECT a.team_id, t.name AS team, a.name AS app, d.url FROM log_drains d
           JOIN apps a ON a.id = d.app_id AND a.deleted_at IS NULL JOIN teams t ON t.id = a.team_id`);
      const next = new Map<string, { team: string; senders: Map<string, Sender> }>();
      for (const r of rows) {
        const key = `${r.team_id}/${r.app}`;
        const entry = next.get(key) ?? { team: r.team, senders: new Map() };
        next.set(key, entry);
        const t = drainTarget(r.url);
        if (!t) continue;
        entry.senders.set(r.url, this.byApp.get(key)?.senders.get(r.url) ?? (t.kind === 'https' ? httpsSender(t, this.allow) : syslogSender(t, this.allow)));
      }
      // Drains removed since: closed.
      for (const [key, old] of this.byApp) for (const [url, s] of old.senders) if (!next.get(key)?.senders.has(url)) s.close();
      this.byApp = next;
    } catch (err) {
      log.debug({ error: (err as Error).message }, 'log drains: could not read; keeping the last list');
    }
  }

  stop(): void {
    clearInterval(this.timer);
    for (const d of this.byApp.values()) for (const s of d.senders.values()) s.close();
    this.byApp.clear();
  }
}
