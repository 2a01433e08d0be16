import { builder } from './builder.js';
import { App, AppPayload } from './app.js';
import { addDependency, removeDependency, shareApp } from '../src/intents/dependencies.js';
import {
  getTemplate, importTemplate, installTemplate, listInstallations, listTemplates, publishTemplate, uninstallTemplate, upgradeInstallation,
  type InstallationView, type ParameterView, type TemplateView,
} from '../src/intents/market.js';

const Parameter = builder.objectRef<ParameterView>('TemplateParameter').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    type: t.exposeString('type', { description: 'string, integer or boolean' }),
    default: t.exposeString('default', { nullable: true, description: 'As text; null: the parameter is required' }),
    required: t.exposeBoolean('required'),
    allowed: t.exposeStringList('allowed', { nullable: true }),
  }),
});

const TemplateType = builder.objectRef<TemplateView>('Template').implement({
  description: 'An app-market template: one or more components installed together as apps',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'A built-in name (mysql), or team/name for a published one' }),
    description: t.exposeString('description'),
    versions: t.exposeStringList('versions', { description: 'Newest first; the first is the default' }),
    parameters: t.expose('parameters', { type: [Parameter] }),
    components: t.exposeStringList('components'),
    publishedBy: t.exposeString('publishedBy', { nullable: true, description: 'The team that published it; null for a built-in' }),
    scope: t.exposeString('scope', { description: 'builtin, team (its own team sees it) or platform (every team does)' }),
  }),
});

const Installation = builder.objectRef<InstallationView>('Installation').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    template: t.exposeString('template'),
    version: t.exposeString('version'),
    apps: t.expose('apps', { type: [App] }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const InstallationPayload = builder.objectRef<{ installation: InstallationView }>('InstallationPayload').implement({
  fields: (t) => ({
    installation: t.expose('installation', { type: Installation }),
    apps: t.field({ type: [App], resolve: (p) => p.installation.apps }),
  }),
});

const UninstallPayload = builder.objectRef<{ installation: InstallationView; dataKept: boolean; message: string }>('UninstallPayload').implement({
  fields: (t) => ({
    installation: t.expose('installation', { type: Installation }),
    dataKept: t.exposeBoolean('dataKept'),
    message: t.exposeString('message'),
  }),
});

const TemplatePayload = builder.objectRef<{ template: TemplateView }>('TemplatePayload').implement({
  fields: (t) => ({ template: t.expose('template', { type: TemplateType }) }),
});

const TemplateScope = builder.enumType('TemplateScope', { values: ['team', 'platform'] as const });

const InstallTemplateInput = builder.inputType('InstallTemplateInput', {
  fields: (t) => ({
    team: t.string({ required: true }),
    template: t.string({ required: true }),
    version: t.string({ description: 'Defaults to the newest' }),
    name: t.string({ required: true, description: 'The app name (name-component for a template of several components)' }),
    parameters: t.field({ type: 'JSON', description: 'An object of parameter values; missing ones take their defaults' }),
  }),
});

const PublishTemplateInput = builder.inputType('PublishTemplateInput', {
  fields: (t) => ({
    team: t.string({ required: true }),
    name: t.string({ required: true }),
    description: t.string({ required: true }),
    version: t.string({ required: true }),
    apps: t.stringList({ required: true, description: 'The apps to publish, with the dependencies among them' }),
    scope: t.field({ type: TemplateScope, description: 'Defaults to team' }),
  }),
});

const DependencyInput = builder.inputType('DependencyInput', {
  fields: (t) => ({
    team: t.string({ required: true }),
    app: t.string({ required: true }),
    dependsOn: t.string({ required: true }),
    dependsOnTeam: t.string({ description: 'For another team\'s app shared with this team; defaults to team' }),
  }),
});

const ShareInput = builder.inputType('ShareAppInput', {
  fields: (t) => ({ team: t.string({ required: true }), app: t.string({ required: true }), withTeam: t.string({ required: true }) }),
});

const definedOnly = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined)) as { [K in keyof T]: Exclude<T[K], null> };

