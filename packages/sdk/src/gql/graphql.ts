/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
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