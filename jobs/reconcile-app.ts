import { isDeepStrictEqual } from 'node:util';
import type { Etcd3 } from 'etcd3';
import type { Db } from '../src/db/pool.js';
import type { Kube } from '../src/kube.js';
import { publishApp, unpublishApp, type AppRecord, type PublishOutcome } from '../src/publish/etcd.js';
import { recordFailure, recordObserved, recordSecretCopies } from '../src/status.js';
import { applyObjects, listOwned, liveIndex, pruneObjects, type ApplyResult } from '../k8s/apply.js';
import { assessWorkload, readyEndpoints, type Assessment, type Workload } from '../k8s/health.js';
import { appPodSelector, appSelector } from '../k8s/labels.js';
import { APP_KINDS_ON_DELETE, DATA_KINDS, appKinds, renderApp } from '../k8s/render/index.js';
import { generatedSecretName } from '../k8s/render/connect.js';
import { hostTlsSecret } from '../k8s/render/app.js';
import { appHosts, defaultDomain } from '../k8s/render/hosts.js';
import { ensureGeneratedSecret, syncSharedSecrets } from './secrets.js';
import type { RenderSettings } from '../k8s/types.js';
import { loadApp } from './intent.js';
import { ensureTeam } from './reconcile-team.js';
import { StepError, describe, step } from './steps.js';
import type { ReconcileEnv } from './reconcile-env.js';

export type { ReconcileEnv };
import { QUEUES, enqueue } from './queues.js';
import { abandonMove, advanceMove, moveOverdue, sameStore, type MoveOutcome } from './move.js';

export interface ReconcileOutcome {
  appId: string;
  generation?: number;
  results: ApplyResult[];
  health?: Assessment['health'];
  published?: PublishOutcome | 'removed';
  deleted?: boolean;
  /** The app does not run in this cluster (moved away, or a move given up): what was left here was removed. */
  removed?: boolean;
  move?: MoveOutcome;
}

/**
 * Turns an app's latest intent into objects on the cluster and records the outcome:
 * load → render → apply → prune → assess → record (Postgres) → publish (etcd). A deleted app is
 * pruned to nothing, unpublished, and its row removed. The status is written on every exit path;
 * a failure is rethrown (tagged with its step) so pg-boss retries with backoff.
 */
