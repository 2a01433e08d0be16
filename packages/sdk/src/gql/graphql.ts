/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
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

export type AppStatusSubscriptionVariables = Exact<{
  team: string;
  app: string;
}>;


export type AppStatusSubscription = { appStatus: { health: string, reason: string, message: string, readyReplicas: number, desiredReplicas: number, observedGeneration: number, endpoints: Array<string>, updatedAt: string } };

export type BuildLogsSubscriptionVariables = Exact<{
  buildId: string | number;
}>;


export type BuildLogsSubscription = { buildLogs: { seq: number, line: string, at: string } };

export type AppLogsQueryVariables = Exact<{
  team: string;
  app: string;
  tail?: number | null | undefined;
}>;


export type AppLogsQuery = { appLogs: Array<{ pod: string, line: string }> };

export type BuildQueryVariables = Exact<{
  id: string | number;
}>;


export type BuildQuery = { build: { id: string, number: number, status: string, failureReason: string | null, image: string | null, commit: string | null, ref: string, app: string, team: string } | null };

export type TeamAppsSubscriptionVariables = Exact<{
  team: string;
}>;


export type TeamAppsSubscription = { teamApps: { snapshot: boolean, removed: Array<string>, apps: Array<{ name: string, running: boolean, replicas: number, status: { health: string, readyReplicas: number, desiredReplicas: number } }> } };

export type TopologyQueryVariables = Exact<{
  team: string;
}>;


export type TopologyQuery = { topology: { nodes: Array<{ id: string, team: string, app: string, health: string | null }>, edges: Array<{ from: string, to: string }> } };

export type AppLogLinesSubscriptionVariables = Exact<{
  team: string;
  app: string;
  tail?: number | null | undefined;
}>;


export type AppLogLinesSubscription = { appLogLines: { pod: string, line: string } };

export type AppMetricsQueryVariables = Exact<{
  team: string;
  app: string;
  window?: string | null | undefined;
  step?: string | null | undefined;
}>;


export type AppMetricsQuery = { app: { metrics: { range: { start: number, end: number, stepSeconds: number }, requestsPerSecond: Array<{ t: number, v: number }>, errorRatio: Array<{ t: number, v: number }>, latencyP50Ms: Array<{ t: number, v: number }>, latencyP95Ms: Array<{ t: number, v: number }>, latencyP99Ms: Array<{ t: number, v: number }>, cpuCores: Array<{ t: number, v: number }>, memoryBytes: Array<{ t: number, v: number }>, memoryLimitBytes: Array<{ t: number, v: number }>, replicas: Array<{ t: number, v: number }>, restarts: Array<{ t: number, v: number }> } } | null };

export type AppLogSearchQueryVariables = Exact<{
  team: string;
  app: string;
  since?: string | null | undefined;
  until?: string | null | undefined;
  grep?: string | null | undefined;
  replica?: string | null | undefined;
  limit?: number | null | undefined;
}>;


export type AppLogSearchQuery = { app: { logSearch: { truncated: boolean, lines: Array<{ at: string, pod: string, line: string }> } } | null };

export type SetAutoscalingMutationVariables = Exact<{
  team: string;
  name: string;
  input?: AutoscalingInput | null | undefined;
}>;


export type SetAutoscalingMutation = { setAutoscaling: { app: { name: string, replicas: number, autoscaling: { min: number, max: number, cpuPercent: number | null, memoryPercent: number | null, requestsPerReplica: number | null, p95Ms: number | null, status: { currentReplicas: number, desiredReplicas: number, working: boolean, reason: string, message: string, lastScaleTime: string | null } | null } | null } } };

export type RunOutputSubscriptionVariables = Exact<{
  team: string;
  app: string;
  id: string | number;
}>;


export type RunOutputSubscription = { runOutput: { line: string | null, status: string | null, exitCode: number | null, error: string | null } };

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

