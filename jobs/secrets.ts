import { isDeepStrictEqual } from 'node:util';
import { randomBytes } from 'node:crypto';
import * as k8s from '@kubernetes/client-node';
import { statusCode, type Kube } from '../src/kube.js';
import type { ApplyResult } from '../k8s/apply.js';
import { appLabels, FIELD_MANAGER, ROLE } from '../k8s/labels.js';
import { generatedSecretName, sharedSecretName } from '../k8s/render/connect.js';
import type { AppIntent } from '../k8s/types.js';
import { toTyped } from '../k8s/wire.js';
import { apiReader, type LiveReader } from './cache/live.js';

/**
 * Secrets that cannot be rendered, because their values must never pass through Postgres, the
 * render or a log: the values generated for an app at first start, and copies of a shared
 * dependency's secrets in a dependent's namespace (a secretKeyRef cannot cross namespaces).
 */

/** A random value of the given length from the URL-safe alphabet (fits URLs, shells and config files). */
export const generateValue = (length: number) => randomBytes(Math.ceil((length * 3) / 4) + 1).toString('base64url').slice(0, length);

const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

/**
 * Creates the app's generated Secret with a fresh value per declared name, or adds only the names
 * it lacks: a value, once generated, is never replaced (the database it unlocks keeps it).
 */
export async function ensureGeneratedSecret(kube: Kube, app: AppIntent, reader: LiveReader = apiReader(kube)): Promise<ApplyResult[]> {
  const declared = app.secrets;
  if (declared.length === 0) return [];
  const namespace = app.team.namespace;
  const name = generatedSecretName(app.name);
  const base = { kind: 'Secret', namespace, name };
  const lacking = (s: { data?: Record<string, string> } | undefined) => declared.filter((d) => s?.data?.[d.name] === undefined);
  let live = await reader.secret(namespace, name);
  if (lacking(live).length > 0 && reader !== reader.fresh) {
    // A generated value is never replaced: a cache that has not seen it yet must not cause a new one.
    live = await reader.fresh.secret(namespace, name);
  }
  const missing = lacking(live);
  if (missing.length === 0) return [{ ...base, action: 'unchanged' }];
  const stringData = Object.fromEntries(missing.map((d) => [d.name, generateValue(d.length)]));
  if (!live) {
    try {
      await kube.core.createNamespacedSecret({
        namespace,
        body: { metadata: { name, namespace, labels: { ...appLabels(app.team.name, app.name), [ROLE]: 'generated' } }, type: 'Opaque', stringData },
      });
      return [{ ...base, action: 'created' }];
    } catch (err) {
      if (statusCode(err) !== 409) throw err; // another worker created it first: its values stand
      return ensureGeneratedSecret(kube, app, reader.fresh);
    }
  }
  await kube.core.patchNamespacedSecret({ name, namespace, body: { stringData } }, mergePatch);
  return [{ ...base, action: 'configured' }];
}

/**
 * Keeps, in the app's namespace, a copy of the secret values exported by each dependency in
 * another team's namespace, and deletes the copies (from `made`, as recorded) no longer needed.
 * Only exported keys are copied. Returns what it did and the copies that now exist.
 */
export async function syncSharedSecrets(kube: Kube, app: AppIntent, made: string[], reader: LiveReader = apiReader(kube)): Promise<{ results: ApplyResult[]; copies: string[] }> {
  const namespace = app.team.namespace;
  const results: ApplyResult[] = [];
  const copies: string[] = [];
  for (const d of app.dependencies) {
    const keys = d.exports.flatMap((e) => ('secret' in e ? [e.secret] : []));
    if (d.namespace === namespace || keys.length === 0) continue;
    const name = sharedSecretName(app.name, d);
    const source = await reader.secret(d.namespace, generatedSecretName(d.app));
    if (!source?.data) continue; // not generated yet: the dependency's first reconcile creates it, then enqueues this app
    copies.push(name);
    const data = Object.fromEntries(keys.filter((k) => source.data![k] !== undefined).map((k) => [k, source.data![k]!]));
    const live = await reader.secret(namespace, name);
    if (live && isDeepStrictEqual(live.data ?? {}, data)) { results.push({ kind: 'Secret', namespace, name, action: 'unchanged' }); continue; }
    const body = { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace, labels: { ...appLabels(app.team.name, app.name), [ROLE]: 'shared-secret' } }, type: 'Opaque', data };
    await kube.objects.patch(toTyped(body), undefined, undefined, FIELD_MANAGER, true, k8s.PatchStrategy.ServerSideApply);
    results.push({ kind: 'Secret', namespace, name, action: live ? 'configured' : 'created' });
  }
  for (const name of made.filter((n) => !copies.includes(n))) {
    await kube.core.deleteNamespacedSecret({ name, namespace }).catch((err) => { if (statusCode(err) !== 404) throw err; });
    results.push({ kind: 'Secret', namespace, name, action: 'deleted' });
  }
  return { results, copies };
}
