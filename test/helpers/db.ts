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
