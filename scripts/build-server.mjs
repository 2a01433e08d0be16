// Yunbang's server as JavaScript, for its image (k8s/install/Dockerfile) and the start-up
// benchmark: the server's folders and package.json copied to OUT, compiled in place by tsc
// (tsconfig.build.json: each .js beside its .ts, so paths a module reads relative to itself stay
// right), then the .ts sources removed. Usage: node scripts/build-server.mjs OUT
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './bootstrap.mjs';

export const SERVER_DIRS = ['server', 'src', 'schema', 'jobs', 'openapi', 'k8s', 'gateway'];

export function buildServer(out) {
  rmSync(out, { recursive: true, force: true });
  for (const d of [...SERVER_DIRS, 'package.json', 'tsconfig.json', 'tsconfig.build.json']) cpSync(join(root, d), join(out, d), { recursive: true });
  // tsc resolves the packages' types from the repository's node_modules; the output has none of its own.
  symlinkSync(join(root, 'node_modules'), join(out, 'node_modules'));
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(out, 'tsconfig.build.json')], { stdio: 'inherit' });
  rmSync(join(out, 'node_modules'));
  if (tsc.status !== 0) throw new Error(`tsc failed (exit ${tsc.status})`);
  const dropTs = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) dropTs(p);
      else if (name.endsWith('.ts')) rmSync(p);
    }
  };
  for (const d of SERVER_DIRS) dropTs(join(out, d));
  for (const f of ['tsconfig.json', 'tsconfig.build.json']) rmSync(join(out, f));
  // The built web console, which the API serves (src/http/console.ts), where it looks for it.
  if (existsSync(join(root, 'console', 'dist'))) cpSync(join(root, 'console', 'dist'), join(out, 'console', 'dist'), { recursive: true });
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (!process.argv[2]) {
    process.stderr.write('usage: node scripts/build-server.mjs OUT\n');
    process.exit(2);
  }
  buildServer(process.argv[2]);
}
