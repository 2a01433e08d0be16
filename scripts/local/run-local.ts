import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { run } from '../../src/main.js';
import { startStack } from './stack.js';

/**
 * `npm start`: the whole platform on one machine. Starts what is not given by environment
 * (DATABASE_URL, ETCD_ENDPOINTS, KUBECONFIG), then the API and the worker in this process.
 * Everything lives under .yunbang/; a second start reuses it. Ctrl-C stops all of it.
 */
const dir = resolve(process.env.YUNBANG_HOME ?? '.yunbang');
const envFile = join(dir, 'local.env');
const say = (m: string) => process.stdout.write(`[yunbang] ${m}\n`);

function previousEnv(): Record<string, string> {
  if (!existsSync(envFile)) return {};
  return Object.fromEntries(readFileSync(envFile, 'utf8').split('\n').filter((l) => l.includes('='))
    .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

function keyFile(path: string): string {
  if (!existsSync(path)) writeFileSync(path, randomBytes(32).toString('base64url'), { mode: 0o600 });
  return readFileSync(path, 'utf8').trim();
}

async function main() {
  const stack = await startStack({
    dir, ports: 'fixed', persistent: true, progress: say,
    use: { DATABASE_URL: process.env.DATABASE_URL, ETCD_ENDPOINTS: process.env.ETCD_ENDPOINTS, KUBECONFIG: process.env.KUBECONFIG },
  });
  const adminToken = process.env.YUNBANG_ADMIN_TOKEN ?? previousEnv().YUNBANG_TOKEN ?? `yba_${randomBytes(24).toString('base64url')}`;
  // Seals git credentials at rest: kept beside the data it seals, so a restart can still open them.
  const secretKey = process.env.YUNBANG_SECRET_KEY ?? keyFile(join(dir, 'secret.key'));
  const port = process.env.PORT ?? '8080';
  const url = `http://localhost:${port}`;
  say('starting the API and the worker');
  let running;
  try {
    running = await run(['api', 'worker'], {
      ...process.env, DATABASE_URL: stack.DATABASE_URL, ETCD_ENDPOINTS: stack.ETCD_ENDPOINTS, KUBECONFIG: stack.KUBECONFIG,
      YUNBANG_ADMIN_TOKEN: adminToken, YUNBANG_SECRET_KEY: secretKey, PORT: port,
    });
  } catch (err) {
    await stack.stop();
    throw err;
  }
  writeFileSync(envFile, [
    `YUNBANG_URL=${url}`, `YUNBANG_TOKEN=${adminToken}`, `KUBECONFIG=${stack.KUBECONFIG}`,
    `ETCD_ENDPOINTS=${stack.ETCD_ENDPOINTS}`, `DATABASE_URL=${stack.DATABASE_URL}`, '',
  ].join('\n'), { mode: 0o600 });
  say(`ready
  API          ${url}/api/v1   (OpenAPI: openapi/openapi.yaml)
  GraphQL      ${url}/graphql
  admin token  ${adminToken}
  settings     ${envFile}  (source it: set -a; . ${envFile}; set +a)
  Pods run on a simulated node: the control plane is real, containers are not.
  Ctrl-C stops everything.`);

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    say('stopping');
    await running.stop().catch(() => {});
    await stack.stop();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err) => {
  process.stderr.write(`[yunbang] failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
