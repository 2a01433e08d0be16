import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rest } from './helpers/clients.js';
import { makeTeam } from './helpers/fixtures.js';
import { startFullPlatform, type FullPlatform } from './helpers/full.js';
import { ADMIN } from './helpers/platform.js';
import { getFromPod, STAND_IN_STARTED } from './helpers/pods.js';

/** Reads server-sent events of a GraphQL subscription until `until` says stop. */
async function collect(url: string, query: string, until: (events: any[]) => boolean, onOpen: () => Promise<void>, controller: AbortController) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST', signal: controller.signal,
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${ADMIN}` },
    body: JSON.stringify({ query }),
  });
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: any[] = [];
  let buffer = '';
  let opened = false;
  while (!until(events)) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let i;
    while ((i = buffer.indexOf('\n\n')) >= 0) {
      const chunk = buffer.slice(0, i);
      buffer = buffer.slice(i + 2);
      const data = chunk.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5)).join('');
      if (data) events.push(JSON.parse(data));
    }
    if (!opened && events.length > 0) { opened = true; await onOpen(); }
  }
  controller.abort();
  return events;
}

describe('GraphQL subscription appStatus', () => {
  let p: FullPlatform;
  beforeAll(async () => { p = await startFullPlatform(); });
  afterAll(async () => { await p?.close(); });

  it('streams the status now and after each change, and stops listening when the client goes away', async () => {
    const team = await makeTeam(p.url);
    const admin = rest(p.url, ADMIN);
    await admin('POST', `/teams/${team}/apps`, { name: 'live', image: 'registry.example/web:1', replicas: 1 });
    const controller = new AbortController();
    const events = await collect(p.url, `subscription { appStatus(team: "${team}", app: "live") { health desiredReplicas readyReplicas observedGeneration } }`,
      (ev) => ev.some((e) => e.data?.appStatus?.observedGeneration === 2 && e.data.appStatus.readyReplicas === 2),
      async () => { await admin('PATCH', `/teams/${team}/apps/live`, { replicas: 2 }); },
      controller);
    expect(events[0].data.appStatus).toHaveProperty('health');
    expect(events.at(-1).data.appStatus).toEqual({ health: 'Ready', desiredReplicas: 2, readyReplicas: 2, observedGeneration: 2 });
    const hub = p.running.platform.deps.statusHub as unknown as { emitter: import('node:events').EventEmitter };
    await new Promise((r) => setTimeout(r, 200));
    expect(hub.emitter.eventNames().reduce((n, e) => n + hub.emitter.listenerCount(e), 0)).toBe(0);
  });

  it('an unauthenticated client cannot subscribe', async () => {
    const team = await makeTeam(p.url);
    const res = await fetch(`${p.url}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer nope' },
      body: JSON.stringify({ query: `subscription { appStatus(team: "${team}", app: "x") { health } }` }),
    });
    expect(res.status).toBe(401);
  });

  it('teamApps: the whole list first, then each app created, changed or deleted, and nothing of other teams', async () => {
    const team = await makeTeam(p.url);
    const other = await makeTeam(p.url);
    const admin = rest(p.url, ADMIN);
    await admin('POST', `/teams/${team}/apps`, { name: 'first', image: 'registry.example/web:1', port: 8080 });
    const controller = new AbortController();
    const events = await collect(p.url, `subscription { teamApps(team: "${team}") { snapshot removed apps { name team replicas status { health readyReplicas } } } }`,
      (ev) => ev.some((e) => e.data?.teamApps?.removed?.includes('second')),
      async () => {
        await admin('POST', `/teams/${other}/apps`, { name: 'elsewhere', image: 'registry.example/web:1', port: 8080 });
        await admin('POST', `/teams/${team}/apps`, { name: 'second', image: 'registry.example/web:1', port: 8080 });
        await admin('PATCH', `/teams/${team}/apps/first`, { replicas: 2 });
        await eventuallyReady(admin, team, 'second');
        await admin('DELETE', `/teams/${team}/apps/second`);
      },
      controller);
    const updates = events.map((e) => e.data.teamApps);
    expect(updates[0]).toMatchObject({ snapshot: true, removed: [], apps: [{ name: 'first', team }] });
    expect(updates.slice(1).every((u) => !u.snapshot)).toBe(true);
    const seen = updates.slice(1).flatMap((u) => u.apps);
    expect(seen.every((a: { team: string }) => a.team === team)).toBe(true);
    expect(seen.some((a: { name: string; replicas: number }) => a.name === 'first' && a.replicas === 2)).toBe(true);
    expect(seen.some((a: { name: string; status: { health: string } }) => a.name === 'second' && a.status.health === 'Ready')).toBe(true);
    expect(updates.at(-1).removed).toEqual(['second']);
    const hub = p.running.platform.deps.statusHub as unknown as { emitter: import('node:events').EventEmitter; teamFollowers: number };
    await new Promise((r) => setTimeout(r, 200));
    expect(hub.emitter.eventNames().reduce((n, e) => n + hub.emitter.listenerCount(e), 0)).toBe(0);
    expect(hub.teamFollowers).toBe(0);
  });

  it('appLogLines: each replica\'s last lines, then every line as the app prints it', async () => {
    const team = await makeTeam(p.url);
    const admin = rest(p.url, ADMIN);
    await admin('POST', `/teams/${team}/apps`, { name: 'talk', image: 'registry.example/talk:1', port: 8080 });
    await eventuallyReady(admin, team, 'talk');
    const pods = (await p.core.listNamespacedPod({ namespace: `yb-${team}`, labelSelector: 'yunbang.dev/app=talk' })).items.filter((x) => x.status?.podIP);
    // The stand-in prints a line per request.
    const get = (path: string) => getFromPod(pods[0]!.status!.podIP!, 8080, path);
    const controller = new AbortController();
    const events = await collect(p.url, `subscription { appLogLines(team: "${team}", app: "talk", tail: 5) { pod line } }`,
      (ev) => ev.some((e) => e.data?.appLogLines?.line.includes('/second')),
      async () => {
        await get('/first');
        await new Promise((r) => setTimeout(r, 200));
        await get('/second');
      },
      controller);
    const lines = events.map((e) => e.data.appLogLines);
    expect(lines[0].line).toMatch(STAND_IN_STARTED); // the tail first
    expect(lines.every((l: { pod: string }) => l.pod === pods[0]!.metadata!.name)).toBe(true);
    const first = lines.findIndex((l: { line: string }) => l.line.includes('GET /first 200'));
    expect(first).toBeGreaterThan(0);
    expect(lines.findIndex((l: { line: string }) => l.line.includes('GET /second 200'))).toBeGreaterThan(first);
  });

  it('topology: the team\'s apps and their dependencies in one query, with health', async () => {
    const team = await makeTeam(p.url);
    const admin = rest(p.url, ADMIN);
    await admin('POST', `/teams/${team}/apps`, { name: 'db', image: 'registry.example/db:1', port: 5432 });
    await admin('POST', `/teams/${team}/apps`, { name: 'api', image: 'registry.example/web:1', port: 8080 });
    await admin('POST', `/teams/${team}/apps`, { name: 'lone', image: 'registry.example/web:1', port: 8080 });
    expect((await admin('POST', `/teams/${team}/apps/api/dependencies`, { dependsOn: 'db' })).status).toBe(200);
    const r = await fetch(`${p.url}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
      body: JSON.stringify({ query: `{ topology(team: "${team}") { nodes { id app team health } edges { from to } } }` }),
    });
    const { data } = await r.json();
    expect(data.topology.nodes.map((n: { id: string }) => n.id).sort()).toEqual([`${team}/api`, `${team}/db`, `${team}/lone`]);
    expect(data.topology.nodes.every((n: { health: string | null }) => typeof n.health === 'string')).toBe(true);
    expect(data.topology.edges).toEqual([{ from: `${team}/api`, to: `${team}/db` }]);
  });
});

async function eventuallyReady(admin: ReturnType<typeof rest>, team: string, app: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if ((await admin('GET', `/teams/${team}/apps/${app}`)).body.status?.health === 'Ready') return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${app} not Ready in time`);
}
