import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  buildSchema, getNamedType, getNullableType, isEnumType, isInputObjectType, isLeafType, isListType, isNonNullType, isObjectType,
  type GraphQLField, type GraphQLInputType, type GraphQLObjectType, type GraphQLOutputType,
} from 'graphql';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rest } from './helpers/clients.js';
import { makeToken } from './helpers/fixtures.js';
import { ADMIN, SECRET_KEY, startTestPlatform, type TestPlatform } from './helpers/platform.js';
import { FUZZ_RUNS, FUZZ_SEED, Invariants, SAFE_URLS, URL_FIELDS, draw, leaks } from './helpers/fuzz.js';

/**
 * Every query, mutation and subscription of schema/schema.graphql with generated arguments (as
 * typed variables, and as variables of the wrong type), plus documents built to hurt: deep, wide,
 * aliased, fragment cycles, directive spam, syntax errors. Every error must carry an
 * extensions.code (never INTERNAL_SERVER_ERROR), nothing may leak, the database keeps its
 * invariants.
 */
const schema = buildSchema(readFileSync(new URL('../schema/schema.graphql', import.meta.url), 'utf8'));

describe(`GraphQL fuzzing: every root field (seed ${FUZZ_SEED}, ${FUZZ_RUNS} inputs each)`, () => {
  let t: TestPlatform;
  let db: pg.Client;
  let inv: Invariants;
  const tokens: Record<string, string | undefined> = {};
  const secrets: string[] = [ADMIN, SECRET_KEY];
  const found: string[] = [];
  // Every answer is awaited up to CAP_MS and then checked; those still unanswered at the cap are
  // counted, and more than MAX_SLOW of them fails the run. A subscription's stream stays open when
  // it works, so it is read for SSE_WINDOW_MS once its headers have arrived.
  const CAP_MS = 15_000;
  const SSE_WINDOW_MS = 700;
  const MAX_SLOW = 2;
  const slow: string[] = [];
  let names: Record<string, string[]> = {};
  let requests = 0;

  beforeAll(async () => {
    t = await startTestPlatform();
    db = new pg.Client({ connectionString: t.databaseUrl });
    await db.connect();
    inv = new Invariants(db);
    const admin = rest(t.url, ADMIN);
    for (const team of ['gq-a', 'gq-b']) await admin('POST', '/teams', { name: team });
    await admin('POST', '/teams/gq-a/apps', { name: 'web', image: 'nginx:1.27', port: 8080 });
    await admin('POST', '/teams/gq-a/apps', { name: 'api', git: { url: 'http://127.0.0.1:1/api.git' } });
    await admin('POST', '/teams/gq-b/apps', { name: 'db', image: 'postgres:16' });
    for (const role of ['owner', 'viewer'] as const) tokens[role] = await makeToken(t.url, 'gq-a', role);
    tokens.otherTeam = await makeToken(t.url, 'gq-b', 'owner');
    secrets.push(...Object.values(tokens).filter((x): x is string => !!x));
    const builds = (await admin('GET', '/teams/gq-a/apps/api/builds')).body as { id: string }[];
    names = {
      team: ['gq-a', 'gq-b', 'nope'], dependsOnTeam: ['gq-b'], withTeam: ['gq-b', 'nope'], app: ['web', 'api', 'db', 'nope'], name: ['web', 'api', 'new-one', 'redis'],
      dependsOn: ['web', 'db'], template: ['redis', 'mysql', 'nope'], buildId: builds.map((b) => b.id), id: [...builds.map((b) => b.id), 'not-an-id'],
      version: ['7.4', 'latest'], role: ['owner', 'viewer', 'root'], ref: ['main'],
    };
  });
  afterAll(async () => {
    await db?.end();
    await t?.close();
    process.stdout.write(`\nGraphQL fuzzing: ${requests} requests\n`);
    if (found.length) process.stdout.write(`GraphQL fuzzing found ${found.length} problem(s):\n${found.slice(0, 30).join('\n')}\n`);
  });

  /** A value of an input type; `wrong` gives one of another type instead. */
  function inputValue(type: GraphQLInputType, name: string, depth = 0): fc.Arbitrary<unknown> {
    if (isNonNullType(type)) return inputValue(type.ofType as GraphQLInputType, name, depth);
    const maybeNull = (a: fc.Arbitrary<unknown>) => fc.oneof({ weight: 9, arbitrary: a }, { weight: 1, arbitrary: fc.constant(null) });
    if (isListType(type)) return maybeNull(fc.array(inputValue(type.ofType as GraphQLInputType, name, depth + 1), { maxLength: 3 }));
    if (isEnumType(type)) return maybeNull(fc.constantFrom(...type.getValues().map((v) => v.name)));
    if (isInputObjectType(type)) {
      if (depth > 3) return fc.constant(null);
      const fields = Object.values(type.getFields());
      return maybeNull(fc.record(Object.fromEntries(fields.map((f) => [f.name, inputValue(f.type, f.name, depth + 1)])),
        { requiredKeys: fields.filter((f) => isNonNullType(f.type)).map((f) => f.name) }));
    }
    switch (type.name) {
      case 'Int': return fc.oneof(fc.integer({ min: -2, max: 100 }), fc.constantFrom(0, 2 ** 31 - 1, -(2 ** 31)));
      case 'Float': return fc.double({ noNaN: true });
      case 'Boolean': return fc.boolean();
      case 'JSON': return fc.jsonValue({ maxDepth: 3 });
      default: {
        if (URL_FIELDS.has(name)) return fc.constantFrom(...SAFE_URLS);
        const known = names[name];
        const random = fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/), fc.string({ maxLength: 40 }), fc.constantFrom('', 'a'.repeat(5000), '\u0000', "'; DROP TABLE apps; --", '🙂'));
        return known?.length ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: random }) : random;
      }
    }
  }

  const wrongFor = (type: GraphQLInputType): fc.Arbitrary<unknown> => {
    const named = getNamedType(type);
    if (named.name === 'Int' || named.name === 'Float') return fc.constantFrom('12', true, 2 ** 40, 1.5, {});
    if (named.name === 'Boolean') return fc.constantFrom('true', 1, []);
    if (isInputObjectType(named)) return fc.constantFrom('x', 1, [1], { unknownField: 1 });
    return fc.constantFrom(1, true, { a: 1 }, [1, 2]);
  };

  /** A selection set of leaves, and of nested objects down to `depth`. */
  function selection(type: GraphQLOutputType, depth: number): string {
    const named = getNamedType(type);
    if (isLeafType(named)) return '';
    if (!isObjectType(named) || depth <= 0) return '{ __typename }';
    const fields = Object.values((named as GraphQLObjectType).getFields()).filter((f) => f.args.every((a) => !isNonNullType(a.type)));
    const parts = fields.map((f) => {
      const leaf = isLeafType(getNamedType(f.type));
      return leaf ? f.name : depth > 1 ? `${f.name} ${selection(f.type, depth - 1)}` : '';
    }).filter(Boolean);
    return `{ ${parts.length ? parts.join(' ') : '__typename'} }`;
  }

  const typeString = (type: GraphQLInputType): string => String(type);

  async function post(body: unknown, auth: string, op: string, mutation: boolean, sse = false) {
    requests++;
    const before = mutation ? await inv.events() : undefined;
    const token = auth === 'admin' ? ADMIN : tokens[auth];
    const ac = new AbortController();
    let streaming = false; // the SSE window, whose end is expected, not slowness
    const cap = setTimeout(() => ac.abort(), CAP_MS);
    let window: NodeJS.Timeout | undefined;
    let status = 0;
    let text = '';
    let capped = false;
    try {
      const res = await fetch(`${t.url}/graphql`, {
        method: 'POST', signal: ac.signal,
        headers: { 'content-type': 'application/json', ...(sse ? { accept: 'text/event-stream' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      status = res.status;
      if (sse && res.headers.get('content-type')?.startsWith('text/event-stream')) {
        streaming = true;
        window = setTimeout(() => ac.abort(), SSE_WINDOW_MS);
      }
      const reader = res.body!.getReader();
      for (;;) {
        const { value, done } = await reader.read().catch((err: Error) => {
          if (err.name === 'AbortError' && !streaming) capped = true;
          return { value: undefined, done: true };
        });
        if (done || !value) break;
        text += Buffer.from(value).toString('utf8');
      }
    } catch (err) {
      if ((err as Error).name === 'AbortError') capped = true;
      else found.push(`${op} as ${auth}: request failed: ${(err as Error).message}`);
    } finally {
      clearTimeout(cap);
      clearTimeout(window);
    }
    const where = `${op} as ${auth} ${typeof body === 'string' ? body.slice(0, 160) : JSON.stringify(body).slice(0, 240)}`;
    if (capped) slow.push(`${where}: no whole answer within ${CAP_MS} ms`);
    if (status >= 500) found.push(`${where}: HTTP ${status}`);
    const payloads = sse ? text.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5)) : [text];
    for (const p of payloads) {
      let json: { errors?: { message: string; extensions?: { code?: string } }[] };
      try { json = JSON.parse(p); } catch { if (p.trim()) found.push(`${where}: not JSON: ${p.slice(0, 120)}`); continue; }
      for (const e of json.errors ?? []) {
        if (!e.extensions?.code) found.push(`${where}: an error without a code: ${e.message.slice(0, 160)}`);
        else if (e.extensions.code === 'INTERNAL_SERVER_ERROR') found.push(`${where}: INTERNAL_SERVER_ERROR: ${e.message.slice(0, 160)}`);
      }
    }
    const leak = leaks(text, op === 'createApiToken' || op === 'rotateWebhookSecret' ? [ADMIN, SECRET_KEY] : secrets, /"errors"/.test(text));
    if (leak) found.push(`${where}: the answer holds ${leak}`);
    if (mutation) {
      for (const p of await inv.check()) found.push(`${where}: ${p}`);
      const after = await inv.events();
      if (after.success - before!.success > 1) found.push(`${where}: ${after.success - before!.success} success events for one mutation`);
    }
  }

  const roots: [string, GraphQLObjectType | null | undefined][] = [['query', schema.getQueryType()], ['mutation', schema.getMutationType()], ['subscription', schema.getSubscriptionType()]];
  for (const [kind, root] of roots) {
    for (const field of Object.values(root?.getFields() ?? {}) as GraphQLField<unknown, unknown>[]) {
      it(`${kind} ${field.name}`, async () => {
        const varDefs = field.args.map((a) => `$${a.name}: ${typeString(a.type)}`).join(', ');
        const call = field.args.length ? `${field.name}(${field.args.map((a) => `${a.name}: $${a.name}`).join(', ')})` : field.name;
        const query = `${kind} Fuzz${varDefs ? `(${varDefs})` : ''} { ${call} ${selection(getNullableType(field.type) as GraphQLOutputType, 2)} }`;
        const vars = fc.record(Object.fromEntries(field.args.map((a) => [a.name, fc.oneof(
          { weight: 5, arbitrary: inputValue(a.type, a.name) }, { weight: 1, arbitrary: wrongFor(a.type) },
        )])), { requiredKeys: [] });
        const inputs = draw(fc.record({ variables: vars, auth: fc.constantFrom('admin', 'admin', 'owner', 'viewer', 'otherTeam', 'none') }), FUZZ_RUNS, `gql:${field.name}`);
        for (const input of inputs) await post({ query, variables: input.variables }, input.auth, field.name, kind === 'mutation', kind === 'subscription');
        expect(found.filter((f) => f.startsWith(`${field.name} `))).toEqual([]);
      }, 120_000);
    }
  }

  it('documents built to hurt: deep, wide, aliased, cyclic, malformed, huge', async () => {
    const deep = (n: number) => `{ teams ${'{ name apps '.repeat(n)}{ name }${' }'.repeat(n)} }`;
    const documents: unknown[] = [
      { query: deep(12) },
      { query: `{ ${Array.from({ length: 60 }, (_, i) => `a${i}: teams { name }`).join(' ')} }` },
      { query: `{ teams { ...A } } fragment A on Team { name ...B } fragment B on Team { ...A }` },
      { query: `{ teams ${'@include(if: true) '.repeat(50)}{ name } }` },
      { query: '{ teams { name ' },
      { query: '{ noSuchField }' },
      { query: `{ teams { name } }`, variables: { unused: 'x'.repeat(1000) } },
      { query: `query Q($n: Int!) { events(team: "gq-a", limit: $n) { id } }`, variables: { n: 'many' } },
      { query: `query Q($n: Int!) { events(team: "gq-a", limit: $n) { id } }` },
      { query: `{ ${'teams { name } '.repeat(400)} }` },
      { query: 'mutation { createTeam(input: { name: "x" }) { team { name } } } query { teams { name } }' },
      { query: '{ __schema { types { name fields { name type { name ofType { name ofType { name ofType { name } } } } } } } }' },
      { query: 42 },
      { variables: {} },
      '{"query": "{ teams { name } }"',
      'null',
      '[]',
    ];
    for (const d of documents) for (const auth of ['admin', 'viewer', 'none']) await post(d, auth, 'document', false);
    expect(found.filter((f) => f.startsWith('document '))).toEqual([]);
  }, 120_000);

  it(`answers all but at most ${MAX_SLOW} requests within ${CAP_MS / 1000} s (checked whole, not dropped)`, () => {
    expect(requests).toBeGreaterThan(0);
    expect(slow.length, slow.join('\n')).toBeLessThanOrEqual(MAX_SLOW);
  });
});
