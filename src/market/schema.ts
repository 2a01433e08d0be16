import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { BASELINE_CAPABILITIES } from '../validation.js';

/**
 * The app market's template format. A template is versioned data: shared parameters and
 * components, and per version the image each component runs. Every template, built in or
 * published by a team, is checked against TEMPLATE_SCHEMA before it is used.
 */
export interface TemplateParameter {
  name: string;
  description?: string;
  type: 'string' | 'integer' | 'boolean';
  /** No default: the parameter is required. */
  default?: string | number | boolean;
  enum?: (string | number)[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
}

/** A value, or `${parameter}` placeholders; `${host}` and `${port}` in exports are the component's own. */
export interface TemplateEnv { name: string; value: string }
/** Connection info a component exports to the apps that depend on it: a value or one of its generated secrets. */
export type TemplateExport = { name: string; value: string } | { name: string; secret: string };

export interface TemplateComponent {
  name: string;
  port: number;
  replicas?: number;
  args?: string[];
  env?: TemplateEnv[];
  /** Values generated at first start, kept only in a Kubernetes Secret, given to the container as env. */
  secrets?: { name: string; length: number }[];
  volumes?: { name: string; mountPath: string; size: string; accessMode?: 'ReadWriteOnce' | 'ReadWriteMany' | 'ReadOnlyMany'; storageClass?: string }[];
  healthCheckPath?: string;
  resources?: { requests?: { cpu?: string; memory?: string }; limits?: { cpu?: string; memory?: string } };
  exports?: TemplateExport[];
  /** Other components of the same template this one depends on (it gets their exports as env). */
  dependsOn?: string[];
  /** Linux capabilities the image needs (all others are dropped), e.g. CHOWN and SETUID for an image that drops root itself. */
  capabilities?: string[];
}

export interface TemplateVersion { version: string; images: Record<string, string> }

export interface Template {
  name: string;
  description: string;
  /** Newest first; the first is the default. */
  versions: TemplateVersion[];
  parameters: TemplateParameter[];
  components: TemplateComponent[];
}

const NAME = '^[a-z]([-a-z0-9]*[a-z0-9])?$';
const ENV_NAME = '^[A-Za-z_][A-Za-z0-9_]*$';
const QUANTITY = '^([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([KMGTPE]i|[mkMGTPE])?$';
const QUANTITY_OR_PARAM = `${QUANTITY.slice(0, -1)}|^\\$\\{[a-zA-Z][a-zA-Z0-9_]*\\}$`;
const resourceList = { type: 'object', additionalProperties: false, properties: { cpu: { type: 'string', pattern: QUANTITY }, memory: { type: 'string', pattern: QUANTITY } } };

export const TEMPLATE_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://yunbang.dev/schemas/template.json',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'description', 'versions', 'parameters', 'components'],
  properties: {
    name: { type: 'string', maxLength: 40, pattern: NAME },
    description: { type: 'string', minLength: 1, maxLength: 500 },
    versions: {
      type: 'array', minItems: 1, maxItems: 50,
      items: {
        type: 'object', additionalProperties: false, required: ['version', 'images'],
        properties: {
          version: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$' },
          images: { type: 'object', minProperties: 1, propertyNames: { pattern: NAME }, additionalProperties: { type: 'string', minLength: 1, maxLength: 512 } },
        },
      },
    },
    parameters: {
      type: 'array', maxItems: 50,
      items: {
        type: 'object', additionalProperties: false, required: ['name', 'type'],
        properties: {
          name: { type: 'string', pattern: '^[a-zA-Z][a-zA-Z0-9_]*$', not: { enum: ['name', 'host', 'port'] } },
          description: { type: 'string', maxLength: 500 },
          type: { enum: ['string', 'integer', 'boolean'] },
          default: { type: ['string', 'integer', 'boolean'] },
          enum: { type: 'array', minItems: 1, items: { type: ['string', 'integer'] } },
          pattern: { type: 'string', maxLength: 500 },
          minimum: { type: 'integer' },
          maximum: { type: 'integer' },
        },
      },
    },
    components: {
      type: 'array', minItems: 1, maxItems: 20,
      items: {
        type: 'object', additionalProperties: false, required: ['name', 'port'],
        properties: {
          name: { type: 'string', maxLength: 30, pattern: NAME },
          port: { type: 'integer', minimum: 1, maximum: 65535 },
          replicas: { type: 'integer', minimum: 0, maximum: 100 },
          args: { type: 'array', maxItems: 50, items: { type: 'string', maxLength: 1024 } },
          env: {
            type: 'array', maxItems: 100,
            items: { type: 'object', additionalProperties: false, required: ['name', 'value'], properties: { name: { type: 'string', pattern: ENV_NAME, not: { const: 'PORT' } }, value: { type: 'string', maxLength: 4096 } } },
          },
          secrets: {
            type: 'array', maxItems: 20,
            items: { type: 'object', additionalProperties: false, required: ['name', 'length'], properties: { name: { type: 'string', pattern: ENV_NAME }, length: { type: 'integer', minimum: 12, maximum: 128 } } },
          },
          volumes: {
            type: 'array', maxItems: 10,
            items: {
              type: 'object', additionalProperties: false, required: ['name', 'mountPath', 'size'],
              properties: {
                name: { type: 'string', maxLength: 30, pattern: NAME },
                mountPath: { type: 'string', pattern: '^/[^\\s]*$', maxLength: 255 },
                size: { type: 'string', pattern: QUANTITY_OR_PARAM },
                accessMode: { enum: ['ReadWriteOnce', 'ReadWriteMany', 'ReadOnlyMany'] },
                storageClass: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$' },
              },
            },
          },
          healthCheckPath: { type: 'string', pattern: '^/[^\\s]*$' },
          resources: { type: 'object', additionalProperties: false, properties: { requests: resourceList, limits: resourceList } },
          exports: {
            type: 'array', maxItems: 50,
            items: {
              oneOf: [
                { type: 'object', additionalProperties: false, required: ['name', 'value'], properties: { name: { type: 'string', pattern: ENV_NAME }, value: { type: 'string', maxLength: 4096 } } },
                { type: 'object', additionalProperties: false, required: ['name', 'secret'], properties: { name: { type: 'string', pattern: ENV_NAME }, secret: { type: 'string', pattern: ENV_NAME } } },
              ],
            },
          },
          dependsOn: { type: 'array', maxItems: 20, items: { type: 'string', pattern: NAME } },
          capabilities: { type: 'array', uniqueItems: true, maxItems: BASELINE_CAPABILITIES.length, items: { enum: [...BASELINE_CAPABILITIES] } },
        },
      },
    },
  },
} as const;

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
const validateShape = ajv.compile(TEMPLATE_SCHEMA);

