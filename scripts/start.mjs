// `npm start`: prepares what is missing, then runs the platform (scripts/local/run-local.ts).
import { bootstrap } from './bootstrap.mjs';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const given = (v) => Boolean(process.env[v]);
const needBinaries = !(given('ETCD_ENDPOINTS') && given('KUBECONFIG'));
// As run-local.ts chooses: the real node as root, unless YUNBANG_LOCAL_NODE says simulated.
await bootstrap({ needBinaries, realNode: needBinaries && process.getuid?.() === 0 && process.env.YUNBANG_LOCAL_NODE !== 'simulated' });

const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/local/run-local.ts'], { stdio: 'inherit' });
const stop = (sig) => { if (child.exitCode === null) child.kill(sig); };
// SIGTERM, SIGINT or SIGHUP to us: the platform stops everything it started, in order.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => stop(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

// npm passes SIGTERM and SIGINT on to the script only when the script is its direct child (hence
// `exec` in package.json: without it a shell sits between and swallows them), and SIGHUP not at
// all: it just exits. So also watch the processes `npm start` consists of (npm itself, and the
// shell if something runs us through one) and stop when one of them is gone.
const parentOf = (pid) => { try { return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ')[1]); } catch { return 0; } };
const commandOf = (pid) => { try { return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '); } catch { return ''; } };
const alive = (pid) => { try { process.kill(pid, 0); return !/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; } };
const watched = [];
for (let pid = process.ppid; pid > 1 && watched.length < 3; pid = parentOf(pid)) {
  watched.push(pid);
  if (/\bnpm\b|npm-cli/.test(commandOf(pid))) break;
}
const watch = setInterval(() => { if (watched.some((pid) => !alive(pid))) { clearInterval(watch); stop('SIGTERM'); } }, 300);
watch.unref();
