import { EventEmitter, on } from 'node:events';
import pg from 'pg';
import { log } from './log.js';
import { APP_CHANNEL, BUILD_LOGS_CHANNEL, STATUS_CHANNEL } from './status.js';
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
      else if (!n.payload) return;
      else if (n.channel === APP_CHANNEL) this.toTeam(client, n.payload);
      else {
        this.emitter.emit(n.payload);
        if (n.channel === STATUS_CHANNEL) this.toTeam(client, n.payload);
      }
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
    await client.query(`LISTEN ${APP_CHANNEL}`);
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

  /**
   * Changes of any app of the team (its status or its intent), as batches of app ids: whatever
   * changed since the last batch was taken, so a burst costs the reader one read. Ends when the
   * signal aborts. The team of an app is looked up once per app and process, and only while
   * someone follows a team.
   */
  teamChanges(teamId: string, signal: AbortSignal): AsyncGenerator<string[]> {
    // Listening starts here, at the call, not at the first read: nothing between is missed.
    const pending = new Set<string>();
    let wake: (() => void) | undefined;
    const onChange = (appId: string) => { pending.add(appId); wake?.(); };
    const onAbort = () => { wake?.(); done(); };
    const key = `team:${teamId}`;
    this.emitter.on(key, onChange);
    signal.addEventListener('abort', onAbort, { once: true });
    this.teamFollowers++;
    let ended = false;
    const done = () => {
      if (ended) return;
      ended = true;
      this.teamFollowers--;
      this.emitter.off(key, onChange);
      signal.removeEventListener('abort', onAbort);
    };
    return (async function* batches() {
      try {
        while (!signal.aborted) {
          if (pending.size === 0) await new Promise<void>((r) => { wake = r; });
          wake = undefined;
          if (signal.aborted) return;
          const batch = [...pending];
          pending.clear();
          yield batch;
        }
      } finally {
        done();
      }
    })();
  }

  private teamFollowers = 0;
  private readonly teamOf = new Map<string, string>();

  private toTeam(client: pg.Client, appId: string): void {
    if (this.teamFollowers === 0) return;
    const known = this.teamOf.get(appId);
    if (known) { this.emitter.emit(`team:${known}`, appId); return; }
    client.query<{ team_id: string }>('SELECT team_id FROM apps WHERE id = $1', [appId]).then(({ rows }) => {
      const team = rows[0]?.team_id;
      if (!team) return;
      if (this.teamOf.size > 100_000) this.teamOf.clear(); // an app never changes team; the map only bounds memory
      this.teamOf.set(appId, team);
      this.emitter.emit(`team:${team}`, appId);
    }, (err: Error) => log.warn({ error: err.message }, 'could not look up the team of a changed app'));
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
