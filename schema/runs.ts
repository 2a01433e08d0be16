import { builder } from './builder.js';
import { App } from './app.js';
import { cancelRun, listRuns, startRun, type RunView } from '../src/intents/runs.js';
import { followRun, type RunOutputItem } from '../src/intents/run-output.js';

const Run = builder.objectRef<RunView>('Run').implement({
  description: 'A one-off command in a Job from the app\'s release (Heroku\'s `heroku run`): who started it, how it ended and how long it took',
  fields: (t) => ({
    id: t.exposeID('id'),
    app: t.exposeString('app'),
    command: t.exposeStringList('command'),
    release: t.exposeInt('release', { description: 'The release it ran in' }),
    attached: t.exposeBoolean('attached', { description: 'Followed by its caller (leaving cancels it); detached runs print to the app\'s logs' }),
    timeoutSeconds: t.exposeInt('timeoutSeconds'),
    status: t.exposeString('status', { description: 'pending, running, succeeded, failed, timed-out, cancelling or cancelled' }),
    exitCode: t.exposeInt('exitCode', { nullable: true }),
    error: t.exposeString('error', { nullable: true, description: 'Why it did not run or was stopped' }),
    createdBy: t.exposeString('createdBy'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    finishedAt: t.expose('finishedAt', { type: 'DateTime', nullable: true }),
  }),
});

const RunOutput = builder.objectRef<RunOutputItem>('RunOutput').implement({
  description: 'A line the command printed; the last item has no line and says how it ended',
  fields: (t) => ({
    line: t.string({ nullable: true, resolve: (o) => o.line ?? null }),
    status: t.string({ nullable: true, resolve: (o) => o.status ?? null }),
    exitCode: t.int({ nullable: true, resolve: (o) => ('exitCode' in o ? o.exitCode : null) }),
    error: t.string({ nullable: true, resolve: (o) => ('error' in o ? o.error : null) }),
  }),
});

const RunInput = builder.inputType('RunInput', {
  fields: (t) => ({
    command: t.stringList({ required: true, description: 'The command and its arguments, run in place of the image\'s entrypoint (e.g. ["sh", "-c", "rake db:migrate"])' }),
    attach: t.boolean({ description: 'Default true: follow runOutput, and leaving cancels it; false: its output goes to the app\'s logs' }),
    timeoutSeconds: t.int({ description: 'Stopped after this long (1–86400; default 3600)' }),
  }),
});

builder.objectField(App, 'runs', (t) => t.field({
  type: [Run], description: 'Its latest one-off commands, newest first',
  args: { limit: t.arg.int({ description: '1–100, default 20' }) },
  resolve: (a, { limit }, { ctx }) => listRuns(ctx, a.team, a.name, limit ?? 20),
}));

builder.mutationFields((t) => ({
  runCommand: t.field({
    type: Run,
    description: 'Runs a one-off command in a Job from the app\'s current release, with its config and its dependencies\' env; audited with the command',
    args: { team: t.arg.string({ required: true }), app: t.arg.string({ required: true }), input: t.arg({ type: RunInput, required: true }) },
    resolve: (_, { team, app, input }, { ctx }) => startRun(ctx, team, app, {
      command: input.command, ...(input.attach != null ? { attach: input.attach } : {}), ...(input.timeoutSeconds != null ? { timeoutSeconds: input.timeoutSeconds } : {}),
    }),
  }),
  cancelRun: t.field({
    type: Run, description: 'Stops a run that has not finished',
    args: { team: t.arg.string({ required: true }), app: t.arg.string({ required: true }), id: t.arg.id({ required: true }) },
    resolve: (_, { team, app, id }, { ctx }) => cancelRun(ctx, team, app, String(id)),
  }),
}));

builder.subscriptionFields((t) => ({
  runOutput: t.field({
    type: RunOutput,
    description: 'A run\'s output from its first line as it is printed, then one item saying how it ended (server-sent events). Its caller leaving an attached run cancels it',
    args: { team: t.arg.string({ required: true }), app: t.arg.string({ required: true }), id: t.arg.id({ required: true }) },
    subscribe: (_, { team, app, id }, { ctx, signal }) => followRun(ctx, team, app, String(id), signal),
    resolve: (o) => o,
  }),
}));
