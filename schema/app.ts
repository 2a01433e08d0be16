import { builder, withoutNulls } from './builder.js';
import { createApp, getApp, listApps, rotateWebhookSecret, setLifecycle, updateApp, watchAppStatus } from '../src/intents/apps.js';
import { deleteApp, type DeletedAppView } from '../src/intents/delete-app.js';
import { listReleases, rollbackApp } from '../src/intents/releases.js';
import type { AppRefView, AppStatusView, AppView, ConnectionInfoView, EnvConflictView, EnvVar, GitSource, ReleaseConfig, ReleaseView, VolumeView } from '../src/model.js';
import type { Resources as ResourcesValue } from '../src/validation.js';
import { Invalid } from '../src/errors.js';

type ResourceListValue = NonNullable<ResourcesValue['limits']>;

const EnvVarType = builder.objectRef<EnvVar>('EnvVar').implement({
  fields: (t) => ({ name: t.exposeString('name'), value: t.exposeString('value') }),
});

const ResourceList = builder.objectRef<ResourceListValue>('ResourceList').implement({
  description: 'Kubernetes quantities, e.g. cpu "250m", memory "256Mi"',
  fields: (t) => ({
    cpu: t.exposeString('cpu', { nullable: true }),
    memory: t.exposeString('memory', { nullable: true }),
  }),
});

const Resources = builder.objectRef<ResourcesValue>('Resources').implement({
  fields: (t) => ({
    requests: t.expose('requests', { type: ResourceList, nullable: true }),
    limits: t.expose('limits', { type: ResourceList, nullable: true }),
  }),
});

const AppStatus = builder.objectRef<AppStatusView>('AppStatus').implement({
  description: 'What the reconciler last observed in the cluster',
  fields: (t) => ({
    health: t.exposeString('health', { description: 'Ready, Progressing, Degraded, Failed, Missing, or Unknown (its cluster cannot be reached)' }),
    reason: t.exposeString('reason'),
    message: t.exposeString('message'),
    readyReplicas: t.exposeInt('readyReplicas'),
    desiredReplicas: t.exposeInt('desiredReplicas'),
    observedGeneration: t.exposeInt('observedGeneration'),
    endpoints: t.exposeStringList('endpoints'),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

export const BuildModeEnum = builder.enumType('BuildMode', {
  description: 'AUTO: the repository\'s Dockerfile if it has one, else detection; DOCKERFILE: its Dockerfile; SOURCE: detection',
  values: ['AUTO', 'DOCKERFILE', 'SOURCE'] as const,
});

const GitSourceType = builder.objectRef<GitSource>('GitSource').implement({
  fields: (t) => ({
    url: t.exposeString('url'), branch: t.exposeString('branch'), subdir: t.exposeString('subdir', { nullable: true }),
    hasCredentials: t.exposeBoolean('hasCredentials', { description: 'Credentials are stored for this repository (they are never shown)' }),
    knownHosts: t.exposeString('knownHosts', { nullable: true, description: 'SSH host keys this app trusts besides the platform\'s (known_hosts lines)' }),
    trustOnFirstUse: t.exposeBoolean('trustOnFirstUse', { description: 'The host key is trusted on the first clone, then pinned' }),
    learnedHostKeys: t.exposeString('learnedHostKeys', { nullable: true, description: 'The key pinned on the first clone (trust on first use)' }),
  }),
});

const AccessModeEnum = builder.enumType('AccessMode', { values: ['ReadWriteOnce', 'ReadWriteMany', 'ReadOnlyMany'] as const });

export const VolumeType = builder.objectRef<VolumeView>('Volume').implement({
  fields: (t) => ({
    name: t.exposeString('name'), mountPath: t.exposeString('mountPath'), size: t.exposeString('size'),
    accessMode: t.expose('accessMode', { type: AccessModeEnum }), storageClass: t.exposeString('storageClass', { nullable: true }),
  }),
});
export const AppRefType = builder.objectRef<AppRefView>('AppRef').implement({
  fields: (t) => ({ team: t.exposeString('team'), app: t.exposeString('app') }),
});
const ConnectionInfoType = builder.objectRef<ConnectionInfoView>('ConnectionInfo').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    value: t.exposeString('value', { nullable: true, description: 'null for a secret: dependents get it by reference to a Kubernetes Secret' }),
    secret: t.exposeBoolean('secret'),
  }),
});
const EnvConflictType = builder.objectRef<EnvConflictView>('EnvConflict').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    from: t.exposeStringList('from', { description: 'team/app of each dependency that exports it' }),
    usedFrom: t.exposeString('usedFrom', { description: 'The source whose value the app gets: a dependency, or "own env"' }),
  }),
});

