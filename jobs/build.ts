import type * as k8s from '@kubernetes/client-node';
import type PgBoss from 'pg-boss';
import { withTx, type Db, type Tx } from '../src/db/pool.js';
import type { Kube } from '../src/kube.js';
import { statusCode } from '../src/kube.js';
import { log } from '../src/log.js';
import { generateDockerfile } from '../src/build/dockerfile.js';
import type { DetectReport } from '../src/build/detect-main.js';
import { recordRelease } from '../src/intents/releases.js';
import { lockAppBuilds } from '../src/intents/builds.js';
import { open } from '../src/crypto/box.js';
import type { GitCredentials, SourceSpec } from '../src/intents/source.js';
import type { ReleaseConfig } from '../src/model.js';
import { FIELD_MANAGER } from '../k8s/labels.js';
import {
  buildPod, credentialsSecret, credentialsSecretName, detectPod, imageRepository, podName, type BuildSubject,
} from '../k8s/render/build-pods.js';
import type { RenderSettings } from '../k8s/types.js';
import { toTyped } from '../k8s/wire.js';
import * as k8sClient from '@kubernetes/client-node';
import { QUEUES, enqueue } from '../src/intents/queues.js';
import { ensureTeam } from './reconcile-team.js';
import type { LiveReader } from './cache/live.js';
import { loadTeam } from './intent.js';
import { describe } from '../src/describe-error.js';
import { BUILD_LOGS_CHANNEL } from '../src/status.js';
import { checkGitUrl, GitUrlRefused } from '../src/net/git-guard.js';
import { badKnownHostsLine, effectiveKnownHosts, knownHostsLines } from '../src/build/known-hosts.js';
import type { BuildSettings } from '../src/settings.js';

export interface BuildEnv {
  db: Db;
  boss: PgBoss;
  kube: Kube;
  settings: RenderSettings;
  build: BuildSettings;
  /** Opens sealed git credentials (YUNBANG_SECRET_KEY). */
  secretKey?: string;
  /** The worker's watch cache of the cluster (the team's namespace is checked there). */
  live?: LiveReader;
}

interface Row {
  id: string; app_id: string; number: number; status: string; ref: string; commit: string | null; plan: DetectReport['plan'] | null;
  started_at: Date | null; team_id: string; team: string; namespace: string; team_generation: number; app: string;
  generation: number; source: SourceSpec | null; port: number; env: ReleaseConfig['env']; resources: ReleaseConfig['resources'];
  health_check_path: string | null; git_credentials: string | null; learned_host_keys: string | null;
}

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled', 'superseded']);

async function load(db: Db, id: string): Promise<Row | undefined> {
  const { rows } = await db.query<Row>(
    `SELECT b.id, b.app_id, b.number, b.status, b.ref, b.commit, b.plan, b.started_at, t.id AS team_id, t.name AS team,
            t.namespace, t.generation AS team_generation, a.name AS app, a.generation, a.source, a.port, a.env, a.resources,
            a.health_check_path, a.git_credentials, a.learned_host_keys
       FROM builds b JOIN apps a ON a.id = b.app_id JOIN teams t ON t.id = a.team_id WHERE b.id = $1`, [id]);
  return rows[0];
}

/** The host keys a detect pod learned, if they are known_hosts lines (nothing else is pinned). */
function pinnable(text: string | undefined): string | null {
  const lines = knownHostsLines(text).filter((l) => !badKnownHostsLine(l));
  return lines.length > 0 ? lines.join('\n') : null;
}

/** The app's git credentials, opened, or null. */
function credentialsOf(env: BuildEnv, r: Row): GitCredentials | null {
  if (!r.git_credentials) return null;
  if (!env.secretKey) throw new Error('the app has git credentials but YUNBANG_SECRET_KEY is not set in the worker');
  return JSON.parse(open(env.secretKey, r.git_credentials)) as GitCredentials;
}

function subject(env: BuildEnv, r: Row): BuildSubject {
  const c = credentialsOf(env, r);
  return {
    buildId: r.id, number: r.number, team: r.team, app: r.app, namespace: r.namespace, generation: r.generation,
    git: {
      url: r.source!.url, ref: r.commit ?? r.ref, subdir: r.source!.subdir,
      knownHosts: effectiveKnownHosts(env.build.knownHosts, r.source!.knownHosts, r.learned_host_keys), trustOnFirstUse: r.source!.trustOnFirstUse ?? false,
    },
    buildMode: r.source!.buildMode, dockerfilePath: r.source!.dockerfilePath,
    credentials: c ? { secretName: credentialsSecretName(r.app), kind: c.sshPrivateKey ? 'ssh' : 'basic' } : null,
  };
}

