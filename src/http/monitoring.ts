import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { receiveAlerts } from '../intents/alerts.js';
import type { Deps } from '../intents/context.js';
import { clusterNodeNames } from '../intents/resources.js';
import { kubeletTargetGroups } from '../observe/targets.js';
import { problem, sendProblem } from './problem.js';

/**
 * What an installation's own Prometheus and Alertmanager call on the API, each presenting the
 * bearer token YUNBANG_MONITORING_TOKEN (their `authorization: { credentials_file }`); without the
 * setting neither endpoint exists:
 * - `POST /hooks/alertmanager`: Alertmanager's webhook receiver;
 * - `GET /prometheus/sd/kubelets`: the nodes to scrape the kubelets of (Prometheus' HTTP service
 *   discovery), for a Prometheus without Kubernetes discovery (Debian's has none);
 * - `GET /metrics`, once the token is set: its series name every team's apps, and the platform's
 *   public host reaches the API through the gateway (without the setting, as on a developer's
 *   machine, it stays open).
 * Errors go to the problem handler (a bad body is a 400).
 */
const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Does the Authorization header carry the token? */
export const presentsToken = (token: string, header: string | undefined) => same(/^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '', token);

function admitted(token: string | undefined, header: string | undefined, res: Response, what: string): boolean {
  if (!token) { sendProblem(res, problem(404, `no ${what}: YUNBANG_MONITORING_TOKEN is not set`)); return false; }
  if (!presentsToken(token, header)) { sendProblem(res, problem(401, `the ${what} takes YUNBANG_MONITORING_TOKEN as a bearer token`)); return false; }
  return true;
}

export function alertReceiver(deps: Deps, token: string | undefined): RequestHandler {
  return async (req, res, next) => {
    if (!admitted(token, req.headers.authorization, res, 'alert receiver')) return;
    try {
      res.json(await receiveAlerts(deps, req.body));
    } catch (err) {
      next(err);
    }
  };
}

/** The nodes of `cluster` (the one Yunbang runs in), as the worker's probe last listed them. */
export function kubeletTargets(deps: Deps, token: string | undefined, cluster: string): RequestHandler {
  return async (req, res, next) => {
    if (!admitted(token, req.headers.authorization, res, 'kubelet discovery')) return;
    try {
      res.json(kubeletTargetGroups(cluster, await clusterNodeNames(deps.db, cluster)));
    } catch (err) {
      next(err);
    }
  };
}

/** Prometheus' scrape of the process's own metrics: behind the token when there is one. */
export function metricsGuard(token: string | undefined): RequestHandler {
  return (req, res, next) => {
    if (token && !presentsToken(token, req.headers.authorization)) { sendProblem(res, problem(401, 'the metrics take YUNBANG_MONITORING_TOKEN as a bearer token')); return; }
    next();
  };
}
