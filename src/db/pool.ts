import pg from 'pg';

export type Db = pg.Pool;
export type Tx = pg.PoolClient;
/** Anything that runs a query: the pool or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'>;

// bigint (int8) columns such as generation hold small numbers here; read them as numbers.
pg.types.setTypeParser(20, (v) => Number(v));

export function createPool(connectionString: string, max = 10): Db {
  // Waiting for a connection is bounded: with the database away, a request fails (503) in
  // seconds instead of hanging.
  const pool = new pg.Pool({ connectionString, max, connectionTimeoutMillis: 5000 });
  // An idle client that loses its connection emits here; without a listener it crashes the process.
  pool.on('error', () => {});
  return pool;
}

const afterCommit = new WeakMap<object, (() => Promise<unknown>)[]>();

/**
 * Runs `fn` once the caller's transaction (a withTx) has committed; outside one, the caller's
 * statements have committed already and nothing is needed. For work that must come after the
 * commit, never for the write itself: a failure goes to withTx's `onError`, the transaction stands.
 */
export function onCommit(q: Queryable, fn: () => Promise<unknown>): void {
  afterCommit.get(q)?.push(fn);
}

/** Runs fn in one transaction: committed if it returns, rolled back if it throws; then the onCommit hooks. */
export async function withTx<T>(db: Db, fn: (tx: Tx) => Promise<T>, onError: (err: unknown) => void = () => {}): Promise<T> {
  const client = await db.connect();
  // A checked-out client has no pool listener: if the server goes away between two statements,
  // its 'error' event would be uncaught and end the process. The next statement fails instead.
  const ignore = () => {};
  client.on('error', ignore);
  const hooks: (() => Promise<unknown>)[] = [];
  afterCommit.set(client, hooks);
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    afterCommit.delete(client);
    for (const h of hooks) await h().catch(onError);
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    afterCommit.delete(client);
    client.off('error', ignore);
    client.release();
  }
}
