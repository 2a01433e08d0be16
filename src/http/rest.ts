import { Router, type Request, type Response } from 'express';
import * as apps from '../intents/apps.js';
import { deleteApp } from '../intents/delete-app.js';
import { listReleases, rollbackApp } from '../intents/releases.js';
import * as teams from '../intents/teams.js';
import * as tokens from '../intents/tokens.js';
import { listEvents } from '../intents/events.js';
import * as builds from '../intents/builds.js';
import { detectSource } from '../intents/detect-source.js';
import { appLogs } from '../intents/logs.js';
import { appMetrics, teamMetrics } from '../intents/metrics.js';
import { searchLogs } from '../intents/log-search.js';
import * as drains from '../intents/drains.js';
import * as alerts from '../intents/alerts.js';
import { setAutoscaling } from '../intents/autoscaling.js';
import * as runs from '../intents/runs.js';
import { clusterResources } from '../intents/resources.js';
import type { Ctx } from '../intents/context.js';
import * as market from '../intents/market.js';
import * as dependencies from '../intents/dependencies.js';
import * as clusters from '../intents/clusters.js';
import { moveApp } from '../intents/move-app.js';

/**
 * REST handlers for the routes in openapi/openapi.yaml. Requests reach them already
 * authenticated (res.locals.ctx) and validated against the spec; each calls one intent.
 */
const ctx = (res: Response): Ctx => res.locals.ctx as Ctx;
const p = (req: Request, name: string): string => String(req.params[name]);
const q = (req: Request, name: string) => (req.query[name] === undefined ? undefined : String(req.query[name]));

