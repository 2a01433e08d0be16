import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import {
  buildSchema, getNamedType, isEnumType, isInputObjectType, isListType, isNonNullType, isObjectType, isScalarType,
  type GraphQLField, type GraphQLInputType,
} from 'graphql';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gql, rest } from './helpers/clients.js';
import { fingerprint } from './helpers/db.js';
import { makeTeam, makeToken } from './helpers/fixtures.js';
import { ADMIN, startTestPlatform, type TestPlatform } from './helpers/platform.js';

/**
 * Team isolation over the whole API, generated: every operation of openapi.yaml and every field of
 * the GraphQL schema is tried with team A's owner token against team B's real resources, and must
 * answer exactly as it does for a team that does not exist, and change nothing. A new route or
 * field is covered the day it is added; one that names no team must be listed in GLOBAL, with why.
 */
const spec = parseYaml(readFileSync('openapi/openapi.yaml', 'utf8')) as { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, any> } };
const schema = buildSchema(readFileSync('schema/schema.graphql', 'utf8'));

// Operations and fields that name no team: what they answer is the same for every team's token.
const GLOBAL: Record<string, string> = {
  listTeams: 'lists the caller\'s own team only (tested in isolation.test.ts)',
  createTeam: 'admin only: 403 for every team token',
  getTemplate: 'built-in templates, the same for everyone',
  teams: 'the caller\'s own team only',
  // Clusters are the admin's: every team token gets 403, whatever the team.
  listClusters: 'admin only', registerCluster: 'admin only', getCluster: 'admin only', updateCluster: 'admin only',
  removeCluster: 'admin only', cordonCluster: 'admin only', uncordonCluster: 'admin only', getClusterResources: 'admin only',
  clusters: 'admin only', cluster: 'admin only',
};

const MISSING = 'no-such-team';

interface World { a: string; b: string; buildId: string; tokenId: string; template: string }

/** The value for a field or parameter, by its name and where it is: team B's real resources. */
function valueFor(name: string, where: string, w: World, team: string): unknown {
  const lower = where.toLowerCase();
  switch (name) {
    case 'team': case 'owner': return team;
    case 'withTeam': case 'dependsOnTeam': return w.a;
    case 'app': case 'dependsOn': return 'secret-app';
    case 'id': case 'buildId': return lower.includes('token') ? w.tokenId : w.buildId;
    case 'name':
      if (/team/.test(lower) && !/token|template|install|app/.test(lower.replace(/^\/teams\/\{team\}$/, ''))) return team;
      if (/install|uninstall|upgrade/.test(lower)) return 'cache';
      if (/template/.test(lower)) return w.template;
      return 'secret-app';
    case 'image': return 'nginx:1.27';
    case 'url': return 'http://127.0.0.1:1/x.git';
    case 'template': return 'redis';
    case 'version': return '7.4';
    case 'ref': case 'branch': return 'main';
    case 'role': return 'viewer';
    case 'release': return 1;
    case 'description': return 'probe';
    case 'apps': return ['secret-app'];
    default: return undefined;
  }
}

// ---- REST: a valid body for every operation, from its schema ----

const resolveRef = (s: any): any => (s?.$ref ? resolveRef(spec.components.schemas[s.$ref.split('/').pop()]) : s);

function minimal(s: any, name: string, where: string, w: World, team: string): unknown {
  s = resolveRef(s ?? {});
  const named = valueFor(name, where, w, team);
  if (named !== undefined) return named;
  if (s.enum) return s.enum[0];
  if (s.const !== undefined) return s.const;
  if (s.oneOf ?? s.anyOf) return minimal((s.oneOf ?? s.anyOf).find((x: any) => resolveRef(x).type !== 'null'), name, where, w, team);
  const type = Array.isArray(s.type) ? s.type.find((t: string) => t !== 'null') : s.type ?? (s.properties ? 'object' : 'string');
  if (type === 'object') {
    const props = Object.keys(s.properties ?? {});
    // The required properties, and the optional ones with a known good value (image, url...): a body the API would accept.
    const known = props.filter((k) => valueFor(k, where, w, team) !== undefined);
    const keys = [...new Set([...(s.required ?? []), ...known, ...(s.minProperties && !s.required?.length && !known.length ? props.slice(0, 1) : [])])];
    return Object.fromEntries(keys.map((k: string) => [k, minimal(s.properties?.[k], k, where, w, team)]));
  }
  if (type === 'array') return s.minItems ? [minimal(s.items, name, where, w, team)] : [];
  if (type === 'integer' || type === 'number') return s.minimum ?? 1;
  if (type === 'boolean') return false;
  return s.examples?.[0] ?? 'probe';
}

interface RestCall { id: string; method: string; path: string; body?: unknown }

