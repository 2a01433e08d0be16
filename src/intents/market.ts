import { z } from 'zod';
import { actorName, authorize, requireAdmin } from '../auth/principal.js';
import type { Queryable, Tx } from '../db/pool.js';
import { Conflict, Invalid, NotFound, type FieldIssue } from '../errors.js';
import { builtinTemplates } from '../market/catalog.js';
import { instantiate, resolveParameters, type ComponentSpec } from '../market/instantiate.js';
import { checkTemplate, type Template } from '../market/schema.js';
import { unavailableImage, type LocalImages } from '../clusters/stand-ins.js';
import type { AppView } from '../model.js';
import * as v from '../validation.js';
import { parse } from '../validation.js';
import { APP_SELECT, enqueueReconcile, toView, type AppRow } from './app-rows.js';
import { insertApp } from './apps.js';
import { newAppIssues } from './app-input.js';
import { dataMessage, markDeleted } from './delete-app.js';
import { recordRelease, releaseConfig } from './releases.js';
import { mutation } from './audit.js';
import type { Ctx } from './context.js';
import { findTeam, type TeamRow } from './teams.js';

/**
 * The app market: built-in templates, templates teams publish, and installations (a template
 * installed into a team: one app per component, wired by dependencies, in one transaction).
 */

export interface ParameterView { name: string; description: string | null; type: string; default: string | null; required: boolean; allowed: string[] | null }
export interface TemplateView {
  name: string; description: string; versions: string[]; parameters: ParameterView[]; components: string[];
  /** null for a built-in template. */
  publishedBy: string | null;
  scope: 'builtin' | 'team' | 'platform';
}
export interface InstallationView { name: string; template: string; version: string; apps: AppView[]; createdAt: Date; updatedAt: Date }

function templateView(t: Template, publishedBy: string | null, scope: TemplateView['scope']): TemplateView {
  return {
    name: publishedBy ? `${publishedBy}/${t.name}` : t.name,
    description: t.description,
    versions: t.versions.map((x) => x.version),
    parameters: t.parameters.map((p) => ({
      name: p.name, description: p.description ?? null, type: p.type, default: p.default === undefined ? null : String(p.default),
      required: p.default === undefined, allowed: p.enum ? p.enum.map(String) : null,
    })),
    components: t.components.map((c) => c.name),
    publishedBy, scope,
  };
}

interface Published { team: string; team_id: string; definition: Template; scope: 'team' | 'platform' }

/** Templates a team may see: built-ins, every team's platform-wide ones, and its own. */
async function publishedFor(q: Queryable, teamId: string | null): Promise<Published[]> {
  const { rows } = await q.query<Published>(
    `SELECT t.name AS team, tt.team_id, tt.definition, tt.scope FROM team_templates tt JOIN teams t ON t.id = tt.team_id
      WHERE t.deleted_at IS NULL AND (tt.scope = 'platform' OR tt.team_id = $1) ORDER BY t.name, tt.name`, [teamId]);
  return rows;
}

async function teamIdFor(ctx: Ctx, team: string | undefined): Promise<string | null> {
  if (team === undefined) return ctx.principal.kind === 'team' ? ctx.principal.teamId : null;
  authorize(ctx.principal, team, 'read');
  return (await findTeam(ctx.db, team)).id;
}

export async function listTemplates(ctx: Ctx, team?: string): Promise<TemplateView[]> {
  const teamId = await teamIdFor(ctx, team);
  const builtins = [...builtinTemplates().values()].map((t) => templateView(t, null, 'builtin'));
  return [...builtins, ...(await publishedFor(ctx.db, teamId)).map((p) => templateView(p.definition, p.team, p.scope))];
}

/** A template by name: `mysql` (built in) or `team/name` (published), as the given team sees it. */
async function resolveTemplate(q: Queryable, name: string, teamId: string | null): Promise<{ template: Template; view: TemplateView }> {
  const slash = name.indexOf('/');
  if (slash < 0) {
    const t = builtinTemplates().get(name);
    if (t) return { template: t, view: templateView(t, null, 'builtin') };
  } else {
    const [owner, short] = [name.slice(0, slash), name.slice(slash + 1)];
    const p = (await publishedFor(q, teamId)).find((x) => x.team === owner && x.definition.name === short);
    if (p) return { template: p.definition, view: templateView(p.definition, p.team, p.scope) };
  }
  throw new NotFound(`template "${name}" not found`);
}

