import type { Command } from 'commander';
import { UsageError } from '../context.js';
import { colors, fields, print, printJson } from '../output.js';
import { describeRule } from '../autoscaling.js';
import type { Run } from '../run.js';
import { getApp, type App } from './apps.js';

const int = (what: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n)) throw new UsageError(`${what} must be a whole number, not "${v}"`);
  return n;
};

const positive = (what: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${what} must be a number above 0, not "${v}"`);
  return n;
};

/**
 * Heroku's `ps:autoscale:enable` / `:disable` (its `--p95` included), with CPU, memory and
 * request-rate targets too (an HPA does the work).
 */
export function register(program: Command, run: Run): void {
  program.command('ps:autoscale').description('the app\'s autoscaling rule and what the autoscaler says').action(run(async (c, t) => {
    const a = await getApp(c, c.team(t), c.app(t));
    if (c.out.json) return printJson(a.autoscaling);
    if (!a.autoscaling) return print(`${a.name} is scaled by hand: ${a.replicas} replica(s) (\`yb ps:autoscale:enable\` to autoscale it)`);
    const [rule, said] = describeRule(a.autoscaling);
    fields([['rule', rule!], ['autoscaler', said!]]);
  }));

  program.command('ps:autoscale:enable').description('keep the app\'s replicas between --min and --max, aiming at each target given')
    .requiredOption('--min <n>', 'the fewest replicas', int('--min')).requiredOption('--max <n>', 'the most replicas', int('--max'))
    .option('--cpu <percent>', 'target CPU use, percent of what each replica requests', int('--cpu'))
    .option('--memory <percent>', 'target memory use, percent of what each replica requests', int('--memory'))
    .option('--requests <per-second>', 'target requests a second per replica, as the gateways count them', positive('--requests'))
    .option('--p95 <ms>', 'target 95th-percentile response time in milliseconds, as the gateways measure it', int('--p95'))
    .option('--scale-to-zero <minutes>', 'beta: no replicas after this many minutes without a request; the gateway holds the next one and wakes the app', int('--scale-to-zero'))
    .action(run(async (c, t, o: { min: number; max: number; cpu?: number; memory?: number; requests?: number; p95?: number; scaleToZero?: number }) => {
      if ([o.cpu, o.memory, o.requests, o.p95].every((x) => x === undefined)) throw new UsageError('give a target: --cpu <percent>, --memory <percent>, --requests <per-second> or --p95 <ms>');
      const { data } = await c.rest.PUT('/teams/{team}/apps/{app}/autoscaling', {
        params: { path: { team: c.team(t), app: c.app(t) } }, body: { min: o.min, max: o.max, cpuPercent: o.cpu ?? null, memoryPercent: o.memory ?? null, requestsPerReplica: o.requests ?? null, p95Ms: o.p95 ?? null, scaleToZeroAfterMinutes: o.scaleToZero ?? null },
      });
      const a = data as unknown as App;
      if (c.out.json) return printJson(a.autoscaling);
      print(`autoscaling ${colors.bold(a.name)}: ${describeRule(a.autoscaling!)[0]}`);
    }));

  program.command('ps:autoscale:disable').description('scale the app by hand again (it keeps the replicas it has)').action(run(async (c, t) => {
    const { data } = await c.rest.DELETE('/teams/{team}/apps/{app}/autoscaling', { params: { path: { team: c.team(t), app: c.app(t) } } });
    const a = data as unknown as App;
    if (c.out.json) return printJson({ app: a.name, replicas: a.replicas, autoscaling: null });
    print(`${colors.bold(a.name)} is scaled by hand again: ${a.replicas} replica(s)`);
  }));
}
