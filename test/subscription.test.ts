import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rest } from './helpers/clients.js';
import { makeTeam } from './helpers/fixtures.js';
import { startFullPlatform, type FullPlatform } from './helpers/full.js';
import { ADMIN } from './helpers/platform.js';

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
    await admin('POST', `/teams/${team}/apps`, { name: 'live', image: 'nginx', replicas: 1 });
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
});