export async function getTemplate(ctx: Ctx, name: string, team?: string): Promise<TemplateView> {
  return (await resolveTemplate(ctx.db, name, await teamIdFor(ctx, team))).view;
}

const installInput = z.object({
  team: z.string(),
  template: z.string().min(1).max(100),
  version: z.string().max(40).optional(),
  name: v.appName,
  parameters: z.record(z.string(), z.unknown()).default({}),
}).strict();
export type InstallInput = z.input<typeof installInput>;

/**
 * What createApp would refuse in any resulting app, checked before anything is written. A bad app
 * name comes from the installation's name; anything else from the template or its parameters.
 */
function checkComponents(specs: ComponentSpec[]): FieldIssue[] {
  return specs.flatMap((c) => newAppIssues({
    name: c.app, image: c.image, port: c.port, replicas: c.replicas, env: c.env, resources: c.resources, healthCheckPath: c.healthCheckPath, volumes: c.volumes, capabilities: c.capabilities,
  }).map((i) => (i.field === 'name'
    ? { field: 'name', message: `makes the app name "${c.app}" of component ${c.component}, which ${i.message}` }
    : { field: `components.${c.component}.${i.field}`, message: i.message })));
}

/** The live apps of the given installations, in one query. */
async function installationApps(q: Queryable, installationIds: string[]): Promise<AppRow[]> {
  const { rows } = await q.query<AppRow>(`${APP_SELECT} WHERE a.installation_id = ANY($1) AND a.deleted_at IS NULL ORDER BY a.name`, [installationIds]);
  return rows;
}

interface InstallationRow { id: string; name: string; template: string; version: string; created_at: Date; updated_at: Date }

function view(ctx: Ctx, i: InstallationRow, apps: AppRow[]): InstallationView {
  return { name: i.name, template: i.template, version: i.version, apps: apps.map((a) => toView(a, ctx)), createdAt: i.created_at, updatedAt: i.updated_at };
}

const readView = async (ctx: Ctx, q: Queryable, i: InstallationRow) => view(ctx, i, await installationApps(q, [i.id]));

/**
 * Installs a template: every component becomes an app (named after the installation, or
 * name-component for several), with its dependencies, releases and reconcile jobs, all in one
 * transaction. Template, version and parameters are checked before anything is written.
 */
export async function installTemplate(ctx: Ctx, raw: InstallInput): Promise<InstallationView> {
  const i = parse(installInput, raw);
  return mutation(ctx, { action: 'template.install', subject: `installation/${i.name}`, team: i.team }, async (tx, scope) => {
    authorize(ctx.principal, i.team, 'write');
    const team = await findTeam(tx, i.team, true);
    scope.teamId = team.id;
    const { template, view: tv } = await resolveTemplate(tx, i.template, team.id).catch((err) => {
      if (err instanceof NotFound) throw Invalid.field('template', err.message);
      throw err;
    });
    const version = i.version ?? tv.versions[0]!;
    if (!tv.versions.includes(version)) throw Invalid.field('version', `template ${tv.name} has versions ${tv.versions.join(', ')}`);
    const { values, issues } = resolveParameters(template, i.parameters);
    if (issues.length) throw new Invalid(issues);
    const specs = instantiate(template, version, i.name, values);
    const problems = checkComponents(specs);
    if (problems.length) throw new Invalid(problems);

    const { rows } = await tx.query<InstallationRow>(
      `INSERT INTO installations (team_id, name, template, version, parameters, created_by) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (team_id, name) WHERE deleted_at IS NULL DO NOTHING RETURNING id, name, template, version, created_at, updated_at`,
      [team.id, i.name, tv.name, version, JSON.stringify(values), actorName(ctx.principal)]);
    const inst = rows[0];
    if (!inst) throw new Conflict(`an installation named "${i.name}" already exists in team "${i.team}"`);
    await createComponents(ctx, tx, team, inst.id, specs);
    await refuseUnavailableImages(tx, inst.id, tv.name);
    scope.message = `${tv.name} ${version}: ${specs.map((c) => c.app).join(', ')}`;
    return readView(ctx, tx, inst);
  });
}

/**
 * A template whose image its cluster can never run (the local real node pulls nothing from
 * outside, and has no stand-in for MongoDB or MinIO) is refused now, as a 4xx, rather than
 * installed as pods that never start. The transaction rolls the installation back.
 */
