import type { Command } from 'commander';
import { templateParameters } from '../context.js';
import { colors, print, printJson, table } from '../output.js';
import type { Run } from '../run.js';

export function register(program: Command, run: Run): void {
  program.command('market').description('the app market: templates you can install').action(run(async (c, t) => {
    const { data } = await c.rest.GET('/templates', { params: { query: { team: c.team(t) } } });
    if (c.out.json) return printJson(data);
    table((data as unknown as { name: string; versions: string[]; scope: string; description: string }[]).map((x) => ({ ...x, versions: x.versions.join(' ') })),
      [['name', 'TEMPLATE'], ['versions', 'VERSIONS'], ['scope', 'SCOPE'], ['description', 'DESCRIPTION']]);
  }));

  program.command('market:install').argument('<template>', 'the template').argument('[name]', 'the installation name (default: the template\'s)')
    .option('--version <v>', 'a version (default: the newest)').option('--param <k=v...>', 'a parameter (repeatable)').description('install a template: its apps, with their dependencies')
    .action(run(async (c, t, template: string, name: string | undefined, o: { version?: string; param?: string[] }) => {
      const parameters = templateParameters(o.param);
      const { data } = await c.rest.POST('/teams/{team}/installations', { params: { path: { team: c.team(t) } }, body: { name: name ?? template, template, ...(o.version ? { version: o.version } : {}), parameters } as never });
      if (c.out.json) return printJson(data);
      const d = data as unknown as { name: string; version: string; apps: { name: string }[] };
      print(`installed ${colors.bold(template)} ${d.version} as ${d.name}: ${d.apps.map((a) => a.name).join(', ')}`);
    }, { app: false }));

  for (const [op, add] of [['deps:add', true], ['deps:remove', false]] as const) {
    program.command(op).argument('<other>', 'the app depended on (team/app for another team\'s shared app)')
      .description(add ? 'give the app OTHER\'s connection info as env vars and a network path to it' : 'remove a dependency')
      .action(run(async (c, t, other: string) => {
        const team = c.team(t);
        const app = c.app(t);
        const [otherTeam, otherApp] = other.includes('/') ? other.split('/', 2) as [string, string] : [undefined, other];
        const { data } = add
          ? await c.rest.POST('/teams/{team}/apps/{app}/dependencies', { params: { path: { team, app } }, body: { dependsOn: otherApp, ...(otherTeam ? { dependsOnTeam: otherTeam } : {}) } })
          : await c.rest.DELETE('/teams/{team}/apps/{app}/dependencies/{dependsOn}', { params: { path: { team, app, dependsOn: otherApp }, query: otherTeam ? { dependsOnTeam: otherTeam } : undefined } });
        if (c.out.json) return printJson(data);
        print(`${app} ${add ? 'now depends on' : 'no longer depends on'} ${other}`);
      }));
  }
}