export async function reconcileApp(env: ReconcileEnv, appId: string): Promise<ReconcileOutcome> {
  const loaded = await step('LoadFailed', () => loadApp(env.db, appId));
  if (!loaded) return { appId, results: [] }; // already gone
  const { intent, placement } = loaded;
  const namespace = intent.team.namespace;
  const selector = appSelector(intent.team.name, intent.name);
  const here = env.cluster.id;

  if (placement.clusterId !== here && placement.movingTo !== here) {
    // Moved away (or a move into this cluster was given up): nothing of it may stay here. Its
    // record is removed only from an etcd the cluster it runs in does not publish to.
    const live = await step('PruneFailed', () => listOwned(env.kube.objects, [...APP_KINDS_ON_DELETE, ...DATA_KINDS], namespace, selector));
    const results = await step('PruneFailed', () => pruneObjects(env.kube.objects, [], live));
    if (!sameStore(env.cluster.etcdEndpoints, placement.etcdEndpoints)) await step('PublishFailed', () => unpublishApp(env.etcd, appId, intent.team.name, intent.name));
    return { appId, generation: intent.generation, results, removed: true };
  }

  if (loaded.deleted) {
    // Data (volume claims, and the generated secrets that unlock it) stays unless asked for: an app
    // created again under the same name finds both.
    const kinds = loaded.deleteData ? [...APP_KINDS_ON_DELETE, ...DATA_KINDS] : APP_KINDS_ON_DELETE;
    const live = (await step('PruneFailed', () => listOwned(env.kube.objects, kinds, namespace, selector)))
      .filter((o) => loaded.deleteData || !(o.kind === 'Secret' && o.metadata?.name === generatedSecretName(intent.name)));
    const results = await step('PruneFailed', () => pruneObjects(env.kube.objects, [], live));
    await step('PublishFailed', () => unpublishApp(env.etcd, appId, intent.team.name, intent.name));
    if (placement.movingTo === here) {
      // Deleted while moving here: this copy is gone; the cluster it ran in removes the row.
      await env.db.query('UPDATE apps SET moving_to = NULL WHERE id = $1 AND moving_to = $2', [appId, here]);
      await enqueue(env.boss, env.db, QUEUES.reconcileApp, { appId }, appId, [placement.clusterName]);
    } else {
      await env.db.query('DELETE FROM apps WHERE id = $1 AND deleted_at IS NOT NULL AND moving_to IS NULL', [appId]);
    }
    return { appId, generation: intent.generation, results, published: 'removed', deleted: true };
  }

  if (!loaded.hasImage) {
    // A git app before its first successful build: only the team's objects can exist yet.
    const results = await step('ApplyFailed', () => ensureTeam(env.kube, intent.team, env.settings));
    await recordObserved(env.db, appId, {
      health: 'Progressing', reason: 'AwaitingBuild', message: 'waiting for the first successful build',
      readyReplicas: 0, desiredReplicas: intent.running ? intent.replicas : 0, observedGeneration: intent.generation, endpoints: [],
    });
    return { appId, generation: intent.generation, results, health: 'Progressing' };
  }

  let assessment: Assessment | undefined;
  try {
    const desired = await step('RenderFailed', () => renderApp(intent, env.settings));
    // The reads do not depend on each other: one round trip instead of six. Pods are read before
    // the apply; a change applied now is assessed by the reconcile its watch events trigger.
    // The team's namespace and Yunbang's rights in it come first: the reads below need them.
    const teamResults = await step('ApplyFailed', () => ensureTeam(env.kube, intent.team, env.settings));
    const [results, live, pods] = await Promise.all([
      step('ApplyFailed', async () => {
        const done = [...teamResults, ...await ensureGeneratedSecret(env.kube, intent)];
        const shared = await syncSharedSecrets(env.kube, intent, loaded.secretCopies);
        if (!isDeepStrictEqual(shared.copies, loaded.secretCopies)) await recordSecretCopies(env.db, appId, shared.copies);
        return [...done, ...shared.results];
      }),
      step('ApplyFailed', () => listOwned(env.kube.objects, appKinds(intent), namespace, selector)),
      step('AssessFailed', async () => (await env.kube.core.listNamespacedPod({ namespace, labelSelector: appPodSelector(intent.team.name, intent.name) })).items),
    ]);
    results.push(...await step('ApplyFailed', () => applyObjects(env.kube.objects, desired, liveIndex(live))));
    results.push(...await step('PruneFailed', () => pruneObjects(env.kube.objects, desired, live)));

    // An unchanged workload was just listed: reuse that copy instead of reading it again.
    const kind = intent.volumes.length > 0 ? 'StatefulSet' : 'Deployment';
    const workloadUnchanged = results.some((r) => r.kind === kind && r.action === 'unchanged');
    const listed = live.find((o) => o.kind === kind && o.metadata?.name === intent.name) as Workload | undefined;
    const workload = workloadUnchanged ? listed : await step('AssessFailed', () => readWorkload(env.kube, kind, namespace, intent.name));
    assessment = assessWorkload(kind, workload, pods);
    // A stopped app has no endpoints, whatever the pods read before the scale-down still say.
    const endpoints = intent.running ? readyEndpoints(pods, intent.port) : [];
    const hosts = appHosts(intent, env.settings);
    const record: AppRecord = {
      appId, team: intent.team.name, app: intent.name, cluster: env.cluster.name, release: intent.release || null, image: intent.image,
      replicas: { desired: assessment.desired, ready: assessment.ready }, health: assessment.health,
      service: `${intent.name}.${namespace}.svc.cluster.local:${intent.port}`, endpoints,
      domains: hosts, defaultDomain: defaultDomain(intent.defaultLabel, env.settings.appsDomain), stopped: !intent.running,
      tlsSecrets: intent.tls ? Object.fromEntries(hosts.map((h) => [h, hostTlsSecret(h, env.settings)])) : {},
      generation: intent.generation, updatedAt: new Date().toISOString(),
    };
    if (placement.movingTo === here) {
      // The app still serves from its cluster: here it only has to become Ready before the switch.
      const move = await step('MoveFailed', () => advanceMove(env, loaded, assessment!, record));
      return { appId, generation: intent.generation, results, health: assessment.health, move };
    }
    if (moveOverdue(loaded, env.moveTimeoutSeconds)) {
      // The target never answered in time (it may be unreachable): give the move up from here.
      await step('MoveFailed', () => abandonMove(env, loaded,
        `the app did not become Ready in cluster ${placement.movingToName} within ${env.moveTimeoutSeconds} s; it kept serving from ${placement.clusterName}`));
    }
    await recordObserved(env.db, appId, {
      health: assessment.health, reason: assessment.reason, message: assessment.message,
      readyReplicas: assessment.ready, desiredReplicas: assessment.desired, observedGeneration: intent.generation, endpoints,
    });
    const published = await step('PublishFailed', () => publishApp(env.etcd, record));
    return { appId, generation: intent.generation, results, health: assessment.health, published };
  } catch (err) {
    const failure = err instanceof StepError ? err : new StepError('ApplyFailed', err);
    await recordFailure(env.db, appId, failure.reason, describe(failure.cause)).catch(() => {});
    throw failure;
  }
}

async function readWorkload(kube: Kube, kind: 'Deployment' | 'StatefulSet', namespace: string, name: string): Promise<Workload | undefined> {
  try {
    return kind === 'Deployment' ? await kube.apps.readNamespacedDeployment({ name, namespace }) : await kube.apps.readNamespacedStatefulSet({ name, namespace });
  } catch (err) {
    if ((err as { code?: number }).code === 404) return undefined;
    throw err;
  }
}