export function restRouter(): Router {
  const r = Router();
  // Send the wire form (Dates as ISO strings) through the response validator, which checks
  // nullable date-time fields only as strings.
  r.use((_req, res, next) => {
    const json = res.json.bind(res);
    res.json = (body: unknown) => json(body === undefined ? body : JSON.parse(JSON.stringify(body)));
    next();
  });

  r.get('/teams', async (_req, res) => { res.json(await teams.listTeams(ctx(res))); });
  r.post('/teams', async (req, res) => {
    const team = await teams.createTeam(ctx(res), req.body);
    res.status(201).location(`${req.baseUrl}/teams/${team.name}`).json(team);
  });
  r.get('/teams/:team', async (req, res) => { res.json(await teams.getTeam(ctx(res), p(req, 'team'))); });
  r.patch('/teams/:team', async (req, res) => { res.json(await teams.updateTeam(ctx(res), { ...req.body, name: p(req, 'team') })); });
  r.delete('/teams/:team', async (req, res) => { res.status(202).json(await teams.deleteTeam(ctx(res), p(req, 'team'))); });

  r.get('/clusters', async (_req, res) => { res.json(await clusters.listClusters(ctx(res))); });
  r.post('/clusters', async (req, res) => {
    const c = await clusters.registerCluster(ctx(res), req.body);
    res.status(201).location(`${req.baseUrl}/clusters/${c.name}`).json(c);
  });
  r.get('/clusters/:cluster', async (req, res) => { res.json(await clusters.getCluster(ctx(res), p(req, 'cluster'))); });
  r.patch('/clusters/:cluster', async (req, res) => { res.json(await clusters.updateCluster(ctx(res), { ...req.body, name: p(req, 'cluster') })); });
  r.delete('/clusters/:cluster', async (req, res) => { res.json(await clusters.removeCluster(ctx(res), p(req, 'cluster'))); });
  r.get('/clusters/:cluster/resources', async (req, res) => { res.json(await clusterResources(ctx(res), p(req, 'cluster'))); });
  r.post('/clusters/:cluster/cordon', async (req, res) => { res.json(await clusters.cordonCluster(ctx(res), p(req, 'cluster'), true)); });
  r.post('/clusters/:cluster/uncordon', async (req, res) => { res.json(await clusters.cordonCluster(ctx(res), p(req, 'cluster'), false)); });
  r.put('/teams/:team/clusters/:cluster', async (req, res) => {
    await clusters.allowTeamCluster(ctx(res), p(req, 'team'), p(req, 'cluster'), req.body?.default === true);
    res.json(await teams.getTeam(ctx(res), p(req, 'team')));
  });
  r.delete('/teams/:team/clusters/:cluster', async (req, res) => {
    await clusters.disallowTeamCluster(ctx(res), p(req, 'team'), p(req, 'cluster'));
    res.json(await teams.getTeam(ctx(res), p(req, 'team')));
  });
  r.post('/teams/:team/apps/:app/move', async (req, res) => {
    res.status(202).json(await moveApp(ctx(res), { team: p(req, 'team'), app: p(req, 'app'), cluster: req.body.cluster }));
  });

  r.get('/teams/:team/apps', async (req, res) => { res.json(await apps.listApps(ctx(res), p(req, 'team'))); });
  r.post('/teams/:team/apps', async (req, res) => {
    const app = await apps.createApp(ctx(res), { ...req.body, team: p(req, 'team') });
    res.status(201).location(`${req.baseUrl}/teams/${app.team}/apps/${app.name}`).json(app);
  });
  r.get('/teams/:team/apps/:app', async (req, res) => { res.json(await apps.getApp(ctx(res), p(req, 'team'), p(req, 'app'))); });
  r.patch('/teams/:team/apps/:app', async (req, res) => {
    res.json(await apps.updateApp(ctx(res), { ...req.body, team: p(req, 'team'), name: p(req, 'app') }));
  });
  r.delete('/teams/:team/apps/:app', async (req, res) => {
    res.status(202).json(await deleteApp(ctx(res), p(req, 'team'), p(req, 'app'), { deleteData: q(req, 'deleteData') === 'true' }));
  });
  for (const op of ['start', 'stop', 'restart'] as const) {
    r.post(`/teams/:team/apps/:app/${op}`, async (req, res) => {
      res.status(202).json(await apps.setLifecycle(ctx(res), op, p(req, 'team'), p(req, 'app')));
    });
  }
  r.get('/teams/:team/apps/:app/releases', async (req, res) => {
    res.json(await listReleases(ctx(res), p(req, 'team'), p(req, 'app')));
  });
  r.post('/teams/:team/apps/:app/rollback', async (req, res) => {
    res.status(202).json(await rollbackApp(ctx(res), p(req, 'team'), p(req, 'app'), req.body.release));
  });
  r.post('/teams/:team/apps/:app/webhook-secret', async (req, res) => {
    res.json(await apps.rotateWebhookSecret(ctx(res), p(req, 'team'), p(req, 'app')));
  });
  r.get('/teams/:team/apps/:app/builds', async (req, res) => {
    const limit = req.query.limit === undefined ? undefined : Number(req.query.limit);
    res.json(await builds.listBuilds(ctx(res), p(req, 'team'), p(req, 'app'), limit));
  });
  r.post('/teams/:team/apps/:app/builds', async (req, res) => {
    res.status(202).json(await builds.triggerBuild(ctx(res), p(req, 'team'), p(req, 'app'), req.body?.ref));
  });
  r.get('/teams/:team/apps/:app/logs', async (req, res) => {
    const tail = req.query.tail === undefined ? undefined : Number(req.query.tail);
    res.json(await appLogs(ctx(res), p(req, 'team'), p(req, 'app'), tail));
  });
  r.get('/teams/:team/apps/:app/log-lines', async (req, res) => {
    res.json(await searchLogs(ctx(res), p(req, 'team'), p(req, 'app'), {
      since: q(req, 'since'), until: q(req, 'until'), grep: q(req, 'grep'), replica: q(req, 'replica'), limit: req.query.limit === undefined ? undefined : Number(req.query.limit),
    }));
  });
  r.get('/teams/:team/apps/:app/drains', async (req, res) => { res.json(await drains.listDrains(ctx(res), p(req, 'team'), p(req, 'app'))); });
  r.post('/teams/:team/apps/:app/drains', async (req, res) => { res.status(201).json(await drains.addDrain(ctx(res), p(req, 'team'), p(req, 'app'), req.body.url)); });
  r.delete('/teams/:team/apps/:app/drains/:id', async (req, res) => { res.json(await drains.removeDrain(ctx(res), p(req, 'team'), p(req, 'app'), p(req, 'id'))); });
  r.get('/teams/:team/apps/:app/runs', async (req, res) => {
    res.json(await runs.listRuns(ctx(res), p(req, 'team'), p(req, 'app'), req.query.limit === undefined ? undefined : Number(req.query.limit)));
  });
  r.post('/teams/:team/apps/:app/runs', async (req, res) => { res.status(201).json(await runs.startRun(ctx(res), p(req, 'team'), p(req, 'app'), req.body)); });
  r.get('/teams/:team/apps/:app/runs/:id', async (req, res) => { res.json(await runs.getRun(ctx(res), p(req, 'team'), p(req, 'app'), p(req, 'id'))); });
  r.delete('/teams/:team/apps/:app/runs/:id', async (req, res) => { res.json(await runs.cancelRun(ctx(res), p(req, 'team'), p(req, 'app'), p(req, 'id'))); });
  r.put('/teams/:team/apps/:app/autoscaling', async (req, res) => { res.json(await setAutoscaling(ctx(res), p(req, 'team'), p(req, 'app'), req.body)); });
  r.delete('/teams/:team/apps/:app/autoscaling', async (req, res) => { res.json(await setAutoscaling(ctx(res), p(req, 'team'), p(req, 'app'), null)); });
  r.get('/teams/:team/apps/:app/alerts', async (req, res) => { res.json(await alerts.getAppAlerts(ctx(res), p(req, 'team'), p(req, 'app'))); });
  r.put('/teams/:team/apps/:app/alerts', async (req, res) => { res.json(await alerts.setAppAlerts(ctx(res), p(req, 'team'), p(req, 'app'), req.body)); });
  r.get('/teams/:team/notifications', async (req, res) => { res.json(await alerts.listNotifications(ctx(res), p(req, 'team'))); });
  r.post('/teams/:team/notifications', async (req, res) => { res.status(201).json(await alerts.addNotification(ctx(res), p(req, 'team'), req.body)); });
  r.delete('/teams/:team/notifications/:id', async (req, res) => { res.json(await alerts.removeNotification(ctx(res), p(req, 'team'), p(req, 'id'))); });
  r.get('/teams/:team/apps/:app/metrics', async (req, res) => {
    res.json(await appMetrics(ctx(res), p(req, 'team'), p(req, 'app'), { window: q(req, 'window'), step: q(req, 'step') }));
  });
  r.get('/teams/:team/metrics', async (req, res) => {
    res.json(await teamMetrics(ctx(res), p(req, 'team'), { window: q(req, 'window'), step: q(req, 'step') }));
  });
  r.get('/builds/:id', async (req, res) => { res.json(await builds.getBuild(ctx(res), p(req, 'id'))); });
  r.post('/builds/:id/cancel', async (req, res) => { res.json(await builds.cancelBuild(ctx(res), p(req, 'id'))); });
  r.get('/builds/:id/logs', async (req, res) => {
    const after = req.query.after === undefined ? 0 : Number(req.query.after);
    res.json(await builds.buildLogs(ctx(res), p(req, 'id'), after));
  });
  r.post('/teams/:team/detect', async (req, res) => { res.json(await detectSource(ctx(res), { ...req.body, team: p(req, 'team') })); });

  r.get('/teams/:team/events', async (req, res) => {
    const limit = req.query.limit === undefined ? undefined : Number(req.query.limit);
    const before = req.query.before === undefined ? undefined : String(req.query.before);
    res.json(await listEvents(ctx(res), p(req, 'team'), { limit, before }));
  });

  r.get('/templates', async (req, res) => { res.json(await market.listTemplates(ctx(res), q(req, 'team'))); });
  r.get('/templates/:name', async (req, res) => { res.json(await market.getTemplate(ctx(res), p(req, 'name'))); });
  r.get('/templates/:owner/:name', async (req, res) => {
    res.json(await market.getTemplate(ctx(res), `${p(req, 'owner')}/${p(req, 'name')}`, q(req, 'team')));
  });
  r.post('/teams/:team/templates', async (req, res) => {
    const team = p(req, 'team');
    const published = 'definition' in req.body
      ? await market.importTemplate(ctx(res), { ...req.body, team })
      : await market.publishTemplate(ctx(res), { ...req.body, team });
    res.status(201).json(published);
  });
  r.get('/teams/:team/installations', async (req, res) => { res.json(await market.listInstallations(ctx(res), p(req, 'team'))); });
  r.post('/teams/:team/installations', async (req, res) => {
    res.status(201).json(await market.installTemplate(ctx(res), { ...req.body, team: p(req, 'team') }));
  });
  r.delete('/teams/:team/installations/:name', async (req, res) => {
    res.status(202).json(await market.uninstallTemplate(ctx(res), p(req, 'team'), p(req, 'name'), { deleteData: q(req, 'deleteData') === 'true' }));
  });
  r.post('/teams/:team/installations/:name/upgrade', async (req, res) => {
    res.status(202).json(await market.upgradeInstallation(ctx(res), p(req, 'team'), p(req, 'name'), req.body.version));
  });
  r.post('/teams/:team/apps/:app/dependencies', async (req, res) => {
    res.json(await dependencies.addDependency(ctx(res), { ...req.body, team: p(req, 'team'), app: p(req, 'app') }));
  });
  r.delete('/teams/:team/apps/:app/dependencies/:dependsOn', async (req, res) => {
    res.json(await dependencies.removeDependency(ctx(res), { team: p(req, 'team'), app: p(req, 'app'), dependsOn: p(req, 'dependsOn'), dependsOnTeam: q(req, 'dependsOnTeam') }));
  });
  r.post('/teams/:team/apps/:app/shares', async (req, res) => {
    res.json(await dependencies.shareApp(ctx(res), { team: p(req, 'team'), app: p(req, 'app'), withTeam: req.body.withTeam }, true));
  });
  r.delete('/teams/:team/apps/:app/shares/:withTeam', async (req, res) => {
    res.json(await dependencies.shareApp(ctx(res), { team: p(req, 'team'), app: p(req, 'app'), withTeam: p(req, 'withTeam') }, false));
  });

  r.get('/tokens', async (req, res) => { res.json(await tokens.listApiTokens(ctx(res), String(req.query.team))); });
  r.post('/tokens', async (req, res) => { res.status(201).json(await tokens.createApiToken(ctx(res), req.body)); });
  r.delete('/tokens/:id', async (req, res) => { res.json(await tokens.revokeApiToken(ctx(res), p(req, 'id'))); });

  return r;
}
