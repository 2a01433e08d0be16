import * as k8s from '@kubernetes/client-node';
import fetch from 'node-fetch';
import { log } from '../../src/log.js';

import type { WireObject } from '../../k8s/wire.js';

export type { WireObject };
export type EventType = 'add' | 'update' | 'delete';

export interface ReflectorOptions {
  kc: k8s.KubeConfig;
  apiVersion: string;
  kind: string;
  /** Collection path without the query: `/apis/apps/v1/deployments`, `/api/v1/namespaces/ns/secrets`. */
  path: string;
  labelSelector: string;
  /** What is kept of each object (the cache's memory is mostly managedFields, which nothing here reads). */
  slim?: (o: WireObject) => WireObject;
  onEvent?: (type: EventType, obj: WireObject) => void;
  /** A secondary index: objects are also found by this key (undefined: not indexed). */
  indexBy?: (o: WireObject) => string | undefined;
  /** How long the server keeps one watch open before we watch again from the last resourceVersion. */
  watchSeconds?: number;
  pageSize?: number;
  cluster?: string;
}

const key = (o: WireObject) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;

/** Drops what no reader of the cache needs and what makes objects large. */
export function slimObject(o: WireObject): WireObject {
  const { managedFields: _m, annotations, ...meta } = o.metadata ?? {};
  const kept = annotations && Object.fromEntries(Object.entries(annotations as Record<string, string>).filter(([k]) => k !== 'kubectl.kubernetes.io/last-applied-configuration'));
  return { ...o, metadata: kept && Object.keys(kept).length > 0 ? { ...meta, annotations: kept } : meta };
}

/**
 * A list-then-watch cache of one kind, as client-go's reflector: list (in pages) at a consistent
 * resourceVersion, then watch from it with bookmarks, keeping the last resourceVersion seen. A watch
 * the server ends is resumed from that version; a 410 Gone (the version was compacted away) or an
 * ERROR event relists, and the relist reports what changed meanwhile as events (deletes included),
 * so nothing that happened while disconnected is lost. Errors back off (1 s to 30 s).
 *
 * Written rather than client-node's makeInformer so objects can be slimmed before they are kept
 * (its informer keeps every object whole, managedFields and all), and lists are paged.
 */
export class Reflector {
  private store = new Map<string, WireObject>();
  private index = new Map<string, Map<string, WireObject>>();
  private resourceVersion = '';
  private watching: AbortController | undefined;
  private stopped = false;
  private backoffMs = 1000;
  private retry: NodeJS.Timeout | undefined;
  /** True once the first list is in: until then readers go to the API server. */
  synced = false;

  constructor(private readonly o: ReflectorOptions) {}

  /** Starts listing and watching; resolves after the first list, or rejects if it fails (it is retried in the background). */
  async start(): Promise<void> {
    try {
      await this.relist();
    } catch (err) {
      this.scheduleRetry(err);
      throw err;
    }
    this.watch();
  }

  get(namespace: string, name: string): WireObject | undefined {
    return this.store.get(`${namespace}/${name}`);
  }

  /** The objects whose `indexBy` key is `k`. */
  indexed(k: string): WireObject[] {
    return [...(this.index.get(k)?.values() ?? [])];
  }

  get size(): number { return this.store.size; }

