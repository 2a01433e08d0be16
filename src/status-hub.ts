import { EventEmitter, on } from 'node:events';
import pg from 'pg';
import { log } from './log.js';
import { BUILD_LOGS_CHANNEL, STATUS_CHANNEL } from './status.js';
import { TOKENS_CHANNEL, type TokenCache } from './auth/token-cache.js';

/**
 * Fans out status changes to subscribers in this process. The worker NOTIFYs STATUS_CHANNEL
 * with the app id whenever it records a status; one LISTEN connection here serves every
 * subscription, so the API and the worker can be separate processes.
 */
export class StatusHub {
  private readonly emitter = new EventEmitter();
  private client: pg.Client | undefined;

  /** `tokens` is cleared on every revocation heard here, and trusted only while this connection is up. */
  constructor(private readonly databaseUrl: string, private readonly tokens?: TokenCache) {
    this.emitter.setMaxListeners(0);
  }

  async start(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on('notification', (n) => {
      if (n.channel === TOKENS_CHANNEL) this.tokens?.invalidate();
      else if (n.payload) this.emitter.emit(n.payload);
    });
    // Both channels carry ids (app or build): a subscriber listens for the id it follows.
    client.on('error', (err) => {
      log.warn({ error: err.message }, 'status listener lost; reconnecting');
      this.tokens?.setListening(false);
      this.client = undefined;
      this.retry();
    });
    await client.connect();
    await client.query(`LISTEN ${STATUS_CHANNEL}`);
    await client.query(`LISTEN ${BUILD_LOGS_CHANNEL}`);
    await client.query(`LISTEN ${TOKENS_CHANNEL}`);
    this.client = client;
    this.tokens?.setListening(true);
  }

  /** Reconnects until the database answers again (it may be restarting). */
  private retry(delayMs = 1000): void {
    if (this.stopped) return;
    setTimeout(() => { this.start().catch(() => this.retry(Math.min(delayMs * 2, 10_000))); }, delayMs).unref();
  }

  private stopped = false;

  /**
   * One item per status change of the app, until the signal aborts (then it rejects with an
   * AbortError). Listening starts at this call, not at the first read.
   */
  changes(appId: string, signal: AbortSignal): AsyncIterableIterator<unknown> {
    return on(this.emitter, appId, { signal });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.tokens?.setListening(false);
    const c = this.client;
    this.client = undefined;
    c?.removeAllListeners('error');
    await c?.end().catch(() => {});
  }
}
