/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type AccessMode =
  | 'ReadOnlyMany'
  | 'ReadWriteMany'
  | 'ReadWriteOnce';

export type AutoscalingInput = {
  /** Target CPU use, percent of the CPU requested */
  cpuPercent?: number | null | undefined;
  max: number;
  /** Target memory use, percent of the memory requested */
  memoryPercent?: number | null | undefined;
  min: number;
  /** Target 95th-percentile response time in milliseconds, measured by the gateways */
  p95Ms?: number | null | undefined;
  /** Target requests a second per replica, counted by the gateways (at most three decimals) */
  requestsPerReplica?: number | null | undefined;
  /** Beta: put the app to sleep (no replicas) after this many minutes (1–1440) without a request; the gateway holds the next request and wakes it */
  scaleToZeroAfterMinutes?: number | null | undefined;
};

/** AUTO: the repository's Dockerfile if it has one, else detection; DOCKERFILE: its Dockerfile; SOURCE: detection */
export type BuildMode =
  | 'AUTO'
  | 'DOCKERFILE'
  | 'SOURCE';

/** What the last probe saw: Reachable; Degraded (answers, but cannot run pods: no nodes); Unreachable (see lastError); Unknown (not probed yet) */
export type ClusterHealth =
  | 'Degraded'
  | 'Reachable'
  | 'Unknown'
  | 'Unreachable';

export type CreateApiTokenInput = {
  name: string;
  /** owner, developer or viewer */
  role: string;
  team: string;
};

/** Give exactly one of image or git */
export type CreateAppInput = {
  /** Defaults to AUTO */
  buildMode?: BuildMode | null | undefined;
  /** Linux capabilities the image needs (those the baseline Pod Security Standard allows); every other one is dropped */
  capabilities?: Array<string> | null | undefined;
  /** The cluster to run it in, one its team is allowed in; absent: the team's default */
  cluster?: string | null | undefined;
  /** Defaults to Dockerfile */
  dockerfilePath?: string | null | undefined;
  domains?: Array<string> | null | undefined;
  env?: Array<EnvVarInput> | null | undefined;
  git?: GitInput | null | undefined;
  gitCredentials?: GitCredentialsInput | null | undefined;
  /** HTTP path to probe, e.g. /healthz; default: the TCP port */
  healthCheckPath?: string | null | undefined;
  image?: string | null | undefined;
  name: string;
  /** Defaults to 8080 */
  port?: number | null | undefined;
  /** Defaults to 1 */
  replicas?: number | null | undefined;
  resources?: ResourcesInput | null | undefined;
  team: string;
  /** Defaults to false */
  tls?: boolean | null | undefined;
  /** Persistent volumes (the app runs as a StatefulSet); set at creation only */
  volumes?: Array<VolumeInput> | null | undefined;
};

export type DependencyInput = {
  app: string;
  dependsOn: string;
  /** For another team's app shared with this team; defaults to team */
  dependsOnTeam?: string | null | undefined;
  team: string;
};

export type EnvVarInput = {
  name: string;
  value: string;
};

/** For a private repository: exactly one of token (HTTPS) or sshPrivateKey (a deploy key). Never shown again. */
export type GitCredentialsInput = {
  sshPrivateKey?: string | null | undefined;
  token?: string | null | undefined;
  /** With token; defaults to git */
  username?: string | null | undefined;
};

export type GitInput = {
  /** Defaults to main */
  branch?: string | null | undefined;
  /** SSH host keys to trust besides the platform's, as ssh-keyscan prints them (ssh URLs) */
  knownHosts?: string | null | undefined;
  /** For monorepos: the app's directory */
  subdir?: string | null | undefined;
  /** Trust the SSH host key on the first clone and pin it (ssh URLs); default false: an unknown key fails the build */
  trustOnFirstUse?: boolean | null | undefined;
  url: string;
};

export type InstallTemplateInput = {
  /** The app name (name-component for a template of several components) */
  name: string;
  /** An object of parameter values; missing ones take their defaults */
  parameters?: unknown;
  team: string;
  template: string;
  /** Defaults to the newest */
  version?: string | null | undefined;
};

export type LogRetentionInput = {
  /** 1 to 30 */
  days: number;
  /** 1 to 102400 */
  megabytes: number;
};

export type MoveAppInput = {
  app: string;
  cluster: string;
  team: string;
};

/** The Pod Security Standard a team namespace enforces: baseline (the default), or restricted (non-root pods, no builds from git) */
export type PodSecurity =
  | 'baseline'
  | 'restricted';

export type PublishTemplateInput = {
  /** The apps to publish, with the dependencies among them */
  apps: Array<string>;
  description: string;
  name: string;
  /** Defaults to team */
  scope?: TemplateScope | null | undefined;
  team: string;
  version: string;
};

export type ResourceListInput = {
  cpu?: string | null | undefined;
  memory?: string | null | undefined;
};

export type ResourcesInput = {
  limits?: ResourceListInput | null | undefined;
  requests?: ResourceListInput | null | undefined;
};

export type ShareAppInput = {
  app: string;
  team: string;
  withTeam: string;
};

export type TeamQuotaInput = {
  builds: number;
  cpu: string;
  memory: string;
  pods: number;
  storage?: string | null | undefined;
};

export type TemplateScope =
  | 'platform'
  | 'team';

/** Fields left out (or null) keep their value; lists given replace the old ones */
export type UpdateAppInput = {
  buildMode?: BuildMode | null | undefined;
  /** Linux capabilities the image needs (those the baseline Pod Security Standard allows); every other one is dropped */
  capabilities?: Array<string> | null | undefined;
  /** true removes the stored credentials */
  clearGitCredentials?: boolean | null | undefined;
  dockerfilePath?: string | null | undefined;
  domains?: Array<string> | null | undefined;
  env?: Array<EnvVarInput> | null | undefined;
  /** Turns an image app into a git app */
  git?: GitInput | null | undefined;
  /** Replaces the stored credentials */
  gitCredentials?: GitCredentialsInput | null | undefined;
  /** "" goes back to probing the TCP port */
  healthCheckPath?: string | null | undefined;
  /** Turns a git app into an image app */
  image?: string | null | undefined;
  name: string;
  port?: number | null | undefined;
  replicas?: number | null | undefined;
  resources?: ResourcesInput | null | undefined;
  team: string;
  tls?: boolean | null | undefined;
};

export type UpdateTeamInput = {
  /** How long its log lines are kept; an explicit null returns to the platform's default */
  logRetention?: LogRetentionInput | null | undefined;
  name: string;
  podSecurity?: PodSecurity | null | undefined;
  /** The team's plan; an explicit null returns it to the platform's default */
  quota?: TeamQuotaInput | null | undefined;
};

export type VolumeInput = {
  /** Defaults to ReadWriteOnce */
  accessMode?: AccessMode | null | undefined;
  mountPath: string;
  name: string;
  /** A quantity such as 1Gi */
  size: string;
  /** Default: the cluster's default StorageClass */
  storageClass?: string | null | undefined;
};

export type AppSummaryFragment = { name: string, team: string, image: string | null, imageServedBy: string | null, running: boolean, replicas: number, defaultDomain: string | null, url: string | null, updatedAt: string, currentRelease: number | null, generation: number, installation: string | null, cluster: string, git: { url: string, branch: string } | null, status: { health: string, reason: string, message: string, readyReplicas: number, desiredReplicas: number, updatedAt: string } };

export type AppDetailFragment = { port: number, domains: Array<string>, tls: boolean, healthCheckPath: string | null, capabilities: Array<string>, buildMode: BuildMode | null, dockerfilePath: string | null, webhookUrl: string | null, sharedWith: Array<string>, movingTo: string | null, moveError: string | null, name: string, team: string, image: string | null, imageServedBy: string | null, running: boolean, replicas: number, defaultDomain: string | null, url: string | null, updatedAt: string, currentRelease: number | null, generation: number, installation: string | null, cluster: string, env: Array<{ name: string, value: string }>, resources: { requests: { cpu: string | null, memory: string | null } | null, limits: { cpu: string | null, memory: string | null } | null }, git: { url: string, branch: string, subdir: string | null, hasCredentials: boolean } | null, dependencies: Array<{ team: string, app: string }>, connectionInfo: Array<{ name: string, value: string | null, secret: boolean }>, envConflicts: Array<{ name: string, from: Array<string> }>, status: { endpoints: Array<string>, observedGeneration: number, health: string, reason: string, message: string, readyReplicas: number, desiredReplicas: number, updatedAt: string }, autoscaling: { min: number, max: number, cpuPercent: number | null, memoryPercent: number | null, requestsPerReplica: number | null, p95Ms: number | null, scaleToZeroAfterMinutes: number | null, status: { currentReplicas: number, desiredReplicas: number, working: boolean, reason: string, message: string } | null } | null };

