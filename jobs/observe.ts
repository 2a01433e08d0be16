import type * as k8s from '@kubernetes/client-node';
import type { AppRecord } from '../src/publish/etcd.js';
import type { ObservedStatus } from '../src/status.js';
import { assessWorkload, readyEndpoints, type Assessment, type Workload } from '../k8s/health.js';
import { hostTlsSecret } from '../k8s/render/app.js';
import { autoscaled, autoscalerStatus, canSleep } from '../k8s/render/autoscaler.js';
import { appHosts, defaultDomain } from '../k8s/render/hosts.js';
import type { AppIntent, RenderSettings } from '../k8s/types.js';

export interface Observation { assessment: Assessment; status: ObservedStatus; record: AppRecord }

export const workloadKind = (intent: Pick<AppIntent, 'volumes'>) => (intent.volumes.length > 0 ? 'StatefulSet' : 'Deployment');

/**
 * What an app's live workload and pods say, as the status recorded in Postgres and the record
 * published to etcd. Pure: the reconcile and the resync's comparison compute it the same way.
 */
export function observeApp(appId: string, intent: AppIntent, settings: RenderSettings, cluster: string, workload: Workload | undefined, pods: k8s.V1Pod[], autoscaler?: unknown): Observation {
  const assessed = assessWorkload(workloadKind(intent), workload, pods);
  // Asleep and down to none: what the app's status says (Ready: it is as it should be).
  const assessment: Assessment = intent.running && intent.sleeping && assessed.health === 'Ready'
    ? { ...assessed, reason: 'Sleeping', message: 'asleep: no replicas until a request wakes it (scale to zero)' }
    : assessed;
  // A stopped app has no endpoints, whatever the pods read before the scale-down still say.
  // Asleep likewise: a request meanwhile goes to the gateway's waker, which wakes it.
  const endpoints = intent.running && !intent.sleeping ? readyEndpoints(pods, intent.port) : [];
  const hosts = appHosts(intent, settings);
  const record: AppRecord = {
    appId, team: intent.team.name, app: intent.name, cluster, release: intent.release || null, image: intent.image,
    replicas: { desired: assessment.desired, ready: assessment.ready }, health: assessment.health,
    service: `${intent.name}.${intent.team.namespace}.svc.cluster.local:${intent.port}`, endpoints,
    domains: hosts, defaultDomain: defaultDomain(intent.defaultLabel, settings.appsDomain), stopped: !intent.running,
    sleeping: intent.running && !!intent.sleeping, canSleep: canSleep(intent),
    tlsSecrets: intent.tls ? Object.fromEntries(hosts.map((h) => [h, hostTlsSecret(h, settings)])) : {},
    generation: intent.generation, updatedAt: new Date().toISOString(),
  };
  const status: ObservedStatus = {
    health: assessment.health, reason: assessment.reason, message: assessment.message,
    readyReplicas: assessment.ready, desiredReplicas: assessment.desired, observedGeneration: intent.generation, endpoints,
    autoscaling: autoscaled(intent) ? autoscalerStatus(autoscaler) : null,
  };
  return { assessment, status, record };
}
