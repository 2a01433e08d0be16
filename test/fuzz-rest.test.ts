import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import pg from 'pg';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rest } from './helpers/clients.js';
import { makeToken } from './helpers/fixtures.js';
import { ADMIN, SECRET_KEY, startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { FUZZ_RUNS, FUZZ_SEED, Invariants, RAW_BODIES, draw, leaks, mutate, valueOf, type Schema } from './helpers/fuzz.js';

/**
 * Every operation of openapi/openapi.yaml, driven from the spec itself: inputs generated from its
 * schemas and mutated ones, raw bodies no JSON encoder would send, bad path parameters, each sent
 * with a token of every kind. No answer may be a 5xx; every 4xx is problem+json (the server checks
 * each response against the spec too, so a wrong one becomes a 500); nothing leaks; the database
 * keeps its invariants after every request. FUZZ_SEED and FUZZ_RUNS make it reproducible and longer.
 */
const spec = parseYaml(readFileSync(new URL('../openapi/openapi.yaml', import.meta.url), 'utf8')) as Schema;
const resolve = (s: Schema): Schema => {
  let cur = s;
  while (cur && typeof cur.$ref === 'string') cur = cur.$ref.replace(/^#\//, '').split('/').reduce((o: Schema, k: string) => o[k.replace(/~1/g, '/')], spec);
  return cur;
};

interface Operation { id: string; method: string; path: string; params: Schema[]; body: Schema | undefined }
const ORDER = ['get', 'post', 'put', 'patch', 'delete'];
const operations: Operation[] = Object.entries(spec.paths as Record<string, Schema>).flatMap(([path, item]) =>
  ORDER.filter((m) => item[m]).map((m) => ({
    id: item[m].operationId as string, method: m.toUpperCase(), path,
    params: [...(item.parameters ?? []), ...(item[m].parameters ?? [])].map(resolve),
    body: item[m].requestBody ? resolve(item[m].requestBody).content?.['application/json']?.schema : undefined,
  })))
  // Reads first, deletes last: what the deletes remove, the others could still use.
  .sort((a, b) => ORDER.indexOf(a.method.toLowerCase()) - ORDER.indexOf(b.method.toLowerCase()));

/** A path segment, lone surrogates included (encodeURIComponent throws on them; a client can still send the bytes). */
const encodeSegment = (v: string) => [...Buffer.from(v, 'utf8')].map((b) => (/[A-Za-z0-9._~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');

describe(`REST fuzzing: every operation of the spec (seed ${FUZZ_SEED}, ${FUZZ_RUNS} inputs each)`, () => {
  let t: TestPlatform;
  let db: pg.Client;
  let inv: Invariants;
  const secrets: string[] = [ADMIN, SECRET_KEY];
  const tokens: Record<string, string | undefined> = {};
  const names: Record<string, string[]> = {};
  const found: string[] = [];
  const statuses = new Map<number, number>();

  beforeAll(async () => {
    t = await startTestPlatform();
    db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
    inv = new Invariants(db);
    const admin = rest(t.url, ADMIN);
    for (const team of ['fz-a', 'fz-b']) expect((await admin('POST', '/teams', { name: team })).status).toBe(201);
    await admin('POST', '/teams/fz-a/apps', { name: 'web', image: 'nginx:1.27', port: 8080, domains: ['web.fz.example.com'] });
    await admin('POST', '/teams/fz-a/apps', { name: 'api', git: { url: 'http://127.0.0.1:1/api.git' } });
    await admin('POST', '/teams/fz-b/apps', { name: 'db', image: 'postgres:16', port: 5432 });
    await admin('POST', '/teams/fz-a/installations', { template: 'redis', name: 'cache' });
    for (const role of ['owner', 'developer', 'viewer'] as const) tokens[role] = await makeToken(t.url, 'fz-a', role);
    tokens.otherTeam = await makeToken(t.url, 'fz-b', 'owner');
    const revoked = await admin('POST', '/tokens', { team: 'fz-a', role: 'owner', name: 'revoked' });
    tokens.revoked = revoked.body.secret;
    await admin('DELETE', `/tokens/${revoked.body.token.id}`);
    tokens.none = undefined;
    secrets.push(...Object.values(tokens).filter((x): x is string => !!x));
    const builds = (await admin('GET', '/teams/fz-a/apps/api/builds')).body as { id: string }[];
    const tokenIds = ((await admin('GET', '/tokens?team=fz-a')).body as { id: string }[]).map((x) => x.id);
    Object.assign(names, {
      team: ['fz-a', 'fz-b', 'nope'], owner: ['fz-a', 'fz-b'], withTeam: ['fz-b', 'fz-a', 'nope'], dependsOnTeam: ['fz-b', 'fz-a'],
      app: ['web', 'api', 'cache', 'db', 'nope'], dependsOn: ['web', 'cache', 'db', 'nope'], apps: ['web', 'api'],
      id: [...builds.map((b) => b.id), ...tokenIds, '00000000-0000-0000-0000-000000000000', 'not-a-uuid'],
      buildId: builds.map((b) => b.id), name: ['web', 'cache', 'redis', 'mysql', 'new-app', 'fz-c'], template: ['redis', 'mysql', 'fz-a/nope', 'nope'],
      version: ['7.4', '8.4', '0.0.0', 'latest'], role: ['owner', 'developer', 'viewer', 'root'], ref: ['main', 'v1', '../x'],
    });
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
    process.stdout.write(`\nREST fuzzing: ${[...statuses.values()].reduce((a, b) => a + b, 0)} requests; by status ${JSON.stringify(Object.fromEntries([...statuses].sort()))}\n`);
    if (found.length) process.stdout.write(`\nREST fuzzing found ${found.length} problem(s):\n${found.slice(0, 30).join('\n')}\n`);
  });

  /** Sends one request and checks the answer and the database afterwards. */
  async function send(op: Operation, auth: string, path: string, query: string, body: { contentType: string; raw: string | Buffer } | undefined) {
    const before = await inv.events();
    const headers: Record<string, string> = {};
    const token = tokens[auth] ?? (auth === 'admin' ? ADMIN : auth === 'malformed' ? 'Basic Zm9vOmJhcg==' : undefined);
    if (token) headers.authorization = token.startsWith('Basic') ? token : `Bearer ${token}`;
    if (body) headers['content-type'] = body.contentType;
    const res = await fetch(`${t.url}/api/v1${path}${query}`, { method: op.method, headers, body: body?.raw as BodyInit | undefined, redirect: 'manual' });
    const text = await res.text();
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    const where = `${op.id} ${op.method} ${path}${query} as ${auth}${body ? ` body ${String(body.raw).slice(0, 120)}` : ''}`;
    const problems: string[] = [];
    // A 503 is allowed only where a dependency is really down or absent: the git host of a detect
    // preview here, and Prometheus (this platform is started without one).
    const unreachableGit = (res.status === 503 && op.id === 'detectSource' && /cannot reach/.test(text))
      || (res.status === 503 && ['getAppMetrics', 'getTeamMetrics'].includes(op.id) && /metrics are not configured/.test(text));
    if (res.status >= 500 && !unreachableGit) problems.push(`answered ${res.status}: ${text.slice(0, 300)}`);
    if (res.status >= 400 && res.status < 500) {
      const ct = res.headers.get('content-type') ?? '';
      if (!ct.startsWith('application/problem+json')) problems.push(`a ${res.status} as ${ct}`);
      else {
        const p = JSON.parse(text);
        if (p.status !== res.status || typeof p.title !== 'string' || typeof p.code !== 'string') problems.push(`a ${res.status} whose problem body is ${text.slice(0, 200)}`);
      }
    }
    const leak = leaks(text, op.id === 'createApiToken' || op.id === 'rotateWebhookSecret' ? [ADMIN, SECRET_KEY] : secrets, res.status >= 400);
    if (leak) problems.push(`the answer holds ${leak}`);
    problems.push(...await inv.check());
    const after = await inv.events();
    const mutating = op.method !== 'GET' && op.id !== 'detectSource';
    if (res.status < 300 && mutating && after.success !== before.success + 1) problems.push(`${after.success - before.success} success events for one mutation`);
    if (res.status >= 400 && after.success !== before.success) problems.push('a refused request filed a success event');
    if (after.failure - before.failure > 1) problems.push(`${after.failure - before.failure} failure events for one request`);
    for (const p of problems) found.push(`${where}: ${p}`);
  }

  for (const op of operations) {
    it(`${op.method} ${op.path} (${op.id})`, async () => {
      const pathParams = op.params.filter((p) => p.in === 'path');
      const queryParams = op.params.filter((p) => p.in === 'query');
      const auths = ['admin', 'owner', 'developer', 'viewer', 'otherTeam', 'revoked', 'none', 'malformed'];
      const inputs = draw(fc.record({
        path: fc.record(Object.fromEntries(pathParams.map((p) => [p.name, fc.oneof(
          { weight: 4, arbitrary: valueOf(p.schema, resolve, names, p.name) },
          { weight: 1, arbitrary: fc.constantFrom('..', '%2e%2e', 'a%2Fb', 'A'.repeat(300), '%00', 'Fz-A', '-') },
        )]))),
        query: fc.record(Object.fromEntries(queryParams.map((p) => [p.name, valueOf(p.schema, resolve, names, p.name)])), { requiredKeys: [] }),
        body: op.body ? fc.oneof({ weight: 3, arbitrary: valueOf(op.body, resolve, names) }, { weight: 2, arbitrary: mutate(valueOf(op.body, resolve, names)) }) : fc.constant(undefined),
        raw: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...RAW_BODIES) }),
        auth: fc.constantFrom(...auths),
      }), FUZZ_RUNS, op.id);
      for (const input of inputs) {
        const path = op.path.replace(/\{(\w+)\}/g, (_, k: string) => { const v = String((input.path as Record<string, unknown>)[k] ?? ''); return /%/.test(v) ? v : encodeSegment(v); });
        const q = new URLSearchParams(Object.entries(input.query as Record<string, unknown>).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : String(v)])).toString();
        const body = op.body || (input.raw && op.method !== 'GET')
          ? input.raw ? { contentType: input.raw.contentType, raw: input.raw.body } : { contentType: 'application/json', raw: JSON.stringify(input.body) }
          : undefined;
        // Every input as the admin (to get deep) and as one other kind of caller.
        await send(op, 'admin', path, q ? `?${q}` : '', body);
        if (input.auth !== 'admin') await send(op, input.auth, path, q ? `?${q}` : '', body);
      }
      expect(found.filter((f) => f.startsWith(`${op.id} `))).toEqual([]);
    }, 120_000);
  }
});