export const App = builder.objectRef<AppView>('App').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    team: t.exposeString('team'),
    image: t.exposeString('image', { nullable: true, description: 'What runs now; null until a git app\'s first build succeeds' }),
    git: t.expose('git', { type: GitSourceType, nullable: true }),
    buildMode: t.expose('buildMode', { type: BuildModeEnum, nullable: true }),
    dockerfilePath: t.exposeString('dockerfilePath', { nullable: true }),
    webhookUrl: t.exposeString('webhookUrl', { nullable: true, description: 'For GitHub, GitLab, Gitea or a generic HMAC sender' }),
    port: t.exposeInt('port'),
    replicas: t.exposeInt('replicas', { description: 'Replicas when running; a stopped app runs none' }),
    env: t.expose('env', { type: [EnvVarType] }),
    domains: t.exposeStringList('domains', { description: 'Custom domains (not under the platform\'s apps domain, which is reserved for default domains)' }),
    defaultDomain: t.exposeString('defaultDomain', { nullable: true, description: '<app>-<team>.<apps domain>, served by the gateway; null for backing services, which only their dependents reach' }),
    url: t.exposeString('url', { nullable: true, description: 'Where end users reach the app: its default domain\'s URL, or its first custom domain\'s' }),
    resources: t.expose('resources', { type: Resources }),
    capabilities: t.exposeStringList('capabilities', { description: 'Linux capabilities the image needs; every other one is dropped' }),
    healthCheckPath: t.exposeString('healthCheckPath', { nullable: true, description: 'HTTP path probed for readiness and liveness; null probes the TCP port' }),
    tls: t.exposeBoolean('tls', { description: 'Every host of the app (default and custom domains) is served over HTTPS; plain HTTP redirects' }),
    running: t.exposeBoolean('running'),
    generation: t.exposeInt('generation'),
    currentRelease: t.exposeInt('currentRelease', { nullable: true }),
    imageServedBy: t.exposeString('imageServedBy', { nullable: true, description: 'What really serves the image where the app runs, when its cluster\'s node serves a local stand-in (the local stack); null where the image itself runs' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    status: t.expose('status', { type: AppStatus }),
    volumes: t.expose('volumes', { type: [VolumeType] }),
    dependencies: t.expose('dependencies', { type: [AppRefType], description: 'Their connection info reaches this app as env vars' }),
    sharedWith: t.exposeStringList('sharedWith', { description: 'Other teams that may depend on it (shareApp)' }),
    connectionInfo: t.expose('connectionInfo', { type: [ConnectionInfoType], description: 'What the app gives the apps that depend on it' }),
    envConflicts: t.expose('envConflicts', { type: [EnvConflictType], description: 'Env names given by more than one source' }),
    installation: t.exposeString('installation', { nullable: true, description: 'The template installation it belongs to' }),
    cluster: t.exposeString('cluster', { description: 'The cluster it runs in' }),
    movingTo: t.exposeString('movingTo', { nullable: true, description: 'The cluster it is moving to; it serves from `cluster` until Ready there' }),
    moveError: t.exposeString('moveError', { nullable: true, description: 'Why its last move failed (it kept serving where it was)' }),
  }),
});

const ReleaseConfigType = builder.objectRef<ReleaseConfig>('ReleaseConfig').implement({
  fields: (t) => ({
    port: t.exposeInt('port'),
    env: t.expose('env', { type: [EnvVarType] }),
    resources: t.expose('resources', { type: Resources }),
    healthCheckPath: t.string({ nullable: true, resolve: (c) => c.healthCheckPath ?? null }),
  }),
});

