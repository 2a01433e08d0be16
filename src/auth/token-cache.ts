import type { Queryable } from '../db/pool.js';
import type { Principal } from './principal.js';

/** Postgres channel on which a revocation (or a team's deletion) tells every API process to forget tokens. */
export const TOKENS_CHANNEL = 'yunbang_tokens';

/** Tells every API process, when the transaction commits, to forget the tokens it cached. */
export const forgetTokens = (tx: Queryable) => tx.query('SELECT pg_notify($1, $2)', [TOKENS_CHANNEL, 'revoked']);

interface Entry { principal: Principal; expires: number; touched: number }

/**
 * Team tokens already looked up, by secret hash, for a short TTL: without it every request pays a
 * second query (the profile of issue 12 put the API's time in pg socket writes first).
 *
 * Revocation must take effect at once, so the cache is only trusted while it can hear of one:
 * - the process that revokes clears it after its commit;
 * - every other API process clears it on the NOTIFY sent in the revoking transaction (delivered
 *   on commit), through its LISTEN connection;
 * - while that connection is down the cache is off (`listening` false), and it starts empty
 *   when the connection comes back (what it missed is unknown).
 * A lookup that raced with a revocation is not stored: `epoch` changes on every invalidation and
 * a result is stored only if the epoch it started in is still current.
 */
export class TokenCache {
  private readonly entries = new Map<string, Entry>();
  private epoch = 0;
  private listening = false;

  constructor(private readonly ttlMs: number, private readonly maxEntries = 10_000) {}

  /** The principal of a secret hash looked up within the TTL, if the cache may be trusted now. */
  get(hash: string, now = Date.now()): { principal: Principal; touch: boolean } | undefined {
    if (!this.listening) return undefined;
    const e = this.entries.get(hash);
    if (!e) return undefined;
    if (e.expires <= now) { this.entries.delete(hash); return undefined; }
    // last_used_at is refreshed at most once a minute, as without the cache.
    const touch = now - e.touched >= 60_000;
    if (touch) e.touched = now;
    return { principal: e.principal, touch };
  }

  /** Call before the lookup; pass the result to `set`, so a lookup that raced with a revocation is dropped. */
  begin(): number { return this.epoch; }

  set(hash: string, principal: Principal, startedIn: number, now = Date.now()): void {
    if (!this.listening || startedIn !== this.epoch || this.ttlMs <= 0) return;
    // Bounded: a flood of distinct valid tokens cannot grow the map without limit.
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(hash, { principal, expires: now + this.ttlMs, touched: now });
  }

  invalidate(): void {
    this.epoch++;
    this.entries.clear();
  }

  /** Whether revocations can be heard (the LISTEN connection is up); off means every lookup queries. */
  setListening(on: boolean): void {
    this.invalidate();
    this.listening = on;
  }

  get size(): number { return this.entries.size; }
  /** Whether lookups may be answered from the cache now. */
  get trusted(): boolean { return this.listening; }
}
