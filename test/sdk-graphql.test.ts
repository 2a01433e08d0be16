import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphQLClient, YunbangError, type Document, type LiveState } from '../packages/sdk/src/index.js';
import { rest } from './helpers/clients.js';
import { uniq } from './helpers/fixtures.js';
import { eventually, startFullPlatform, type FullPlatform } from './helpers/full.js';
import { ADMIN } from './helpers/platform.js';
import { startTcpProxy, type TcpProxy } from './helpers/tcp-proxy.js';

/**
 * The SDK's GraphQL client is the console's transport too (console/src/api.ts): a console sign-in
 * (the session cookie and its CSRF token) instead of a token, and subscriptions kept open across a
 * broken connection, reporting their state. Driven here as the console drives it, from Node.
 */
const createTeam: Document<{ createTeam: { team: { name: string } } }, { name: string }> =
  'mutation CreateTeam($name: String!) { createTeam(input: { name: $name }) { team { name } } }';
const teams: Document<{ teams: { name: string }[] }, Record<string, never>> = 'query Teams { teams { name } }';
const teamApps: Document<{ teamApps: { snapshot: boolean; apps: { name: string }[] } }, { team: string }> =
  'subscription TeamApps($team: String!) { teamApps(team: $team) { snapshot apps { name } } }';

describe('the SDK\'s GraphQL client: console sessions and live subscriptions', () => {
  let p: FullPlatform;
  let proxy: TcpProxy;
  beforeAll(async () => {
    p = await startFullPlatform();
    proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(p.url).port) });
  });
  afterAll(async () => { await proxy?.close(); await p?.close(); });

  it('signs each request with the session cookie and its CSRF token; a wrong token or an ended session is refused with a code', async () => {
    const res = await fetch(`${p.url}/auth/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: ADMIN }) });
    expect(res.status).toBe(201);
    const cookie = /yb_session=[^;]+/.exec(res.headers.get('set-cookie') ?? '')![0];
    const { csrfToken } = await res.json() as { csrfToken: string };
    // As a browser would: the cookie goes with every request, and code never sets it.
    const browserFetch: typeof fetch = (input, init) => {
      const r = new Request(input, init);
      r.headers.set('cookie', cookie);
      return fetch(r);
    };
    let csrf = csrfToken;
    const told: string[] = [];
    const c = createGraphQLClient({ url: p.url, session: { csrfToken: () => csrf }, fetch: browserFetch, onError: (e) => told.push(e.code) });

    const team = uniq('sess');
    expect((await c.request(createTeam, { name: team })).createTeam.team.name).toBe(team);
    expect((await c.request(teams, {})).teams.map((t) => t.name)).toContain(team);

    csrf = 'not-the-token';
    const refused = await c.request(createTeam, { name: uniq('sess') }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(YunbangError);
    expect(refused).toMatchObject({ code: 'FORBIDDEN', status: 403 });

    csrf = csrfToken;
    expect((await fetch(`${p.url}/auth/session`, { method: 'DELETE', headers: { cookie, 'x-csrf-token': csrfToken } })).status).toBeLessThan(300);
    const ended = await c.request(teams, {}).catch((e: unknown) => e);
    expect(ended).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(told).toEqual(['FORBIDDEN', 'UNAUTHENTICATED']);
  });

  it('live(): a stream broken off is reopened with its snapshot again, and says so through its state', async () => {
    const team = uniq('live');
    expect((await rest(p.url, ADMIN)('POST', '/teams', { name: team })).status).toBe(201);
    const c = createGraphQLClient({ url: `http://127.0.0.1:${proxy.port}`, token: ADMIN });
    const states: LiveState[] = [];
    const snapshots: boolean[] = [];
    const errors: YunbangError[] = [];
    const stop = c.live(teamApps, { team }, { onData: (d) => snapshots.push(d.teamApps.snapshot), onState: (s) => states.push(s), onError: (e) => errors.push(e) });
    try {
      await eventually('live with the snapshot', async () => states.includes('live') && snapshots.length === 1);
      const before = proxy.accepted;
      proxy.cut();
      await eventually('reconnecting', async () => states.includes('reconnecting'));
      proxy.restore();
      await eventually('live again with a new snapshot', async () => states.filter((s) => s === 'live').length === 2 && snapshots.length === 2, 20_000);
      expect(proxy.accepted).toBeGreaterThan(before);
      expect(snapshots).toEqual([true, true]);
      expect(states[0]).toBe('live');
      expect(states.at(-1)).toBe('live');
      expect(errors).toEqual([]);
    } finally {
      stop();
      proxy.restore();
    }
  });

  it('subscribe(): a stream that breaks off throws UNREACHABLE rather than ending as if completed', async () => {
    const team = uniq('drop');
    expect((await rest(p.url, ADMIN)('POST', '/teams', { name: team })).status).toBe(201);
    const c = createGraphQLClient({ url: `http://127.0.0.1:${proxy.port}`, token: ADMIN });
    const seen: boolean[] = [];
    const ended = (async () => {
      for await (const d of c.subscribe(teamApps, { team })) {
        seen.push(d.teamApps.snapshot);
        proxy.cut();
      }
    })().then(() => 'completed', (e: unknown) => e);
    const outcome = await ended;
    proxy.restore();
    expect(seen).toEqual([true]);
    expect(outcome).toBeInstanceOf(YunbangError);
    expect(outcome).toMatchObject({ status: 0, code: 'UNREACHABLE' });
  });
});