export type TeamAppsSubscriptionVariables = Exact<{
  team: string;
}>;


export type TeamAppsSubscription = { teamApps: { snapshot: boolean, removed: Array<string>, apps: Array<{ name: string, team: string, image: string | null, imageServedBy: string | null, running: boolean, replicas: number, defaultDomain: string | null, url: string | null, updatedAt: string, currentRelease: number | null, generation: number, installation: string | null, cluster: string, git: { url: string, branch: string } | null, status: { health: string, reason: string, message: string, readyReplicas: number, desiredReplicas: number, updatedAt: string } }> } };

export type AppQueryVariables = Exact<{
  team: string;
  name: string;
}>;


export type AppQuery = { app: { port: number, domains: Array<string>, tls: boolean, healthCheckPath: string | null, capabilities: Array<string>, buildMode: BuildMode | null, dockerfilePath: string | null, webhookUrl: string | null, sharedWith: Array<string>, movingTo: string | null, moveError: string | null, name: string, team: string, image: string | null, imageServedBy: string | null, running: boolean, replicas: number, defaultDomain: string | null, url: string | null, updatedAt: string, currentRelease: number | null, generation: number, installation: string | null, cluster: string, env: Array<{ name: string, value: string }>, resources: { requests: { cpu: string | null, memory: string | null } | null, limits: { cpu: string | null, memory: string | null } | null }, git: { url: string, branch: string, subdir: string | null, hasCredentials: boolean } | null, dependencies: Array<{ team: string, app: string }>, connectionInfo: Array<{ name: string, value: string | null, secret: boolean }>, envConflicts: Array<{ name: string, from: Array<string> }>, status: { endpoints: Array<string>, observedGeneration: number, health: string, reason: string, message: string, readyReplicas: number, desiredReplicas: number, updatedAt: string }, autoscaling: { min: number, max: number, cpuPercent: number | null, memoryPercent: number | null, requestsPerReplica: number | null, p95Ms: number | null, scaleToZeroAfterMinutes: number | null, status: { currentReplicas: number, desiredReplicas: number, working: boolean, reason: string, message: string } | null } | null } | null };

export type AppStatusSubscriptionVariables = Exact<{
  team: string;
  app: string;
}>;


export type AppStatusSubscription = { appStatus: { health: string, reason: string, message: string, readyReplicas: number, desiredReplicas: number, endpoints: Array<string>, updatedAt: string, observedGeneration: number } };

export type AppNamesQueryVariables = Exact<{
  team: string;
}>;


export type AppNamesQuery = { apps: Array<{ name: string }> };

export type CreateAppMutationVariables = Exact<{
  input: CreateAppInput;
}>;


export type CreateAppMutation = { createApp: { app: { name: string } } };

export type UpdateAppMutationVariables = Exact<{
  input: UpdateAppInput;
}>;


export type UpdateAppMutation = { updateApp: { app: { port: number, domains: Array<string>, tls: boolean, healthCheckPath: string | null, capabilities: Array<string>, buildMode: BuildMode | null, dockerfilePath: string | null, webhookUrl: string | null, sharedWith: Array<string>, movingTo: string | null, moveError: string | null, name: string, team: string, image: string | null, imageServedBy: string | null, running: boolean, replicas: number, defaultDomain: string | null, url: string | null, updatedAt: string, currentRelease: number | null, generation: number, installation: string | null, cluster: string, env: Array<{ name: string, value: string }>, resources: { requests: { cpu: string | null, memory: string | null } | null, limits: { cpu: string | null, memory: string | null } | null }, git: { url: string, branch: string, subdir: string | null, hasCredentials: boolean } | null, dependencies: Array<{ team: string, app: string }>, connectionInfo: Array<{ name: string, value: string | null, secret: boolean }>, envConflicts: Array<{ name: string, from: Array<string> }>, status: { endpoints: Array<string>, observedGeneration: number, health: string, reason: string, message: string, readyReplicas: number, desiredReplicas: number, updatedAt: string }, autoscaling: { min: number, max: number, cpuPercent: number | null, memoryPercent: number | null, requestsPerReplica: number | null, p95Ms: number | null, scaleToZeroAfterMinutes: number | null, status: { currentReplicas: number, desiredReplicas: number, working: boolean, reason: string, message: string } | null } | null } } };

export type SetAutoscalingMutationVariables = Exact<{
  team: string;
  name: string;
  input?: AutoscalingInput | null | undefined;
}>;


export type SetAutoscalingMutation = { setAutoscaling: { app: { port: number, domains: Array<string>, tls: boolean, healthCheckPath: string | null, capabilities: Array<string>, buildMode: BuildMode | null, dockerfilePath: string | null, webhookUrl: string | null, sharedWith: Array<string>, movingTo: string | null, moveError: string | null, name: string, team: string, image: string | null, imageServedBy: string | null, running: boolean, replicas: number, defaultDomain: string | null, url: string | null, updatedAt: string, currentRelease: number | null, generation: number, installation: string | null, cluster: string, env: Array<{ name: string, value: string }>, resources: { requests: { cpu: string | null, memory: string | null } | null, limits: { cpu: string | null, memory: string | null } | null }, git: { url: string, branch: string, subdir: string | null, hasCredentials: boolean } | null, dependencies: Array<{ team: string, app: string }>, connectionInfo: Array<{ name: string, value: string | null, secret: boolean }>, envConflicts: Array<{ name: string, from: Array<string> }>, status: { endpoints: Array<string>, observedGeneration: number, health: string, reason: string, message: string, readyReplicas: number, desiredReplicas: number, updatedAt: string }, autoscaling: { min: number, max: number, cpuPercent: number | null, memoryPercent: number | null, requestsPerReplica: number | null, p95Ms: number | null, scaleToZeroAfterMinutes: number | null, status: { currentReplicas: number, desiredReplicas: number, working: boolean, reason: string, message: string } | null } | null } } };

export type DeleteAppMutationVariables = Exact<{
  team: string;
  name: string;
  deleteData?: boolean | null | undefined;
}>;


export type DeleteAppMutation = { deleteApp: { message: string } };

export type StartAppMutationVariables = Exact<{
  team: string;
  name: string;
}>;


export type StartAppMutation = { startApp: { app: { port: number, domains: Array<string>, tls: boolean, healthCheckPath: string | null, capabilities: Array<string>, buildMode: BuildMode | null, dockerfilePath: string | null, webhookUrl: string | null, sharedWith: Array<string>, movingTo: string | null, moveError: string | null, name: string, team: string, image: string | null, imageServedBy: string | null, running: boolean, replicas: number, defaultDomain: string | null, url: string | null, updatedAt: string, currentRelease: number | null, generation: number, installation: string | null, cluster: string, env: Array<{ name: string, value: string }>, resources: { requests: { cpu: string | null, memory: string | null } | null, limits: { cpu: string | null, memory: string | null } | null }, git: { url: string, branch: string, subdir: string | null, hasCredentials: boolean } | null, dependencies: Array<{ team: string, app: string }>, connectionInfo: Array<{ name: string, value: string | null, secret: boolean }>, envConflicts: Array<{ name: string, from: Array<string> }>, status: { endpoints: Array<string>, observedGeneration: number, health: string, reason: string, message: string, readyReplicas: number, desiredReplicas: number, updatedAt: string }, autoscaling: { min: number, max: number, cpuPercent: number | null, memoryPercent: number | null, requestsPerReplica: number | null, p95Ms: number | null, scaleToZeroAfterMinutes: number | null, status: { currentReplicas: number, desiredReplicas: number, working: boolean, reason: string, message: string } | null } | null } } };

export type StopAppMutationVariables = Exact<{
  team: string;
  name: string;
}>;


export type StopAppMutation = { stopApp: { app: { port: number, domains: Array<string>, tls: boolean, healthCheckPath: string | null, capabilities: Array<string>, buildMode: BuildMode | null, dockerfilePath: string | null, webhookUrl: string | null, sharedWith: Array<string>, movingTo: string | null, moveError: string | null, name: string, team: string, image: string | null, imageServedBy: string | null, running: boolean, replicas: number, defaultDomain: string | null, url: string | null, updatedAt: string, currentRelease: number | null, generation: number, installation: string | null, cluster: string, env: Array<{ name: string, value: string }>, resources: { requests: { cpu: string | null, memory: string | null } | null, limits: { cpu: string | null, memory: string | null } | null }, git: { url: string, branch: string, subdir: string | null, hasCredentials: boolean } | null, dependencies: Array<{ team: string, app: string }>, connectionInfo: Array<{ name: string, value: string | null, secret: boolean }>, envConflicts: Array<{ name: string, from: Array<string> }>, status: { endpoints: Array<string>, observedGeneration: number, health: string, reason: string, message: string, readyReplicas: number, desiredReplicas: number, updatedAt: string }, autoscaling: { min: number, max: number, cpuPercent: number | null, memoryPercent: number | null, requestsPerReplica: number | null, p95Ms: number | null, scaleToZeroAfterMinutes: number | null, status: { currentReplicas: number, desiredReplicas: number, working: boolean, reason: string, message: string } | null } | null } } };

