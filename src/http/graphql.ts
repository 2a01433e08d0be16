import type { Request, Response } from 'express';
import { GraphQLError, getOperationAST, type ValidationContext } from 'graphql';
import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { GraphQLSchema } from 'graphql';
import { authenticate, bearer } from '../auth/tokens.js';
import { CSRF_HEADER, csrfRefused, sessionOf } from '../auth/session.js';
import { Conflict, DomainError, Invalid, RateLimited } from '../errors.js';
import type { Deps } from '../intents/context.js';
import { log } from '../log.js';
import { NUL_MESSAGE, nulInGraphql } from './nul.js';
import { RETRY_AFTER_SECONDS, isDatabaseUnavailable } from '../db/unavailable.js';
import { graphqlDuration, graphqlOperations } from '../metrics.js';
import type { GqlContext } from './graphql-context.js';

interface ServerContext { req: Request; res: Response }

/** Counts and times every operation by its name (anonymous ones as "anonymous"). */
function metricsPlugin(): Plugin {
  return {
    onExecute({ args }) {
      const operation = getOperationAST(args.document, args.operationName)?.name?.value ?? 'anonymous';
      const end = graphqlDuration.startTimer({ operation });
      return {
        onExecuteDone({ result }) {
          end();
          const failed = 'errors' in result && (result.errors?.length ?? 0) > 0;
          graphqlOperations.inc({ operation, outcome: failed ? 'error' : 'ok' });
        },
      };
    },
  };
}

/** A copy of a GraphQL error that carries a code, unless it has one already. */
function withCode(e: GraphQLErrorLike, code: string): GraphQLError {
  if (e.extensions?.code) return e;
  return new GraphQLError(e.message, {
    nodes: e.nodes, source: e.source, positions: e.positions, path: e.path, originalError: e.originalError as Error | undefined,
    extensions: { ...e.extensions, code },
  });
}

/**
 * Errors raised before any resolver runs get a code too, as clients switch on it: a document that
 * fails validation (GRAPHQL_VALIDATION_FAILED) and variables of the wrong type or missing
 * (BAD_USER_INPUT, where graphql-js answers with errors and no data at all).
 */
function errorCodesPlugin(): Plugin {
  return {
    onValidate() {
      return ({ result, setResult }) => {
        if (result.length > 0) setResult(result.map((e) => withCode(e as GraphQLErrorLike, 'GRAPHQL_VALIDATION_FAILED')));
      };
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const field = nulInGraphql(args.document, args.variableValues);
      if (field !== undefined) {
        setResultAndStopExecution({ errors: [new GraphQLError(`${field ? `${field}: ` : ''}${NUL_MESSAGE}`, { extensions: { code: 'BAD_USER_INPUT', fields: [{ field, message: NUL_MESSAGE }] } })] });
      }
    },
    onExecute({ args, setResultAndStopExecution }) {
      const field = nulInGraphql(args.document, args.variableValues);
      if (field !== undefined) {
        setResultAndStopExecution({ errors: [new GraphQLError(`${field ? `${field}: ` : ''}${NUL_MESSAGE}`, { extensions: { code: 'BAD_USER_INPUT', fields: [{ field, message: NUL_MESSAGE }] } })] });
        return;
      }
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result || 'data' in result || !result.errors?.length) return;
          setResult({ ...result, errors: result.errors.map((e) => withCode(e as GraphQLErrorLike, 'BAD_USER_INPUT')) });
        },
      };
    },
  };
}

/**
 * Domain errors become GraphQL errors with extensions.code; anything else is logged and masked.
 * GraphQL errors are recognised by shape, not instanceof: graphql ships CJS and ESM builds, and
 * yoga and this module may load different ones.
 */
type GraphQLErrorLike = GraphQLError & { originalError?: unknown };
const isGraphQLError = (e: unknown): e is GraphQLErrorLike => e instanceof Error && 'extensions' in e && 'path' in e;

function maskError(error: unknown, message: string): Error {
  const original = isGraphQLError(error) ? error.originalError : error;
  if (isDatabaseUnavailable(original)) {
    return new GraphQLError('the database is unavailable; the request was not carried out, send it again', {
      extensions: { code: 'UNAVAILABLE', http: { status: 503, headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) } } },
    });
  }
  if (original instanceof DomainError) {
    const ge = isGraphQLError(error) ? error : undefined;
    return new GraphQLError(original.message, {
      nodes: ge?.nodes, path: ge?.path, source: ge?.source, positions: ge?.positions,
      extensions: {
        code: original.code,
        ...(original instanceof Invalid || (original instanceof Conflict && original.issues.length > 0) ? { fields: original.issues } : {}),
        ...(original.code === 'UNAUTHENTICATED' ? { http: { status: 401 } } : {}),
        ...(original instanceof RateLimited ? { retryAfterSeconds: original.retryAfterSeconds } : {}),
      },
    });
  }
  if (isGraphQLError(error) && (!original || isGraphQLError(original))) return error; // parse, validation, armor: safe to show
  log.error({ err: original }, 'unhandled error in GraphQL resolver');
  return new GraphQLError(message, { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
}

const reportRejections = {
  propagateOnRejection: false,
  onReject: [(context: ValidationContext | null, error: GraphQLError) => {
    context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }));
  }],
};

export function createGraphql(schema: GraphQLSchema, deps: Deps, adminToken: string): YogaServerInstance<ServerContext, GqlContext> {
  return createYoga<ServerContext, GqlContext>({
    schema,
    graphqlEndpoint: '/graphql',
    logging: false,
    landingPage: false,
    maskedErrors: { maskError },
    plugins: [
      EnvelopArmorPlugin({
        // Reported as validation errors (so they get a code like any other) instead of thrown
        // out of validation, which left them without one.
        maxDepth: { n: 8, ...reportRejections },
        maxAliases: { n: 15, ...reportRejections },
        maxDirectives: { n: 10, ...reportRejections },
        maxTokens: { n: 2000 },
        costLimit: { maxCost: 5000, ...reportRejections },
        blockFieldSuggestion: { enabled: true },
      }),
      metricsPlugin(),
      errorCodesPlugin(),
    ],
    context: async ({ req, res, request }) => {
      const token = bearer(req.headers.authorization);
      let principal = token ? await authenticate(deps.db, token, adminToken, deps.tokenCache) : undefined;
      if (!token) {
        // The console's session cookie; anything but a plain read must also carry its CSRF token.
        const session = await sessionOf(deps.db, req.headers.cookie, adminToken);
        if (session && csrfRefused(session, req.method, req.headers[CSRF_HEADER])) {
          throw new GraphQLError(`the ${CSRF_HEADER} header is missing or wrong`, { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
        }
        principal = session?.principal;
      }
      if (!principal) {
        throw new GraphQLError('a valid bearer token is required', { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
      }
      return { ctx: { ...deps, principal, requestId: String(res.getHeader('x-request-id') ?? '') || undefined }, signal: request.signal };
    },
  });
}
