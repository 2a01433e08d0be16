import { builder } from './builder.js';
import { BuildModeEnum } from './app.js';
import { cancelBuild, followBuildLogs, getBuild, listBuilds, triggerBuild, type LogLine } from '../src/intents/builds.js';
import { appLogs, followLogs, type AppLogLine } from '../src/intents/logs.js';
import { detectSource } from '../src/intents/detect-source.js';
import type { BuildPlan as Plan } from '../src/build/plan.js';
import type { BuildView } from '../src/model.js';

const BuildPlan = builder.objectRef<Plan>('BuildPlan').implement({
  description: 'What detection decided: how Yunbang builds and starts the code',
  fields: (t) => ({
    language: t.exposeString('language'),
    version: t.exposeString('version', { nullable: true }),
    versionSource: t.exposeString('versionSource', { nullable: true, description: 'The file (and field) the version came from, or "default"' }),
    packageManager: t.exposeString('packageManager', { nullable: true }),
    framework: t.exposeString('framework', { nullable: true }),
    buildCommand: t.exposeString('buildCommand', { nullable: true }),
    startCommand: t.exposeString('startCommand', { nullable: true }),
    staticDir: t.exposeString('staticDir', { nullable: true }),
    port: t.exposeInt('port', { description: 'The port the app gets as $PORT by convention' }),
    evidence: t.exposeStringList('evidence', { description: 'The files that decided' }),
    dockerfile: t.exposeString('dockerfile', { nullable: true }),
  }),
});

const Build = builder.objectRef<BuildView>('Build').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    team: t.exposeString('team'),
    app: t.exposeString('app'),
    number: t.exposeInt('number'),
    status: t.exposeString('status', { description: 'queued, detecting, building, succeeded, failed, cancelled or superseded' }),
    ref: t.exposeString('ref'),
    commit: t.exposeString('commit', { nullable: true }),
    author: t.exposeString('author', { nullable: true }),
    message: t.exposeString('message', { nullable: true }),
    plan: t.expose('plan', { type: BuildPlan, nullable: true }),
    image: t.exposeString('image', { nullable: true }),
    imageDigest: t.exposeString('imageDigest', { nullable: true }),
    failureReason: t.exposeString('failureReason', { nullable: true }),
    trigger: t.exposeString('trigger', { description: 'create, manual or webhook' }),
    createdBy: t.exposeString('createdBy'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
  }),
});

const LogLineType = builder.objectRef<LogLine>('LogLine').implement({
  fields: (t) => ({ seq: t.exposeInt('seq'), line: t.exposeString('line'), at: t.expose('at', { type: 'DateTime' }) }),
});

const AppLogLineType = builder.objectRef<AppLogLine>('AppLogLine').implement({
  fields: (t) => ({ pod: t.exposeString('pod'), line: t.exposeString('line') }),
});

builder.subscriptionFields((t) => ({
  appLogLines: t.field({
    type: AppLogLineType,
    description: 'Every running replica\'s log, following: the last `tail` lines of each (default 100), then each line as it is printed; replicas that start later from their first line (server-sent events)',
    args: { team: t.arg.string({ required: true }), app: t.arg.string({ required: true }), tail: t.arg.int({ description: 'Lines per replica to start with; default 100' }) },
    subscribe: (_, { team, app, tail }, { ctx, signal }) => followLogs(ctx, team, app, tail ?? 100, signal),
    resolve: (l) => l,
  }),
  buildLogs: t.field({
    type: LogLineType,
    description: 'Every line of the build\'s log so far, then new ones, until the build ends',
    args: { buildId: t.arg.id({ required: true }) },
    subscribe: (_, { buildId }, { ctx, signal }) => followBuildLogs(ctx, String(buildId), signal),
    resolve: (line) => line,
  }),
}));

const BuildPayload = builder.objectRef<{ build: BuildView }>('BuildPayload').implement({
  fields: (t) => ({ build: t.expose('build', { type: Build }) }),
});

builder.queryFields((t) => ({
  builds: t.field({
    type: [Build], description: 'Newest first',
    args: { team: t.arg.string({ required: true }), app: t.arg.string({ required: true }), limit: t.arg.int() },
    resolve: (_, { team, app, limit }, { ctx }) => listBuilds(ctx, team, app, limit ?? undefined),
  }),
  build: t.field({
    type: Build, nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_, { id }, { ctx }) => getBuild(ctx, String(id)),
  }),
  appLogs: t.field({
    type: [AppLogLineType],
    description: 'The last lines of every running replica, read through the API server',
    args: { team: t.arg.string({ required: true }), app: t.arg.string({ required: true }), tail: t.arg.int({ description: 'Lines per replica; default 100' }) },
    resolve: (_, { team, app, tail }, { ctx }) => appLogs(ctx, team, app, tail ?? undefined),
  }),
  detectSource: t.field({
    type: BuildPlan,
    description: 'Previews what Yunbang would build from a public repository (https), without recording anything; a developer of the team, a few a minute',
    args: { team: t.arg.string({ required: true }), url: t.arg.string({ required: true }), ref: t.arg.string(), subdir: t.arg.string(), buildMode: t.arg({ type: BuildModeEnum }) },
    resolve: (_, a, { ctx }) => detectSource(ctx, { team: a.team, url: a.url, ref: a.ref ?? undefined, subdir: a.subdir ?? null, buildMode: a.buildMode ?? undefined }),
  }),
}));

builder.mutationFields((t) => ({
  triggerBuild: t.field({
    type: BuildPayload,
    args: { team: t.arg.string({ required: true }), app: t.arg.string({ required: true }), ref: t.arg.string({ description: 'Defaults to the app\'s branch' }) },
    resolve: async (_, { team, app, ref }, { ctx }) => ({ build: await triggerBuild(ctx, team, app, ref) }),
  }),
  cancelBuild: t.field({
    type: BuildPayload,
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_, { id }, { ctx }) => ({ build: await cancelBuild(ctx, String(id)) }),
  }),
}));