function restCall(path: string, method: string, op: any, w: World, team: string): RestCall {
  const params = [...(spec.paths[path]!.parameters ?? []), ...(op.parameters ?? [])].map((p: any) => (p.$ref ? resolveRef({ $ref: p.$ref.replace('parameters', 'schemas') }) ?? p : p));
  let url = path.replace(/\{(\w+)\}/g, (_, n: string) => encodeURIComponent(String(valueFor(n, path, w, team))));
  const query = params.filter((p: any) => p.in === 'query' && valueFor(p.name, path, w, team) !== undefined && ['team', 'owner'].includes(p.name));
  if (query.length) url += `?${query.map((p: any) => `${p.name}=${encodeURIComponent(String(valueFor(p.name, path, w, team)))}`).join('&')}`;
  const bodySchema = op.requestBody?.content?.['application/json']?.schema;
  return { id: op.operationId, method: method.toUpperCase(), path: url, body: bodySchema ? minimal(bodySchema, '', `${path} ${op.operationId}`, w, team) : undefined };
}

/** Whether an operation reaches a team's resources: a team in its path, its query or its body, or a build or token id. */
const teamScoped = (path: string, call: RestCall, w: World) => path.includes('{team}') || path.includes('{owner}') || /^\/(builds|tokens)\/\{id\}/.test(path)
  || call.path.includes(`team=${w.b}`) || JSON.stringify(call.body ?? {}).includes(`"team":"${w.b}"`);

// ---- GraphQL: arguments for every field, from the schema ----

function gqlValue(type: GraphQLInputType, name: string, where: string, w: World, team: string): unknown {
  const named = valueFor(name, where, w, team);
  if (named !== undefined) return named;
  const t = isNonNullType(type) ? type.ofType : type;
  if (isListType(t)) return [];
  const base = getNamedType(t);
  if (isEnumType(base)) return base.getValues()[0]!.value;
  if (isInputObjectType(base)) {
    const fields = Object.values(base.getFields()).filter((f) => (isNonNullType(f.type) && f.defaultValue === undefined) || valueFor(f.name, where, w, team) !== undefined);
    return Object.fromEntries(fields.map((f) => [f.name, gqlValue(f.type, f.name, `${where} ${base.name}`, w, team)]));
  }
  if (isScalarType(base)) {
    if (base.name === 'Int' || base.name === 'Float') return 1;
    if (base.name === 'Boolean') return false;
    if (base.name === 'JSON') return {};
  }
  return 'probe';
}

function gqlCall(kind: 'query' | 'mutation' | 'subscription', field: GraphQLField<unknown, unknown>, w: World, team: string) {
  const args = field.args.filter((a) => isNonNullType(a.type) || ['team', 'owner'].includes(a.name));
  const variables = Object.fromEntries(args.map((a) => [a.name, gqlValue(a.type, a.name, field.name, w, team)]));
  const decl = args.length ? `(${args.map((a) => `$${a.name}: ${String(a.type)}`).join(', ')})` : '';
  const use = args.length ? `(${args.map((a) => `${a.name}: $${a.name}`).join(', ')})` : '';
  const selection = isObjectType(getNamedType(field.type)) ? ' { __typename }' : '';
  return { query: `${kind}${decl} { ${field.name}${use}${selection} }`, variables };
}

/** The first event of a subscription (server-sent events). */
async function firstEvent(url: string, token: string, query: string, variables: unknown): Promise<any> {
  const controller = new AbortController();
  const res = await fetch(`${url}/graphql`, {
    method: 'POST', signal: controller.signal,
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const reader = res.body!.getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return undefined;
      buffer += new TextDecoder().decode(value);
      const data = buffer.split('\n').find((l) => l.startsWith('data:'));
      if (data && buffer.includes('\n\n')) return JSON.parse(data.slice(5));
    }
  } finally {
    controller.abort();
  }
}

