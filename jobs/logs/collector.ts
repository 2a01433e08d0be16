import { Writable } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import pg from 'pg';
import { Counter, Gauge } from 'prom-client';
import type { Db } from '../../src/db/pool.js';
import { log } from '../../src/log.js';
import { registry } from '../../src/metrics.js';
import { describe } from '../../src/describe-error.js';
import { ensurePartitions, insertLines, lastLineAt, type StoredLine } from '../../src/logs/store.js';
import { APP, ROLE, TEAM } from '../../k8s/labels.js';
import { parseLogLine, after } from './lines.js';

const kept = new Counter({ name: 'yunbang_log_lines_total', help: 'Log lines of apps read by the collector, by outcome: kept, or dropped (the database fell behind)', labelNames: ['outcome'] as const, registers: [registry] });
const streams = new Gauge({ name: 'yunbang_log_streams', help: 'Containers whose log the collector is following', registers: [registry] });

export interface CollectorOptions {
  db: Db;
  databaseUrl: string;
  kc: k8s.KubeConfig;
  cluster: string;
  /** The cluster's pods as the watch cache holds them. */
  pods: () => k8s.V1Pod[];
  /** Each kept line, for log drains. */
  onLine?: (line: StoredLine) => void;
  rescanMs?: number;
  flushMs?: number;
  /** Lines held while the database is slow, at most; beyond, the oldest are dropped and counted. */
  maxBuffered?: number;
}

export interface Collector { stop(): Promise<void>; flush(): Promise<void> }

/**
 * Keeps every line apps' containers print (the `app` container of each replica), read through the
 * API server's pod-log endpoint with the runtime's timestamps, as `kubectl logs -f --timestamps`:
 * a container that restarts is followed again from where its stream ended, and a collector that
 * starts again resumes after the last line kept. One collector per cluster does this (a Postgres
 * advisory lock), however many workers serve it.
 */
