import type { Command } from 'commander';
import { keyValues, UsageError } from '../context.js';
import { colors, print, printJson, table } from '../output.js';
import type { Run } from '../run.js';
import { getApp } from './apps.js';

/** Env and domains: each change reads the app, changes the list, and sends only that field. */
export function register(program: Command, run: Run): void {
  program.command('config').description('the app\'s env vars').option('--shell', 'print as K=V lines')
    .action(run(async (c, t, o: { shell?: boolean }) => {
      const a = await getApp(c, c.team(t), c.app(t));
      if (c.out.json) return printJson(Object.fromEntries(a.env.map((e) => [e.name, e.value])));
      if (o.shell) { for (const e of a.env) print(`${e.name}=${e.value}`); return; }
      table(a.env.map((e) => ({ name: e.name, value: e.value })), [['name', 'NAME'], ['value', 'VALUE']]);
    }));

  program.command('config:set').argument('<K=V...>', 'variables to set').description('set env vars (a new release)')
    .action(run(async (c, t, pairs: string[]) => {
      const set = keyValues(pairs);
      const team = c.team(t);
      const app = c.app(t);
      const a = await getApp(c, team, app);
      const env = [...a.env.filter((e) => !set.some((s) => s.name === e.name)), ...set];
      const { data } = await c.rest.PATCH('/teams/{team}/apps/{app}', { params: { path: { team, app } }, body: { env } });
      if (c.out.json) return printJson(data);
      print(`set ${set.map((s) => colors.bold(s.name)).join(', ')} on ${app}: release v${(data as unknown as { currentRelease: number }).currentRelease}`);
    }));

  program.command('config:unset').argument('<K...>', 'variables to remove').description('remove env vars (a new release)')
    .action(run(async (c, t, names: string[]) => {
      const team = c.team(t);
      const app = c.app(t);
      const a = await getApp(c, team, app);
      const missing = names.filter((n) => !a.env.some((e) => e.name === n));
      if (missing.length) throw new UsageError(`${app} has no ${missing.join(', ')}`);
      const { data } = await c.rest.PATCH('/teams/{team}/apps/{app}', { params: { path: { team, app } }, body: { env: a.env.filter((e) => !names.includes(e.name)) } });
      if (c.out.json) return printJson(data);
      print(`unset ${names.join(', ')} on ${app}`);
    }));

  program.command('domains').description('the app\'s domains').action(run(async (c, t) => {
    const a = await getApp(c, c.team(t), c.app(t));
    if (c.out.json) return printJson({ default: a.defaultDomain, custom: a.domains });
    table([...(a.defaultDomain ? [{ host: a.defaultDomain, kind: 'default' }] : []), ...a.domains.map((d) => ({ host: d, kind: 'custom' }))], [['host', 'HOST'], ['kind', 'KIND']]);
  }));

  for (const [op, add] of [['domains:add', true], ['domains:remove', false]] as const) {
    program.command(op).argument('<host>', 'a host name').description(add ? 'serve the app at another host' : 'stop serving the app at a host')
      .action(run(async (c, t, host: string) => {
        const team = c.team(t);
        const app = c.app(t);
        const a = await getApp(c, team, app);
        if (!add && !a.domains.includes(host)) throw new UsageError(`${app} has no domain ${host}`);
        const domains = add ? [...new Set([...a.domains, host])] : a.domains.filter((d) => d !== host);
        const { data } = await c.rest.PATCH('/teams/{team}/apps/{app}', { params: { path: { team, app } }, body: { domains } });
        if (c.out.json) return printJson(data);
        print(`${add ? 'added' : 'removed'} ${colors.bold(host)} ${add ? 'to' : 'from'} ${app}`);
      }));
  }
}
