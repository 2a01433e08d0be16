import type { Tx } from '../db/pool.js';
import { authorize } from '../auth/principal.js';
import { Conflict } from '../errors.js';
import type { AppView } from '../model.js';
import * as v from '../validation.js';
import { mutation } from './audit.js';
import type { Ctx } from './context.js';
import { findTeam } from './teams.js';
import { generatedSecretName } from '../../k8s/render/connect.js';
import { enqueueReconcile, lockApp, toView, type AppRow } from './app-rows.js';

/** Deleting apps: names and domains freed at once, the data kept unless asked otherwise. */

export interface DeletedAppView { app: AppView; dataKept: boolean; message: string }

/**
 * Marks apps deleted in the caller's transaction (freeing their names and domains at once); their
 * reconcile jobs remove their objects from the cluster and etcd, then the rows. Refused while an app
 * outside `apps` still depends on one of them: it would lose its connection.
 */
export async function markDeleted(ctx: Ctx, tx: Tx, apps: AppRow[], deleteData: boolean): Promise<void> {
  const ids = apps.map((a) => a.id);
  const { rows } = await tx.query<{ app: string; dependent: string; team: string }>(
    `SELECT d.name AS app, u.name AS dependent, ut.name AS team
       FROM app_dependencies ad JOIN apps d ON d.id = ad.depends_on JOIN apps u ON u.id = ad.app_id JOIN teams ut ON ut.id = u.team_id
      WHERE ad.depends_on = ANY($1) AND NOT (ad.app_id = ANY($1)) AND u.deleted_at IS NULL ORDER BY 1, 3, 2`, [ids]);
  if (rows.length > 0) {
    const list = rows.map((r) => `${r.team}/${r.dependent} depends on ${r.app}`).join(', ');
    throw new Conflict(`still in use: ${list}; remove the dependencies first`);
  }
  for (const a of apps) {
    await tx.query(`UPDATE apps SET deleted_at = now(), delete_data = $2, generation = generation + 1, updated_at = now() WHERE id = $1`, [a.id, deleteData]);
    await tx.query('DELETE FROM app_domains WHERE app_id = $1', [a.id]);
    await enqueueReconcile(ctx, tx, a.id);
  }
}

/** What happens to an app's data on delete, in words, for the API's answer. */
export function dataMessage(apps: Pick<AppRow, 'name' | 'volumes' | 'secrets' | 'namespace'>[], deleteData: boolean): { dataKept: boolean; message: string } {
  const withData = apps.filter((a) => a.volumes.length > 0 || a.secrets.length > 0);
  if (withData.length === 0) return { dataKept: false, message: 'deleted; it had no volumes or generated secrets' };
  if (deleteData) return { dataKept: false, message: 'deleted with its data: its volume claims and generated secrets are being removed' };
  // A StatefulSet names its claims <volume>-<app>-<ordinal>.
  const kept = withData.map((a) => [
    ...a.volumes.map((v) => `claim ${v.name}-${a.name}-*`),
    ...(a.secrets.length ? [`Secret ${generatedSecretName(a.name)}`] : []),
  ].join(', ') + ` in namespace ${a.namespace}`).join('; ');
  return { dataKept: true, message: `deleted; its data is kept (${kept}): an app created again under the same name uses it. Delete with deleteData to remove it` };
}

/** Deletes an app; its volumes and generated secrets are kept unless deleteData is true. */
export async function deleteApp(ctx: Ctx, team: string, name: string, opts: { deleteData?: boolean } = {}): Promise<DeletedAppView> {
  const deleteData = opts.deleteData ?? false;
  return mutation(ctx, { action: 'app.delete', subject: `app/${name}`, team }, async (tx, scope) => {
    authorize(ctx.principal, team, 'write');
    const t = await findTeam(tx, team, true);
    scope.teamId = t.id;
    const cur = await lockApp(tx, t.id, team, name);
    if (cur.installation) throw new Conflict(`app "${name}" belongs to installation "${cur.installation}"; uninstall that instead`);
    await markDeleted(ctx, tx, [cur], deleteData);
    const data = dataMessage([cur], deleteData);
    scope.message = data.message;
    return { app: toView(cur, ctx), ...data };
  });
}
