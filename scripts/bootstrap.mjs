// Shared first steps of `npm start` and `npm test` on a fresh clone: install the npm
// dependencies from the lock file, then etcd and the Kubernetes binaries (once per machine), Chromium
// for the browser tests, and the web console (when its sources changed).
// Plain JavaScript with no dependencies, because it runs before they are installed.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function sh(cmd, args, what) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`[yunbang] ${what} failed (exit ${r.status ?? r.signal})\n`);
    process.exit(r.status || 1);
  }
}

export function bootstrap({ needBinaries, needBrowser = false }) {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (!existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs) {
    process.stdout.write('[yunbang] installing npm dependencies (npm ci)\n');
    sh('npm', ['ci', '--no-audit', '--no-fund'], 'npm ci');
  }
  if (needBinaries) sh('bash', [join(root, 'scripts', 'prepare-binaries.sh')], 'preparing etcd and the Kubernetes binaries');
  if (needBrowser) sh('bash', [join(root, 'scripts', 'prepare-browser.sh')], 'installing Chromium for the browser tests');
  // The console and the packages are built once their dependencies are in.
  sh(process.execPath, [join(root, 'scripts', 'build-outputs.mjs')], 'building the web console and the packages');
}

export function runNode(args) {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
