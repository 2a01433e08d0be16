import { isDeepStrictEqual } from 'node:util';
import { publishApp, unpublishApp, type PublishOutcome } from '../src/publish/etcd.js';
import { shareTlsSecrets } from './share-tls.js';
import { recordFailure, recordObserved, recordSecretCopies, scalingDecision } from '../src/status.js';
import { recordEvent } from '../src/intents/audit.js';
import type * as k8s from '@kubernetes/client-node';
import { applyObjects, handOverReplicas, listOwned, liveIndex, objectKey, pruneObjects, type ApplyResult } from '../k8s/apply.js';
import type { Assessment, Workload } from '../k8s/health.js';
import { observeApp, workloadKind } from './observe.js';
import { appSelector } from '../k8s/labels.js';
import { apiReader } from './cache/live.js';
import { APP_KINDS_ON_DELETE, DATA_KINDS, appKinds, renderApp } from '../k8s/render/index.js';
import { generatedSecretName } from '../k8s/render/connect.js';
import { ensureGeneratedSecret, syncSharedSecrets } from './secrets.js';
import { loadApp } from './intent.js';
import { ensureTeam } from './reconcile-team.js';
import { StepError, step } from './steps.js';
import { describe } from '../src/describe-error.js';
import type { ReconcileEnv } from './reconcile-env.js';

export type { ReconcileEnv };
import { QUEUES, enqueue } from '../src/intents/queues.js';
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
  const live = env.live ?? apiReader(env.kube);

  if (placement.clusterId !== here && placement.movingTo !== here) {
    // Moved away (or a move into this cluster was given up): nothing of it may stay here. Its
    // record is removed only from an etcd the cluster it runs in does not publish to.
    const owned = await step('PruneFailed', () => listOwned(env.kube.objects, [...APP_KINDS_ON_DELETE, ...DATA_KINDS], namespace, selector));
    const results = await step('PruneFailed', () => pruneObjects(env.kube.objects, [], owned));
    if (!sameStore(env.cluster.etcdEndpoints, placement.etcdEndpoints)) await step('PublishFailed', () => unpublishApp(env.etcd, appId, intent.team.name, intent.name));
    return { appId, generation: intent.generation, results, removed: true };
  }

  if (loaded.deleted) {
    // Data (volume claims, and the generated secrets that unlock it) stays unless asked for: an app
    // created again under the same name finds both.
    const kinds = loaded.deleteData ? [...APP_KINDS_ON_DELETE, ...DATA_KINDS] : APP_KINDS_ON_DELETE;
    const owned = (await step('PruneFailed', () => listOwned(env.kube.objects, kinds, namespace, selector)))
      .filter((o) => loaded.deleteData || !(o.kind === 'Secret' && o.metadata?.name === generatedSecretName(intent.name)));
    const results = await step('PruneFailed', () => pruneObjects(env.kube.objects, [], owned));
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
    const results = await step('ApplyFailed', () => ensureTeam(env.kube, intent.team, env.settings, live));
    await recordObserved(env.db, appId, {
      health: 'Progressing', reason: 'AwaitingBuild', message: 'waiting for the first successful build',
      readyReplicas: 0, desiredReplicas: intent.running ? intent.replicas : 0, observedGeneration: intent.generation, endpoints: [],
    });
    return { appId, generation: intent.generation, results, health: 'Progressing' };
  }

  let assessment: Assessment | undefined;
  try {
    const desired = await step('RenderFailed', () => renderApp(intent, env.settings));
    // Every read comes from the watch cache (or, for a kind it has not listed yet, the API server).
    // The team's namespace and Yunbang's rights in it come first: the reads below need them.
    const teamResults = await step('ApplyFailed', () => ensureTeam(env.kube, intent.team, env.settings, live));
    const [results, owned, pods] = await Promise.all([
      step('ApplyFailed', async () => {
        const done = [...teamResults, ...await ensureGeneratedSecret(env.kube, intent, live)];
        const shared = await syncSharedSecrets(env.kube, intent, loaded.secretCopies, live);
        if (!isDeepStrictEqual(shared.copies, loaded.secretCopies)) await recordSecretCopies(env.db, appId, shared.copies);
        return [...done, ...shared.results];
      }),
      step('ApplyFailed', () => live.owned(appKinds(intent), namespace, intent.team.name, intent.name)),
      step('AssessFailed', () => live.pods(namespace, intent.team.name, intent.name)),
    ]);
    const current = liveIndex(owned);
    const applied = new Map<string, k8s.KubernetesObject>();
    await step('ApplyFailed', () => handOverReplicas(env.kube.objects, desired, current));
    results.push(...await step('ApplyFailed', () => applyObjects(env.kube.objects, desired, current, applied)));
    results.push(...await step('PruneFailed', () => pruneObjects(env.kube.objects, desired, owned)));

    // The workload as just applied (the apply answers with it), or as the cache holds it: never read again.
    const workloadKey = objectKey({ kind: workloadKind(intent), metadata: { namespace, name: intent.name } });
    const workload = (applied.get(workloadKey) ?? current.get(workloadKey)) as Workload | undefined;
    const hpaKey = objectKey({ kind: 'HorizontalPodAutoscaler', metadata: { namespace, name: intent.name } });
    const observed = observeApp(appId, intent, env.settings, env.cluster.name, workload, pods, applied.get(hpaKey) ?? current.get(hpaKey));
    assessment = observed.assessment;
    const record = observed.record;
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
    // After the applies, and independent of each other: the status and the etcd record in parallel.
    // A TLS app's certificates go to etcd before its routes, so the gateways never serve one without them.
    const gatewayKey = env.gatewayKey;
    const share = () => (gatewayKey && intent.tls ? shareTlsSecrets({
      etcd: env.etcd, gatewayKey, appsTlsSecret: env.settings.appsTlsSecret,
      readSecret: async (ns, name) => (await live.fresh.secret(ns, name))?.data,
    }, namespace, record) : Promise.resolve([]));
    const [recorded, published] = await Promise.all([
      recordObserved(env.db, appId, observed.status),
      step('PublishFailed', async () => { await share(); return publishApp(env.etcd, record); }),
    ]);
    // Each new count the autoscaler decides on is an app event, with its reason.
    const decided = scalingDecision(recorded.previousAutoscaling, observed.status.autoscaling);
    if (decided) {
      await recordEvent(env.db, { teamId: loaded.teamId, actor: 'autoscaler', action: 'app.autoscaled', subject: `app/${intent.name}`, outcome: 'success', message: decided });
    }
    return { appId, generation: intent.generation, results, health: assessment.health, published };
  } catch (err) {
    const failure = err instanceof StepError ? err : new StepError('ApplyFailed', err);
    await recordFailure(env.db, appId, failure.reason, describe(failure.cause)).catch(() => {});
    throw failure;
  }
}