async function refuseUnavailableImages(tx: Tx, installationId: string, template: string): Promise<void> {
  const { rows } = await tx.query<{ image: string; cluster: string; stand_in_images: LocalImages }>(
    `SELECT a.image, c.name AS cluster, c.stand_in_images FROM apps a JOIN clusters c ON c.id = a.cluster_id
      WHERE a.installation_id = $1 ORDER BY a.name`, [installationId]);
  for (const r of rows) {
    const why = unavailableImage(r.image, r.stand_in_images);
    if (why) throw Invalid.field('template', `${template} is not available on the cluster "${r.cluster}": ${why}`);
  }
}

async function createComponents(ctx: Ctx, tx: Tx, team: TeamRow, installationId: string, specs: ComponentSpec[]): Promise<void> {
  const ids = new Map<string, string>();
  for (const c of specs) {
    ids.set(c.app, await insertApp(ctx, tx, team, {
      name: c.app, image: c.image, source: null, sealedCredentials: null, port: c.port, replicas: c.replicas, env: c.env, resources: c.resources,
      healthCheckPath: c.healthCheckPath, tls: false, domains: [], volumes: c.volumes, args: c.args, secrets: c.secrets, exports: c.exports,
      installationId, component: c.component, capabilities: c.capabilities,
    }));
  }
  for (const c of specs) {
    for (const d of c.dependsOn) await tx.query('INSERT INTO app_dependencies (app_id, depends_on) VALUES ($1, $2)', [ids.get(c.app), ids.get(d)]);
  }
}

async function lockInstallation(tx: Tx, teamId: string, team: string, name: string): Promise<InstallationRow> {
  const { rows } = await tx.query<InstallationRow>(
    `SELECT id, name, template, version, created_at, updated_at FROM installations WHERE team_id = $1 AND name = $2 AND deleted_at IS NULL FOR UPDATE`,
    [teamId, name]);
  if (!rows[0]) throw new NotFound(`installation "${name}" not found in team "${team}"`);
  return rows[0];
}

export async function listInstallations(ctx: Ctx, team: string): Promise<InstallationView[]> {
  authorize(ctx.principal, team, 'read');
  const t = await findTeam(ctx.db, team);
  const { rows } = await ctx.db.query<InstallationRow>(
    `SELECT id, name, template, version, created_at, updated_at FROM installations WHERE team_id = $1 AND deleted_at IS NULL ORDER BY name`, [t.id]);
  const apps = await installationApps(ctx.db, rows.map((r) => r.id));
  return rows.map((r) => view(ctx, r, apps.filter((a) => a.installation === r.name))); // names are unique within the team
}

/**
 * Moves an installation to a newer version of its template: each component whose image changes
 * gets a new release (its config stays), and rolls.
 */
export async function upgradeInstallation(ctx: Ctx, team: string, name: string, version: string): Promise<InstallationView> {
  return mutation(ctx, { action: 'template.upgrade', subject: `installation/${name}`, team }, async (tx, scope) => {
    authorize(ctx.principal, team, 'write');
    const t = await findTeam(tx, team, true);
    scope.teamId = t.id;
    const inst = await lockInstallation(tx, t.id, team, name);
    const { template, view: tv } = await resolveTemplate(tx, inst.template, t.id).catch((err) => {
      if (err instanceof NotFound) throw new Conflict(`template "${inst.template}" is no longer available`);
      throw err;
    });
    const to = tv.versions.indexOf(version);
    const from = tv.versions.indexOf(inst.version);
    if (to < 0) throw Invalid.field('version', `template ${tv.name} has versions ${tv.versions.join(', ')}`);
    if (version === inst.version) { scope.message = `already at ${version}`; return readView(ctx, tx, inst); }
    if (from >= 0 && to > from) throw Invalid.field('version', `${version} is older than the installed ${inst.version}; data written by a newer version may not be readable by an older one`);
    const images = template.versions[to]!.images;
    for (const app of await installationApps(tx, [inst.id])) {
      const image = app.component ? images[app.component] : undefined;
      if (!image || image === app.image) continue;
      await tx.query('UPDATE apps SET image = $2, generation = generation + 1, updated_at = now() WHERE id = $1', [app.id, image]);
      await recordRelease(tx, actorName(ctx.principal), app.id, image, releaseConfig({ ...app, healthCheckPath: app.health_check_path }),
        `upgrade ${tv.name} ${inst.version} → ${version}`);
      await enqueueReconcile(ctx, tx, app.id);
    }
    const { rows } = await tx.query<InstallationRow>(
      `UPDATE installations SET version = $2, updated_at = now() WHERE id = $1 RETURNING id, name, template, version, created_at, updated_at`, [inst.id, version]);
    scope.message = `${tv.name} ${inst.version} → ${version}`;
    return readView(ctx, tx, rows[0]!);
  });
}