/**
 * Puts the app's credentials into a Secret in the team's namespace, where only the clone
 * containers read them; removes the Secret when the app no longer has credentials.
 */
async function syncCredentials(env: BuildEnv, r: Row): Promise<void> {
  const c = credentialsOf(env, r);
  if (c) {
    const secret = credentialsSecret({ team: r.team, app: r.app, namespace: r.namespace }, c);
    await env.kube.objects.patch(toTyped(secret), undefined, undefined, FIELD_MANAGER, true, k8sClient.PatchStrategy.ServerSideApply);
    return;
  }
  try {
    await env.kube.core.deleteNamespacedSecret({ name: credentialsSecretName(r.app), namespace: r.namespace });
  } catch (err) {
    if (statusCode(err) !== 404) throw err;
  }
}

async function readPod(kube: Kube, namespace: string, name: string): Promise<k8s.V1Pod | undefined> {
  try { return await kube.core.readNamespacedPod({ name, namespace }); } catch (err) { if (statusCode(err) === 404) return undefined; throw err; }
}

/** Creates a pod; a pod the API server refuses (422: invalid, or over the team's quota) fails the build instead of being retried forever. */
async function createPod(env: BuildEnv, r: Row, obj: ReturnType<typeof detectPod>): Promise<boolean> {
  try {
    await env.kube.objects.patch(toTyped(obj), undefined, undefined, FIELD_MANAGER, true, k8sClient.PatchStrategy.ServerSideApply);
    return true;
  } catch (err) {
    if (statusCode(err) !== 422 && statusCode(err) !== 403) throw err;
    await finish(env, r, 'failed', `the ${obj.metadata.name} pod was refused: ${describe(err)}`);
    await wakeNext(env, r.team_id);
    return false;
  }
}

async function deletePod(kube: Kube, namespace: string, name: string): Promise<void> {
  await kube.core.deleteNamespacedPod({ name, namespace }).catch((err) => { if (statusCode(err) !== 404) throw err; });
}

/** How a finished pod ended: its termination message, or why Kubernetes stopped it. */
function outcome(pod: k8s.V1Pod): { done: false } | { done: true; ok: boolean; message: string } {
  const phase = pod.status?.phase;
  if (phase !== 'Succeeded' && phase !== 'Failed') return { done: false };
  const term = pod.status?.containerStatuses?.[0]?.state?.terminated;
  const init = pod.status?.initContainerStatuses?.find((c) => (c.state?.terminated?.exitCode ?? 0) !== 0)?.state?.terminated;
  let message = (term?.message ?? '').trim();
  if (phase === 'Failed' && !message) {
    message = pod.status?.reason === 'DeadlineExceeded' ? 'the build exceeded its deadline'
      : init ? `cloning the source failed: ${(init.message ?? init.reason ?? `exit code ${init.exitCode}`).trim()}`
        : pod.status?.message ?? term?.reason ?? 'the pod failed';
  }
  return { done: true, ok: phase === 'Succeeded', message };
}

/** Copies a pod's log into build_logs, so it stays readable after the pod is deleted. */
async function keepLogs(env: BuildEnv, buildId: string, namespace: string, name: string, container: string): Promise<void> {
  try {
    const text = await env.kube.core.readNamespacedPodLog({ name, namespace, container });
    const lines = String(text).split('\n').filter((l, i, all) => l !== '' || i < all.length - 1);
    if (lines.length === 0) return;
    await env.db.query(
      `INSERT INTO build_logs (build_id, seq, line)
       SELECT $1, coalesce((SELECT max(seq) FROM build_logs WHERE build_id = $1), 0) + n, line
         FROM unnest($2::text[]) WITH ORDINALITY AS l(line, n)`, [buildId, lines]);
    await env.db.query('SELECT pg_notify($1, $2)', [BUILD_LOGS_CHANNEL, buildId]);
  } catch (err) {
    log.warn({ buildId, pod: name, error: (err as Error).message }, 'could not keep the build log');
  }
}

async function finish(env: BuildEnv, r: Row, status: 'failed' | 'succeeded', reason: string | null): Promise<void> {
  await env.db.query(`UPDATE builds SET status = $2, failure_reason = $3, finished_at = now() WHERE id = $1 AND status NOT IN ('cancelled', 'superseded')`,
    [r.id, status, reason]);
  await env.db.query('SELECT pg_notify($1, $2)', [BUILD_LOGS_CHANNEL, r.id]); // log followers learn it ended
}

/**
 * One commit is built once at a time. A build learns its commit only when detection resolves its
 * branch, so a push of that same commit may have queued another build meanwhile: of the active
 * builds of one commit, the earliest goes on and the later ones are superseded. Runs under the
 * app's build lock (queueBuild takes it too). Returns the number of an earlier build of the same
 * commit (this one must stop), or undefined after superseding any later ones.
 */