const Release = builder.objectRef<ReleaseView>('Release').implement({
  description: 'An immutable record of what ran: image and runtime config',
  fields: (t) => ({
    number: t.exposeInt('number'),
    image: t.exposeString('image'),
    config: t.expose('config', { type: ReleaseConfigType }),
    description: t.exposeString('description'),
    buildId: t.exposeID('buildId', { nullable: true, description: 'The build that made the image' }),
    rollbackOf: t.exposeInt('rollbackOf', { nullable: true }),
    createdBy: t.exposeString('createdBy'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

export const AppPayload = builder.objectRef<{ app: AppView }>('AppPayload').implement({
  fields: (t) => ({ app: t.expose('app', { type: App }) }),
});

const DeleteAppPayload = builder.objectRef<DeletedAppView>('DeleteAppPayload').implement({
  fields: (t) => ({
    app: t.expose('app', { type: App }),
    dataKept: t.exposeBoolean('dataKept', { description: 'Its volume claims and generated secrets stay' }),
    message: t.exposeString('message'),
  }),
});

const EnvVarInput = builder.inputType('EnvVarInput', {
  fields: (t) => ({ name: t.string({ required: true }), value: t.string({ required: true }) }),
});
const ResourceListInput = builder.inputType('ResourceListInput', {
  fields: (t) => ({ cpu: t.string(), memory: t.string() }),
});
const ResourcesInput = builder.inputType('ResourcesInput', {
  fields: (t) => ({ requests: t.field({ type: ResourceListInput }), limits: t.field({ type: ResourceListInput }) }),
});

const GitInput = builder.inputType('GitInput', {
  fields: (t) => ({
    url: t.string({ required: true }),
    branch: t.string({ description: 'Defaults to main' }),
    subdir: t.string({ description: 'For monorepos: the app\'s directory' }),
    knownHosts: t.string({ description: 'SSH host keys to trust besides the platform\'s, as ssh-keyscan prints them (ssh URLs)' }),
    trustOnFirstUse: t.boolean({ description: 'Trust the SSH host key on the first clone and pin it (ssh URLs); default false: an unknown key fails the build' }),
  }),
});

const GitCredentialsInput = builder.inputType('GitCredentialsInput', {
  description: 'For a private repository: exactly one of token (HTTPS) or sshPrivateKey (a deploy key). Never shown again.',
  fields: (t) => ({
    username: t.string({ description: 'With token; defaults to git' }),
    token: t.string(),
    sshPrivateKey: t.string(),
  }),
});

const VolumeInput = builder.inputType('VolumeInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    mountPath: t.string({ required: true }),
    size: t.string({ required: true, description: 'A quantity such as 1Gi' }),
    accessMode: t.field({ type: AccessModeEnum, description: 'Defaults to ReadWriteOnce' }),
    storageClass: t.string({ description: "Default: the cluster's default StorageClass" }),
  }),
});

const CreateAppInput = builder.inputType('CreateAppInput', {
  description: 'Give exactly one of image or git',
  fields: (t) => ({
    team: t.string({ required: true }),
    name: t.string({ required: true }),
    image: t.string(),
    git: t.field({ type: GitInput }),
    gitCredentials: t.field({ type: GitCredentialsInput }),
    buildMode: t.field({ type: BuildModeEnum, description: 'Defaults to AUTO' }),
    dockerfilePath: t.string({ description: 'Defaults to Dockerfile' }),
    port: t.int({ description: 'Defaults to 8080' }),
    replicas: t.int({ description: 'Defaults to 1' }),
    env: t.field({ type: [EnvVarInput] }),
    domains: t.stringList(),
    resources: t.field({ type: ResourcesInput }),
    capabilities: t.stringList({ description: 'Linux capabilities the image needs (those the baseline Pod Security Standard allows); every other one is dropped' }),
    healthCheckPath: t.string({ description: 'HTTP path to probe, e.g. /healthz; default: the TCP port' }),
    tls: t.boolean({ description: 'Defaults to false' }),
    volumes: t.field({ type: [VolumeInput], description: 'Persistent volumes (the app runs as a StatefulSet); set at creation only' }),
    cluster: t.string({ description: "The cluster to run it in, one its team is allowed in; absent: the team's default" }),
  }),
});

const UpdateAppInput = builder.inputType('UpdateAppInput', {
  description: 'Fields left out (or null) keep their value; lists given replace the old ones',
  fields: (t) => ({
    team: t.string({ required: true }),
    name: t.string({ required: true }),
    image: t.string({ description: 'Turns a git app into an image app' }),
    git: t.field({ type: GitInput, description: 'Turns an image app into a git app' }),
    gitCredentials: t.field({ type: GitCredentialsInput, description: 'Replaces the stored credentials' }),
    clearGitCredentials: t.boolean({ description: 'true removes the stored credentials' }),
    buildMode: t.field({ type: BuildModeEnum }),
    dockerfilePath: t.string(),
    port: t.int(),
    replicas: t.int(),
    env: t.field({ type: [EnvVarInput] }),
    domains: t.stringList(),
    resources: t.field({ type: ResourcesInput }),
    capabilities: t.stringList({ description: 'Linux capabilities the image needs (those the baseline Pod Security Standard allows); every other one is dropped' }),
    healthCheckPath: t.string({ description: '"" goes back to probing the TCP port' }),
    tls: t.boolean(),
  }),
});

builder.queryFields((t) => ({
  app: t.field({
    type: App, nullable: true,
    args: { team: t.arg.string({ required: true }), name: t.arg.string({ required: true }) },
    resolve: (_, { team, name }, { ctx }) => getApp(ctx, team, name),
  }),
  apps: t.field({
    type: [App],
    args: { team: t.arg.string({ required: true }) },
    resolve: (_, { team }, { ctx }) => listApps(ctx, team),
  }),
  releases: t.field({
    type: [Release],
    description: 'Newest first',
    args: { team: t.arg.string({ required: true }), app: t.arg.string({ required: true }) },
    resolve: (_, { team, app }, { ctx }) => listReleases(ctx, team, app),
  }),
}));

const appArgs = (t: Parameters<Parameters<typeof builder.mutationFields>[0]>[0]) => ({
  team: t.arg.string({ required: true }),
  name: t.arg.string({ required: true }),
});

builder.mutationFields((t) => ({
  createApp: t.field({
    type: AppPayload,
    args: { input: t.arg({ type: CreateAppInput, required: true }) },
    resolve: async (_, { input }, { ctx }) => ({ app: await createApp(ctx, withoutNulls(input)) }),
  }),
  updateApp: t.field({
    type: AppPayload,
    args: { input: t.arg({ type: UpdateAppInput, required: true }) },
    resolve: async (_, { input }, { ctx }) => {
      const { clearGitCredentials, ...rest } = withoutNulls(input);
      if (clearGitCredentials && rest.gitCredentials) throw Invalid.field('clearGitCredentials', 'give either gitCredentials or clearGitCredentials, not both');
      return { app: await updateApp(ctx, clearGitCredentials ? { ...rest, gitCredentials: null } : rest) };
    },
  }),
  deleteApp: t.field({
    type: DeleteAppPayload,
    description: 'Its volumes and generated secrets are kept unless deleteData is true; the payload says which',
    args: { ...appArgs(t), deleteData: t.arg.boolean({ defaultValue: false }) },
    resolve: (_, { team, name, deleteData }, { ctx }) => deleteApp(ctx, team, name, { deleteData: deleteData ?? false }),
  }),
  startApp: t.field({
    type: AppPayload,
    args: appArgs(t),
    resolve: async (_, { team, name }, { ctx }) => ({ app: await setLifecycle(ctx, 'start', team, name) }),
  }),
  stopApp: t.field({
    type: AppPayload,
    description: 'Keeps the app and its config but runs zero replicas',
    args: appArgs(t),
    resolve: async (_, { team, name }, { ctx }) => ({ app: await setLifecycle(ctx, 'stop', team, name) }),
  }),
  rollbackApp: t.field({
    type: AppPayload,
    description: 'Records a new release with the image and config of the given one, and runs it',
    args: { team: t.arg.string({ required: true }), app: t.arg.string({ required: true }), release: t.arg.int({ required: true }) },
    resolve: async (_, { team, app, release }, { ctx }) => ({ app: await rollbackApp(ctx, team, app, release) }),
  }),
  rotateWebhookSecret: t.field({
    type: builder.objectRef<{ secret: string; webhookUrl: string }>('WebhookSecretPayload').implement({
      fields: (f) => ({
        secret: f.exposeString('secret', { description: 'Shown only here: configure it in the git host now' }),
        webhookUrl: f.exposeString('webhookUrl'),
      }),
    }),
    args: { team: t.arg.string({ required: true }), app: t.arg.string({ required: true }) },
    resolve: (_, { team, app }, { ctx }) => rotateWebhookSecret(ctx, team, app),
  }),
  restartApp: t.field({
    type: AppPayload,
    description: 'Rolls every pod of a running app',
    args: appArgs(t),
    resolve: async (_, { team, name }, { ctx }) => ({ app: await setLifecycle(ctx, 'restart', team, name) }),
  }),
}));

builder.subscriptionFields((t) => ({
  appStatus: t.field({
    type: AppStatus,
    description: 'The app\'s status now, then every change, until the client disconnects (server-sent events)',
    args: { team: t.arg.string({ required: true }), app: t.arg.string({ required: true }) },
    subscribe: (_, { team, app }, { ctx, signal }) => watchAppStatus(ctx, team, app, signal),
    resolve: (status) => status,
  }),
}));
