import type { Resources, Role } from './validation.js';

/** The shapes both APIs return. GraphQL and REST serialise these same objects. */

// The shapes Kubernetes objects are rendered from belong to k8s/ (the layer below): re-exported here.
import type { AutoscalingRule, AutoscalingStatus, EnvVar, Health } from '../k8s/types.js';
export type { AutoscalingRule, AutoscalingStatus, EnvVar, Health };

/** A team's plan, as the admin set it (or the platform's default): what its ResourceQuota allows, and builds at once. */
export interface LogRetentionView { days: number; megabytes: number }

export interface TeamQuotaView { pods: number; cpu: string; memory: string; storage: string | null; builds: number }

export interface TeamView {
  name: string;
  namespace: string;
  createdAt: Date;
  /** The Pod Security Standard its namespace enforces: baseline (the default) or restricted. */
  podSecurity: 'baseline' | 'restricted';
  quota: TeamQuotaView;
  /** How long its apps' log lines are kept, by age and by size (its own, or the platform's default). */
  logRetention: LogRetentionView;
  /** The clusters the team may run apps in (its namespace exists in each), and where new apps go. */
  clusters: string[];
  defaultCluster: string | null;
}

/** A Kubernetes cluster Yunbang drives, with what its last probe saw. */
export interface ClusterView {
  name: string;
  /** The API server's URL. */
  server: string;
  /** Default domains of apps placed here are `<app>-<team>.<appsDomain>`. */
  appsDomain: string;
  /** Where records of its apps are published (its gateway's etcd); empty: the platform's etcd. */
  etcdEndpoints: string[];
  labels: Record<string, string>;
  /** Takes no new apps. */
  cordoned: boolean;
  /** The cluster of the processes' own KUBECONFIG, registered at start. */
  fromEnvironment: boolean;
  health: 'Reachable' | 'Unreachable' | 'Degraded' | 'Unknown';
  lastError: string | null;
  lastErrorAt: Date | null;
  checkedAt: Date | null;
  version: string | null;
  nodes: number | null;
  teams: number;
  apps: number;
  createdAt: Date;
}


export interface AppStatusView {
  health: Health;
  reason: string;
  message: string;
  readyReplicas: number;
  desiredReplicas: number;
  observedGeneration: number;
  endpoints: string[];
  updatedAt: Date;
}

export interface GitSource {
  url: string; branch: string; subdir: string | null;
  /** Credentials are stored (never shown). */
  hasCredentials: boolean;
  /** SSH host keys the app trusts besides the platform's. */
  knownHosts: string | null;
  /** Trust the host key on the first clone, then pin it. */
  trustOnFirstUse: boolean;
  /** The key learned on the first clone (trust on first use), pinned since. */
  learnedHostKeys: string | null;
}

export interface AppView {
  team: string;
  name: string;
  /** What runs now; null for a git app whose first build has not succeeded. */
  image: string | null;
  /** Where a git app's code is; null for an app deployed from an image. */
  git: GitSource | null;
  buildMode: 'AUTO' | 'DOCKERFILE' | 'SOURCE' | null;
  dockerfilePath: string | null;
  /** The app's webhook for git hosts (git apps only); its secret is shown only when rotated. */
  webhookUrl: string | null;
  port: number;
  replicas: number;
  env: EnvVar[];
  /** Custom domains. */
  domains: string[];
  /** `<app>-<team>.<apps domain>`, served by the gateway; null for backing services (only their dependents reach them). */
  defaultDomain: string | null;
  /** Where end users reach the app: its default domain's URL (or its first custom domain's). */
  url: string | null;
  resources: Resources;
  /** Linux capabilities the image needs; every other one is dropped (none declared: see the README's security model). */
  capabilities: string[];
  /** HTTP path probed for readiness and liveness; null probes the TCP port. */
  healthCheckPath: string | null;
  /** Serve the app's domains over TLS (one certificate Secret per host). */
  tls: boolean;
  running: boolean;
  generation: number;
  currentRelease: number | null;
  /**
   * What really serves `image` where the app runs, when its cluster's node serves a local stand-in
   * (the local stack: "MariaDB 10.11 (Debian 1:10.11.6-0+deb12u1)" for `mysql:8.4`); null where the
   * image itself runs, as in every production cluster.
   */
  imageServedBy: string | null;
  createdAt: Date;
  updatedAt: Date;
  status: AppStatusView;
  /** Persistent volumes; an app with any runs as a StatefulSet. */
  volumes: VolumeView[];
  /** The apps it depends on: their connection info reaches it as env vars. */
  dependencies: AppRefView[];
  /** Other teams that may depend on it (shareApp). */
  sharedWith: string[];
  /** What it exports to its dependents: names, and values where they are not secret. */
  connectionInfo: ConnectionInfoView[];
  /** Names that more than one source gives it (the first dependency wins; the app's own env wins over all). */
  envConflicts: EnvConflictView[];
  /** The template installation it belongs to, if any. */
  installation: string | null;
  /** The cluster it runs in. */
  cluster: string;
  /** Where it is being moved to (it serves from `cluster` until Ready there); null when not moving. */
  movingTo: string | null;
  /** Why the last move failed (the app kept serving from `cluster`); null after a move succeeds. */
  moveError: string | null;
  /** Its autoscaling rule and how it is doing; null when it is scaled by hand (`replicas`). */
  autoscaling: AutoscalingView | null;
  /** Asleep since then (scale to zero, beta): no replicas until a request wakes it; null when awake. */
  sleepingSince: Date | null;
}

export interface AutoscalingView extends AutoscalingRule { status: AutoscalingStatus | null }

export interface VolumeView { name: string; mountPath: string; size: string; accessMode: 'ReadWriteOnce' | 'ReadWriteMany' | 'ReadOnlyMany'; storageClass: string | null }
export interface AppRefView { team: string; app: string }
export interface ConnectionInfoView { name: string; value: string | null; secret: boolean }
export interface EnvConflictView { name: string; from: string[]; usedFrom: string }

/** What a release pins besides the image: the runtime config that shapes the pods. */
export interface ReleaseConfig { port: number; env: EnvVar[]; resources: Resources; healthCheckPath?: string | null; /** Container args; absent: the image's own command. */ args?: string[] | null }

export interface ReleaseView {
  number: number;
  image: string;
  config: ReleaseConfig;
  /** The build that made the image, for git apps. */
  buildId: string | null;
  /** The release this one rolled back to, if it is a rollback. */
  rollbackOf: number | null;
  description: string;
  createdBy: string;
  createdAt: Date;
}

export interface TokenView {
  id: string;
  name: string;
  role: Role;
  team: string;
  createdBy: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface EventView {
  id: string;
  actor: string;
  action: string;
  subject: string;
  outcome: 'success' | 'failure';
  message: string;
  requestId: string | null;
  createdAt: Date;
}

export type BuildStatus = 'queued' | 'detecting' | 'building' | 'succeeded' | 'failed' | 'cancelled' | 'superseded';

export interface BuildView {
  id: string;
  team: string;
  app: string;
  number: number;
  status: BuildStatus;
  ref: string;
  commit: string | null;
  author: string | null;
  message: string | null;
  plan: import('./build/plan.js').BuildPlan | null;
  image: string | null;
  imageDigest: string | null;
  failureReason: string | null;
  trigger: string;
  createdBy: string;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}
