import { builder } from './builder.js';
import { App } from './app.js';
import { searchLogs, type LogSearchView } from '../src/intents/log-search.js';
import type { FoundLine } from '../src/logs/store.js';
import { addDrain, listDrains, removeDrain, type DrainView } from '../src/intents/drains.js';

const KeptLine = builder.objectRef<FoundLine>('KeptLogLine').implement({
  fields: (t) => ({
    at: t.expose('at', { type: 'DateTime', description: 'When the container printed it' }),
    pod: t.exposeString('pod', { description: 'The replica that printed it' }),
    line: t.exposeString('line'),
  }),
});

const LogSearch = builder.objectRef<LogSearchView>('LogSearch').implement({
  fields: (t) => ({
    lines: t.expose('lines', { type: [KeptLine], description: 'Oldest first' }),
    truncated: t.exposeBoolean('truncated', { description: 'There were more lines than `limit`; the newest are given' }),
  }),
});

builder.objectField(App, 'logSearch', (t) => t.field({
  type: LogSearch,
  description: "The app's kept log lines, every replica's (those since deleted too), by time and text",
  args: {
    since: t.arg.string({ description: 'A duration back from now (30m, 2h, 7d) or an ISO 8601 time; default 1h' }),
    until: t.arg.string({ description: 'A duration back from now or an ISO 8601 time; default now' }),
    grep: t.arg.string({ description: 'Only lines containing this text (literal, case-sensitive)' }),
    replica: t.arg.string({ description: 'One replica: its pod name or the end of it' }),
    limit: t.arg.int({ description: 'At most this many (the newest), 1 to 10000; default 1000' }),
  },
  resolve: (app, a, { ctx }) => searchLogs(ctx, app.team, app.name, {
    since: a.since ?? undefined, until: a.until ?? undefined, grep: a.grep ?? undefined, replica: a.replica ?? undefined, limit: a.limit ?? undefined,
  }),
}));

const Drain = builder.objectRef<DrainView>('LogDrain').implement({
  description: 'Where every line an app prints is also sent: syslog over TCP or TLS, or HTTPS',
  fields: (t) => ({ id: t.exposeID('id'), url: t.exposeString('url'), createdAt: t.expose('createdAt', { type: 'DateTime' }) }),
});

builder.objectField(App, 'logDrains', (t) => t.field({ type: [Drain], resolve: (app, _a, { ctx }) => listDrains(ctx, app.team, app.name) }));

builder.mutationFields((t) => ({
  addLogDrain: t.field({
    type: Drain,
    description: 'Sends every line the app prints to syslog://host:port, syslog+tls://host:port or an https:// URL (Heroku\'s drains)',
    args: { team: t.arg.string({ required: true }), app: t.arg.string({ required: true }), url: t.arg.string({ required: true }) },
    resolve: (_, { team, app, url }, { ctx }) => addDrain(ctx, team, app, url),
  }),
  removeLogDrain: t.field({
    type: Drain,
    args: { team: t.arg.string({ required: true }), app: t.arg.string({ required: true }), id: t.arg.id({ required: true }) },
    resolve: (_, { team, app, id }, { ctx }) => removeDrain(ctx, team, app, String(id)),
  }),
}));
