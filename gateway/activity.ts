import type { Etcd3 } from 'etcd3';
import { activityKey } from '../src/publish/etcd.js';

/**
 * Scale to zero (beta): tells the platform when apps that may sleep were last requested. Requests
 * are noted as the access log is read; every `everyMs` each such app that had one is written to
 * etcd with the time (one put per app per period, whatever the traffic), so the worker can put
 * an app to sleep once its idle window passes without a request through any gateway replica.
 */
export interface ActivityReporter {
  /** A request to team/app was served (from the access log). */
  seen(team: string, app: string): void;
  /** The apps that may sleep, from the routes: only they are reported. */
  sleepers(apps: Set<string>): void;
  /** Writes what was seen since the last flush (also run every `everyMs`). */
  flush(): Promise<void>;
  stop(): Promise<void>;
}

export function reportActivity(etcd: Etcd3, everyMs = 30_000, onError: (err: Error) => void = () => {}): ActivityReporter {
  let sleepers = new Set<string>();
  let seen = new Set<string>();
  let flushing: Promise<void> = Promise.resolve();
  const flush = () => {
    flushing = flushing.then(async () => {
      if (seen.size === 0) return;
      const batch = seen;
      seen = new Set();
      const now = String(Date.now());
      try {
        await Promise.all([...batch].map((key) => {
          const [team, app] = key.split('/') as [string, string];
          return etcd.put(activityKey(team, app)).value(now).exec();
        }));
      } catch (err) {
        for (const k of batch) seen.add(k); // written next time
        onError(err as Error);
      }
    });
    return flushing;
  };
  const timer = setInterval(() => void flush(), everyMs);
  timer.unref();
  return {
    seen(team, app) {
      const key = `${team}/${app}`;
      if (sleepers.has(key)) seen.add(key);
    },
    sleepers(apps) { sleepers = apps; },
    flush,
    async stop() { clearInterval(timer); await flush(); },
  };
}
