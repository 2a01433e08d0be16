import fc from 'fast-check';
import pg from 'pg';

/**
 * Shared pieces of the API fuzzers: seeded inputs from schemas, mutations of them, and the checks
 * every response and the database must pass. Bounded by FUZZ_RUNS inputs per operation and a fixed
 * FUZZ_SEED, so a run is reproducible; `npm run fuzz` runs longer.
 */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261125);
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 25);

export type Schema = Record<string, any>;

/** Draws `n` values of an arbitrary, reproducibly (the seed and a salt per operation). */
export function draw<T>(arb: fc.Arbitrary<T>, n: number, salt: string): T[] {
  let h = FUZZ_SEED;
  for (const ch of salt) h = (Math.imul(h, 31) + ch.charCodeAt(0)) | 0;
  return fc.sample(arb, { seed: h, numRuns: n });
}

/**
 * Git URLs are cloned by the API (detectSource), and clusters' etcd endpoints are written to: a
 * fuzzed one must never name a host beyond loopback. Every `url` and `etcdEndpoints` value comes
 * from this list; the unreachable ones fail at once.
 */
export const SAFE_URLS = ['http://127.0.0.1:1/nothing.git', 'ssh://git@127.0.0.1:1/nothing.git', 'not a url', '', 'file:///etc/passwd', 'http://127.0.0.1:1/' + 'x'.repeat(1100)];

/** Fields whose values Yunbang connects to. */
export const URL_FIELDS = new Set(['url', 'etcdEndpoints']);

const hostileStrings = fc.constantFrom(
  '', ' ', 'a'.repeat(10_000), '\u0000', '\u001b[31mred', '../../etc/passwd', '%00', "' OR 1=1 --", '"; DROP TABLE apps; --',
  '<script>alert(1)</script>', '${jndi:ldap://127.0.0.1:1/x}', '$(reboot)', 'ｗｅｂ', '🙂', 'web\nX-Injected: 1', 'a;}server{', '\uD800', 'null', '{}', '[]',
);

/** A string for a field, valid-looking or not, from its name and schema. */
function stringFor(name: string | undefined, s: Schema, names: Record<string, string[]>): fc.Arbitrary<string> {
  if (name && URL_FIELDS.has(name)) return fc.constantFrom(...SAFE_URLS);
  const known = name ? names[name] : undefined;
  const plain: fc.Arbitrary<string>[] = [
    fc.stringMatching(/^[a-z][a-z0-9-]{0,20}[a-z0-9]$/),
    fc.string({ maxLength: Math.min(s.maxLength ?? 64, 64) }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    hostileStrings,
  ];
  if (s.enum) plain.push(fc.constantFrom(...(s.enum as string[])));
  if (s.format === 'date-time') plain.push(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()));
  if (name === 'image') plain.push(fc.constantFrom('nginx:1.27', 'registry.example/team/app:1', 'Not An Image'));
  if (name === 'domains' || name === 'host') plain.push(fc.stringMatching(/^[a-z]{1,10}$/).map((l) => `${l}.fuzz.example.com`));
  return known?.length ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, ...plain.map((arbitrary) => ({ weight: 1, arbitrary }))) : fc.oneof(...plain);
}

/** Values that match a schema (mostly), with the field name steering strings. */
export function valueOf(schema: Schema | undefined, resolve: (s: Schema) => Schema, names: Record<string, string[]>, name?: string, depth = 0): fc.Arbitrary<unknown> {
  const s = schema ? resolve(schema) : {};
  if (depth > 4) return fc.constant(null);
  if (s.enum) return fc.constantFrom(...s.enum);
  if (s.const !== undefined) return fc.constant(s.const);
  const alternatives = s.oneOf ?? s.anyOf;
  if (alternatives) return fc.oneof(...alternatives.map((a: Schema) => valueOf(a, resolve, names, name, depth + 1)));
  const types: string[] = Array.isArray(s.type) ? s.type : s.type ? [s.type] : s.properties ? ['object'] : ['string'];
  return fc.oneof(...types.map((t): fc.Arbitrary<unknown> => {
    switch (t) {
      case 'null': return fc.constant(null);
      case 'boolean': return fc.boolean();
      case 'integer': return fc.integer({ min: s.minimum ?? -5, max: s.maximum ?? 200 });
      case 'number': return fc.double({ min: s.minimum ?? -5, max: s.maximum ?? 200, noNaN: true });
      case 'array': return fc.array(valueOf(s.items, resolve, names, name, depth + 1), { maxLength: Math.min(s.maxItems ?? 4, 4) });
      case 'object': {
        const props = Object.entries((s.properties ?? {}) as Record<string, Schema>);
        const required = new Set<string>(s.required ?? []);
        const record: Record<string, fc.Arbitrary<unknown>> = {};
        for (const [k, v] of props) record[k] = valueOf(v, resolve, names, k, depth + 1);
        return props.length ? fc.record(record, { requiredKeys: [...required].filter((k) => k in record) }) : fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 });
      }
      default: return stringFor(name, s, names);
    }
  }));
}