export interface TemplateIssue { path: string; message: string }

const issue = (e: ErrorObject): TemplateIssue => ({ path: e.instancePath || '/', message: e.message ?? 'is invalid' });

/**
 * Checks a template: its shape against TEMPLATE_SCHEMA, then what a schema cannot say (names that
 * must be unique, references that must resolve, dependencies without cycles). Returns every issue,
 * each with the JSON pointer of the offending value.
 */
export function checkTemplate(input: unknown): { template: Template; issues: [] } | { template?: undefined; issues: TemplateIssue[] } {
  if (!validateShape(input)) {
    // oneOf failures repeat one error per branch; keep the most specific (deepest) ones.
    return { issues: dedupe((validateShape.errors ?? []).filter((e) => e.keyword !== 'oneOf').map(issue)) };
  }
  const t = input as unknown as Template;
  const issues: TemplateIssue[] = [];
  const dup = (list: { name: string }[], at: string) => list.forEach((x, i) => {
    if (list.findIndex((y) => y.name === x.name) !== i) issues.push({ path: `${at}/${i}/name`, message: `duplicate name "${x.name}"` });
  });
  dup(t.parameters, '/parameters');
  dup(t.components, '/components');
  t.versions.forEach((v, i) => {
    if (t.versions.findIndex((w) => w.version === v.version) !== i) issues.push({ path: `/versions/${i}/version`, message: `duplicate version "${v.version}"` });
    for (const c of t.components) if (!v.images[c.name]) issues.push({ path: `/versions/${i}/images`, message: `has no image for component "${c.name}"` });
    for (const k of Object.keys(v.images)) if (!t.components.some((c) => c.name === k)) issues.push({ path: `/versions/${i}/images/${k}`, message: 'names no component' });
  });
  const params = new Set(t.parameters.map((p) => p.name));
  t.parameters.forEach((p, i) => {
    if (p.default !== undefined && typeof p.default !== (p.type === 'integer' ? 'number' : p.type)) issues.push({ path: `/parameters/${i}/default`, message: `must be of type ${p.type}` });
    if (p.pattern !== undefined) { try { new RegExp(p.pattern); } catch { issues.push({ path: `/parameters/${i}/pattern`, message: 'must be a regular expression' }); } }
  });
  t.components.forEach((c, i) => {
    const at = `/components/${i}`;
    const refs = (text: string, path: string, extra: string[] = []) => {
      for (const m of text.matchAll(/\$\{([^}]*)\}/g)) {
        if (!params.has(m[1]!) && m[1] !== 'name' && !extra.includes(m[1]!)) issues.push({ path, message: `refers to unknown parameter "${m[1]}"` });
      }
    };
    c.env?.forEach((e, j) => refs(e.value, `${at}/env/${j}/value`));
    c.args?.forEach((a, j) => refs(a, `${at}/args/${j}`));
    c.volumes?.forEach((v, j) => refs(v.size, `${at}/volumes/${j}/size`));
    const secrets = new Set((c.secrets ?? []).map((s) => s.name));
    c.exports?.forEach((e, j) => {
      if ('secret' in e) { if (!secrets.has(e.secret)) issues.push({ path: `${at}/exports/${j}/secret`, message: `names no secret of component "${c.name}"` }); }
      else refs(e.value, `${at}/exports/${j}/value`, ['host', 'port']);
    });
    dup(c.env ?? [], `${at}/env`);
    dup(c.secrets ?? [], `${at}/secrets`);
    dup(c.volumes ?? [], `${at}/volumes`);
    dup(c.exports ?? [], `${at}/exports`);
    for (const e of c.env ?? []) if (secrets.has(e.name)) issues.push({ path: `${at}/env`, message: `${e.name} is both an env var and a secret` });
    c.dependsOn?.forEach((d, j) => {
      if (!t.components.some((o) => o.name === d)) issues.push({ path: `${at}/dependsOn/${j}`, message: `names no component "${d}"` });
      if (d === c.name) issues.push({ path: `${at}/dependsOn/${j}`, message: 'a component cannot depend on itself' });
    });
  });
  if (issues.length === 0) {
    const cycle = findCycle(t.components.map((c) => [c.name, c.dependsOn ?? []]));
    if (cycle) issues.push({ path: '/components', message: `dependencies form a cycle: ${cycle.join(' → ')}` });
  }
  return issues.length ? { issues } : { template: t, issues: [] };
}

function dedupe(list: TemplateIssue[]): TemplateIssue[] {
  return list.filter((x, i) => list.findIndex((y) => y.path === x.path && y.message === x.message) === i);
}

/** A cycle in a dependency graph (as the list of names around it), or null. Pure. */
export function findCycle(edges: [string, string[]][]): string[] | null {
  const graph = new Map(edges);
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (n: string): string[] | null => {
    if (state.get(n) === 'done') return null;
    if (state.get(n) === 'visiting') return [...path.slice(path.indexOf(n)), n];
    state.set(n, 'visiting');
    path.push(n);
    for (const m of graph.get(n) ?? []) { const c = visit(m); if (c) return c; }
    path.pop();
    state.set(n, 'done');
    return null;
  };
  for (const [n] of edges) { const c = visit(n); if (c) return c; }
  return null;
}