export const AppStatusDocument = new TypedDocumentString(`
    subscription AppStatus($team: String!, $app: String!) {
  appStatus(team: $team, app: $app) {
    health
    reason
    message
    readyReplicas
    desiredReplicas
    observedGeneration
    endpoints
    updatedAt
  }
}
    `) as unknown as TypedDocumentString<AppStatusSubscription, AppStatusSubscriptionVariables>;
export const BuildLogsDocument = new TypedDocumentString(`
    subscription BuildLogs($buildId: ID!) {
  buildLogs(buildId: $buildId) {
    seq
    line
    at
  }
}
    `) as unknown as TypedDocumentString<BuildLogsSubscription, BuildLogsSubscriptionVariables>;
export const AppLogsDocument = new TypedDocumentString(`
    query AppLogs($team: String!, $app: String!, $tail: Int) {
  appLogs(team: $team, app: $app, tail: $tail) {
    pod
    line
  }
}
    `) as unknown as TypedDocumentString<AppLogsQuery, AppLogsQueryVariables>;
export const BuildDocument = new TypedDocumentString(`
    query Build($id: ID!) {
  build(id: $id) {
    id
    number
    status
    failureReason
    image
    commit
    ref
    app
    team
  }
}
    `) as unknown as TypedDocumentString<BuildQuery, BuildQueryVariables>;
export const TeamAppsDocument = new TypedDocumentString(`
    subscription TeamApps($team: String!) {
  teamApps(team: $team) {
    snapshot
    removed
    apps {
      name
      running
      replicas
      status {
        health
        readyReplicas
        desiredReplicas
      }
    }
  }
}
    `) as unknown as TypedDocumentString<TeamAppsSubscription, TeamAppsSubscriptionVariables>;
export const TopologyDocument = new TypedDocumentString(`
    query Topology($team: String!) {
  topology(team: $team) {
    nodes {
      id
      team
      app
      health
    }
    edges {
      from
      to
    }
  }
}
    `) as unknown as TypedDocumentString<TopologyQuery, TopologyQueryVariables>;
export const AppLogLinesDocument = new TypedDocumentString(`
    subscription AppLogLines($team: String!, $app: String!, $tail: Int) {
  appLogLines(team: $team, app: $app, tail: $tail) {
    pod
    line
  }
}
    `) as unknown as TypedDocumentString<AppLogLinesSubscription, AppLogLinesSubscriptionVariables>;
export const AppMetricsDocument = new TypedDocumentString(`
    query AppMetrics($team: String!, $app: String!, $window: String, $step: String) {
  app(team: $team, name: $app) {
    metrics(window: $window, step: $step) {
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
      replicas {
        t
        v
      }
      restarts {
        t
        v
      }
    }
  }
}
    `) as unknown as TypedDocumentString<AppMetricsQuery, AppMetricsQueryVariables>;
export const AppLogSearchDocument = new TypedDocumentString(`
    query AppLogSearch($team: String!, $app: String!, $since: String, $until: String, $grep: String, $replica: String, $limit: Int) {
  app(team: $team, name: $app) {
    logSearch(
      since: $since
      until: $until
      grep: $grep
      replica: $replica
      limit: $limit
    ) {
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
export const SetAutoscalingDocument = new TypedDocumentString(`
    mutation SetAutoscaling($team: String!, $name: String!, $input: AutoscalingInput) {
  setAutoscaling(team: $team, name: $name, input: $input) {
    app {
      name
      replicas
      autoscaling {
        min
        max
        cpuPercent
        memoryPercent
        requestsPerReplica
        p95Ms
        status {
          currentReplicas
          desiredReplicas
          working
          reason
          message
          lastScaleTime
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<SetAutoscalingMutation, SetAutoscalingMutationVariables>;
export const RunOutputDocument = new TypedDocumentString(`
    subscription RunOutput($team: String!, $app: String!, $id: ID!) {
  runOutput(team: $team, app: $app, id: $id) {
    line
    status
    exitCode
    error
  }
}
    `) as unknown as TypedDocumentString<RunOutputSubscription, RunOutputSubscriptionVariables>;