// `npm start`: prepares what is missing, then runs the platform (scripts/local/run-local.ts).
import { bootstrap } from './bootstrap.mjs';
import { spawn } from 'node:child_process';

const given = (v) => Boolean(process.env[v]);
bootstrap({ needBinaries: !(given('ETCD_ENDPOINTS') && given('KUBECONFIG')) });
// Ctrl-C reaches the child through the process group; we wait for it to finish stopping.
const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/local/run-local.ts'], { stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
