import * as k8s from '@kubernetes/client-node';
import { APP, MANAGED_BY, TEAM } from '../k8s/labels.js';
import { BUILD } from '../k8s/render/build-pods.js';
import { log } from '../src/log.js';

export interface Watch { stop(): Promise<void> }

const SELECTOR = `${MANAGED_BY}=yunbang`;

/**
 * Watches Yunbang-labelled Deployments, StatefulSets and Pods in every namespace and reports which app an
 * event concerns, debounced per app. client-node's informer lists, then watches from the list's
 * resourceVersion, and re-lists when the server answers 410 Gone; on any other error we restart it.
 */
export interface Change { team: string; app: string; buildId?: string }

export async function startWatch(kc: k8s.KubeConfig, onChange: (change: Change) => void, debounceMs = 50, cluster?: string): Promise<Watch> {
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const timers = new Map<string, NodeJS.Timeout>();
  let stopped = false;

  const notify = (obj: k8s.KubernetesObject) => {
    const team = obj.metadata?.labels?.[TEAM];
    const app = obj.metadata?.labels?.[APP];
    if (!team || !app || stopped) return;
    const buildId = obj.metadata?.labels?.[BUILD];
    const key = buildId ? `build/${buildId}` : `${team}/${app}`;
    if (timers.has(key)) return;
    timers.set(key, setTimeout(() => { timers.delete(key); onChange({ team, app, buildId }); }, debounceMs));
  };

  const informers = [
    k8s.makeInformer(kc, '/apis/apps/v1/deployments', () => apps.listDeploymentForAllNamespaces({ labelSelector: SELECTOR }), SELECTOR),
    k8s.makeInformer(kc, '/apis/apps/v1/statefulsets', () => apps.listStatefulSetForAllNamespaces({ labelSelector: SELECTOR }), SELECTOR),
    k8s.makeInformer(kc, '/api/v1/pods', () => core.listPodForAllNamespaces({ labelSelector: SELECTOR }), SELECTOR),
  ] as k8s.Informer<k8s.KubernetesObject>[];
  for (const inf of informers) {
    inf.on('add', notify);
    inf.on('update', notify);
    inf.on('delete', notify);
    inf.on('error', (err) => {
      if (stopped) return;
      log.warn({ cluster, error: (err as Error)?.message }, 'watch interrupted; restarting');
      restart(inf);
    });
  }
  function restart(inf: k8s.Informer<k8s.KubernetesObject>) {
    setTimeout(() => { if (!stopped) inf.start().catch(() => restart(inf)); }, 1000).unref();
  }
  // A failed start (API server down) is retried in the background; the worker goes on.
  await Promise.all(informers.map((inf) => inf.start().catch((err) => {
    log.warn({ cluster, error: (err as Error).message }, 'watch could not start; retrying');
    restart(inf);
  })));
  return {
    stop: async () => {
      stopped = true;
      for (const t of timers.values()) clearTimeout(t);
      await Promise.all(informers.map((inf) => inf.stop()));
    },
  };
}