  /** Every object held. */
  values(): IterableIterator<WireObject> { return this.store.values(); }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retry);
    this.watching?.abort();
  }

  private async relist(): Promise<void> {
    const next = new Map<string, WireObject>();
    let continueToken: string | undefined;
    let version = '';
    do {
      const page = await this.listPage(continueToken);
      for (const item of page.items) {
        const obj = this.slim({ ...item, apiVersion: this.o.apiVersion, kind: this.o.kind });
        next.set(key(obj), obj);
      }
      continueToken = page.metadata?.continue || undefined;
      version = page.metadata?.resourceVersion ?? version;
    } while (continueToken && !this.stopped);
    const before = this.store;
    this.store = next;
    this.index = new Map();
    for (const obj of next.values()) this.addToIndex(obj);
    this.resourceVersion = version;
    if (this.synced) {
      // What changed while we were not watching, as the watch would have told it.
      for (const [k, obj] of before) if (!next.has(k)) this.emit('delete', obj);
      for (const [k, obj] of next) {
        const old = before.get(k);
        if (!old) this.emit('add', obj);
        else if (old.metadata?.resourceVersion !== obj.metadata?.resourceVersion) this.emit('update', obj);
      }
    }
    this.synced = true;
  }

  private addToIndex(obj: WireObject): void {
    const k = this.o.indexBy?.(obj);
    if (k === undefined) return;
    let m = this.index.get(k);
    if (!m) this.index.set(k, m = new Map());
    m.set(key(obj), obj);
  }

  private removeFromIndex(obj: WireObject): void {
    const k = this.o.indexBy?.(obj);
    const m = k === undefined ? undefined : this.index.get(k);
    if (!m) return;
    m.delete(key(obj));
    if (m.size === 0) this.index.delete(k!);
  }

  private async listPage(continueToken?: string): Promise<{ items: WireObject[]; metadata?: { continue?: string; resourceVersion?: string } }> {
    const url = new URL(this.o.kc.getCurrentCluster()!.server + this.o.path);
    url.searchParams.set('labelSelector', this.o.labelSelector);
    url.searchParams.set('limit', String(this.o.pageSize ?? 500));
    if (continueToken) url.searchParams.set('continue', continueToken);
    const init = await this.o.kc.applyToFetchOptions({});
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(60_000) } as Parameters<typeof fetch>[1]);
    if (!res.ok) {
      const err = new Error(`list ${this.o.kind}: ${res.status} ${(await res.text()).slice(0, 200)}`) as Error & { statusCode?: number };
      err.statusCode = res.status;
      throw err;
    }
    return await res.json() as { items: WireObject[]; metadata?: { continue?: string; resourceVersion?: string } };
  }

  private watch(): void {
    if (this.stopped) return;
    let gone = false;
    const since = Date.now();
    new k8s.Watch(this.o.kc).watch(this.o.path, {
      resourceVersion: this.resourceVersion, allowWatchBookmarks: true, labelSelector: this.o.labelSelector,
      timeoutSeconds: this.o.watchSeconds ?? 300,
    }, (type: string, raw: WireObject) => {
      if (type === 'ERROR') { gone = true; return; } // 410 Gone, mostly: the version is too old
      this.resourceVersion = raw.metadata?.resourceVersion ?? this.resourceVersion;
      if (type === 'BOOKMARK') return;
      const obj = this.slim({ ...raw, apiVersion: this.o.apiVersion, kind: this.o.kind });
      const old = this.store.get(key(obj));
      if (old) this.removeFromIndex(old); // its labels, and so its index key, may have changed
      if (type === 'DELETED') { this.store.delete(key(obj)); this.emit('delete', obj); return; }
      this.store.set(key(obj), obj);
      this.addToIndex(obj);
      this.emit(old ? 'update' : 'add', obj);
    }, (err: (Error & { statusCode?: number }) | null) => {
      this.watching = undefined;
      if (this.stopped) return;
      if (gone || err?.statusCode === 410) { this.relistThenWatch(); return; }
      // A watch that ends at once (a proxy that accepts and closes) is an error too, or we would spin.
      if (err || Date.now() - since < 1000) { this.scheduleRetry(err ?? new Error('the watch ended at once')); return; }
      this.backoffMs = 1000;
      this.watch(); // the server ended the watch (timeoutSeconds): carry on from where it was
    }).then((c) => { if (this.stopped) c.abort(); else this.watching = c; }, (err) => this.scheduleRetry(err));
  }

  private relistThenWatch(): void {
    this.relist().then(() => { this.backoffMs = 1000; this.watch(); }, (err) => this.scheduleRetry(err, true));
  }

  /** After an error: watch again from the last version (or list, if there is none yet). */
  private scheduleRetry(err: unknown, relist = !this.synced): void {
    if (this.stopped) return;
    log.warn({ cluster: this.o.cluster, kind: this.o.kind, path: this.o.path, error: (err as Error)?.message, retryInMs: this.backoffMs }, 'watch interrupted; resuming');
    clearTimeout(this.retry);
    this.retry = setTimeout(() => { if (relist) this.relistThenWatch(); else this.watch(); }, this.backoffMs);
    this.retry.unref();
    this.backoffMs = Math.min(this.backoffMs * 2, 30_000);
  }

  private slim(o: WireObject): WireObject { return (this.o.slim ?? slimObject)(o); }

  private emit(type: EventType, obj: WireObject): void {
    try { this.o.onEvent?.(type, obj); } catch (err) { log.warn({ error: (err as Error).message }, 'cache event handler failed'); }
  }
}
