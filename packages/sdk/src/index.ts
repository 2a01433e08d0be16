/**
 * @yunbang/sdk: typed clients for Yunbang's APIs.
 * - REST: `createRestClient` (openapi-fetch over types generated from openapi.yaml);
 * - GraphQL: `createGraphQLClient` (queries, mutations, subscriptions over SSE) with typed
 *   documents generated from the schema;
 * - helpers: `waitUntilReady`, `followBuildLog`, `followAppLogs`, `verifyWebhookSignature`.
 * Both clients turn errors into `YunbangError` and retry 429/503 after their Retry-After.
 */
import { createGraphQLClient, type GraphQLClient } from './graphql.js';
import { createRestClient, type ClientOptions, type RestClient } from './rest.js';

export { YunbangError, type FieldIssue } from './errors.js';
export { createRestClient, type RestClient, type ClientOptions, type Schemas, type paths, type components } from './rest.js';
export { createGraphQLClient, CSRF_HEADER, type GraphQLClient, type GraphQLClientOptions, type Document, type LiveHandlers, type LiveState } from './graphql.js';
export { waitUntilReady, followBuildLog, followAppLogs, type AppStatus } from './helpers.js';
export { verifyWebhookSignature } from './webhooks.js';
export type { RetryOptions } from './retry.js';
export * as documents from './gql/graphql.js';

/** Both clients on one URL and token. */
export function createYunbang(o: ClientOptions): { rest: RestClient; graphql: GraphQLClient } {
  return { rest: createRestClient(o), graphql: createGraphQLClient(o) };
}
