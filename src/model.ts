import type { Resources, Role } from './validation.js';

/** The shapes both APIs return. GraphQL and REST serialise these same objects. */

export interface EnvVar { name: string; value: string }

export interface TeamView { name: string; namespace: string; createdAt: Date }

export type Health = 'Ready' | 'Progressing' | 'Degraded' | 'Failed' | 'Missing';

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

export interface AppView {
  team: string;
  name: string;
  image: string;
  port: number;
  replicas: number;
  env: EnvVar[];
  domains: string[];
  resources: Resources;
  /** HTTP path probed for readiness and liveness; null probes the TCP port. */
  healthCheckPath: string | null;
  /** Serve the app's domains over TLS (one certificate Secret per host). */
  tls: boolean;
  running: boolean;
  generation: number;
  currentRelease: number | null;
  createdAt: Date;
  updatedAt: Date;
  status: AppStatusView;
}

/** What a release pins besides the image: the runtime config that shapes the pods. */
export interface ReleaseConfig { port: number; env: EnvVar[]; resources: Resources; healthCheckPath?: string | null }

export interface ReleaseView {
  number: number;
  image: string;
  config: ReleaseConfig;
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
