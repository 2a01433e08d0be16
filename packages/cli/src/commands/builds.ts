import type { Command } from 'commander';
import { followAppLogs, followBuildLog, waitUntilReady, YunbangError } from '@yunbang/sdk';
import { UsageError } from '../context.js';
import { colors, health, note, print, printJson, table, waiting } from '../output.js';
import type { Run } from '../run.js';
import { getApp } from './apps.js';

type Build = { id: string; number: number; status: string; ref: string; commit: string | null; message: string | null; failureReason: string | null; image: string | null; createdAt: string; plan: { language: string; version: string | null } | null };

const ENDED = new Set(['succeeded', 'failed', 'cancelled', 'superseded']);

export function register(program: Command, run: Run): void {
  program.command('deploy').description('build the linked branch (or --ref), stream its log, and wait for the release to roll out')
    .option('--ref <ref>', 'a branch, tag or commit to build instead').option('--no-wait', 'return once the build is queued')
    .action(run(async (c, t, o: { ref?: string; wait: boolean }) => {
      const team = c.team(t);
      const app = c.app(t);
      const { data } = await c.rest.POST('/teams/{team}/apps/{app}/builds', { params: { path: { team, app } }, body: o.ref ? { ref: o.ref } : {} });
      const build = data as unknown as Build;
      if (!o.wait) return c.out.json ? printJson(build) : print(`build #${build.number} queued`);
      if (!c.out.json) note(colors.dim(`build #${build.number} of ${app} (${o.ref ?? 'its branch'})`));
      for await (const line of followBuildLog(c.graphql, build.id)) if (!c.out.json) print(line);
      const done = (await c.rest.GET('/builds/{id}', { params: { path: { id: build.id } } })).data as unknown as Build;
      if (done.status !== 'succeeded') throw new YunbangError(`build #${done.number} ${done.status}${done.failureReason ? `: ${done.failureReason}` : ''}`, { status: 0, code: 'BUILD_FAILED' });
      const a = await getApp(c, team, app);
      await waiting(c.out, `rolling out ${done.image ?? ''}`, () => waitUntilReady(c.graphql, { team, app, generation: a.generation }));
      if (c.out.json) return printJson({ build: done, app: await getApp(c, team, app) });
      print(`${colors.green('deployed')} ${app} release v${a.currentRelease ?? '?'}${a.url ? `: ${a.url}` : ''}`);
    }));

  program.command('builds').description('the app\'s builds, newest first').action(run(async (c, t) => {
    const { data } = await c.rest.GET('/teams/{team}/apps/{app}/builds', { params: { path: { team: c.team(t), app: c.app(t) } } });
    if (c.out.json) return printJson(data);
    table((data as unknown as Build[]).map((b) => ({ n: `#${b.number}`, status: b.status, commit: (b.commit ?? '').slice(0, 8) || b.ref, detected: b.plan ? `${b.plan.language} ${b.plan.version ?? ''}`.trim() : '', created: b.createdAt, why: b.failureReason ?? '' })),
      [['n', 'BUILD'], ['status', 'STATUS'], ['commit', 'COMMIT'], ['detected', 'DETECTED'], ['created', 'CREATED'], ['why', '']]);
  }));

  program.command('builds:cancel').argument('[build]', 'the build number (default: the newest running one)').description('cancel a running build')
    .action(run(async (c, t, which?: string) => {
      const builds = (await c.rest.GET('/teams/{team}/apps/{app}/builds', { params: { path: { team: c.team(t), app: c.app(t) } } })).data as unknown as Build[];
      const b = which ? builds.find((x) => String(x.number) === which.replace(/^#/, '')) : builds.find((x) => !ENDED.has(x.status));
      if (!b) throw new UsageError(which ? `no build #${which}` : 'no build is running');
      const { data } = await c.rest.POST('/builds/{id}/cancel', { params: { path: { id: b.id } } });
      if (c.out.json) return printJson(data);
      print(`cancelled build #${b.number}`);
    }));

  program.command('logs').description('the app\'s logs, every replica; with --since or --grep, the lines kept (replicas since deleted too)')
    .option('-t, --tail', 'keep following new lines').option('-n, --num <lines>', 'lines per replica (kept lines: at most, the newest)', Number)
    .option('-r, --replica <pod>', 'one replica (its pod name or the end of it)')
    .option('--since <when>', 'kept lines from this long ago (30m, 2h, 7d) or this time (ISO 8601)')
    .option('--until <when>', 'kept lines up to this long ago or this time')
    .option('-g, --grep <text>', 'kept lines containing this text')
    .action(run(async (c, t, o: { tail?: boolean; num?: number; replica?: string; since?: string; until?: string; grep?: string }) => {
      const team = c.team(t);
      const app = c.app(t);
      if (o.since !== undefined || o.until !== undefined || o.grep !== undefined) {
        if (o.tail) throw new UsageError('--tail follows live lines; --since, --until and --grep search kept ones: use one or the other');
        const query = { ...(o.since ? { since: o.since } : {}), ...(o.until ? { until: o.until } : {}), ...(o.grep ? { grep: o.grep } : {}), ...(o.replica ? { replica: o.replica } : {}), ...(o.num ? { limit: o.num } : {}) };
        const { data } = await c.rest.GET('/teams/{team}/apps/{app}/log-lines', { params: { path: { team, app }, query } });
        const found = data as unknown as { lines: { at: string; pod: string; line: string }[]; truncated: boolean };
        if (c.out.json) return printJson(found);
        for (const l of found.lines) print(`${colors.dim(l.at)} ${colors.cyan(l.pod)} ${l.line}`);
        if (found.truncated) note(colors.dim(`(the newest ${found.lines.length} lines; narrow --since or raise -n for more)`));
        return;
      }
      const num = o.num ?? 100;
      if (!o.tail) {
        const { data } = await c.rest.GET('/teams/{team}/apps/{app}/logs', { params: { path: { team, app }, query: { tail: num } } });
        const lines = (data as unknown as { pod: string; line: string }[]).filter((l) => !o.replica || l.pod.endsWith(o.replica));
        if (c.out.json) return printJson(lines);
        for (const l of lines) print(`${colors.cyan(l.pod)} ${l.line}`);
        return;
      }
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      for await (const l of followAppLogs(c.graphql, { team, app, tail: num, replica: o.replica, signal: stop.signal })) {
        if (c.out.json) process.stdout.write(`${JSON.stringify(l)}\n`);
        else print(`${colors.cyan(l.pod)} ${l.line}`);
      }
    }));

  program.command('releases').description('the app\'s releases, newest first').action(run(async (c, t) => {
    const team = c.team(t);
    const app = c.app(t);
    const { data } = await c.rest.GET('/teams/{team}/apps/{app}/releases', { params: { path: { team, app } } });
    if (c.out.json) return printJson(data);
    const current = (await getApp(c, team, app)).currentRelease;
    table((data as unknown as { number: number; description: string; image: string; createdBy: string; createdAt: string }[])
      .map((r) => ({ v: `v${r.number}${r.number === current ? ' (current)' : ''}`, what: r.description, by: r.createdBy, when: r.createdAt })),
    [['v', 'RELEASE'], ['what', 'CHANGE'], ['by', 'BY'], ['when', 'WHEN']]);
  }));

  program.command('rollback').argument('[release]', 'the release to go back to (default: the one before the current)').description('run an earlier release again (a new release)')
    .action(run(async (c, t, n?: string) => {
      const team = c.team(t);
      const app = c.app(t);
      const a = await getApp(c, team, app);
      const release = n ? Number(n.replace(/^v/, '')) : (a.currentRelease ?? 1) - 1;
      if (!Number.isInteger(release) || release < 1) throw new UsageError(n ? `"${n}" is not a release number` : `${app} has no release before v${a.currentRelease ?? 0}`);
      const { data } = await c.rest.POST('/teams/{team}/apps/{app}/rollback', { params: { path: { team, app } }, body: { release } });
      if (c.out.json) return printJson(data);
      print(`rolled ${app} back to v${release}: now release v${(data as unknown as { currentRelease: number }).currentRelease}, ${health((data as unknown as { status: { health: string } }).status.health)}`);
    }));
}
