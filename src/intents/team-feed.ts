import { authorize } from '../auth/principal.js';
import { Unavailable } from '../errors.js';
import type { AppView } from '../model.js';
import type { Ctx } from './context.js';
import { APP_SELECT, toView, type AppRow } from './app-rows.js';
import { findTeam } from './teams.js';

/** One item of a team's app feed: the whole list first, then what changed. */
export interface TeamAppsUpdate {
  /** True for the first item: `apps` is then every app of the team. */
  snapshot: boolean;
  /** Apps created or changed (status or intent) since the last item. */
  apps: AppView[];
  /** Names of apps deleted since the last item. */
  removed: string[];
}

/**
 * A team's apps, live: the list, then each change as it is recorded, until the client goes.
 * What a console's team page needs in one subscription, with no poll and no query per app;
 * listening starts before the list is read, so no change falls between.
 */
export async function* watchTeamApps(ctx: Ctx, team: string, signal: AbortSignal): AsyncGenerator<TeamAppsUpdate> {
  authorize(ctx.principal, team, 'read');
  const t = await findTeam(ctx.db, team);
  if (!ctx.statusHub) throw new Unavailable('live updates are not available in this process');
  const changes = ctx.statusHub.teamChanges(t.id, signal);
  const names = new Map<string, string>(); // app id -> name, to name an app once its row is gone
  try {
    const all = await ctx.db.query<AppRow>(`${APP_SELECT} WHERE a.team_id = $1 AND a.deleted_at IS NULL ORDER BY a.name`, [t.id]);
    for (const r of all.rows) names.set(r.id, r.name);
    yield { snapshot: true, apps: all.rows.map((r) => toView(r, ctx)), removed: [] };
    for await (const ids of changes) {
      const { rows: live } = await ctx.db.query<AppRow>(`${APP_SELECT} WHERE a.id = ANY($1) AND a.team_id = $2 AND a.deleted_at IS NULL ORDER BY a.name`, [ids, t.id]);
      const removed = ids.filter((id) => !live.some((r) => r.id === id) && names.has(id)).map((id) => names.get(id)!);
      for (const id of ids) if (!live.some((r) => r.id === id)) names.delete(id);
      for (const r of live) names.set(r.id, r.name);
      if (live.length || removed.length) yield { snapshot: false, apps: live.map((r) => toView(r, ctx)), removed };
    }
  } catch (err) {
    if ((err as Error).name !== 'AbortError') throw err;
  } finally {
    await changes.return(undefined);
  }
}
