import { Ajv2020 } from 'ajv/dist/2020.js';
import type { FieldIssue } from '../errors.js';
import type { EnvVar } from '../model.js';
import type { Resources } from '../validation.js';
import type { ConnectionEntry, GeneratedSecret, Volume } from '../../k8s/types.js';
import type { Template, TemplateParameter } from './schema.js';


/** One component of an installation, ready to become an app. */
export interface ComponentSpec {
  component: string;
  app: string;
  image: string;
  port: number;
  replicas: number;
  args: string[] | null;
  env: EnvVar[];
  secrets: GeneratedSecret[];
  volumes: Volume[];
  healthCheckPath: string | null;
  resources: Resources;
  /** Connection info; `${host}` and `${port}` are filled in when dependents are rendered. */
  exports: ConnectionEntry[];
  /** App names of the components it depends on. */
  dependsOn: string[];
  capabilities: string[];
}

export type ParameterValues = Record<string, string | number | boolean>;

function parameterSchema(params: TemplateParameter[]) {
  return {
    type: 'object',
    additionalProperties: false,
    required: params.filter((p) => p.default === undefined).map((p) => p.name),
    properties: Object.fromEntries(params.map((p) => [p.name, {
      type: p.type,
      ...(p.default !== undefined ? { default: p.default } : {}),
      ...(p.enum ? { enum: p.enum } : {}),
      ...(p.pattern ? { pattern: p.pattern } : {}),
      ...(p.minimum !== undefined ? { minimum: p.minimum } : {}),
      ...(p.maximum !== undefined ? { maximum: p.maximum } : {}),
      ...(p.type === 'string' ? { maxLength: 1024 } : {}),
    }])),
  };
}

const ajv = new Ajv2020({ allErrors: true, useDefaults: true, strict: false });

/**
 * Checks the given parameters against the template's declarations and fills in defaults.
 * Returns the values, or one issue per bad parameter (field `parameters.<name>`).
 */
export function resolveParameters(t: Template, given: Record<string, unknown> = {}): { values: ParameterValues; issues: FieldIssue[] } {
  const values = structuredClone(given) as ParameterValues;
  const validate = ajv.compile(parameterSchema(t.parameters));
  if (validate(values)) return { values, issues: [] };
  const issues = (validate.errors ?? []).map((e) => {
    const name = e.keyword === 'required' ? (e.params as { missingProperty: string }).missingProperty
      : e.keyword === 'additionalProperties' ? (e.params as { additionalProperty: string }).additionalProperty
        : e.instancePath.slice(1);
    const message = e.keyword === 'additionalProperties' ? `is not a parameter of template ${t.name}` : e.keyword === 'required' ? 'is required' : e.message ?? 'is invalid';
    return { field: `parameters.${name}`, message };
  });
  return { values: {}, issues };
}

const fill = (text: string, vars: Record<string, string | number | boolean>) =>
  text.replace(/\$\{([a-zA-Z][a-zA-Z0-9_]*)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));

/** The app name of a component: the installation's name for a one-component template, else name-component. */
export const componentAppName = (t: Template, name: string, component: string) => (t.components.length === 1 ? name : `${name}-${component}`);

/** Turns a checked template, one of its versions and resolved parameters into app specs. Pure. */
export function instantiate(t: Template, version: string, name: string, values: ParameterValues): ComponentSpec[] {
  const v = t.versions.find((x) => x.version === version);
  if (!v) throw new Error(`template ${t.name} has no version ${version}`);
  const vars = { ...values, name };
  return t.components.map((c) => ({
    component: c.name,
    app: componentAppName(t, name, c.name),
    image: v.images[c.name]!,
    port: c.port,
    replicas: c.replicas ?? 1,
    args: c.args ? c.args.map((a) => fill(a, vars)) : null,
    env: (c.env ?? []).map((e) => ({ name: e.name, value: fill(e.value, vars) })),
    secrets: c.secrets ?? [],
    volumes: (c.volumes ?? []).map((vol) => ({
      name: vol.name, mountPath: vol.mountPath, size: fill(vol.size, vars), accessMode: vol.accessMode ?? 'ReadWriteOnce', storageClass: vol.storageClass ?? null,
    })),
    healthCheckPath: c.healthCheckPath ?? null,
    resources: c.resources ?? {},
    // ${host} and ${port} stay: they are the app's own, known when a dependent is rendered.
    exports: (c.exports ?? []).map((e) => ('secret' in e ? e : { name: e.name, value: fill(e.value, vars) })),
    dependsOn: (c.dependsOn ?? []).map((d) => componentAppName(t, name, d)),
    capabilities: [...(c.capabilities ?? [])].sort(),
  }));
}