describe('team isolation, generated from openapi.yaml and the GraphQL schema', () => {
  let t: TestPlatform;
  let w: World;
  let attacker: string;
  beforeAll(async () => {
    t = await startTestPlatform();
    const admin = rest(t.url, ADMIN);
    const a = await makeTeam(t.url), b = await makeTeam(t.url);
    // Team B has one of everything: an app, a git app with a build, an installation, a template, a token, a share.
    for (const body of [{ name: 'secret-app', image: 'nginx:1.27' }, { name: 'secret-git', git: { url: 'http://127.0.0.1:1/x.git' } }]) {
      const r = await admin('POST', `/teams/${b}/apps`, body);
      if (r.status !== 201) throw new Error(JSON.stringify(r.body));
    }
    const builds = await admin('GET', `/teams/${b}/apps/secret-git/builds`);
    await admin('POST', `/teams/${b}/installations`, { template: 'redis', name: 'cache' });
    const published = await admin('POST', `/teams/${b}/templates`, { name: 'secret-tpl', description: 'private', version: '1', apps: ['secret-app'] });
    if (published.status !== 201) throw new Error(JSON.stringify(published.body));
    const token = await admin('POST', '/tokens', { team: b, role: 'viewer', name: 'b-token' });
    await admin('POST', `/teams/${b}/apps/secret-app/shares`, { withTeam: a });
    w = { a, b, buildId: builds.body[0].id, tokenId: token.body.token.id, template: 'secret-tpl' };
    attacker = await makeToken(t.url, a, 'owner');
  });
  afterAll(async () => { await t?.close(); });

  /** Team names, resource names and ids out of a message, so two answers can be compared. */
  const normal = (text: unknown, ids: string[]) => {
    let s = String(text ?? '');
    for (const v of [w.b, MISSING, ...ids]) s = s.split(v).join('<X>');
    return s;
  };

  it('every REST operation answers another team\'s token as it answers for a team that does not exist, and writes nothing', async () => {
    const r = rest(t.url, attacker);
    const before = await fingerprint(t.databaseUrl);
    const covered: string[] = [];
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (method === 'parameters') continue;
        const real = restCall(path, method, op, w, w.b);
        if (!teamScoped(path, real, w)) {
          expect(GLOBAL[op.operationId], `${op.operationId} names no team: list it in GLOBAL, with why`).toBeDefined();
          continue;
        }
        const ghost = restCall(path, method, op, { ...w, buildId: randomUUID(), tokenId: randomUUID() }, MISSING);
        const seen = await r(real.method, real.path, real.body);
        const missing = await r(ghost.method, ghost.path, ghost.body);
        expect([op.operationId, seen.status], JSON.stringify(seen.body)).toEqual([op.operationId, 404]);
        expect([op.operationId, missing.status]).toEqual([op.operationId, 404]);
        const ids = [w.buildId, w.tokenId, ghost.path.match(/[0-9a-f-]{36}/)?.[0] ?? MISSING];
        expect(normal(seen.body.detail, ids), op.operationId).toBe(normal(missing.body.detail, ids));
        covered.push(op.operationId);
      }
    }
    expect(await fingerprint(t.databaseUrl)).toEqual(before);
    // The generation reached the routes this issue names, and every route is accounted for.
    expect(covered).toEqual(expect.arrayContaining(['listBuilds', 'getBuildLogs', 'cancelBuild', 'detectSource', 'installTemplate', 'addDependency', 'shareApp', 'listApiTokens', 'revokeApiToken', 'listEvents', 'getPublishedTemplate', 'updateTeam']));
    const all = Object.values(spec.paths).flatMap((item) => Object.entries(item).filter(([m]) => m !== 'parameters').map(([, op]) => op.operationId));
    expect(all.filter((id) => !covered.includes(id) && !GLOBAL[id])).toEqual([]);
  });

  it('every GraphQL query, mutation and subscription field does the same', async () => {
    const g = gql(t.url, attacker);
    const before = await fingerprint(t.databaseUrl);
    const covered: string[] = [];
    for (const kind of ['query', 'mutation', 'subscription'] as const) {
      const root = kind === 'query' ? schema.getQueryType() : kind === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
      for (const field of Object.values(root!.getFields())) {
        if (GLOBAL[field.name]) continue;
        const real = gqlCall(kind, field, w, w.b);
        const ghost = gqlCall(kind, field, { ...w, buildId: randomUUID(), tokenId: randomUUID() }, MISSING);
        const scoped = JSON.stringify(real.variables) !== JSON.stringify(ghost.variables);
        expect(scoped, `${field.name} names no team: list it in GLOBAL, with why`).toBe(true);
        const ask = (c: typeof real) => (kind === 'subscription' ? firstEvent(t.url, attacker, c.query, c.variables) : g(c.query, c.variables));
        const [seen, missing] = [await ask(real), await ask(ghost)];
        expect([field.name, seen?.errors?.[0]?.extensions?.code], JSON.stringify(seen)).toEqual([field.name, 'NOT_FOUND']);
        const ids = [w.buildId, w.tokenId, String(Object.values(ghost.variables).find((v) => /^[0-9a-f-]{36}$/.test(String(v))) ?? MISSING)];
        expect(normal(seen.errors[0].message, ids), field.name).toBe(normal(missing?.errors?.[0]?.message, ids));
        covered.push(field.name);
      }
    }
    expect(await fingerprint(t.databaseUrl)).toEqual(before);
    expect(covered).toEqual(expect.arrayContaining(['builds', 'buildLogs', 'cancelBuild', 'detectSource', 'installTemplate', 'addDependency', 'shareApp', 'apiTokens', 'revokeApiToken', 'events', 'appStatus', 'updateTeam']));
  });
});