export type RestartAppMutationVariables = Exact<{
  team: string;
  name: string;
}>;


export type RestartAppMutation = { restartApp: { app: { port: number, domains: Array<string>, tls: boolean, healthCheckPath: string | null, capabilities: Array<string>, buildMode: BuildMode | null, dockerfilePath: string | null, webhookUrl: string | null, sharedWith: Array<string>, movingTo: string | null, moveError: string | null, name: string, team: string, image: string | null, imageServedBy: string | null, running: boolean, replicas: number, defaultDomain: string | null, url: string | null, updatedAt: string, currentRelease: number | null, generation: number, installation: string | null, cluster: string, env: Array<{ name: string, value: string }>, resources: { requests: { cpu: string | null, memory: string | null } | null, limits: { cpu: string | null, memory: string | null } | null }, git: { url: string, branch: string, subdir: string | null, hasCredentials: boolean } | null, dependencies: Array<{ team: string, app: string }>, connectionInfo: Array<{ name: string, value: string | null, secret: boolean }>, envConflicts: Array<{ name: string, from: Array<string> }>, status: { endpoints: Array<string>, observedGeneration: number, health: string, reason: string, message: string, readyReplicas: number, desiredReplicas: number, updatedAt: string }, autoscaling: { min: number, max: number, cpuPercent: number | null, memoryPercent: number | null, requestsPerReplica: number | null, p95Ms: number | null, scaleToZeroAfterMinutes: number | null, status: { currentReplicas: number, desiredReplicas: number, working: boolean, reason: string, message: string } | null } | null } } };

export type ReleasesQueryVariables = Exact<{
  team: string;
  app: string;
}>;


export type ReleasesQuery = { releases: Array<{ number: number, image: string, description: string, createdAt: string, createdBy: string, rollbackOf: number | null, buildId: string | null, config: { port: number, env: Array<{ name: string, value: string }> } }> };

export type RollbackMutationVariables = Exact<{
  team: string;
  app: string;
  release: number;
}>;


export type RollbackMutation = { rollbackApp: { app: { port: number, domains: Array<string>, tls: boolean, healthCheckPath: string | null, capabilities: Array<string>, buildMode: BuildMode | null, dockerfilePath: string | null, webhookUrl: string | null, sharedWith: Array<string>, movingTo: string | null, moveError: string | null, name: string, team: string, image: string | null, imageServedBy: string | null, running: boolean, replicas: number, defaultDomain: string | null, url: string | null, updatedAt: string, currentRelease: number | null, generation: number, installation: string | null, cluster: string, env: Array<{ name: string, value: string }>, resources: { requests: { cpu: string | null, memory: string | null } | null, limits: { cpu: string | null, memory: string | null } | null }, git: { url: string, branch: string, subdir: string | null, hasCredentials: boolean } | null, dependencies: Array<{ team: string, app: string }>, connectionInfo: Array<{ name: string, value: string | null, secret: boolean }>, envConflicts: Array<{ name: string, from: Array<string> }>, status: { endpoints: Array<string>, observedGeneration: number, health: string, reason: string, message: string, readyReplicas: number, desiredReplicas: number, updatedAt: string }, autoscaling: { min: number, max: number, cpuPercent: number | null, memoryPercent: number | null, requestsPerReplica: number | null, p95Ms: number | null, scaleToZeroAfterMinutes: number | null, status: { currentReplicas: number, desiredReplicas: number, working: boolean, reason: string, message: string } | null } | null } } };

export type AppLogsQueryVariables = Exact<{
  team: string;
  app: string;
  tail?: number | null | undefined;
}>;


export type AppLogsQuery = { appLogs: Array<{ pod: string, line: string }> };

export type RotateWebhookSecretMutationVariables = Exact<{
  team: string;
  app: string;
}>;


export type RotateWebhookSecretMutation = { rotateWebhookSecret: { secret: string, webhookUrl: string } };

export type TopologyQueryVariables = Exact<{
  team: string;
}>;


export type TopologyQuery = { topology: { nodes: Array<{ id: string, team: string, app: string, health: string | null, installation: string | null }>, edges: Array<{ from: string, to: string }> } };

export type AddDependencyMutationVariables = Exact<{
  input: DependencyInput;
}>;


export type AddDependencyMutation = { addDependency: { app: { name: string } } };

export type RemoveDependencyMutationVariables = Exact<{
  input: DependencyInput;
}>;


export type RemoveDependencyMutation = { removeDependency: { app: { name: string } } };

export type ShareAppMutationVariables = Exact<{
  input: ShareAppInput;
}>;


export type ShareAppMutation = { shareApp: { app: { port: number, domains: Array<string>, tls: boolean, healthCheckPath: string | null, capabilities: Array<string>, buildMode: BuildMode | null, dockerfilePath: string | null, webhookUrl: string | null, sharedWith: Array<string>, movingTo: string | null, moveError: string | null, name: string, team: string, image: string | null, imageServedBy: string | null, running: boolean, replicas: number, defaultDomain: string | null, url: string | null, updatedAt: string, currentRelease: number | null, generation: number, installation: string | null, cluster: string, env: Array<{ name: string, value: string }>, resources: { requests: { cpu: string | null, memory: string | null } | null, limits: { cpu: string | null, memory: string | null } | null }, git: { url: string, branch: string, subdir: string | null, hasCredentials: boolean } | null, dependencies: Array<{ team: string, app: string }>, connectionInfo: Array<{ name: string, value: string | null, secret: boolean }>, envConflicts: Array<{ name: string, from: Array<string> }>, status: { endpoints: Array<string>, observedGeneration: number, health: string, reason: string, message: string, readyReplicas: number, desiredReplicas: number, updatedAt: string }, autoscaling: { min: number, max: number, cpuPercent: number | null, memoryPercent: number | null, requestsPerReplica: number | null, p95Ms: number | null, scaleToZeroAfterMinutes: number | null, status: { currentReplicas: number, desiredReplicas: number, working: boolean, reason: string, message: string } | null } | null } } };

export type UnshareAppMutationVariables = Exact<{
  input: ShareAppInput;
}>;


export type UnshareAppMutation = { unshareApp: { app: { port: number, domains: Array<string>, tls: boolean, healthCheckPath: string | null, capabilities: Array<string>, buildMode: BuildMode | null, dockerfilePath: string | null, webhookUrl: string | null, sharedWith: Array<string>, movingTo: string | null, moveError: string | null, name: string, team: string, image: string | null, imageServedBy: string | null, running: boolean, replicas: number, defaultDomain: string | null, url: string | null, updatedAt: string, currentRelease: number | null, generation: number, installation: string | null, cluster: string, env: Array<{ name: string, value: string }>, resources: { requests: { cpu: string | null, memory: string | null } | null, limits: { cpu: string | null, memory: string | null } | null }, git: { url: string, branch: string, subdir: string | null, hasCredentials: boolean } | null, dependencies: Array<{ team: string, app: string }>, connectionInfo: Array<{ name: string, value: string | null, secret: boolean }>, envConflicts: Array<{ name: string, from: Array<string> }>, status: { endpoints: Array<string>, observedGeneration: number, health: string, reason: string, message: string, readyReplicas: number, desiredReplicas: number, updatedAt: string }, autoscaling: { min: number, max: number, cpuPercent: number | null, memoryPercent: number | null, requestsPerReplica: number | null, p95Ms: number | null, scaleToZeroAfterMinutes: number | null, status: { currentReplicas: number, desiredReplicas: number, working: boolean, reason: string, message: string } | null } | null } } };

export type MoveAppMutationVariables = Exact<{
  input: MoveAppInput;
}>;