/** Removes an installation's apps; their data stays unless deleteData is true. */
export async function uninstallTemplate(ctx: Ctx, team: string, name: string, opts: { deleteData?: boolean } = {}): Promise<{ installation: InstallationView; dataKept: boolean; message: string }> {
  const deleteData = opts.deleteData ?? false;
  return mutation(ctx, { action: 'template.uninstall', subject: `installation/${name}`, team }, async (tx, scope) => {
    authorize(ctx.principal, team, 'write');
    const t = await findTeam(tx, team, true);
    scope.teamId = t.id;
    const inst = await lockInstallation(tx, t.id, team, name);
    const apps = await installationApps(tx, [inst.id]);
    const before = view(ctx, inst, apps);
    await markDeleted(ctx, tx, apps, deleteData);
    await tx.query('UPDATE installations SET deleted_at = now() WHERE id = $1', [inst.id]);
    const data = dataMessage(apps, deleteData);
    scope.message = data.message;
    return { installation: before, ...data };
  });
}

const scopeField = z.enum(['team', 'platform'], { message: 'must be team or platform' }).default('team');

const publishInput = z.object({
  team: z.string(),
  name: z.string().max(40).regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, 'must be a DNS-1035 label of at most 40 characters'),
  description: z.string().min(1, 'must not be empty').max(500),
  version: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, 'must be a version such as 1.0 or 2025-01'),
  apps: z.array(v.appName).min(1, 'must name at least one app').max(20),
  scope: scopeField,
}).strict();
export type PublishInput = z.input<typeof publishInput>;

/** Turns a group of apps into one version of a template: their images, config and dependencies among them. */
function templateFromApps(apps: AppRow[], depsOf: Map<string, string[]>, name: string, description: string, version: string): { template: unknown; issues: FieldIssue[] } {
  const issues: FieldIssue[] = [];
  const names = new Set(apps.map((a) => a.name));
  for (const a of apps) {
    if (!a.image) issues.push({ field: 'apps', message: `app ${a.name} has no image yet (its first build has not succeeded)` });
    for (const d of depsOf.get(a.id) ?? []) if (!names.has(d)) issues.push({ field: 'apps', message: `app ${a.name} depends on ${d}, which is not published with it` });
  }
  // Env values never travel with a template: they may be secrets, and they are this team's. Each
  // becomes a required parameter of the same name, which whoever installs it fills in.
  const envNames = [...new Set(apps.flatMap((a) => a.env.map((e) => e.name)))].sort();
  const template = {
    name, description,
    versions: [{ version, images: Object.fromEntries(apps.map((a) => [a.name, a.image ?? ''])) }],
    parameters: envNames.map((n) => ({ name: n, type: 'string', description: `Value of ${n} (not copied from the published apps)` })),
    components: apps.map((a) => ({
      name: a.name, port: a.port, replicas: a.replicas,
      ...(a.args ? { args: a.args } : {}),
      ...(a.env.length ? { env: a.env.map((e) => ({ name: e.name, value: `\${${e.name}}` })) } : {}),
      ...(a.secrets.length ? { secrets: a.secrets } : {}),
      ...(a.volumes.length ? { volumes: a.volumes.map(({ storageClass, ...vol }) => (storageClass ? { ...vol, storageClass } : vol)) } : {}),
      ...(a.health_check_path ? { healthCheckPath: a.health_check_path } : {}),
      ...(Object.keys(a.resources).length ? { resources: a.resources } : {}),
      ...(a.exports.length ? { exports: a.exports } : {}),
      ...(depsOf.get(a.id)?.length ? { dependsOn: depsOf.get(a.id) } : {}),
      ...(a.capabilities.length ? { capabilities: a.capabilities } : {}),
    })),
  };
  return { template, issues };
}

