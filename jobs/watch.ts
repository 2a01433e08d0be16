import { APP, RUN, TEAM } from '../k8s/labels.js';
import { BUILD } from '../k8s/render/build-pods.js';
import type { WireObject } from '../k8s/wire.js';

/**
 * What a change in the cluster concerns, by the object's owner labels: an app (its workload, pods,
 * Services, Ingress, policies or Secrets), a build (its pods), a one-off command (its pod), or a team (its namespace-level
 * objects: its namespace, policies, quota, limit range, RoleBindings).
 */
export type Change = { team: string; app: string; buildId?: string; runId?: string } | { team: string; app?: undefined; buildId?: undefined; runId?: undefined };

export interface Notifier { notify(obj: WireObject): void; stop(): void }

/**
 * Turns the watch cache's events into reconciles, debounced per app, build or team: a rollout
 * that changes a Deployment and its pods many times in a few milliseconds costs one reconcile.
 */
export function changeNotifier(onChange: (change: Change) => void, debounceMs = 50): Notifier {
  const timers = new Map<string, NodeJS.Timeout>();
  let stopped = false;
  return {
    notify(obj) {
      const labels = obj.metadata?.labels ?? {};
      const team = labels[TEAM];
      if (!team || stopped) return;
      const app = labels[APP];
      const buildId = labels[BUILD];
      const runId = labels[RUN];
      const key = buildId ? `build/${buildId}` : runId ? `run/${runId}` : app ? `app/${team}/${app}` : `team/${team}`;
      if (timers.has(key)) return;
      const change: Change = app ? { team, app, buildId, runId } : { team };
      timers.set(key, setTimeout(() => { timers.delete(key); onChange(change); }, debounceMs));
    },
    stop() {
      stopped = true;
      for (const t of timers.values()) clearTimeout(t);
    },
  };
}