export type MoveAppMutation = { moveApp: { app: { port: number, domains: Array<string>, tls: boolean, healthCheckPath: string | null, capabilities: Array<string>, buildMode: BuildMode | null, dockerfilePath: string | null, webhookUrl: string | null, sharedWith: Array<string>, movingTo: string | null, moveError: string | null, name: string, team: string, image: string | null, imageServedBy: string | null, running: boolean, replicas: number, defaultDomain: string | null, url: string | null, updatedAt: string, currentRelease: number | null, generation: number, installation: string | null, cluster: string, env: Array<{ name: string, value: string }>, resources: { requests: { cpu: string | null, memory: string | null } | null, limits: { cpu: string | null, memory: string | null } | null }, git: { url: string, branch: string, subdir: string | null, hasCredentials: boolean } | null, dependencies: Array<{ team: string, app: string }>, connectionInfo: Array<{ name: string, value: string | null, secret: boolean }>, envConflicts: Array<{ name: string, from: Array<string> }>, status: { endpoints: Array<string>, observedGeneration: number, health: string, reason: string, message: string, readyReplicas: number, desiredReplicas: number, updatedAt: string }, autoscaling: { min: number, max: number, cpuPercent: number | null, memoryPercent: number | null, requestsPerReplica: number | null, p95Ms: number | null, scaleToZeroAfterMinutes: number | null, status: { currentReplicas: number, desiredReplicas: number, working: boolean, reason: string, message: string } | null } | null } } };

export type TeamClustersQueryVariables = Exact<{
  team: string;
}>;


export type TeamClustersQuery = { team: { clusters: Array<string> } | null };

export type AppLogLinesSubscriptionVariables = Exact<{
  team: string;
  app: string;
  tail?: number | null | undefined;
}>;


export type AppLogLinesSubscription = { appLogLines: { pod: string, line: string } };

export type AppMetricsQueryVariables = Exact<{
  team: string;
  name: string;
  window: string;
}>;


export type AppMetricsQuery = { app: { name: string, metrics: { range: { start: number, end: number, stepSeconds: number }, requestsPerSecond: Array<{ t: number, v: number }>, errorRatio: Array<{ t: number, v: number }>, latencyP50Ms: Array<{ t: number, v: number }>, latencyP95Ms: Array<{ t: number, v: number }>, latencyP99Ms: Array<{ t: number, v: number }>, cpuCores: Array<{ t: number, v: number }>, memoryBytes: Array<{ t: number, v: number }>, memoryLimitBytes: Array<{ t: number, v: number }> } } | null };

export type AppLogSearchQueryVariables = Exact<{
  team: string;
  name: string;
  since: string;
  grep?: string | null | undefined;
}>;


export type AppLogSearchQuery = { app: { name: string, logSearch: { truncated: boolean, lines: Array<{ at: string, pod: string, line: string }> } } | null };

export type BuildRowFragment = { id: string, number: number, status: string, ref: string, commit: string | null, message: string | null, author: string | null, trigger: string, createdAt: string, startedAt: string | null, finishedAt: string | null, failureReason: string | null, image: string | null, plan: { language: string, version: string | null, versionSource: string | null, framework: string | null, packageManager: string | null, evidence: Array<string>, buildCommand: string | null, startCommand: string | null, port: number } | null };

export type BuildsQueryVariables = Exact<{
  team: string;
  app: string;
}>;


export type BuildsQuery = { builds: Array<{ id: string, number: number, status: string, ref: string, commit: string | null, message: string | null, author: string | null, trigger: string, createdAt: string, startedAt: string | null, finishedAt: string | null, failureReason: string | null, image: string | null, plan: { language: string, version: string | null, versionSource: string | null, framework: string | null, packageManager: string | null, evidence: Array<string>, buildCommand: string | null, startCommand: string | null, port: number } | null }> };

export type BuildLogsSubscriptionVariables = Exact<{
  buildId: string | number;
}>;


export type BuildLogsSubscription = { buildLogs: { seq: number, line: string, at: string } };

export type TriggerBuildMutationVariables = Exact<{
  team: string;
  app: string;
  ref?: string | null | undefined;
}>;


export type TriggerBuildMutation = { triggerBuild: { build: { id: string, number: number, status: string, ref: string, commit: string | null, message: string | null, author: string | null, trigger: string, createdAt: string, startedAt: string | null, finishedAt: string | null, failureReason: string | null, image: string | null, plan: { language: string, version: string | null, versionSource: string | null, framework: string | null, packageManager: string | null, evidence: Array<string>, buildCommand: string | null, startCommand: string | null, port: number } | null } } };

export type CancelBuildMutationVariables = Exact<{
  id: string | number;
}>;


export type CancelBuildMutation = { cancelBuild: { build: { id: string, number: number, status: string, ref: string, commit: string | null, message: string | null, author: string | null, trigger: string, createdAt: string, startedAt: string | null, finishedAt: string | null, failureReason: string | null, image: string | null, plan: { language: string, version: string | null, versionSource: string | null, framework: string | null, packageManager: string | null, evidence: Array<string>, buildCommand: string | null, startCommand: string | null, port: number } | null } } };

export type DetectSourceQueryVariables = Exact<{
  team: string;
  url: string;
  ref?: string | null | undefined;
  subdir?: string | null | undefined;
  buildMode?: BuildMode | null | undefined;
}>;


export type DetectSourceQuery = { detectSource: { language: string, version: string | null, versionSource: string | null, framework: string | null, packageManager: string | null, evidence: Array<string>, buildCommand: string | null, startCommand: string | null, port: number, dockerfile: string | null } };

export type TemplatesQueryVariables = Exact<{
  team?: string | null | undefined;
}>;


export type TemplatesQuery = { templates: Array<{ name: string, description: string, scope: string, versions: Array<string>, components: Array<string>, publishedBy: string | null, parameters: Array<{ name: string, type: string, description: string | null, required: boolean, default: string | null, allowed: Array<string> | null }> }> };

export type InstallationsQueryVariables = Exact<{
  team: string;
}>;


export type InstallationsQuery = { installations: Array<{ name: string, template: string, version: string, createdAt: string, updatedAt: string, apps: Array<{ name: string, status: { health: string } }> }> };

export type InstallTemplateMutationVariables = Exact<{
  input: InstallTemplateInput;
}>;


export type InstallTemplateMutation = { installTemplate: { installation: { name: string }, apps: Array<{ name: string }> } };

export type UpgradeInstallationMutationVariables = Exact<{
  team: string;
  name: string;
  version: string;
}>;


export type UpgradeInstallationMutation = { upgradeInstallation: { installation: { name: string, version: string } } };

export type UninstallTemplateMutationVariables = Exact<{
  team: string;
  name: string;
  deleteData?: boolean | null | undefined;
}>;


export type UninstallTemplateMutation = { uninstallTemplate: { message: string } };

export type PublishTemplateMutationVariables = Exact<{
  input: PublishTemplateInput;
}>;


export type PublishTemplateMutation = { publishTemplate: { template: { name: string, versions: Array<string> } } };

export type ImportTemplateMutationVariables = Exact<{
  team: string;
  definition: unknown;
}>;


export type ImportTemplateMutation = { importTemplate: { template: { name: string, versions: Array<string> } } };

export type TeamsQueryVariables = Exact<{ [key: string]: never; }>;


export type TeamsQuery = { teams: Array<{ name: string, createdAt: string, clusters: Array<string>, defaultCluster: string | null, podSecurity: PodSecurity }> };

export type CreateTeamMutationVariables = Exact<{
  name: string;
}>;


export type CreateTeamMutation = { createTeam: { team: { name: string } } };

export type DeleteTeamMutationVariables = Exact<{
  name: string;
}>;


export type DeleteTeamMutation = { deleteTeam: { team: { name: string } } };

export type EventsQueryVariables = Exact<{
  team: string;
  before?: string | number | null | undefined;
}>;


export type EventsQuery = { events: Array<{ id: string, action: string, actor: string, subject: string, outcome: string, message: string, createdAt: string, requestId: string | null }> };

export type TokensQueryVariables = Exact<{
  team: string;
}>;


export type TokensQuery = { apiTokens: Array<{ id: string, name: string, role: string, createdAt: string, createdBy: string, lastUsedAt: string | null, revokedAt: string | null }> };

export type CreateTokenMutationVariables = Exact<{
  input: CreateApiTokenInput;
}>;


export type CreateTokenMutation = { createApiToken: { secret: string, token: { id: string, name: string, role: string } } };

export type RevokeTokenMutationVariables = Exact<{
  id: string | number;
}>;


export type RevokeTokenMutation = { revokeApiToken: { token: { id: string, revokedAt: string | null } } };

export type UpdateTeamMutationVariables = Exact<{
  input: UpdateTeamInput;
}>;


export type UpdateTeamMutation = { updateTeam: { team: { name: string, podSecurity: PodSecurity } } };

export type ClustersQueryVariables = Exact<{ [key: string]: never; }>;


