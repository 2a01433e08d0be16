import type { GraphQLSchema } from 'graphql';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import express, { type Express, type RequestHandler } from 'express';
import * as OpenApiValidator from 'express-openapi-validator';
import { pinoHttp } from 'pino-http';
import { authenticate, bearer } from '../auth/tokens.js';
import type { Deps } from '../intents/context.js';
import { log } from '../log.js';
import { httpDuration, httpRequests, registry } from '../metrics.js';
import { createGraphql } from './graphql.js';
import { problem, problemHandler, sendProblem } from './problem.js';
import { rejectNul } from './nul.js';
import { restRouter } from './rest.js';
import { sessionRouter } from './session.js';
import { consoleRouter } from './console.js';
import { handleDelivery } from '../webhooks/handle.js';
import { alertReceiver, kubeletTargets, metricsGuard } from './monitoring.js';

export const apiSpecPath = fileURLToPath(new URL('../../openapi/openapi.yaml', import.meta.url));

/** A dependency that /readyz checks: Postgres, etcd, the Kubernetes API server. */
export interface Probe { name: string; check(): Promise<void> }

export interface ServerOptions {
  /** The GraphQL schema (schema/), handed in by the composition root so src/ never imports above itself. */
  schema: GraphQLSchema;
  deps: Deps;
  adminToken: string;
  /** The bearer token the installation's Prometheus and Alertmanager present (monitoring.ts); unset: neither endpoint. */
  monitoringToken?: string;
  /** The name the cluster this API runs in has (YUNBANG_CLUSTER_NAME): its nodes' kubelets are listed to Prometheus. */
  clusterName?: string;
  probes: Probe[];
  maxBody: string;
  /** Check every REST response against openapi.yaml (tests turn this on; a mismatch is a 500). */
  validateResponses?: boolean;
  /** How long a console sign-in lasts; default 12 hours. */
  sessionHours?: number;
  /** True once the process is stopping: /readyz says so, and every response closes its connection. */
  draining?: () => boolean;
  /** Where the built console is; default console/dist. */
  consoleDir?: string;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

function requestLogging(): RequestHandler {
  return pinoHttp({
    logger: log,
    genReqId: (req, res) => {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    // One line per request; headers are left out so no token can reach the log.
    serializers: {
      req: (req) => ({ id: req.id, method: req.method, url: String(req.url).split('?')[0] }),
      res: (res) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : 'info'),
  });
}

/** Labels metrics by route template (never by raw path, which would explode cardinality). */
function requestMetrics(): RequestHandler {
  return (req, res, next) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const openapi = (req as { openapi?: { openApiRoute?: string } }).openapi;
      const route = openapi?.openApiRoute ?? (req.route ? `${req.baseUrl}${String(req.route.path)}` : req.path === '/graphql' ? '/graphql' : 'unmatched');
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      httpDuration.observe({ method: req.method, route }, seconds);
    });
    next();
  };
}

function requireToken(deps: Deps, adminToken: string): RequestHandler {
  return async (req, res, next) => {
    const token = bearer(req.headers.authorization);
    const principal = token ? await authenticate(deps.db, token, adminToken, deps.tokenCache) : undefined;
    if (!principal) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return sendProblem(res, problem(401, 'a valid bearer token is required'));
    }
    res.locals.ctx = { ...deps, principal, requestId: String(res.getHeader('x-request-id')) };
    next();
  };
}

export function createServer(o: ServerOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(requestLogging());
  app.use(requestMetrics());
  // Stopping: a client's next request opens a new connection, which the load balancer sends elsewhere.
  app.use((_req, res, next) => { if (o.draining?.()) res.setHeader('Connection', 'close'); next(); });

  app.get('/healthz', (_req, res) => { res.json({ status: 'ok' }); });
  app.get('/readyz', async (_req, res) => {
    if (o.draining?.()) { res.status(503).json({ status: 'stopping', checks: {} }); return; }
    const results = await Promise.all(o.probes.map(async (p) => {
      try { await p.check(); return [p.name, 'ok'] as const; } catch (err) { return [p.name, `unreachable: ${(err as Error).message}`] as const; }
    }));
    const ready = results.every(([, r]) => r === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ok' : 'unavailable', checks: Object.fromEntries(results) });
  });
  app.get('/metrics', metricsGuard(o.monitoringToken), async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });

  const json = express.json({ limit: o.maxBody, type: ['application/json', 'application/*+json'] });

  // Webhooks: the raw body, because signatures are computed over the exact bytes sent.
  const raw = express.raw({ limit: o.maxBody, type: () => true });
  const hook: express.RequestHandler = async (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const r = await handleDelivery(o.deps, String(req.params.id), req.params.provider as string | undefined, req.headers, body, String(res.getHeader('x-request-id')));
    res.status(r.status).json(r.body);
  };
  app.post('/hooks/alertmanager', json, rejectNul, alertReceiver(o.deps, o.monitoringToken));
  app.get('/prometheus/sd/kubelets', kubeletTargets(o.deps, o.monitoringToken, o.clusterName ?? 'local'));
  app.post('/hooks/:provider/:id', raw, rejectNul, hook);
  app.post('/hooks/:id', raw, rejectNul, hook);
  app.use(sessionRouter({ deps: o.deps, adminToken: o.adminToken, hours: o.sessionHours ?? 12 }));
  const yoga = createGraphql(o.schema, o.deps, o.adminToken);
  app.use(yoga.graphqlEndpoint, json, (req, res) => yoga(req, res));

  app.use('/api/v1', json, rejectNul, requireToken(o.deps, o.adminToken), OpenApiValidator.middleware({
    apiSpec: apiSpecPath,
    validateRequests: { allowUnknownQueryParameters: false, coerceTypes: false },
    validateResponses: o.validateResponses ?? false,
    validateSecurity: false, // bearer tokens are checked by requireToken, against the database
    validateFormats: true,
  }), restRouter());

  app.use(consoleRouter(o.consoleDir));
  app.use((_req, res) => sendProblem(res, problem(404, 'no such route')));
  app.use(problemHandler);
  return app;
}
