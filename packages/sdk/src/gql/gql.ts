/* eslint-disable */
import * as types from './graphql.js';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "subscription AppStatus($team: String!, $app: String!) {\n  appStatus(team: $team, app: $app) {\n    health\n    reason\n    message\n    readyReplicas\n    desiredReplicas\n    observedGeneration\n    endpoints\n    updatedAt\n  }\n}\n\nsubscription BuildLogs($buildId: ID!) {\n  buildLogs(buildId: $buildId) {\n    seq\n    line\n    at\n  }\n}\n\nquery AppLogs($team: String!, $app: String!, $tail: Int) {\n  appLogs(team: $team, app: $app, tail: $tail) {\n    pod\n    line\n  }\n}\n\nquery Build($id: ID!) {\n  build(id: $id) {\n    id\n    number\n    status\n    failureReason\n    image\n    commit\n    ref\n    app\n    team\n  }\n}\n\nsubscription TeamApps($team: String!) {\n  teamApps(team: $team) {\n    snapshot\n    removed\n    apps {\n      name\n      running\n      replicas\n      status {\n        health\n        readyReplicas\n        desiredReplicas\n      }\n    }\n  }\n}\n\nquery Topology($team: String!) {\n  topology(team: $team) {\n    nodes {\n      id\n      team\n      app\n      health\n    }\n    edges {\n      from\n      to\n    }\n  }\n}\n\nsubscription AppLogLines($team: String!, $app: String!, $tail: Int) {\n  appLogLines(team: $team, app: $app, tail: $tail) {\n    pod\n    line\n  }\n}": typeof types.AppStatusDocument,
};
const documents: Documents = {
    "subscription AppStatus($team: String!, $app: String!) {\n  appStatus(team: $team, app: $app) {\n    health\n    reason\n    message\n    readyReplicas\n    desiredReplicas\n    observedGeneration\n    endpoints\n    updatedAt\n  }\n}\n\nsubscription BuildLogs($buildId: ID!) {\n  buildLogs(buildId: $buildId) {\n    seq\n    line\n    at\n  }\n}\n\nquery AppLogs($team: String!, $app: String!, $tail: Int) {\n  appLogs(team: $team, app: $app, tail: $tail) {\n    pod\n    line\n  }\n}\n\nquery Build($id: ID!) {\n  build(id: $id) {\n    id\n    number\n    status\n    failureReason\n    image\n    commit\n    ref\n    app\n    team\n  }\n}\n\nsubscription TeamApps($team: String!) {\n  teamApps(team: $team) {\n    snapshot\n    removed\n    apps {\n      name\n      running\n      replicas\n      status {\n        health\n        readyReplicas\n        desiredReplicas\n      }\n    }\n  }\n}\n\nquery Topology($team: String!) {\n  topology(team: $team) {\n    nodes {\n      id\n      team\n      app\n      health\n    }\n    edges {\n      from\n      to\n    }\n  }\n}\n\nsubscription AppLogLines($team: String!, $app: String!, $tail: Int) {\n  appLogLines(team: $team, app: $app, tail: $tail) {\n    pod\n    line\n  }\n}": types.AppStatusDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription AppStatus($team: String!, $app: String!) {\n  appStatus(team: $team, app: $app) {\n    health\n    reason\n    message\n    readyReplicas\n    desiredReplicas\n    observedGeneration\n    endpoints\n    updatedAt\n  }\n}\n\nsubscription BuildLogs($buildId: ID!) {\n  buildLogs(buildId: $buildId) {\n    seq\n    line\n    at\n  }\n}\n\nquery AppLogs($team: String!, $app: String!, $tail: Int) {\n  appLogs(team: $team, app: $app, tail: $tail) {\n    pod\n    line\n  }\n}\n\nquery Build($id: ID!) {\n  build(id: $id) {\n    id\n    number\n    status\n    failureReason\n    image\n    commit\n    ref\n    app\n    team\n  }\n}\n\nsubscription TeamApps($team: String!) {\n  teamApps(team: $team) {\n    snapshot\n    removed\n    apps {\n      name\n      running\n      replicas\n      status {\n        health\n        readyReplicas\n        desiredReplicas\n      }\n    }\n  }\n}\n\nquery Topology($team: String!) {\n  topology(team: $team) {\n    nodes {\n      id\n      team\n      app\n      health\n    }\n    edges {\n      from\n      to\n    }\n  }\n}\n\nsubscription AppLogLines($team: String!, $app: String!, $tail: Int) {\n  appLogLines(team: $team, app: $app, tail: $tail) {\n    pod\n    line\n  }\n}"): typeof import('./graphql.js').AppStatusDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