export type ClustersQuery = { clusters: Array<{ name: string, server: string, health: ClusterHealth, cordoned: boolean, apps: number, teams: number, version: string | null, nodes: number | null, appsDomain: string, lastError: string | null }> };

export type CordonClusterMutationVariables = Exact<{
  name: string;
}>;


export type CordonClusterMutation = { cordonCluster: { cluster: { name: string, cordoned: boolean } } };

export type UncordonClusterMutationVariables = Exact<{
  name: string;
}>;


export type UncordonClusterMutation = { uncordonCluster: { cluster: { name: string, cordoned: boolean } } };

export type AllowTeamClusterMutationVariables = Exact<{
  team: string;
  cluster: string;
}>;


export type AllowTeamClusterMutation = { allowTeamCluster: { name: string, clusters: Array<string> } };

export type DisallowTeamClusterMutationVariables = Exact<{
  team: string;
  cluster: string;
}>;


export type DisallowTeamClusterMutation = { disallowTeamCluster: { name: string, clusters: Array<string> } };

export type ClusterResourcesQueryVariables = Exact<{
  name: string;
}>;


export type ClusterResourcesQuery = { cluster: { name: string, resources: { checkedAt: string | null, nodes: Array<{ name: string, ready: boolean, capacity: { cpuCores: number, memoryBytes: number, pods: number }, allocatable: { cpuCores: number, memoryBytes: number, pods: number }, requests: { cpuCores: number, memoryBytes: number, pods: number }, usage: { cpuCores: number, memoryBytes: number } | null }> } } | null };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const AppSummaryFragmentDoc = new TypedDocumentString(`
    fragment AppSummary on App {
  name
  team
  image
  imageServedBy
  running
  replicas
  defaultDomain
  url
  updatedAt
  currentRelease
  generation
  installation
  cluster
  git {
    url
    branch
  }
  status {
    health
    reason
    message
    readyReplicas
    desiredReplicas
    updatedAt
  }
}
    `, {"fragmentName":"AppSummary"}) as unknown as TypedDocumentString<AppSummaryFragment, unknown>;
export const AppDetailFragmentDoc = new TypedDocumentString(`
    fragment AppDetail on App {
  ...AppSummary
  port
  domains
  tls
  healthCheckPath
  capabilities
  buildMode
  dockerfilePath
  webhookUrl
  env {
    name
    value
  }
  resources {
    requests {
      cpu
      memory
    }
    limits {
      cpu
      memory
    }
  }
  git {
    url
    branch
    subdir
    hasCredentials
  }
  dependencies {
    team
    app
  }
  sharedWith
  movingTo
  moveError
  connectionInfo {
    name
    value
    secret
  }
  envConflicts {
    name
    from
  }
  status {
    endpoints
    observedGeneration
  }
  autoscaling {
    min
    max
    cpuPercent
    memoryPercent
    requestsPerReplica
    p95Ms
    scaleToZeroAfterMinutes
    status {
      currentReplicas
      desiredReplicas
      working
      reason
      message
    }
  }
}
    fragment AppSummary on App {
  name
  team
  image
  imageServedBy
  running
  replicas
  defaultDomain
  url
  updatedAt
  currentRelease
  generation
  installation
  cluster
  git {
    url
    branch
  }
  status {
    health
    reason
    message
    readyReplicas
    desiredReplicas
    updatedAt
  }
}`, {"fragmentName":"AppDetail"}) as unknown as TypedDocumentString<AppDetailFragment, unknown>;
export const BuildRowFragmentDoc = new TypedDocumentString(`
    fragment BuildRow on Build {
  id
  number
  status
  ref
  commit
  message
  author
  trigger
  createdAt
  startedAt
  finishedAt
  failureReason
  image
  plan {
    language
    version
    versionSource
    framework
    packageManager
    evidence
    buildCommand
    startCommand
    port
  }
}
    `, {"fragmentName":"BuildRow"}) as unknown as TypedDocumentString<BuildRowFragment, unknown>;
export const TeamAppsDocument = new TypedDocumentString(`
    subscription TeamApps($team: String!) {
  teamApps(team: $team) {
    snapshot
    removed
    apps {
      ...AppSummary
    }
  }
}
    fragment AppSummary on App {
  name
  team
  image
  imageServedBy
  running
  replicas
  defaultDomain
  url
  updatedAt
  currentRelease
  generation
  installation
  cluster
  git {
    url
    branch
  }
  status {
    health
    reason
    message
    readyReplicas
    desiredReplicas
    updatedAt
  }
}`) as unknown as TypedDocumentString<TeamAppsSubscription, TeamAppsSubscriptionVariables>;
export const AppDocument = new TypedDocumentString(`
    query App($team: String!, $name: String!) {
  app(team: $team, name: $name) {
    ...AppDetail
  }
}
    fragment AppSummary on App {
  name
  team
  image
  imageServedBy
  running
  replicas
  defaultDomain
  url
  updatedAt
  currentRelease
  generation
  installation
  cluster
  git {
    url
    branch
  }
  status {
    health
    reason
    message
    readyReplicas
    desiredReplicas
    updatedAt
  }
}
fragment AppDetail on App {
  ...AppSummary
  port
  domains
  tls
  healthCheckPath
  capabilities
  buildMode
  dockerfilePath
  webhookUrl
  env {
    name
    value
  }
  resources {
    requests {
      cpu
      memory
    }
    limits {
      cpu
      memory
    }
  }
  git {
    url
    branch
    subdir
    hasCredentials
  }
  dependencies {
    team
    app
  }
  sharedWith
  movingTo
  moveError
  connectionInfo {
    name
    value
    secret
  }
  envConflicts {
    name
    from
  }
  status {
    endpoints
    observedGeneration
  }
  autoscaling {
    min
    max
    cpuPercent
    memoryPercent
    requestsPerReplica
    p95Ms
    scaleToZeroAfterMinutes
    status {
      currentReplicas
      desiredReplicas
      working
      reason
      message
    }
  }
}`) as unknown as TypedDocumentString<AppQuery, AppQueryVariables>;
export const AppStatusDocument = new TypedDocumentString(`
    subscription AppStatus($team: String!, $app: String!) {
  appStatus(team: $team, app: $app) {
    health
    reason
    message
    readyReplicas
    desiredReplicas
    endpoints
    updatedAt
    observedGeneration
  }
}
    `) as unknown as TypedDocumentString<AppStatusSubscription, AppStatusSubscriptionVariables>;
export const AppNamesDocument = new TypedDocumentString(`
    query AppNames($team: String!) {
  apps(team: $team) {
    name
  }
}
    `) as unknown as TypedDocumentString<AppNamesQuery, AppNamesQueryVariables>;
export const CreateAppDocument = new TypedDocumentString(`
    mutation CreateApp($input: CreateAppInput!) {
  createApp(input: $input) {
    app {
      name
    }
  }
}
    `) as unknown as TypedDocumentString<CreateAppMutation, CreateAppMutationVariables>;
