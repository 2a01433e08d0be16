import type { Command } from 'commander';
import type { components } from '@yunbang/sdk';
import { UsageError } from '../context.js';
import { print, printJson, table } from '../output.js';
import type { Run } from '../run.js';

type Drain = components['schemas']['LogDrain'];

/** Heroku's `drains`, `drains:add URL`, `drains:remove URL`. */
export function register(program: Command, run: Run): void {
  program.command('drains').description('where the app\'s log lines are also sent').action(run(async (c, t) => {
    const { data } = await c.rest.GET('/teams/{team}/apps/{app}/drains', { params: { path: { team: c.team(t), app: c.app(t) } } });
    if (c.out.json) return printJson(data);
    table((data as Drain[]).map((d) => ({ url: d.url, since: d.createdAt })), [['url', 'DRAIN'], ['since', 'ADDED']]);
  }));

  program.command('drains:add').argument('<url>', 'syslog://host:port, syslog+tls://host:port or https://host/path')
    .description('send every line the app prints there too (RFC 5424 syslog; HTTPS as logplex frames)')
    .action(run(async (c, t, url: string) => {
      const { data } = await c.rest.POST('/teams/{team}/apps/{app}/drains', { params: { path: { team: c.team(t), app: c.app(t) } }, body: { url } });
      if (c.out.json) return printJson(data);
      print(`draining ${c.app(t)}'s logs to ${url}`);
    }));

  program.command('drains:remove').argument('<url>', 'the drain\'s URL, as `yb drains` shows it').description('stop sending the app\'s lines there')
    .action(run(async (c, t, url: string) => {
      const path = { team: c.team(t), app: c.app(t) };
      const all = (await c.rest.GET('/teams/{team}/apps/{app}/drains', { params: { path } })).data as Drain[];
      const d = all.find((x) => x.url === url);
      if (!d) throw new UsageError(`${path.app} has no drain ${url} (see \`yb drains\`)`);
      const { data } = await c.rest.DELETE('/teams/{team}/apps/{app}/drains/{id}', { params: { path: { ...path, id: d.id } } });
      if (c.out.json) return printJson(data);
      print(`no longer draining to ${url}`);
    }));
}
