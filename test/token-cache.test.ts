import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { TokenCache } from '../src/auth/token-cache.js';
import { run, type Running } from '../server/main.js';
import { rest } from './helpers/clients.js';
import { eventually } from './helpers/full.js';
import { ADMIN, SECRET_KEY, freshDatabase } from './helpers/platform.js';

const principal = { kind: 'team' as const, tokenId: 't1', tokenName: 'ci', teamId: 'team1', teamName: 'a', role: 'viewer' as const };

describe('TokenCache', () => {
  it('is not trusted until its revocation listener is up, and starts empty each time it is', () => {
    const c = new TokenCache(10_000);
    c.set('h', principal, c.begin());
    expect(c.get('h')).toBeUndefined();
    c.setListening(true);
    c.set('h', principal, c.begin());
    expect(c.get('h')?.principal).toEqual(principal);
    c.setListening(false);
    expect(c.get('h')).toBeUndefined();
    c.setListening(true);
    expect(c.get('h')).toBeUndefined();
  });

  it('drops a lookup that raced with a revocation', () => {
    const c = new TokenCache(10_000);
    c.setListening(true);
    const epoch = c.begin();
    c.invalidate(); // a revocation is heard while the lookup's query runs
    c.set('h', principal, epoch);
    expect(c.get('h')).toBeUndefined();
  });

  it('forgets entries after the TTL, asks for a last-used refresh once a minute, and stays bounded', () => {
    const c = new TokenCache(120_000, 3);
    c.setListening(true);
    c.set('h', principal, c.begin(), 0);
    expect(c.get('h', 30_000)?.touch).toBe(false);
    expect(c.get('h', 60_000)?.touch).toBe(true);
    expect(c.get('h', 61_000)?.touch).toBe(false);
    expect(c.get('h', 120_000)).toBeUndefined();
    for (const k of ['a', 'b', 'c', 'd']) c.set(k, principal, c.begin(), 0);
    expect(c.size).toBeLessThanOrEqual(3);
  });
});

// Two API processes on one database, as in production behind a load balancer.
describe('token cache across API processes: a revocation takes effect at once', () => {
  let a: Running, b: Running;
  let urlA: string, urlB: string;
  let db: pg.Client;

  beforeAll(async () => {
    const stack = inject('stack');
    const env = {
      DATABASE_URL: await freshDatabase(), ETCD_ENDPOINTS: stack.ETCD_ENDPOINTS, KUBECONFIG: stack.WORKER_KUBECONFIG, YUNBANG_API_KUBECONFIG: stack.API_KUBECONFIG,
      YUNBANG_ADMIN_TOKEN: ADMIN, YUNBANG_SECRET_KEY: SECRET_KEY, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', YUNBANG_TOKEN_CACHE_SECONDS: '60',
    };
    a = await run(['api'], env);
    b = await run(['api'], env);
    urlA = `http://127.0.0.1:${(a.server!.address() as { port: number }).port}`;
    urlB = `http://127.0.0.1:${(b.server!.address() as { port: number }).port}`;
    db = new pg.Client({ connectionString: env.DATABASE_URL });
    await db.connect();
    await rest(urlA, ADMIN)('POST', '/teams', { name: 'cache' });
  }, 60_000);

  afterAll(async () => {
    await db?.end();
    await a?.stop();
    await b?.stop();
  });

  const newToken = async () => (await rest(urlA, ADMIN)('POST', '/tokens', { team: 'cache', role: 'viewer', name: `t-${Date.now()}` })).body as { secret: string; token: { id: string } };
  const status = async (url: string, secret: string) => (await rest(url, secret)('GET', '/teams/cache/apps')).status;

  it('answers a known token from the cache: a row changed behind its back is not seen within the TTL', async () => {
    const { secret, token } = await newToken();
    expect(await status(urlB, secret)).toBe(200);
    // Revoked by hand, without the NOTIFY the API sends: only the cache can still let it in.
    await db.query('UPDATE api_tokens SET revoked_at = now() WHERE id = $1', [token.id]);
    expect(await status(urlB, secret)).toBe(200);
    expect(b.platform.deps.tokenCache!.size).toBeGreaterThan(0);
  });

  it('refuses a revoked token in the revoking process at once, and in the other one on the NOTIFY', async () => {
    const { secret, token } = await newToken();
    expect(await status(urlA, secret)).toBe(200);
    expect(await status(urlB, secret)).toBe(200);
    expect((await rest(urlA, ADMIN)('DELETE', `/tokens/${token.id}`)).status).toBe(200);
    expect(await status(urlA, secret)).toBe(401);
    // Postgres delivers the NOTIFY on commit; B hears it within milliseconds.
    await eventually('B refuses the revoked token', async () => (await status(urlB, secret)) === 401, 5_000);
  });

  it('stops trusting the cache while the revocation listener is down', async () => {
    const { secret, token } = await newToken();
    expect(await status(urlB, secret)).toBe(200);
    // Cut every LISTEN connection (B's among them): B cannot hear of revocations until it reconnects.
    await db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid() AND datname = current_database()`);
    await eventually('B notices its listener is gone', async () => !b.platform.deps.tokenCache!.trusted, 5_000);
    await db.query('UPDATE api_tokens SET revoked_at = now() WHERE id = $1', [token.id]);
    // Had B still trusted its cache, this would be a 200 (as in the first test).
    const seen = await status(urlB, secret);
    expect(seen).toBe(401);
    await eventually('B listens again', async () => b.platform.deps.tokenCache!.trusted, 10_000);
  });

  it('revokes the tokens of a deleted team in every process', async () => {
    await rest(urlA, ADMIN)('POST', '/teams', { name: 'gone' });
    const { secret } = (await rest(urlA, ADMIN)('POST', '/tokens', { team: 'gone', role: 'viewer', name: 'g' })).body as { secret: string };
    expect((await rest(urlB, secret)('GET', '/teams/gone/apps')).status).toBe(200);
    expect((await rest(urlA, ADMIN)('DELETE', '/teams/gone')).status).toBe(202);
    await eventually('B refuses the deleted team\'s token', async () => (await rest(urlB, secret)('GET', '/teams/gone/apps')).status === 401, 5_000);
  });
});