export const UpdateAppDocument = new TypedDocumentString(`
    mutation UpdateApp($input: UpdateAppInput!) {
  updateApp(input: $input) {
    app {
      ...AppDetail
    }
  }
}
    fragment AppSummary on App {
  name
  team
  image
  imageServedBy
  running
  replicas
  defaultDomain
  url
  updatedAt
  currentRelease
  generation
  installation
  cluster
  git {
    url
    branch
  }
  status {
    health
    reason
    message
    readyReplicas
    desiredReplicas
    updatedAt
  }
}
fragment AppDetail on App {
  ...AppSummary
  port
  domains
  tls
  healthCheckPath
  capabilities
  buildMode
  dockerfilePath
  webhookUrl
  env {
    name
    value
  }
  resources {
    requests {
      cpu
      memory
    }
    limits {
      cpu
      memory
    }
  }
  git {
    url
    branch
    subdir
    hasCredentials
  }
  dependencies {
    team
    app
  }
  sharedWith
  movingTo
  moveError
  connectionInfo {
    name
    value
    secret
  }
  envConflicts {
    name
    from
  }
  status {
    endpoints
    observedGeneration
  }
  autoscaling {
    min
    max
    cpuPercent
    memoryPercent
    requestsPerReplica
    p95Ms
    scaleToZeroAfterMinutes
    status {
      currentReplicas
      desiredReplicas
      working
      reason
      message
    }
  }
}`) as unknown as TypedDocumentString<UpdateAppMutation, UpdateAppMutationVariables>;
export const SetAutoscalingDocument = new TypedDocumentString(`
    mutation SetAutoscaling($team: String!, $name: String!, $input: AutoscalingInput) {
  setAutoscaling(team: $team, name: $name, input: $input) {
    app {
      ...AppDetail
    }
  }
}
    fragment AppSummary on App {
  name
  team
  image
  imageServedBy
  running
  replicas
  defaultDomain
  url
  updatedAt
  currentRelease
  generation
  installation
  cluster
  git {
    url
    branch
  }
  status {
    health
    reason
    message
    readyReplicas
    desiredReplicas
    updatedAt
  }
}
fragment AppDetail on App {
  ...AppSummary
  port
  domains
  tls
  healthCheckPath
  capabilities
  buildMode
  dockerfilePath
  webhookUrl
  env {
    name
    value
  }
  resources {
    requests {
      cpu
      memory
    }
    limits {
      cpu
      memory
    }
  }
  git {
    url
    branch
    subdir
    hasCredentials
  }
  dependencies {
    team
    app
  }
  sharedWith
  movingTo
  moveError
  connectionInfo {
    name
    value
    secret
  }
  envConflicts {
    name
    from
  }
  status {
    endpoints
    observedGeneration
  }
  autoscaling {
    min
    max
    cpuPercent
    memoryPercent
    requestsPerReplica
    p95Ms
    scaleToZeroAfterMinutes
    status {
      currentReplicas
      desiredReplicas
      working
      reason
      message
    }
  }
}`) as unknown as TypedDocumentString<SetAutoscalingMutation, SetAutoscalingMutationVariables>;
export const DeleteAppDocument = new TypedDocumentString(`
    mutation DeleteApp($team: String!, $name: String!, $deleteData: Boolean) {
  deleteApp(team: $team, name: $name, deleteData: $deleteData) {
    message
  }
}
    `) as unknown as TypedDocumentString<DeleteAppMutation, DeleteAppMutationVariables>;
export const StartAppDocument = new TypedDocumentString(`
    mutation StartApp($team: String!, $name: String!) {
  startApp(team: $team, name: $name) {
    app {
      ...AppDetail
    }
  }
}
    fragment AppSummary on App {
  name
  team
  image
  imageServedBy
  running
  replicas
  defaultDomain
  url
  updatedAt
  currentRelease
  generation
  installation
  cluster
  git {
    url
    branch
  }
  status {
    health
    reason
    message
    readyReplicas
    desiredReplicas
    updatedAt
  }
}
fragment AppDetail on App {
  ...AppSummary
  port
  domains
  tls
  healthCheckPath
  capabilities
  buildMode
  dockerfilePath
  webhookUrl
  env {
    name
    value
  }
  resources {
    requests {
      cpu
      memory
    }
    limits {
      cpu
      memory
    }
  }
  git {
    url
    branch
    subdir
    hasCredentials
  }
  dependencies {
    team
    app
  }
  sharedWith
  movingTo
  moveError
  connectionInfo {
    name
    value
    secret
  }
  envConflicts {
    name
    from
  }
  status {
    endpoints
    observedGeneration
  }
  autoscaling {
    min
    max
    cpuPercent
    memoryPercent
    requestsPerReplica
    p95Ms
    scaleToZeroAfterMinutes
    status {
      currentReplicas
      desiredReplicas
      working
      reason
      message
    }
  }
}`) as unknown as TypedDocumentString<StartAppMutation, StartAppMutationVariables>;
export const StopAppDocument = new TypedDocumentString(`
    mutation StopApp($team: String!, $name: String!) {
  stopApp(team: $team, name: $name) {
    app {
      ...AppDetail
    }
  }
}
    fragment AppSummary on App {
  name
  team
  image
  imageServedBy
  running
  replicas
  defaultDomain
  url
  updatedAt
  currentRelease
  generation
  installation
  cluster
  git {
    url
    branch
  }
  status {
    health
    reason
    message
    readyReplicas
    desiredReplicas
    updatedAt
  }
}
fragment AppDetail on App {
  ...AppSummary
  port
  domains
  tls
  healthCheckPath
  capabilities
  buildMode
  dockerfilePath
  webhookUrl
  env {
    name
    value
  }
  resources {
    requests {
      cpu
      memory
    }
    limits {
      cpu
      memory
    }
  }
  git {
    url
    branch
    subdir
    hasCredentials
  }
  dependencies {
    team
    app
  }
  sharedWith
  movingTo
  moveError
  connectionInfo {
    name
    value
    secret
  }
  envConflicts {
    name
    from
  }
  status {
    endpoints
    observedGeneration
  }
  autoscaling {
    min
    max
    cpuPercent
    memoryPercent
    requestsPerReplica
    p95Ms
    scaleToZeroAfterMinutes
    status {
      currentReplicas
      desiredReplicas
      working
      reason
      message
    }
  }
}`) as unknown as TypedDocumentString<StopAppMutation, StopAppMutationVariables>;
export const RestartAppDocument = new TypedDocumentString(`
    mutation RestartApp($team: String!, $name: String!) {
  restartApp(team: $team, name: $name) {
    app {
      ...AppDetail
    }
  }
}
    fragment AppSummary on App {
  name
  team
  image
  imageServedBy
  running
  replicas
  defaultDomain
  url
  updatedAt
  currentRelease
  generation
  installation
  cluster
  git {
    url
    branch
  }
  status {
    health
    reason
    message
    readyReplicas
    desiredReplicas
    updatedAt
  }
}
fragment AppDetail on App {
  ...AppSummary
  port
  domains
  tls
  healthCheckPath
  capabilities
  buildMode
  dockerfilePath
  webhookUrl
  env {
    name
    value
  }
  resources {
    requests {
      cpu
      memory
    }
    limits {
      cpu
      memory
    }
  }
  git {
    url
    branch
    subdir
    hasCredentials
  }
  dependencies {
    team
    app
  }
  sharedWith
  movingTo
  moveError
  connectionInfo {
    name
    value
    secret
  }
  envConflicts {
    name
    from
  }
  status {
    endpoints
    observedGeneration
  }
  autoscaling {
    min
    max
    cpuPercent
    memoryPercent
    requestsPerReplica
    p95Ms
    scaleToZeroAfterMinutes
    status {
      currentReplicas
      desiredReplicas
      working
      reason
      message
    }
  }
}`) as unknown as TypedDocumentString<RestartAppMutation, RestartAppMutationVariables>;
export const ReleasesDocument = new TypedDocumentString(`
    query Releases($team: String!, $app: String!) {
  releases(team: $team, app: $app) {
    number
    image
    description
    createdAt
    createdBy
    rollbackOf
    buildId
    config {
      env {
        name
        value
      }
      port
    }
  }
}
    `) as unknown as TypedDocumentString<ReleasesQuery, ReleasesQueryVariables>;
export const RollbackDocument = new TypedDocumentString(`
    mutation Rollback($team: String!, $app: String!, $release: Int!) {
  rollbackApp(team: $team, app: $app, release: $release) {
    app {
      ...AppDetail
    }
  }
}
    fragment AppSummary on App {
  name
  team
  image
  imageServedBy
  running
  replicas
  defaultDomain
  url
  updatedAt
  currentRelease
  generation
  installation
  cluster
  git {
    url
    branch
  }
  status {
    health
    reason
    message
    readyReplicas
    desiredReplicas
    updatedAt
  }
}
fragment AppDetail on App {
  ...AppSummary
  port
  domains
  tls
  healthCheckPath
  capabilities
  buildMode
  dockerfilePath
  webhookUrl
  env {
    name
    value
  }
  resources {
    requests {
      cpu
      memory
    }
    limits {
      cpu
      memory
    }
  }
  git {
    url
    branch
    subdir
    hasCredentials
  }
  dependencies {
    team
    app
  }
  sharedWith
  movingTo
  moveError
  connectionInfo {
    name
    value
    secret
  }
  envConflicts {
    name
    from
  }
  status {
    endpoints
    observedGeneration
  }
  autoscaling {
    min
    max
    cpuPercent
    memoryPercent
    requestsPerReplica
    p95Ms
    scaleToZeroAfterMinutes
    status {
      currentReplicas
      desiredReplicas
      working
      reason
      message
    }
  }
}`) as unknown as TypedDocumentString<RollbackMutation, RollbackMutationVariables>;
export const AppLogsDocument = new TypedDocumentString(`
    query AppLogs($team: String!, $app: String!, $tail: Int) {
  appLogs(team: $team, app: $app, tail: $tail) {
    pod
    line
  }
}
    `) as unknown as TypedDocumentString<AppLogsQuery, AppLogsQueryVariables>;
