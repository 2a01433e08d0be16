import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { documents, waitUntilReady, type Schemas } from '@yunbang/sdk';
import { insideGit, keyValues, linkCheckout, templateParameters, UsageError, type Ctx, type Target } from '../context.js';
import { colors, fields, health, print, printJson, table, waiting } from '../output.js';
import type { Run } from '../run.js';
import { describeRule } from '../autoscaling.js';

/** The REST API's App, as the SDK's generated types describe it. */
type App = Schemas['App'];

const shown = (a: App) => (!a.running ? 'Stopped' : a.sleepingSince ? 'Sleeping' : a.status.health);
const appRow = (a: App) => ({ name: a.name, health: health(shown(a)), ready: `${a.status.readyReplicas}/${a.running ? a.status.desiredReplicas : 0}`, runs: a.image ?? (a.git ? `${a.git.url} (${a.git.branch})` : ''), url: a.url ?? '' });

export async function getApp(c: Ctx, team: string, app: string): Promise<App> {
  return (await c.rest.GET('/teams/{team}/apps/{app}', { params: { path: { team, app } } })).data as unknown as App;
}

export function register(program: Command, run: Run): void {
  program.command('teams').description('list the teams you can see').action(run(async (c) => {
    const { data } = await c.rest.GET('/teams');
    if (c.out.json) return printJson(data);
    table(data as unknown as Record<string, unknown>[], [['name', 'TEAM'], ['clusters', 'CLUSTERS'], ['createdAt', 'CREATED']]);
  }, { team: false }));

  program.command('teams:create').argument('<name>', 'the team name (lower-case letters, digits and -)').description('create a team (admin token)').action(run(async (c, _t, name: string) => {
    const { data } = await c.rest.POST('/teams', { body: { name } });
    if (c.out.json) return printJson(data);
    print(`created team ${colors.bold(name)}`);
  }, { team: false }));

  program.command('apps').description('list the team\'s apps').action(run(async (c, t) => {
    const { data } = await c.rest.GET('/teams/{team}/apps', { params: { path: { team: c.team(t) } } });
    if (c.out.json) return printJson(data);
    table((data as unknown as App[]).map(appRow), [['name', 'APP'], ['health', 'HEALTH'], ['ready', 'READY'], ['runs', 'RUNS'], ['url', 'URL']]);
  }));

  program.command('apps:create').argument('<name>', 'the app name').description('create an app from an image, a git repository or a market template')
    .option('--image <image>', 'run a ready image').option('--git <url>', 'build from a git repository').option('--branch <branch>', 'the branch to build (git)')
    .option('--subdir <dir>', 'the app\'s folder in the repository (git)').option('--template <template>', 'install a market template')
    .option('--param <k=v...>', 'a template parameter (repeatable)').option('--port <port>', 'the port the app listens on', Number)
    .option('--replicas <n>', 'how many replicas', Number).option('--env <K=V...>', 'an env var (repeatable)').option('--domain <host...>', 'a custom domain (repeatable)')
    .option('--no-link', 'do not link the current git checkout to the app')
    .action(run(async (c, t, name: string, o: { image?: string; git?: string; branch?: string; subdir?: string; template?: string; param?: string[]; port?: number; replicas?: number; env?: string[]; domain?: string[]; link: boolean }) => {
      const team = c.team(t);
      const sources = [o.image, o.git, o.template].filter(Boolean).length;
      if (sources !== 1) throw new UsageError('give exactly one of --image, --git or --template');
      if (o.template) {
        const parameters = templateParameters(o.param);
        const { data } = await c.rest.POST('/teams/{team}/installations', { params: { path: { team } }, body: { name, template: o.template, parameters } as never });
        if (c.out.json) return printJson(data);
        print(`installed ${colors.bold(o.template)} as ${colors.bold(name)}: ${(data as unknown as { apps: { name: string }[] }).apps.map((a) => a.name).join(', ')}`);
        return;
      }
      for (const [flag, v] of [['--port', o.port], ['--replicas', o.replicas]] as const) if (v !== undefined && !Number.isInteger(v)) throw new UsageError(`${flag} must be a whole number`);
      const body = {
        name, ...(o.image ? { image: o.image } : { git: { url: o.git!, ...(o.branch ? { branch: o.branch } : {}), ...(o.subdir ? { subdir: o.subdir } : {}) } }),
        ...(o.port !== undefined ? { port: o.port } : {}), ...(o.replicas !== undefined ? { replicas: o.replicas } : {}),
        ...(o.env ? { env: keyValues(o.env) } : {}), ...(o.domain ? { domains: o.domain } : {}),
      };
      const { data } = await c.rest.POST('/teams/{team}/apps', { params: { path: { team } }, body: body as never });
      const linked = o.link && insideGit();
      if (linked) linkCheckout(team, name);
      if (c.out.json) return printJson(data);
      const a = data as unknown as App;
      print(`created ${colors.bold(name)} in ${team}${a.url ? `: ${a.url}` : ''}`);
      if (linked) print(colors.dim(`this checkout is linked to it (git config yunbang.app ${name})`));
    }));

  program.command('apps:info').description('show an app').action(run(async (c, t) => {
    const a = await getApp(c, c.team(t), c.app(t));
    if (c.out.json) return printJson(a);
    fields([['app', a.name], ['team', a.team], ['health', `${health(shown(a))} ${a.status.message}`], ['replicas', `${a.status.readyReplicas}/${a.running ? a.status.desiredReplicas : 0} ready`],
      ['runs', a.image ? `${a.image}${a.imageServedBy ? ` (served locally by ${a.imageServedBy})` : ''}` : 'nothing yet'], ['release', a.currentRelease ? `v${a.currentRelease}` : ''], ['git', a.git ? `${a.git.url} (${a.git.branch})` : ''],
      ['url', a.url ?? ''], ['domains', a.domains], ['port', a.port], ['cluster', a.cluster]]);
  }));

  program.command('apps:destroy').description('delete an app (its volumes and generated secrets are kept)').option('--confirm <name>', 'the app\'s name, to skip the question')
    .action(run(async (c, t, o: { confirm?: string }) => {
      const team = c.team(t);
      const app = c.app(t);
      let confirmed = o.confirm;
      if (confirmed === undefined) {
        if (!process.stdin.isTTY) throw new UsageError(`this deletes ${app}: pass --confirm ${app}`);
        const { createInterface } = await import('node:readline/promises');
        const rl = createInterface({ input: process.stdin, output: process.stderr });
        confirmed = (await rl.question(`This deletes ${colors.bold(app)} in ${team}. Type its name to confirm: `)).trim();
        rl.close();
      }
      if (confirmed !== app) throw new UsageError(`"${confirmed}" is not "${app}": nothing deleted`);
      const { data } = await c.rest.DELETE('/teams/{team}/apps/{app}', { params: { path: { team, app } } });
      if (c.out.json) return printJson(data);
      print(`deleted ${colors.bold(app)}: ${(data as unknown as { message: string }).message}`);
    }));

  program.command('open').description('print the app\'s URL (and open it with --browser)').option('--browser', 'open it in the default browser')
    .action(run(async (c, t, o: { browser?: boolean }) => {
      const a = await getApp(c, c.team(t), c.app(t));
      if (!a.url) throw new Error(`${a.name} has no public URL (only its dependents reach it)`);
      if (c.out.json) return printJson({ url: a.url });
      print(a.url);
      if (o.browser) spawn(process.platform === 'darwin' ? 'open' : 'xdg-open', [a.url], { stdio: 'ignore', detached: true }).on('error', () => {}).unref();
    }));

  program.command('ps').description('the app\'s status and replicas').option('-w, --watch', 'follow changes live until interrupted')
    .action(run(async (c, t, o: { watch?: boolean }) => {
      const team = c.team(t);
      const app = c.app(t);
      const a = await getApp(c, team, app);
      const line = (s: App['status'], running: boolean) => `${health(!running ? 'Stopped' : s.reason === 'Sleeping' ? 'Sleeping' : s.health)}  ${s.readyReplicas}/${running ? s.desiredReplicas : 0} ready  ${s.message}`;
      if (!o.watch) {
        if (c.out.json) return printJson({ app: a.name, running: a.running, replicas: a.replicas, image: a.image, imageServedBy: a.imageServedBy, status: a.status });
        print(line(a.status, a.running));
        if (a.autoscaling) print(colors.dim(`autoscaled: ${describeRule(a.autoscaling).join('; ')}`));
        // The local stack's stand-ins say what really runs ("mysql:8.4 — served locally by MariaDB 10.11").
        if (a.image && a.imageServedBy) print(colors.dim(`${a.image} — served locally by ${a.imageServedBy}`));
        return;
      }
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      for await (const { appStatus } of c.graphql.subscribe(documents.AppStatusDocument, { team, app }, stop.signal)) {
        if (c.out.json) process.stdout.write(`${JSON.stringify(appStatus)}\n`);
        else print(`${new Date().toISOString().slice(11, 19)}  ${line(appStatus as App['status'], a.running)}`);
      }
    }));

  program.command('ps:scale').argument('<replicas>', 'how many replicas (web=N also works)').description('scale the app').option('--wait', 'wait until they are ready')
    .action(run(async (c, t, n: string, o: { wait?: boolean }) => {
      const replicas = Number(n.replace(/^\w+=/, ''));
      if (!Number.isInteger(replicas) || replicas < 0) throw new UsageError(`"${n}" is not a number of replicas`);
      const team = c.team(t);
      const app = c.app(t);
      const { data } = await c.rest.PATCH('/teams/{team}/apps/{app}', { params: { path: { team, app } }, body: { replicas } });
      const a = data as unknown as App;
      if (o.wait) await waiting(c.out, `scaling ${app} to ${replicas}`, () => waitUntilReady(c.graphql, { team, app, generation: a.generation }));
      if (c.out.json) return printJson(o.wait ? await getApp(c, team, app) : a);
      print(`scaled ${colors.bold(app)} to ${replicas}`);
    }));

  for (const [op, verb] of [['restart', 'restarted'], ['stop', 'stopped'], ['start', 'started']] as const) {
    program.command(op).description(op === 'restart' ? 'roll every pod of the app' : op === 'stop' ? 'run no replicas (the app and its config are kept)' : 'run the app again')
      .action(run(async (c, t) => {
        const team = c.team(t);
        const app = c.app(t);
        const path = `/teams/{team}/apps/{app}/${op}` as '/teams/{team}/apps/{app}/restart';
        const { data } = await c.rest.POST(path, { params: { path: { team, app } } });
        if (c.out.json) return printJson(data);
        print(`${verb} ${colors.bold(app)}`);
      }));
  }
}

export type { App, Target };