async function dropDuplicatesOf(env: BuildEnv, tx: Tx, r: Row, commit: string): Promise<number | undefined> {
  await lockAppBuilds(tx, r.app_id);
  const { rows } = await tx.query<{ id: string; number: number }>(
    `SELECT id, number FROM builds WHERE app_id = $1 AND commit = $2 AND id <> $3 AND status IN ('queued', 'detecting', 'building') ORDER BY number`,
    [r.app_id, commit, r.id]);
  const earlier = rows.find((b) => b.number < r.number);
  if (earlier) return earlier.number;
  for (const later of rows) {
    await tx.query(`UPDATE builds SET status = 'superseded', failure_reason = $2, finished_at = now() WHERE id = $1 AND status IN ('queued', 'detecting', 'building')`,
      [later.id, `the same commit as build #${r.number}, which builds it`]);
    await enqueue(env.boss, tx, QUEUES.advanceBuild, { buildId: later.id }, later.id); // removes its pods
  }
  return undefined;
}

/** Starts the oldest queued build of the team, now that a slot is free. */
async function wakeNext(env: BuildEnv, teamId: string): Promise<void> {
  const { rows } = await env.db.query<{ id: string }>(
    `SELECT b.id FROM builds b JOIN apps a ON a.id = b.app_id WHERE a.team_id = $1 AND b.status = 'queued' ORDER BY b.created_at LIMIT 1`, [teamId]);
  if (rows[0]) await enqueue(env.boss, env.db, QUEUES.advanceBuild, { buildId: rows[0].id }, rows[0].id);
}

/**
 * Moves a build one step along queued → detecting → building → succeeded/failed, from what the
 * database and the pods say now. Idempotent: the watch on build pods, retries and the resync may
 * all call it; a step that already happened is seen and not repeated.
 */
