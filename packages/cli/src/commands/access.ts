import type { Command } from 'commander';
import { UsageError } from '../context.js';
import { colors, note, print, printJson, table } from '../output.js';
import type { Run } from '../run.js';
import { getApp } from './apps.js';

const ROLES = ['viewer', 'developer', 'owner'];

export function register(program: Command, run: Run): void {
  program.command('tokens').description('the team\'s API tokens (owners)').action(run(async (c, t) => {
    const { data } = await c.rest.GET('/tokens', { params: { query: { team: c.team(t) } } });
    if (c.out.json) return printJson(data);
    table((data as unknown as Record<string, unknown>[]).map((x) => ({ ...x, state: x.revokedAt ? 'revoked' : 'active' })),
      [['id', 'ID'], ['name', 'NAME'], ['role', 'ROLE'], ['state', 'STATE'], ['lastUsedAt', 'LAST USED']]);
  }, { app: false }));

  program.command('tokens:create').argument('<name>', 'a name for the token').requiredOption('--role <role>', `one of ${ROLES.join(', ')}`).description('create a team token (its secret is shown once)')
    .action(run(async (c, t, name: string, o: { role: string }) => {
      if (!ROLES.includes(o.role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
      const { data } = await c.rest.POST('/tokens', { body: { team: c.team(t), name, role: o.role as 'viewer' } });
      if (c.out.json) return printJson(data);
      const d = data as unknown as { secret: string; token: { id: string } };
      note(colors.yellow('Copy the token now: it is not shown again.'));
      print(d.secret);
    }, { app: false }));

  program.command('tokens:revoke').argument('<id>', 'the token\'s id (see `yb tokens`)').description('revoke a token at once').action(run(async (c, _t, id: string) => {
    const { data } = await c.rest.DELETE('/tokens/{id}', { params: { path: { id } } });
    if (c.out.json) return printJson(data);
    print(`revoked ${id}`);
  }, { team: false, app: false }));

  program.command('events').description('the team\'s audit trail, newest first').option('-n, --num <n>', 'how many', Number, 30).action(run(async (c, t, o: { num: number }) => {
    const { data } = await c.rest.GET('/teams/{team}/events', { params: { path: { team: c.team(t) }, query: { limit: o.num } } });
    if (c.out.json) return printJson(data);
    table(data as unknown as Record<string, unknown>[], [['createdAt', 'WHEN'], ['action', 'ACTION'], ['subject', 'SUBJECT'], ['actor', 'BY'], ['outcome', 'OUTCOME'], ['message', 'DETAILS']]);
  }, { app: false }));

  program.command('webhook').description('the URL your git host\'s push webhook calls').action(run(async (c, t) => {
    const a = await getApp(c, c.team(t), c.app(t)) as unknown as { webhookUrl: string | null; name: string };
    if (!a.webhookUrl) throw new Error(`${a.name} is not built from git: it has no webhook`);
    if (c.out.json) return printJson({ webhookUrl: a.webhookUrl });
    print(a.webhookUrl);
  }));

  program.command('webhook:rotate').description('make a new webhook secret (shown once) and print it').action(run(async (c, t) => {
    const { data } = await c.rest.POST('/teams/{team}/apps/{app}/webhook-secret', { params: { path: { team: c.team(t), app: c.app(t) } } });
    if (c.out.json) return printJson(data);
    const d = data as unknown as { secret: string; webhookUrl: string };
    note(colors.yellow(`Set this secret on the webhook (${d.webhookUrl}); it is not shown again.`));
    print(d.secret);
  }));
}
