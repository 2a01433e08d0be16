import { builder } from './builder.js';
import { App } from './app.js';
import { Team } from './team.js';
import { addNotification, getAppAlerts, listNotifications, removeNotification, setAppAlerts, type AppAlertsView, type NotificationView } from '../src/intents/alerts.js';
import type { AlertSettings } from '../src/observe/alerts.js';

type Threshold = { threshold: number; minRequests: number };

const ThresholdRule = builder.objectRef<Threshold>('ThresholdRule').implement({
  fields: (t) => ({
    threshold: t.exposeFloat('threshold'),
    minRequests: t.exposeInt('minRequests', { description: 'Below this many requests in the window the rule never fires (a quiet app never pages)' }),
  }),
});
const RatioRule = builder.objectRef<{ threshold: number }>('RatioRule').implement({ fields: (t) => ({ threshold: t.exposeFloat('threshold') }) });

const AlertRules = builder.objectRef<AlertSettings>('AlertRules').implement({
  description: "An app's four rules in force; null: the rule is off",
  fields: (t) => ({
    errorRatio: t.field({ type: ThresholdRule, nullable: true, description: 'Share of requests answered 5xx over 5 minutes (0 to 1)', resolve: (a) => a.errorRatio || null }),
    latencyP95Ms: t.field({ type: ThresholdRule, nullable: true, description: '95th percentile response time over 5 minutes, in milliseconds', resolve: (a) => a.latencyP95Ms || null }),
    crashLoop: t.exposeBoolean('crashLoop', { description: 'A replica in CrashLoopBackOff' }),
    memoryRatio: t.field({ type: RatioRule, nullable: true, description: 'Memory in use as a share of the limit', resolve: (a) => a.memoryRatio || null }),
  }),
});

const AppAlerts = builder.objectRef<AppAlertsView>('AppAlerts').implement({
  fields: (t) => ({
    rules: t.expose('rules', { type: AlertRules }),
    overrides: t.field({ type: 'JSON', description: 'The rules where this app differs from the defaults', resolve: (a) => a.overrides }),
  }),
});

const Notification = builder.objectRef<NotificationView & { secret?: string }>('Notification').implement({
  description: "A webhook the team's alerts are posted to, signed (X-Yunbang-Signature: sha256=HMAC of the body)",
  fields: (t) => ({
    id: t.exposeID('id'), url: t.exposeString('url'), format: t.exposeString('format', { description: 'json or slack' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    secret: t.exposeString('secret', { nullable: true, description: 'The signing secret: only in the answer that created it' }),
  }),
});

builder.objectField(App, 'alerts', (t) => t.field({ type: AppAlerts, resolve: (app, _a, { ctx }) => getAppAlerts(ctx, app.team, app.name) }));
builder.objectField(Team, 'notifications', (t) => t.field({ type: [Notification], resolve: (team, _a, { ctx }) => listNotifications(ctx, team.name) }));

builder.mutationFields((t) => ({
  setAppAlerts: t.field({
    type: AppAlerts,
    description: "Sets an app's rules where they differ from the defaults: a rule given replaces its default (false turns it off); {} or null returns all to the defaults",
    args: { team: t.arg.string({ required: true }), app: t.arg.string({ required: true }), rules: t.arg({ type: 'JSON' }) },
    resolve: (_, { team, app, rules }, { ctx }) => setAppAlerts(ctx, team, app, rules ?? null),
  }),
  addNotification: t.field({
    type: Notification,
    args: { team: t.arg.string({ required: true }), url: t.arg.string({ required: true }), format: t.arg.string({ description: 'json (default) or slack' }) },
    resolve: (_, { team, url, format }, { ctx }) => addNotification(ctx, team, { url, ...(format ? { format } : {}) }),
  }),
  removeNotification: t.field({
    type: Notification,
    args: { team: t.arg.string({ required: true }), id: t.arg.id({ required: true }) },
    resolve: (_, { team, id }, { ctx }) => removeNotification(ctx, team, String(id)),
  }),
}));
