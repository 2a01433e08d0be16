import { authorize } from '../auth/principal.js';
import { Invalid, NotFound, Unavailable } from '../errors.js';
import { appPodSelector } from '../../k8s/labels.js';
import { describe } from '../../jobs/steps.js';
import type { Ctx } from './context.js';
import { findTeam } from './teams.js';

export interface AppLogLine { pod: string; line: string }

/**
 * The last `tail` lines of every running replica of an app, read through the API server's
 * pod-log endpoint (as `kubectl logs` does), so it works the same on any cluster.
 */
export async function appLogs(ctx: Ctx, team: string, app: string, tail = 100): Promise<AppLogLine[]> {
  authorize(ctx.principal, team, 'read');
  if (!Number.isInteger(tail) || tail < 1 || tail > 5000) throw Invalid.field('tail', 'must be between 1 and 5000');
  if (!ctx.clusters) throw new Unavailable('logs are not available in this process');
  const t = await findTeam(ctx.db, team);
  const { rows } = await ctx.db.query<{ cluster: string }>(
    'SELECT c.name AS cluster FROM apps a JOIN clusters c ON c.id = a.cluster_id WHERE a.team_id = $1 AND a.name = $2 AND a.deleted_at IS NULL', [t.id, app]);
  if (!rows[0]) throw new NotFound(`app "${app}" not found in team "${team}"`);
  const kube = (await ctx.clusters.get(rows[0].cluster))?.kube;
  if (!kube) throw new Unavailable(`logs of apps in cluster "${rows[0].cluster}" are not available: it was registered without an apiKubeconfig`);
  try {
    const pods = await kube.core.listNamespacedPod({ namespace: t.namespace, labelSelector: appPodSelector(team, app) });
    const running = pods.items.filter((p) => p.status?.phase === 'Running').sort((a, b) => a.metadata!.name!.localeCompare(b.metadata!.name!));
    const out: AppLogLine[] = [];
    for (const p of running) {
      const text = String(await kube.core.readNamespacedPodLog({ name: p.metadata!.name!, namespace: t.namespace, container: 'app', tailLines: tail }));
      for (const line of text.split('\n')) if (line) out.push({ pod: p.metadata!.name!, line });
    }
    return out;
  } catch (err) {
    throw new Unavailable(`the cluster did not answer: ${describe(err)}`);
  }
}