export const RotateWebhookSecretDocument = new TypedDocumentString(`
    mutation RotateWebhookSecret($team: String!, $app: String!) {
  rotateWebhookSecret(team: $team, app: $app) {
    secret
    webhookUrl
  }
}
    `) as unknown as TypedDocumentString<RotateWebhookSecretMutation, RotateWebhookSecretMutationVariables>;
export const TopologyDocument = new TypedDocumentString(`
    query Topology($team: String!) {
  topology(team: $team) {
    nodes {
      id
      team
      app
      health
      installation
    }
    edges {
      from
      to
    }
  }
}
    `) as unknown as TypedDocumentString<TopologyQuery, TopologyQueryVariables>;
export const AddDependencyDocument = new TypedDocumentString(`
    mutation AddDependency($input: DependencyInput!) {
  addDependency(input: $input) {
    app {
      name
    }
  }
}
    `) as unknown as TypedDocumentString<AddDependencyMutation, AddDependencyMutationVariables>;
export const RemoveDependencyDocument = new TypedDocumentString(`
    mutation RemoveDependency($input: DependencyInput!) {
  removeDependency(input: $input) {
    app {
      name
    }
  }
}
    `) as unknown as TypedDocumentString<RemoveDependencyMutation, RemoveDependencyMutationVariables>;
export const ShareAppDocument = new TypedDocumentString(`
    mutation ShareApp($input: ShareAppInput!) {
  shareApp(input: $input) {
    app {
      ...AppDetail
    }
  }
}
    fragment AppSummary on App {
  name
  team
  image
  imageServedBy
  running
  replicas
  defaultDomain
  url
  updatedAt
  currentRelease
  generation
  installation
  cluster
  git {
    url
    branch
  }
  status {
    health
    reason
    message
    readyReplicas
    desiredReplicas
    updatedAt
  }
}
fragment AppDetail on App {
  ...AppSummary
  port
  domains
  tls
  healthCheckPath
  capabilities
  buildMode
  dockerfilePath
  webhookUrl
  env {
    name
    value
  }
  resources {
    requests {
      cpu
      memory
    }
    limits {
      cpu
      memory
    }
  }
  git {
    url
    branch
    subdir
    hasCredentials
  }
  dependencies {
    team
    app
  }
  sharedWith
  movingTo
  moveError
  connectionInfo {
    name
    value
    secret
  }
  envConflicts {
    name
    from
  }
  status {
    endpoints
    observedGeneration
  }
  autoscaling {
    min
    max
    cpuPercent
    memoryPercent
    requestsPerReplica
    p95Ms
    scaleToZeroAfterMinutes
    status {
      currentReplicas
      desiredReplicas
      working
      reason
      message
    }
  }
}`) as unknown as TypedDocumentString<ShareAppMutation, ShareAppMutationVariables>;
export const UnshareAppDocument = new TypedDocumentString(`
    mutation UnshareApp($input: ShareAppInput!) {
  unshareApp(input: $input) {
    app {
      ...AppDetail
    }
  }
}
    fragment AppSummary on App {
  name
  team
  image
  imageServedBy
  running
  replicas
  defaultDomain
  url
  updatedAt
  currentRelease
  generation
  installation
  cluster
  git {
    url
    branch
  }
  status {
    health
    reason
    message
    readyReplicas
    desiredReplicas
    updatedAt
  }
}
fragment AppDetail on App {
  ...AppSummary
  port
  domains
  tls
  healthCheckPath
  capabilities
  buildMode
  dockerfilePath
  webhookUrl
  env {
    name
    value
  }
  resources {
    requests {
      cpu
      memory
    }
    limits {
      cpu
      memory
    }
  }
  git {
    url
    branch
    subdir
    hasCredentials
  }
  dependencies {
    team
    app
  }
  sharedWith
  movingTo
  moveError
  connectionInfo {
    name
    value
    secret
  }
  envConflicts {
    name
    from
  }
  status {
    endpoints
    observedGeneration
  }
  autoscaling {
    min
    max
    cpuPercent
    memoryPercent
    requestsPerReplica
    p95Ms
    scaleToZeroAfterMinutes
    status {
      currentReplicas
      desiredReplicas
      working
      reason
      message
    }
  }
}`) as unknown as TypedDocumentString<UnshareAppMutation, UnshareAppMutationVariables>;
export const MoveAppDocument = new TypedDocumentString(`
    mutation MoveApp($input: MoveAppInput!) {
  moveApp(input: $input) {
    app {
      ...AppDetail
    }
  }
}
    fragment AppSummary on App {
  name
  team
  image
  imageServedBy
  running
  replicas
  defaultDomain
  url
  updatedAt
  currentRelease
  generation
  installation
  cluster
  git {
    url
    branch
  }
  status {
    health
    reason
    message
    readyReplicas
    desiredReplicas
    updatedAt
  }
}
fragment AppDetail on App {
  ...AppSummary
  port
  domains
  tls
  healthCheckPath
  capabilities
  buildMode
  dockerfilePath
  webhookUrl
  env {
    name
    value
  }
  resources {
    requests {
      cpu
      memory
    }
    limits {
      cpu
      memory
    }
  }
  git {
    url
    branch
    subdir
    hasCredentials
  }
  dependencies {
    team
    app
  }
  sharedWith
  movingTo
  moveError
  connectionInfo {
    name
    value
    secret
  }
  envConflicts {
    name
    from
  }
  status {
    endpoints
    observedGeneration
  }
  autoscaling {
    min
    max
    cpuPercent
    memoryPercent
    requestsPerReplica
    p95Ms
    scaleToZeroAfterMinutes
    status {
      currentReplicas
      desiredReplicas
      working
      reason
      message
    }
  }
}`) as unknown as TypedDocumentString<MoveAppMutation, MoveAppMutationVariables>;
export const TeamClustersDocument = new TypedDocumentString(`
    query TeamClusters($team: String!) {
  team(name: $team) {
    clusters
  }
}
    `) as unknown as TypedDocumentString<TeamClustersQuery, TeamClustersQueryVariables>;
export const AppLogLinesDocument = new TypedDocumentString(`
    subscription AppLogLines($team: String!, $app: String!, $tail: Int) {
  appLogLines(team: $team, app: $app, tail: $tail) {
    pod
    line
  }
}
    `) as unknown as TypedDocumentString<AppLogLinesSubscription, AppLogLinesSubscriptionVariables>;
export const AppMetricsDocument = new TypedDocumentString(`
    query AppMetrics($team: String!, $name: String!, $window: String!) {
  app(team: $team, name: $name) {
    name
    metrics(window: $window) {
      range {
        start
        end
        stepSeconds
      }
      requestsPerSecond {
        t
        v
      }
      errorRatio {
        t
        v
      }
      latencyP50Ms {
        t
        v
      }
      latencyP95Ms {
        t
        v
      }
      latencyP99Ms {
        t
        v
      }
      cpuCores {
        t
        v
      }
      memoryBytes {
        t
        v
      }
      memoryLimitBytes {
        t
        v
      }
    }
  }
}
    `) as unknown as TypedDocumentString<AppMetricsQuery, AppMetricsQueryVariables>;
export const AppLogSearchDocument = new TypedDocumentString(`
    query AppLogSearch($team: String!, $name: String!, $since: String!, $grep: String) {
  app(team: $team, name: $name) {
    name
    logSearch(since: $since, grep: $grep, limit: 2000) {
      truncated
      lines {
        at
        pod
        line
      }
    }
  }
}
    `) as unknown as TypedDocumentString<AppLogSearchQuery, AppLogSearchQueryVariables>;
export const BuildsDocument = new TypedDocumentString(`
    query Builds($team: String!, $app: String!) {
  builds(team: $team, app: $app, limit: 30) {
    ...BuildRow
  }
}
    fragment BuildRow on Build {
  id
  number
  status
  ref
  commit
  message
  author
  trigger
  createdAt
  startedAt
  finishedAt
  failureReason
  image
  plan {
    language
    version
    versionSource
    framework
    packageManager
    evidence
    buildCommand
    startCommand
    port
  }
}`) as unknown as TypedDocumentString<BuildsQuery, BuildsQueryVariables>;
export const BuildLogsDocument = new TypedDocumentString(`
    subscription BuildLogs($buildId: ID!) {
  buildLogs(buildId: $buildId) {
    seq
    line
    at
  }
}
    `) as unknown as TypedDocumentString<BuildLogsSubscription, BuildLogsSubscriptionVariables>;