/** A valid-ish value turned bad: wrong type, missing or extra fields, huge, out of range. */
export function mutate(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const wrong = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.string(), fc.array(fc.integer(), { maxLength: 3 }), fc.constant({}), fc.double());
  return fc.oneof(
    wrong,
    valid.chain((v) => {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return wrong;
      const keys = Object.keys(v as object);
      return fc.oneof(
        fc.constant({ ...(v as object), unexpected: 'field' }),
        keys.length ? fc.constantFrom(...keys).map((k) => { const c = { ...(v as Record<string, unknown>) }; delete c[k]; return c; }) : fc.constant({}),
        keys.length ? fc.tuple(fc.constantFrom(...keys), wrong).map(([k, w]) => ({ ...(v as object), [k]: w })) : fc.constant({ x: 1 }),
        keys.length ? fc.constantFrom(...keys).map((k) => ({ ...(v as object), [k]: 'x'.repeat(70_000) })) : fc.constant({}),
        keys.length ? fc.tuple(fc.constantFrom(...keys), fc.constantFrom(-1, 2 ** 53, 1e308, -0)).map(([k, n]) => ({ ...(v as object), [k]: n })) : fc.constant({}),
      );
    }),
  );
}

/** Raw bodies no JSON encoder would send. */
export const RAW_BODIES: { contentType: string; body: string | Buffer }[] = [
  { contentType: 'application/json', body: '{"name": "web",' },
  { contentType: 'application/json', body: '{"name":"a","name":"b"}' },
  { contentType: 'application/json', body: '' },
  { contentType: 'application/json', body: 'null' },
  { contentType: 'application/json', body: '[1,2,3]' },
  { contentType: 'application/json', body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]) },
  { contentType: 'text/plain', body: 'name=web' },
  { contentType: 'application/x-www-form-urlencoded', body: 'name=web&image=nginx' },
  { contentType: 'application/xml', body: '<app><name>web</name></app>' },
  { contentType: 'application/json; charset=utf-16', body: '{"name":"web"}' },
];

const STACK = /\n\s+at [^\n]+:\d+:\d+/;
const SQL = /\b(SELECT\s.+\sFROM|INSERT INTO|UPDATE \w+ SET|DELETE FROM|syntax error at or near|violates (unique|foreign key|check) constraint|relation "\w+")/i;

/** What no answer may hold: a stack trace, SQL, or one of the given secrets. */
export function leaks(text: string, secrets: string[], isError: boolean): string | undefined {
  if (STACK.test(text)) return 'a stack trace';
  if (isError && SQL.test(text)) return `SQL (${SQL.exec(text)![0].slice(0, 60)})`;
  const secret = secrets.find((s) => s && text.includes(s));
  return secret ? `a secret (${secret.slice(0, 6)}…)` : undefined;
}

/**
 * Invariants of the database after any request: nothing half-written, nothing orphaned,
 * generations and release numbers never go back.
 */
export class Invariants {
  private generations = new Map<string, number>();
  private releases = new Map<string, number>();
  constructor(private readonly db: pg.Client) {}

  async check(): Promise<string[]> {
    const problems: string[] = [];
    const count = async (what: string, sql: string) => {
      const n = Number((await this.db.query(sql)).rows[0].n);
      if (n > 0) problems.push(`${n} ${what}`);
    };
    await count('apps without a status row', `SELECT count(*) AS n FROM apps a LEFT JOIN app_status s ON s.app_id = a.id WHERE s.app_id IS NULL`);
    await count('image apps without their current release', `SELECT count(*) AS n FROM apps a WHERE a.image IS NOT NULL AND a.deleted_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM releases r WHERE r.app_id = a.id AND r.number = a.current_release)`);
    await count('git apps with neither image nor build', `SELECT count(*) AS n FROM apps a WHERE a.source IS NOT NULL AND a.image IS NULL AND a.deleted_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM builds b WHERE b.app_id = a.id)`);
    await count('apps with neither image nor git source', `SELECT count(*) AS n FROM apps a WHERE a.source IS NULL AND a.image IS NULL`);
    await count('domains of no live app', `SELECT count(*) AS n FROM app_domains d JOIN apps a ON a.id = d.app_id WHERE a.deleted_at IS NOT NULL`);
    await count('reconcile jobs for no app', `SELECT count(*) AS n FROM pgboss.job j WHERE j.name LIKE 'app-reconcile.%' AND j.state IN ('created', 'retry')
      AND NOT EXISTS (SELECT 1 FROM apps a WHERE a.id::text = j.data->>'appId')`);
    await count('build jobs for no build', `SELECT count(*) AS n FROM pgboss.job j WHERE j.name LIKE 'build-advance.%' AND j.state IN ('created', 'retry')
      AND NOT EXISTS (SELECT 1 FROM builds b WHERE b.id::text = j.data->>'buildId')`);
    await count('live apps of deleted teams', `SELECT count(*) AS n FROM apps a JOIN teams t ON t.id = a.team_id WHERE t.deleted_at IS NOT NULL AND a.deleted_at IS NULL`);
    const { rows } = await this.db.query<{ id: string; generation: number; release: number | null }>(
      `SELECT a.id, a.generation, (SELECT max(number) FROM releases r WHERE r.app_id = a.id) AS release FROM apps a`);
    for (const r of rows) {
      const g = this.generations.get(r.id);
      if (g !== undefined && r.generation < g) problems.push(`app ${r.id}: generation went back from ${g} to ${r.generation}`);
      this.generations.set(r.id, r.generation);
      const rel = this.releases.get(r.id);
      if (rel != null && (r.release ?? 0) < rel) problems.push(`app ${r.id}: releases went back from ${rel} to ${r.release}`);
      this.releases.set(r.id, r.release ?? 0);
    }
    return problems;
  }

  /** Audit events so far: successes and failures. */
  async events(): Promise<{ success: number; failure: number }> {
    const { rows } = await this.db.query<{ outcome: string; n: string }>(`SELECT outcome, count(*) AS n FROM events GROUP BY outcome`);
    return { success: Number(rows.find((r) => r.outcome === 'success')?.n ?? 0), failure: Number(rows.find((r) => r.outcome === 'failure')?.n ?? 0) };
  }
}
