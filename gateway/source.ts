import type { Etcd3, IKeyValue, Watcher } from 'etcd3';
import { ROUTES_PREFIX } from '../src/publish/etcd.js';

/**
 * The gateway's only source: the routes/ prefix of etcd, read once and then watched from the
 * revision after that read, so no change falls in the gap between the two. The etcd client
 * resumes a broken watch from the last revision it saw; if etcd cannot resume it (the revision
 * was compacted) or anything else goes wrong, the prefix is read again whole and watched from
 * there, as an informer re-lists. While etcd is away the last snapshot stays: the gateway keeps
 * serving what it had.
 */
export interface RouteSourceEvents {
  /** The full set of route records (key → raw value) after every change. */
  onSnapshot(records: Map<string, string>, revision: string): void;
  onState?(state: 'connected' | 'disconnected', detail?: string): void;
}

export interface RouteSource { stop(): Promise<void>; synced(): boolean }

export async function watchRoutes(etcd: Etcd3, events: RouteSourceEvents, opts: { retryMs?: number; callTimeoutMs?: number } = {}): Promise<RouteSource> {
  const retryMs = opts.retryMs ?? 1000;
  const callTimeoutMs = opts.callTimeoutMs ?? 10_000;
  let records = new Map<string, string>();
  let watcher: Watcher | undefined;
  let stopped = false;
  let synced = false;
  let timer: NodeJS.Timeout | undefined;

  const publish = (revision: string) => events.onSnapshot(new Map(records), revision);

  async function listAndWatch(): Promise<void> {
    if (stopped) return;
    try {
      if (watcher) await withTimeout(watcher.cancel(), callTimeoutMs, 'cancelling the watch').catch(() => {});
      watcher = undefined;
      // Bounded: a call on a connection that stalled (no keepalive, no deadline) would wait forever,
      // and the gateway with it, never ready.
      const res = await etcd.getAll().prefix(ROUTES_PREFIX).options({ deadline: Date.now() + callTimeoutMs }).exec();
      const revision = res.header.revision;
      records = new Map(res.kvs.map((kv) => [kv.key.toString(), kv.value.toString()]));
      synced = true;
      publish(revision);
      events.onState?.('connected');
      if (stopped) return;
      const creating = etcd.watch().prefix(ROUTES_PREFIX).startRevision(String(BigInt(revision) + 1n)).create();
      const w = await withTimeout(creating, callTimeoutMs, 'creating the watch').catch((err: unknown) => {
        void creating.then((late) => late.cancel()).catch(() => {}); // a watch created too late is not kept
        throw err;
      });
      if (stopped) { await w.cancel(); return; }
      watcher = w;
      w.on('data', (res: { events: { type: string; kv: IKeyValue }[]; header: { revision: string } }) => {
        // One response can hold several events (a transaction): apply them all, then render once.
        for (const ev of res.events) {
          const key = ev.kv.key.toString();
          if (ev.type === 'Put') records.set(key, ev.kv.value.toString());
          else records.delete(key);
        }
        if (res.events.length > 0) publish(res.header.revision);
      });
      w.on('disconnected', (err: Error) => events.onState?.('disconnected', err?.message));
      w.on('connected', () => events.onState?.('connected'));
      // A cancelled watch (e.g. its revision was compacted): read everything again.
      w.on('error', (err: Error) => { events.onState?.('disconnected', err.message); again(); });
    } catch (err) {
      events.onState?.('disconnected', (err as Error).message);
      again();
    }
  }

  function again() {
    if (stopped || timer) return;
    timer = setTimeout(() => { timer = undefined; void listAndWatch(); }, retryMs);
    timer.unref();
  }

  await listAndWatch();
  return {
    synced: () => synced,
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await watcher?.cancel().catch(() => {});
    },
  };
}

/** The promise's value, or an error after `ms` (the promise itself is left to settle on its own). */
function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms); });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