builder.queryFields((t) => ({
  templates: t.field({
    type: [TemplateType],
    description: 'Built-in templates and those published to the team\'s catalogue or platform-wide',
    args: { team: t.arg.string() },
    resolve: (_, { team }, { ctx }) => listTemplates(ctx, team ?? undefined),
  }),
  template: t.field({
    type: TemplateType, nullable: true,
    args: { name: t.arg.string({ required: true }), team: t.arg.string() },
    resolve: (_, { name, team }, { ctx }) => getTemplate(ctx, name, team ?? undefined),
  }),
  installations: t.field({
    type: [Installation],
    args: { team: t.arg.string({ required: true }) },
    resolve: (_, { team }, { ctx }) => listInstallations(ctx, team),
  }),
}));

builder.mutationFields((t) => ({
  installTemplate: t.field({
    type: InstallationPayload,
    description: 'Creates every component as an app, with its dependencies, in one transaction',
    args: { input: t.arg({ type: InstallTemplateInput, required: true }) },
    resolve: async (_, { input }, { ctx }) => ({ installation: await installTemplate(ctx, definedOnly(input) as Parameters<typeof installTemplate>[1]) }),
  }),
  upgradeInstallation: t.field({
    type: InstallationPayload,
    args: { team: t.arg.string({ required: true }), name: t.arg.string({ required: true }), version: t.arg.string({ required: true }) },
    resolve: async (_, { team, name, version }, { ctx }) => ({ installation: await upgradeInstallation(ctx, team, name, version) }),
  }),
  uninstallTemplate: t.field({
    type: UninstallPayload,
    description: 'Deletes the installation\'s apps; their volumes and generated secrets are kept unless deleteData is true',
    args: { team: t.arg.string({ required: true }), name: t.arg.string({ required: true }), deleteData: t.arg.boolean({ defaultValue: false }) },
    resolve: (_, { team, name, deleteData }, { ctx }) => uninstallTemplate(ctx, team, name, { deleteData: deleteData ?? false }),
  }),
  publishTemplate: t.field({
    type: TemplatePayload,
    description: 'Publishes apps (and the dependencies among them) as a version of a template in the team\'s catalogue',
    args: { input: t.arg({ type: PublishTemplateInput, required: true }) },
    resolve: async (_, { input }, { ctx }) => ({ template: await publishTemplate(ctx, definedOnly(input)) }),
  }),
  importTemplate: t.field({
    type: TemplatePayload,
    description: 'Adds a template written in the built-in format to the team\'s catalogue',
    args: { team: t.arg.string({ required: true }), definition: t.arg({ type: 'JSON', required: true }), scope: t.arg({ type: TemplateScope }) },
    resolve: async (_, { team, definition, scope }, { ctx }) => ({ template: await importTemplate(ctx, { team, definition, scope: scope ?? undefined }) }),
  }),
  addDependency: t.field({
    type: AppPayload,
    description: 'The app gets the dependency\'s connection info as env vars and a network path to its port',
    args: { input: t.arg({ type: DependencyInput, required: true }) },
    resolve: async (_, { input }, { ctx }) => ({ app: await addDependency(ctx, definedOnly(input)) }),
  }),
  removeDependency: t.field({
    type: AppPayload,
    args: { input: t.arg({ type: DependencyInput, required: true }) },
    resolve: async (_, { input }, { ctx }) => ({ app: await removeDependency(ctx, definedOnly(input)) }),
  }),
  shareApp: t.field({
    type: AppPayload,
    description: 'Lets another team depend on this app',
    args: { input: t.arg({ type: ShareInput, required: true }) },
    resolve: async (_, { input }, { ctx }) => ({ app: await shareApp(ctx, input, true) }),
  }),
  unshareApp: t.field({
    type: AppPayload,
    args: { input: t.arg({ type: ShareInput, required: true }) },
    resolve: async (_, { input }, { ctx }) => ({ app: await shareApp(ctx, input, false) }),
  }),
}));