export async function advanceBuild(env: BuildEnv, buildId: string): Promise<string> {
  const r = await load(env.db, buildId);
  if (!r) return 'gone';
  const detectName = podName(r, 'detect'), buildName = podName(r, 'build');

  if (TERMINAL.has(r.status) || !r.source) {
    if (!r.source && !TERMINAL.has(r.status)) await finish(env, r, 'failed', 'the app no longer builds from git');
    await deletePod(env.kube, r.namespace, detectName);
    await deletePod(env.kube, r.namespace, buildName);
    return r.status;
  }

  if (r.status === 'queued') {
    // One slot check per team at a time, so two builds cannot both take the last slot.
    const started = await withTx(env.db, async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [r.team_id]);
      const { rows } = await tx.query<{ n: number; limit: number | null }>(
        `SELECT count(*)::int AS n, (SELECT builds_in_parallel FROM teams WHERE id = $1) AS limit
           FROM builds b JOIN apps a ON a.id = b.app_id WHERE a.team_id = $1 AND b.status IN ('detecting', 'building')`, [r.team_id]);
      // The team's plan, else the platform's default.
      if (rows[0]!.n >= (rows[0]!.limit ?? env.build.perTeam)) return false;
      const u = await tx.query(`UPDATE builds SET status = 'detecting', started_at = now() WHERE id = $1 AND status = 'queued'`, [r.id]);
      return u.rowCount === 1;
    });
    if (!started) return 'queued';
    // The URL was checked when it was saved; its host may resolve elsewhere by now.
    const refused = await checkGitUrl(r.source.url, env.build.gitAllow).then(() => null, (err: unknown) => (err instanceof GitUrlRefused ? err.rule : null));
    if (refused) {
      await finish(env, r, 'failed', `the git URL is refused: ${refused}`);
      return 'failed';
    }
    await ensureTeam(env.kube, (await loadTeam(env.db, r.team_id))!.intent, env.settings, env.live);
    await syncCredentials(env, r);
    return (await createPod(env, r, detectPod(subject(env, r), env.build))) ? 'detecting' : 'failed';
  }

  if (r.status === 'detecting') {
    const pod = await readPod(env.kube, r.namespace, detectName);
    if (!pod) return (await createPod(env, r, detectPod(subject(env, r), env.build))) ? 'detecting' : 'failed';
    const o = outcome(pod);
    if (!o.done) return 'detecting';
    // The clone's words first (a host key trusted on first use, or why the clone failed), then the detector's.
    await keepLogs(env, r.id, r.namespace, detectName, 'clone');
    await keepLogs(env, r.id, r.namespace, detectName, 'detect');
    let report: DetectReport = {};
    try { report = JSON.parse(o.message) as DetectReport; } catch { /* not a report: the pod failed before reporting */ }
    if (!o.ok || !report.plan) {
      await finish(env, r, 'failed', `detection failed: ${report.error ?? o.message}`);
      await deletePod(env.kube, r.namespace, detectName);
      await wakeNext(env, r.team_id);
      return 'failed';
    }
    const commit = report.commit ?? r.commit ?? r.ref;
    const learned = r.source.trustOnFirstUse && !r.learned_host_keys ? pinnable(report.learnedHostKeys) : null;
    const goesOn = await withTx(env.db, async (tx) => {
      const earlier = await dropDuplicatesOf(env, tx, r, commit);
      if (earlier) {
        await tx.query(`UPDATE builds SET status = 'superseded', commit = $2, failure_reason = $3, finished_at = now() WHERE id = $1 AND status = 'detecting'`,
          [r.id, commit, `the same commit as build #${earlier}, which builds it`]);
        return false;
      }
      await tx.query(
        `UPDATE builds SET status = 'building', plan = $2, commit = coalesce(commit, $3), author = coalesce(author, $4), message = coalesce(message, $5)
          WHERE id = $1 AND status = 'detecting'`, [r.id, JSON.stringify(report.plan), commit, report.author ?? null, report.message ?? null]);
      // Trusted on first use: pinned for every later clone (only if the URL is still the one cloned).
      if (learned) await tx.query(`UPDATE apps SET learned_host_keys = $2 WHERE id = $1 AND learned_host_keys IS NULL AND source->>'url' = $3`, [r.app_id, learned, r.source!.url]);
      return true;
    });
    if (!goesOn) {
      await deletePod(env.kube, r.namespace, detectName);
      await env.db.query('SELECT pg_notify($1, $2)', [BUILD_LOGS_CHANNEL, r.id]);
      await wakeNext(env, r.team_id);
      return 'superseded';
    }
    const dockerfile = report.plan.language === 'dockerfile' ? null : generateDockerfile(report.plan);
    await deletePod(env.kube, r.namespace, detectName);
    const pinned = { ...r, commit, learned_host_keys: r.learned_host_keys ?? learned };
    return (await createPod(env, pinned, buildPod({ ...subject(env, pinned), commit }, env.build, dockerfile))) ? 'building' : 'failed';
  }

  // building
  const pod = await readPod(env.kube, r.namespace, buildName);
  if (!pod) {
    const dockerfile = r.plan && r.plan.language !== 'dockerfile' ? generateDockerfile(r.plan) : null;
    return (await createPod(env, r, buildPod({ ...subject(env, r), commit: r.commit ?? r.ref }, env.build, dockerfile))) ? 'building' : 'failed';
  }
  const o = outcome(pod);
  if (!o.done) return 'building';
  await keepLogs(env, r.id, r.namespace, buildName, 'kaniko');
  const digest = /sha256:[0-9a-f]{64}/.exec(o.message)?.[0];
  if (!o.ok || !digest) {
    await finish(env, r, 'failed', o.ok ? 'the build pushed no image digest' : `build failed: ${o.message}`);
    await deletePod(env.kube, r.namespace, buildName);
    await wakeNext(env, r.team_id);
    return 'failed';
  }
  const image = `${imageRepository(env.build, r)}@${digest}`;
  await withTx(env.db, async (tx) => {
    const u = await tx.query(`UPDATE builds SET status = 'succeeded', image = $2, image_digest = $3, finished_at = now() WHERE id = $1 AND status = 'building'`,
      [r.id, image, digest]);
    if (u.rowCount !== 1) return; // cancelled meanwhile: do not release it
    // The release pins the built image with the app's runtime config as it is now.
    const app = (await tx.query<{ port: number; env: ReleaseConfig['env']; resources: ReleaseConfig['resources']; health_check_path: string | null }>(
      'SELECT port, env, resources, health_check_path FROM apps WHERE id = $1 FOR UPDATE', [r.app_id])).rows[0]!;
    await tx.query('UPDATE apps SET image = $2, generation = generation + 1, updated_at = now() WHERE id = $1', [r.app_id, image]);
    await recordRelease(tx, `build #${r.number}`, r.app_id, image,
      { port: app.port, env: app.env, resources: app.resources, healthCheckPath: app.health_check_path },
      `build #${r.number} of ${r.commit?.slice(0, 12) ?? r.ref}`, { buildId: r.id });
    await enqueue(env.boss, tx, QUEUES.reconcileApp, { appId: r.app_id }, r.app_id);
  });
  await env.db.query('SELECT pg_notify($1, $2)', [BUILD_LOGS_CHANNEL, r.id]);
  await deletePod(env.kube, r.namespace, buildName);
  await wakeNext(env, r.team_id);
  return 'succeeded';
}
