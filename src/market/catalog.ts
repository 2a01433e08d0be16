import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { checkTemplate, type Template, type TemplateIssue } from './schema.js';

/** A template that failed its checks, with the JSON pointer of every issue. */
export class BadTemplate extends Error {
  constructor(readonly source: string, readonly issues: TemplateIssue[]) {
    super(`template ${source} is invalid: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`);
  }
}

/** Reads and checks one template document (YAML or JSON text). */
export function loadTemplate(source: string, text: string): Template {
  let doc: unknown;
  try { doc = parseYaml(text); } catch (err) { throw new BadTemplate(source, [{ path: '/', message: `is not YAML: ${(err as Error).message}` }]); }
  const checked = checkTemplate(doc);
  if (!checked.template) throw new BadTemplate(source, checked.issues);
  return checked.template;
}

const DIR = join(dirname(fileURLToPath(import.meta.url)), 'templates');

/** The built-in catalogue, read and checked once per process; a bad built-in stops the start. */
let builtins: Map<string, Template> | undefined;
export function builtinTemplates(): Map<string, Template> {
  builtins ??= new Map(readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort()
    .map((f) => { const t = loadTemplate(f, readFileSync(join(DIR, f), 'utf8')); return [t.name, t] as const; }));
  return builtins;
}
