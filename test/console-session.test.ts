import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rest } from './helpers/clients.js';
import { makeTeam, makeToken } from './helpers/fixtures.js';
import { ADMIN, startTestPlatform, type TestPlatform } from './helpers/platform.js';

// The console's sessions over plain HTTP (the browser flows are in console.test.ts).
describe('console sessions', () => {
  let p: TestPlatform;
  beforeAll(async () => { p = await startTestPlatform(); });
  afterAll(async () => { await p?.close(); });

  const signIn = (body: unknown) => fetch(`${p.url}/auth/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const cookieOf = (res: Response) => /yb_session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1];
  const graphql = (cookie: string, query: string, csrf?: string) => fetch(`${p.url}/graphql`, {
    method: 'POST', headers: { 'content-type': 'application/json', cookie: `yb_session=${cookie}`, ...(csrf ? { 'x-csrf-token': csrf } : {}) },
    body: JSON.stringify({ query }),
  });

  it('refuses a missing or wrong token with a problem, and sets no cookie', async () => {
    const missing = await signIn({});
    expect(missing.status).toBe(400);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect((await missing.json()).errors).toEqual([{ field: 'token', message: 'an API token is required' }]);
    const wrong = await signIn({ token: 'ybt_wrong' });
    expect(wrong.status).toBe(401);
    expect(cookieOf(wrong)).toBeUndefined();
    expect((await fetch(`${p.url}/auth/session`)).status).toBe(401);
  });

  it('a team token\'s session: an httpOnly SameSite=Strict cookie, the principal and a CSRF token; it ends when the token is revoked', async () => {
    const team = await makeTeam(p.url);
    const token = await makeToken(p.url, team, 'developer');
    const res = await signIn({ token });
    expect(res.status).toBe(201);
    const setCookie = res.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).not.toContain(token);
    const body = await res.json();
    expect(body.principal).toEqual({ kind: 'team', team, role: 'developer', tokenName: 'developer-token' });
    const cookie = cookieOf(res)!;
    const ok = await graphql(cookie, `{ apps(team: "${team}") { name } }`, body.csrfToken);
    expect((await ok.json()).data).toEqual({ apps: [] });
    // The session is stored hashed: neither its secret nor the token is in the row.
    const rows = await p.platform.db.query<{ secret_hash: Buffer; csrf_token: string }>('SELECT secret_hash, csrf_token FROM console_sessions');
    expect(JSON.stringify(rows.rows)).not.toContain(cookie);
    const tokens = (await rest(p.url, ADMIN)('GET', `/tokens?team=${team}`)).body as { id: string }[];
    await rest(p.url, ADMIN)('DELETE', `/tokens/${tokens[0]!.id}`);
    const after = await graphql(cookie, `{ apps(team: "${team}") { name } }`, body.csrfToken);
    expect(after.status).toBe(401);
  });

  it('a mutation needs the CSRF header; a wrong one is refused like a missing one', async () => {
    const res = await signIn({ token: ADMIN });
    const cookie = cookieOf(res)!;
    const { csrfToken } = await res.json();
    for (const csrf of [undefined, 'x'.repeat(csrfToken.length), csrfToken.slice(1)]) {
      const r = await graphql(cookie, 'mutation { createTeam(input: { name: "never" }) { team { name } } }', csrf);
      expect(r.status).toBe(403);
      expect((await r.json()).errors[0].extensions.code).toBe('FORBIDDEN');
    }
    expect((await rest(p.url, ADMIN)('GET', '/teams/never')).status).toBe(404);
    // Signing out needs it too, then ends the session.
    expect((await fetch(`${p.url}/auth/session`, { method: 'DELETE', headers: { cookie: `yb_session=${cookie}` } })).status).toBe(403);
    const out = await fetch(`${p.url}/auth/session`, { method: 'DELETE', headers: { cookie: `yb_session=${cookie}`, 'x-csrf-token': csrfToken } });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie')).toMatch(/yb_session=;.*Max-Age=0/i);
    expect((await fetch(`${p.url}/auth/session`, { headers: { cookie: `yb_session=${cookie}` } })).status).toBe(401);
  });

  it('serves the console at / and its client-side URLs, with a content security policy, and leaves the API\'s 404s alone', async () => {
    for (const path of ['/', '/teams/acme/apps/web/settings']) {
      const r = await fetch(`${p.url}${path}`, { headers: { accept: 'text/html' } });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await r.text()).toContain('<div id="root">');
    }
    const api = await fetch(`${p.url}/api/v1/nope`, { headers: { accept: 'text/html' } });
    expect(api.headers.get('content-type')).toContain('application/problem+json');
  });
});
