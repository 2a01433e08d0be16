import type { Command } from 'commander';
import { documents, type Schemas } from '@yunbang/sdk';
import { ExitWith, UsageError } from '../context.js';
import { colors, note, print, printJson } from '../output.js';
import type { Run } from '../run.js';

type RunView = Schemas['Run'];

/** The exit code yb ends with when a run ended without one of its own (as shells and timeout(1) do). */
const NO_CODE = { 'timed-out': 124, cancelled: 130 } as Record<string, number>;

/**
 * Heroku's `heroku run`: `yb run -- rake db:migrate` runs the command in a Job from the app's
 * current release, with its config; attached, its output streams here and yb exits with its exit
 * code (Ctrl-C cancels it); `--detach` leaves it running, its output in `yb logs`.
 */
export function register(program: Command, run: Run): void {
  program.command('run').argument('<command...>', 'the command and its arguments (after --, so its own options are its)')
    .description('run a one-off command in a new pod of the app\'s current release: yb run -- sh -c \'echo $DATABASE_URL\'')
    .option('-d, --detach', 'do not wait: its output goes to the app\'s logs (yb logs)')
    .option('--timeout <seconds>', 'stop it after this long (default 3600)', (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) throw new UsageError(`--timeout must be a whole number of seconds, not "${v}"`);
      return n;
    })
    .action(run(async (c, t, command: string[], o: { detach?: boolean; timeout?: number }) => {
      const team = c.team(t);
      const app = c.app(t);
      const { data } = await c.rest.POST('/teams/{team}/apps/{app}/runs', {
        params: { path: { team, app } }, body: { command, attach: !o.detach, ...(o.timeout ? { timeoutSeconds: o.timeout } : {}) },
      });
      const started = data as unknown as RunView;
      if (o.detach) {
        if (c.out.json) return printJson(started);
        print(`running ${colors.bold(command.join(' '))} detached (run ${started.id}): its output goes to \`yb logs\``);
        return;
      }
      note(colors.dim(`running ${command.join(' ')} in release v${started.release} of ${app} (run ${started.id.slice(0, 8)})…`));
      const stop = new AbortController();
      process.once('SIGINT', () => stop.abort());
      for await (const { runOutput: o2 } of c.graphql.subscribe(documents.RunOutputDocument, { team, app, id: started.id }, stop.signal)) {
        if (o2.line != null) { process.stdout.write(`${o2.line}\n`); continue; }
        if (o2.status === 'succeeded') return;
        if (o2.error) note(`${colors.red(o2.status ?? 'failed')}: ${o2.error}`);
        throw new ExitWith(o2.exitCode ?? NO_CODE[o2.status ?? ''] ?? 1);
      }
      // The stream ended without an end: Ctrl-C (the server cancels the run) or the connection lost.
      if (stop.signal.aborted) { note(colors.dim('cancelled')); throw new ExitWith(130); }
      throw new Error(`the run's output stopped before it ended; see \`yb logs\` and the run ${started.id}`);
    }));
}