/** Saves a checked template version in the team's catalogue (a new version of an existing one is added first). */
async function saveTemplate(ctx: Ctx, tx: Tx, team: TeamRow, candidate: unknown, scope: 'team' | 'platform'): Promise<TemplateView> {
  const checked = checkTemplate(candidate);
  if (!checked.template) throw new Invalid(checked.issues.map((i) => ({ field: `template${i.path === '/' ? '' : i.path}`, message: i.message })));
  const t = checked.template;
  const { rows } = await tx.query<{ definition: Template }>(
    'SELECT definition FROM team_templates WHERE team_id = $1 AND name = $2 FOR UPDATE', [team.id, t.name]);
  let definition = t;
  if (rows[0]) {
    const old = rows[0].definition;
    const clash = t.versions.find((x) => old.versions.some((o) => o.version === x.version));
    if (clash) throw new Conflict(`template ${team.name}/${t.name} already has version ${clash.version}; versions are immutable`);
    definition = { ...t, versions: [...t.versions, ...old.versions] };
    const again = checkTemplate(definition); // older versions must still have an image for every component
    if (!again.template) throw new Invalid(again.issues.map((i) => ({ field: `template${i.path}`, message: i.message })));
  }
  await tx.query(
    `INSERT INTO team_templates (team_id, name, scope, definition, created_by) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (team_id, name) DO UPDATE SET scope = excluded.scope, definition = excluded.definition, updated_at = now()`,
    [team.id, t.name, scope, JSON.stringify(definition), actorName(ctx.principal)]);
  return templateView(definition, team.name, scope);
}

/** Publishes a group of apps (with the dependencies among them) as a template of the team's catalogue. */
export async function publishTemplate(ctx: Ctx, raw: PublishInput): Promise<TemplateView> {
  const i = parse(publishInput, raw);
  return mutation(ctx, { action: 'template.publish', subject: `template/${i.name}`, team: i.team }, async (tx, scope) => {
    authorize(ctx.principal, i.team, 'write');
    if (i.scope === 'platform') requireAdmin(ctx.principal, 'publish a template for every team');
    const team = await findTeam(tx, i.team, true);
    scope.teamId = team.id;
    const { rows: apps } = await tx.query<AppRow>(`${APP_SELECT} WHERE a.team_id = $1 AND a.name = ANY($2) AND a.deleted_at IS NULL ORDER BY a.name`, [team.id, i.apps]);
    const missing = i.apps.filter((n) => !apps.some((a) => a.name === n));
    if (missing.length) throw Invalid.field('apps', `not found in team ${i.team}: ${missing.join(', ')}`);
    const { rows: deps } = await tx.query<{ app_id: string; name: string }>(
      `SELECT ad.app_id, d.name FROM app_dependencies ad JOIN apps d ON d.id = ad.depends_on WHERE ad.app_id = ANY($1) AND d.deleted_at IS NULL ORDER BY d.name`,
      [apps.map((a) => a.id)]);
    const depsOf = new Map<string, string[]>();
    for (const d of deps) depsOf.set(d.app_id, [...(depsOf.get(d.app_id) ?? []), d.name]);
    const { template, issues } = templateFromApps(apps, depsOf, i.name, i.description, i.version);
    if (issues.length) throw new Invalid(issues);
    const published = await saveTemplate(ctx, tx, team, template, i.scope);
    scope.message = `${published.name} ${i.version} from ${i.apps.join(', ')}`;
    return published;
  });
}

const importInput = z.object({ team: z.string(), definition: z.unknown(), scope: scopeField }).strict();

/** Adds a template written by hand (the same format as the built-ins) to the team's catalogue. */
export async function importTemplate(ctx: Ctx, raw: z.input<typeof importInput>): Promise<TemplateView> {
  const i = parse(importInput, raw);
  return mutation(ctx, { action: 'template.import', subject: 'template', team: i.team }, async (tx, scope) => {
    authorize(ctx.principal, i.team, 'write');
    if (i.scope === 'platform') requireAdmin(ctx.principal, 'import a template for every team');
    const team = await findTeam(tx, i.team, true);
    scope.teamId = team.id;
    const published = await saveTemplate(ctx, tx, team, i.definition, i.scope);
    scope.message = `${published.name} ${published.versions[0]}`;
    return published;
  });
}

