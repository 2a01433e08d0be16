import type { Etcd3, IKeyValue, Watcher } from 'etcd3';
import type PgBoss from 'pg-boss';
import { withTx, type Db, type Queryable } from '../src/db/pool.js';
import { recordEvent } from '../src/intents/audit.js';
import { QUEUES, enqueue } from '../src/intents/queues.js';
import { ACTIVITY_PREFIX, WAKE_PREFIX, activityKey, appOfKey, wakeKey } from '../src/publish/etcd.js';
import { log as rootLog } from '../src/log.js';
import { describe } from '../src/describe-error.js';

const log = rootLog.child({ component: 'sleep' });

/**
 * Scale to zero (beta). An app whose autoscaling rule has `scaleToZeroAfterMinutes` is put to
 * sleep (sleeping_since set: rendered with 0 replicas and no HPA, its routes held by the gateway's
 * waker) once no gateway has passed it a request for that long, counted from its last request or
 * its last wake, whichever is later. A gateway holding a request writes a wake key; any worker
 * seeing it wakes the app (a conditional update, so one of them does) and deletes the key.
 */
export interface SleepEnv { db: Db; etcd: Etcd3; boss: PgBoss }

interface Candidate { id: string; team_id: string; team: string; name: string; after_minutes: number; awake_since: Date | null; updated_at: Date }

/** Is an app idle past its window? `lastRequest` from the gateways (ms), undefined when none was reported. Pure. */
export function idlePast(now: number, afterMinutes: number, since: { lastRequest?: number; awakeSince: number }): boolean {
  const last = Math.max(since.lastRequest ?? 0, since.awakeSince);
  return now - last >= afterMinutes * 60_000;
}

/** Puts every app idle past its window to sleep; returns their ids. One worker at a time does it (an advisory lock). */
export async function sleepIdleApps(env: SleepEnv, now = Date.now()): Promise<string[]> {
  const activity = new Map<string, number>();
  const res = await env.etcd.getAll().prefix(ACTIVITY_PREFIX).exec();
  for (const kv of res.kvs) {
    const who = appOfKey(ACTIVITY_PREFIX, kv.key.toString());
    const at = Number(kv.value.toString());
    if (who && Number.isFinite(at)) activity.set(`${who.team}/${who.app}`, at);
  }
  return withTx(env.db, async (tx) => {
    const { rows: [lock] } = await tx.query<{ ok: boolean }>("SELECT pg_try_advisory_xact_lock(hashtextextended('yunbang-sleep', 0)) AS ok");
    if (!lock?.ok) return [];
    const { rows } = await tx.query<Candidate>(
      `SELECT a.id, a.team_id, t.name AS team, a.name, (a.autoscaling->>'scaleToZeroAfterMinutes')::int AS after_minutes, a.awake_since, a.updated_at
         FROM apps a JOIN teams t ON t.id = a.team_id
        WHERE a.deleted_at IS NULL AND t.deleted_at IS NULL AND a.running AND a.sleeping_since IS NULL
          AND a.autoscaling->>'scaleToZeroAfterMinutes' IS NOT NULL
        FOR UPDATE OF a SKIP LOCKED`);
    const slept: string[] = [];
    for (const r of rows) {
      const awakeSince = Math.max(r.awake_since?.getTime() ?? 0, r.updated_at.getTime());
      if (!idlePast(now, r.after_minutes, { lastRequest: activity.get(`${r.team}/${r.name}`), awakeSince })) continue;
      await tx.query('UPDATE apps SET sleeping_since = now(), generation = generation + 1 WHERE id = $1', [r.id]);
      await recordEvent(tx, { teamId: r.team_id, actor: 'autoscaler', action: 'app.sleep', subject: `app/${r.name}`, outcome: 'success',
        message: `asleep: no request for ${r.after_minutes} min; the next request wakes it` });
      await enqueue(env.boss, tx, QUEUES.reconcileApp, { appId: r.id }, r.id);
      slept.push(r.id);
    }
    return slept;
  });
}

/** Wakes a sleeping app (a request waits at a gateway). Idempotent: true only for the call that woke it. */
export async function wakeApp(env: Pick<SleepEnv, 'db' | 'boss'>, team: string, app: string, why = 'a request'): Promise<boolean> {
  return withTx(env.db, async (tx: Queryable) => {
    const { rows: [woken] } = await tx.query<{ id: string; team_id: string }>(
      `UPDATE apps a SET sleeping_since = NULL, awake_since = now(), generation = a.generation + 1
         FROM teams t WHERE t.id = a.team_id AND t.name = $1 AND a.name = $2 AND a.deleted_at IS NULL AND a.sleeping_since IS NOT NULL
       RETURNING a.id, a.team_id`, [team, app]);
    if (!woken) return false;
    await recordEvent(tx, { teamId: woken.team_id, actor: 'gateway', action: 'app.wake', subject: `app/${app}`, outcome: 'success', message: `woken by ${why}` });
    await enqueue(env.boss, tx, QUEUES.reconcileApp, { appId: woken.id }, woken.id);
    return true;
  });
}

/**
 * The worker's part: wake keys acted on as they come (those written while no worker ran first),
 * and idle apps put to sleep every `everySeconds`.
 */
export async function startSleeper(env: SleepEnv, everySeconds = 30): Promise<{ stop(): Promise<void> }> {
  let stopped = false;
  let watcher: Watcher | undefined;
  const onWake = async (key: string) => {
    const who = appOfKey(WAKE_PREFIX, key);
    if (!who) return;
    try {
      if (await wakeApp(env, who.team, who.app)) log.info(who, 'woke a sleeping app for a request');
      // Its idle window starts again now, whatever an old activity key says.
      await env.etcd.put(activityKey(who.team, who.app)).value(String(Date.now())).exec();
      await env.etcd.delete().key(wakeKey(who.team, who.app)).exec();
    } catch (err) {
      log.warn({ ...who, error: describe(err) }, 'could not wake an app; the gateway asks again');
    }
  };
  const watch = async (): Promise<void> => {
    try {
      const res = await env.etcd.getAll().prefix(WAKE_PREFIX).exec();
      for (const kv of res.kvs) await onWake(kv.key.toString());
      if (stopped) return;
      watcher = await env.etcd.watch().prefix(WAKE_PREFIX).startRevision(String(BigInt(res.header.revision) + 1n)).create();
      watcher.on('put', (kv: IKeyValue) => void onWake(kv.key.toString()));
      watcher.on('error', () => { void watcher?.cancel(); if (!stopped) setTimeout(() => void watch(), 1000).unref(); });
    } catch (err) {
      log.warn({ error: describe(err) }, 'cannot watch wake requests yet; retrying');
      if (!stopped) setTimeout(() => void watch(), 2000).unref();
    }
  };
  await watch();
  const timer = setInterval(() => {
    sleepIdleApps(env).then((ids) => { if (ids.length) log.info({ apps: ids.length }, 'idle apps put to sleep'); })
      .catch((err) => log.warn({ error: describe(err) }, 'putting idle apps to sleep failed; will try again'));
  }, everySeconds * 1000);
  timer.unref();
  return { stop: async () => { stopped = true; clearInterval(timer); await watcher?.cancel().catch(() => {}); } };
}