export const TriggerBuildDocument = new TypedDocumentString(`
    mutation TriggerBuild($team: String!, $app: String!, $ref: String) {
  triggerBuild(team: $team, app: $app, ref: $ref) {
    build {
      ...BuildRow
    }
  }
}
    fragment BuildRow on Build {
  id
  number
  status
  ref
  commit
  message
  author
  trigger
  createdAt
  startedAt
  finishedAt
  failureReason
  image
  plan {
    language
    version
    versionSource
    framework
    packageManager
    evidence
    buildCommand
    startCommand
    port
  }
}`) as unknown as TypedDocumentString<TriggerBuildMutation, TriggerBuildMutationVariables>;
export const CancelBuildDocument = new TypedDocumentString(`
    mutation CancelBuild($id: ID!) {
  cancelBuild(id: $id) {
    build {
      ...BuildRow
    }
  }
}
    fragment BuildRow on Build {
  id
  number
  status
  ref
  commit
  message
  author
  trigger
  createdAt
  startedAt
  finishedAt
  failureReason
  image
  plan {
    language
    version
    versionSource
    framework
    packageManager
    evidence
    buildCommand
    startCommand
    port
  }
}`) as unknown as TypedDocumentString<CancelBuildMutation, CancelBuildMutationVariables>;
export const DetectSourceDocument = new TypedDocumentString(`
    query DetectSource($team: String!, $url: String!, $ref: String, $subdir: String, $buildMode: BuildMode) {
  detectSource(
    team: $team
    url: $url
    ref: $ref
    subdir: $subdir
    buildMode: $buildMode
  ) {
    language
    version
    versionSource
    framework
    packageManager
    evidence
    buildCommand
    startCommand
    port
    dockerfile
  }
}
    `) as unknown as TypedDocumentString<DetectSourceQuery, DetectSourceQueryVariables>;
export const TemplatesDocument = new TypedDocumentString(`
    query Templates($team: String) {
  templates(team: $team) {
    name
    description
    scope
    versions
    components
    publishedBy
    parameters {
      name
      type
      description
      required
      default
      allowed
    }
  }
}
    `) as unknown as TypedDocumentString<TemplatesQuery, TemplatesQueryVariables>;
export const InstallationsDocument = new TypedDocumentString(`
    query Installations($team: String!) {
  installations(team: $team) {
    name
    template
    version
    createdAt
    updatedAt
    apps {
      name
      status {
        health
      }
    }
  }
}
    `) as unknown as TypedDocumentString<InstallationsQuery, InstallationsQueryVariables>;
export const InstallTemplateDocument = new TypedDocumentString(`
    mutation InstallTemplate($input: InstallTemplateInput!) {
  installTemplate(input: $input) {
    installation {
      name
    }
    apps {
      name
    }
  }
}
    `) as unknown as TypedDocumentString<InstallTemplateMutation, InstallTemplateMutationVariables>;
export const UpgradeInstallationDocument = new TypedDocumentString(`
    mutation UpgradeInstallation($team: String!, $name: String!, $version: String!) {
  upgradeInstallation(team: $team, name: $name, version: $version) {
    installation {
      name
      version
    }
  }
}
    `) as unknown as TypedDocumentString<UpgradeInstallationMutation, UpgradeInstallationMutationVariables>;
export const UninstallTemplateDocument = new TypedDocumentString(`
    mutation UninstallTemplate($team: String!, $name: String!, $deleteData: Boolean) {
  uninstallTemplate(team: $team, name: $name, deleteData: $deleteData) {
    message
  }
}
    `) as unknown as TypedDocumentString<UninstallTemplateMutation, UninstallTemplateMutationVariables>;
export const PublishTemplateDocument = new TypedDocumentString(`
    mutation PublishTemplate($input: PublishTemplateInput!) {
  publishTemplate(input: $input) {
    template {
      name
      versions
    }
  }
}
    `) as unknown as TypedDocumentString<PublishTemplateMutation, PublishTemplateMutationVariables>;
export const ImportTemplateDocument = new TypedDocumentString(`
    mutation ImportTemplate($team: String!, $definition: JSON!) {
  importTemplate(team: $team, definition: $definition) {
    template {
      name
      versions
    }
  }
}
    `) as unknown as TypedDocumentString<ImportTemplateMutation, ImportTemplateMutationVariables>;
export const TeamsDocument = new TypedDocumentString(`
    query Teams {
  teams {
    name
    createdAt
    clusters
    defaultCluster
    podSecurity
  }
}
    `) as unknown as TypedDocumentString<TeamsQuery, TeamsQueryVariables>;
export const CreateTeamDocument = new TypedDocumentString(`
    mutation CreateTeam($name: String!) {
  createTeam(input: {name: $name}) {
    team {
      name
    }
  }
}
    `) as unknown as TypedDocumentString<CreateTeamMutation, CreateTeamMutationVariables>;
export const DeleteTeamDocument = new TypedDocumentString(`
    mutation DeleteTeam($name: String!) {
  deleteTeam(name: $name) {
    team {
      name
    }
  }
}
    `) as unknown as TypedDocumentString<DeleteTeamMutation, DeleteTeamMutationVariables>;
export const EventsDocument = new TypedDocumentString(`
    query Events($team: String!, $before: ID) {
  events(team: $team, before: $before, limit: 50) {
    id
    action
    actor
    subject
    outcome
    message
    createdAt
    requestId
  }
}
    `) as unknown as TypedDocumentString<EventsQuery, EventsQueryVariables>;
export const TokensDocument = new TypedDocumentString(`
    query Tokens($team: String!) {
  apiTokens(team: $team) {
    id
    name
    role
    createdAt
    createdBy
    lastUsedAt
    revokedAt
  }
}
    `) as unknown as TypedDocumentString<TokensQuery, TokensQueryVariables>;
export const CreateTokenDocument = new TypedDocumentString(`
    mutation CreateToken($input: CreateApiTokenInput!) {
  createApiToken(input: $input) {
    secret
    token {
      id
      name
      role
    }
  }
}
    `) as unknown as TypedDocumentString<CreateTokenMutation, CreateTokenMutationVariables>;
export const RevokeTokenDocument = new TypedDocumentString(`
    mutation RevokeToken($id: ID!) {
  revokeApiToken(id: $id) {
    token {
      id
      revokedAt
    }
  }
}
    `) as unknown as TypedDocumentString<RevokeTokenMutation, RevokeTokenMutationVariables>;
export const UpdateTeamDocument = new TypedDocumentString(`
    mutation UpdateTeam($input: UpdateTeamInput!) {
  updateTeam(input: $input) {
    team {
      name
      podSecurity
    }
  }
}
    `) as unknown as TypedDocumentString<UpdateTeamMutation, UpdateTeamMutationVariables>;
export const ClustersDocument = new TypedDocumentString(`
    query Clusters {
  clusters {
    name
    server
    health
    cordoned
    apps
    teams
    version
    nodes
    appsDomain
    lastError
  }
}
    `) as unknown as TypedDocumentString<ClustersQuery, ClustersQueryVariables>;
export const CordonClusterDocument = new TypedDocumentString(`
    mutation CordonCluster($name: String!) {
  cordonCluster(name: $name) {
    cluster {
      name
      cordoned
    }
  }
}
    `) as unknown as TypedDocumentString<CordonClusterMutation, CordonClusterMutationVariables>;
export const UncordonClusterDocument = new TypedDocumentString(`
    mutation UncordonCluster($name: String!) {
  uncordonCluster(name: $name) {
    cluster {
      name
      cordoned
    }
  }
}
    `) as unknown as TypedDocumentString<UncordonClusterMutation, UncordonClusterMutationVariables>;
export const AllowTeamClusterDocument = new TypedDocumentString(`
    mutation AllowTeamCluster($team: String!, $cluster: String!) {
  allowTeamCluster(team: $team, cluster: $cluster) {
    name
    clusters
  }
}
    `) as unknown as TypedDocumentString<AllowTeamClusterMutation, AllowTeamClusterMutationVariables>;
export const DisallowTeamClusterDocument = new TypedDocumentString(`
    mutation DisallowTeamCluster($team: String!, $cluster: String!) {
  disallowTeamCluster(team: $team, cluster: $cluster) {
    name
    clusters
  }
}
    `) as unknown as TypedDocumentString<DisallowTeamClusterMutation, DisallowTeamClusterMutationVariables>;
export const ClusterResourcesDocument = new TypedDocumentString(`
    query ClusterResources($name: String!) {
  cluster(name: $name) {
    name
    resources {
      checkedAt
      nodes {
        name
        ready
        capacity {
          cpuCores
          memoryBytes
          pods
        }
        allocatable {
          cpuCores
          memoryBytes
          pods
        }
        requests {
          cpuCores
          memoryBytes
          pods
        }
        usage {
          cpuCores
          memoryBytes
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ClusterResourcesQuery, ClusterResourcesQueryVariables>;