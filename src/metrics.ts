import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of this process, served at /metrics. */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'yunbang_' });

const buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const httpRequests = new Counter({
  name: 'yunbang_http_requests_total', help: 'HTTP requests by route and status',
  labelNames: ['method', 'route', 'status'] as const, registers: [registry],
});
export const httpDuration = new Histogram({
  name: 'yunbang_http_request_duration_seconds', help: 'HTTP request latency by route',
  labelNames: ['method', 'route'] as const, buckets, registers: [registry],
});
export const graphqlOperations = new Counter({
  name: 'yunbang_graphql_operations_total', help: 'GraphQL operations by name and outcome',
  labelNames: ['operation', 'outcome'] as const, registers: [registry],
});
export const graphqlDuration = new Histogram({
  name: 'yunbang_graphql_operation_duration_seconds', help: 'GraphQL execution latency by operation',
  labelNames: ['operation'] as const, buckets, registers: [registry],
});
export const jobRuns = new Counter({
  name: 'yunbang_jobs_total', help: 'Jobs handled by queue and outcome',
  labelNames: ['queue', 'outcome'] as const, registers: [registry],
});
export const jobDuration = new Histogram({
  name: 'yunbang_job_duration_seconds', help: 'Job handling time by queue',
  labelNames: ['queue'] as const, buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300], registers: [registry],
});