export function startLogCollector(o: CollectorOptions): Collector {
  const rescanMs = o.rescanMs ?? 2000;
  const maxBuffered = o.maxBuffered ?? 50_000;
  const reader = new k8s.Log(o.kc);
  const following = new Map<string, AbortController>();
  /** The newest timestamp seen per pod (full precision), so nothing is kept twice. */
  const lastSeen = new Map<string, string>();
  const teamIds = new Map<string, string | null>();
  let buffer: StoredLine[] = [];
  let stopped = false;
  let leader: pg.Client | undefined;
  let flushing: Promise<void> = Promise.resolve();

  const teamId = async (team: string): Promise<string | null> => {
    if (teamIds.has(team)) return teamIds.get(team)!;
    const { rows } = await o.db.query<{ id: string }>('SELECT id FROM teams WHERE name = $1 AND deleted_at IS NULL', [team]);
    // A team of another Yunbang (another database) on the same cluster is not ours to keep.
    teamIds.set(team, rows[0]?.id ?? null);
    return rows[0]?.id ?? null;
  };

  const push = (l: StoredLine) => {
    if (buffer.length >= maxBuffered) { buffer.shift(); kept.inc({ outcome: 'dropped' }); }
    buffer.push(l);
    o.onLine?.(l);
  };

  const flush = () => {
    flushing = flushing.then(async () => {
      if (buffer.length === 0) return;
      const batch = buffer;
      buffer = [];
      try {
        await insertLines(o.db, batch);
        kept.inc({ outcome: 'kept' }, batch.length);
      } catch (err) {
        // Put them back in front (bounded): the next flush tries again.
        buffer = [...batch, ...buffer].slice(-maxBuffered);
        log.warn({ cluster: o.cluster, error: describe(err), lines: batch.length }, 'logs: could not write; will retry');
      }
    });
    return flushing;
  };

  const follow = async (pod: k8s.V1Pod, tid: string) => {
    const ns = pod.metadata!.namespace!;
    const name = pod.metadata!.name!;
    const key = `${ns}/${name}`;
    const labels = pod.metadata!.labels!;
    if (!lastSeen.has(key)) {
      const at = await lastLineAt(o.db, tid, labels[APP]!, name);
      if (at) lastSeen.set(key, at);
    }
    let rest = '';
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        rest += chunk.toString();
        let i: number;
        while ((i = rest.indexOf('\n')) >= 0) {
          const parsed = parseLogLine(rest.slice(0, i));
          rest = rest.slice(i + 1);
          if (!parsed || !after(parsed.ts, lastSeen.get(key))) continue;
          lastSeen.set(key, parsed.ts);
          push({ teamId: tid, app: labels[APP]!, pod: name, at: parsed.at, line: parsed.line });
        }
        done();
      },
    });
    const since = lastSeen.get(key);
    const abort = await reader.log(ns, name, 'app', sink, (err: unknown) => {
      following.delete(key);
      streams.set(following.size);
      if (err && !stopped) log.debug({ pod: key, error: describe(err) }, 'logs: stream ended');
    }, { follow: true, timestamps: true, ...(since ? { sinceTime: since.replace(/\.\d+Z$/, 'Z') } : {}) });
    following.set(key, abort);
    streams.set(following.size);
  };

  const scan = async () => {
    const live = new Set<string>();
    for (const pod of o.pods()) {
      const l = pod.metadata?.labels;
      if (!l?.[TEAM] || !l[APP] || l[ROLE] !== undefined) continue;
      const key = `${pod.metadata!.namespace}/${pod.metadata!.name}`;
      live.add(key);
      const running = pod.status?.containerStatuses?.some((c) => c.name === 'app' && (c.state?.running || c.state?.terminated));
      if (!running || following.has(key)) continue;
      const tid = await teamId(l[TEAM]);
      if (!tid) continue;
      following.set(key, new AbortController()); // taken, until the request is made
      follow(pod, tid).catch((err) => {
        following.delete(key);
        // A container not started yet, or gone: 400/404; the next scan tries again if it runs.
        if (![400, 404].includes((err as { code?: number }).code ?? 0)) log.debug({ pod: key, error: describe(err) }, 'logs: could not follow');
      });
    }
    for (const key of lastSeen.keys()) if (!live.has(key) && !following.has(key)) lastSeen.delete(key);
  };

  /** Only the worker holding the cluster's lock collects; the others wait to take over. */
  const lead = async (): Promise<boolean> => {
    if (leader) return true;
    const c = new pg.Client({ connectionString: o.databaseUrl });
    c.on('error', () => { leader = undefined; });
    try {
      await c.connect();
      const { rows } = await c.query<{ ok: boolean }>("SELECT pg_try_advisory_lock(hashtextextended('yunbang-logs:' || $1, 0)) AS ok", [o.cluster]);
      if (rows[0]?.ok) { leader = c; await ensurePartitions(o.db); return true; }
    } catch (err) {
      log.debug({ error: describe(err) }, 'logs: could not take the collector lock');
    }
    await c.end().catch(() => {});
    return false;
  };

  let ticks = 0;
  const tick = async () => {
    if (stopped) return;
    try {
      if (await lead()) {
        await scan();
        // Partitions for the days ahead, every hour or so.
        if (++ticks % Math.ceil(3_600_000 / rescanMs) === 0) await ensurePartitions(o.db);
      }
    } catch (err) {
      log.warn({ cluster: o.cluster, error: describe(err) }, 'logs: scan failed');
    }
    if (!stopped) timer = setTimeout(() => void tick(), rescanMs);
  };
  let timer = setTimeout(() => void tick(), 0);
  const flusher = setInterval(() => void flush(), o.flushMs ?? 250);
  flusher.unref();

  return {
    flush,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      clearInterval(flusher);
      for (const a of following.values()) a.abort();
      following.clear();
      streams.set(0);
      await flush();
      await leader?.end().catch(() => {});
    },
  };
}
