import pg from 'pg';

/** Counts what an intent could have written, to prove a refused one wrote nothing. */
export async function snapshotCounts(databaseUrl: string): Promise<Record<string, number>> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const { rows } = await c.query<{ k: string; n: number }>(`
      SELECT 'teams' AS k, count(*)::int AS n FROM teams UNION ALL
      SELECT 'apps', count(*)::int FROM apps UNION ALL
      SELECT 'releases', count(*)::int FROM releases UNION ALL
      SELECT 'domains', count(*)::int FROM app_domains UNION ALL
      SELECT 'tokens', count(*)::int FROM api_tokens UNION ALL
      SELECT 'jobs', count(*)::int FROM pgboss.job`);
    return Object.fromEntries(rows.map((r) => [r.k, r.n]));
  } finally {
    await c.end();
  }
}

/**
 * A digest of every table an intent writes (row contents, not counts, so an update shows too);
 * tokens without their last use, and the audit trail left out (refused attempts are recorded).
 */
export async function fingerprint(databaseUrl: string): Promise<Record<string, string>> {
  const tables = ['teams', 'apps', 'app_domains', 'app_dependencies', 'app_shares', 'app_status', 'releases', 'builds', 'installations', 'team_templates'];
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const out: Record<string, string> = {};
    for (const t of tables) {
      const { rows } = await c.query<{ d: string }>(`SELECT md5(coalesce(string_agg(r::text, '|' ORDER BY r::text), '')) AS d FROM ${t} r`);
      out[t] = rows[0]!.d;
    }
    const tokens = await c.query<{ d: string }>(`SELECT md5(coalesce(string_agg(concat_ws(',', id, team_id, name, role, revoked_at), '|' ORDER BY id), '')) AS d FROM api_tokens`);
    out.api_tokens = tokens.rows[0]!.d;
    out.jobs = String((await c.query<{ n: number }>('SELECT count(*)::int AS n FROM pgboss.job')).rows[0]!.n);
    return out;
  } finally {
    await c.end();
  }
}
