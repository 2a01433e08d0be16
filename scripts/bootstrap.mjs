// Shared first steps of `npm start` and `npm test` on a fresh clone: install the npm
// dependencies from the lock file, then etcd and the Kubernetes binaries (once per machine), Chromium
// for the browser tests, and the web console (when its sources changed).
// Plain JavaScript with no dependencies, because it runs before they are installed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
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

/** The Kubernetes binaries prepare-binaries.sh compiles (their cache, as it names it). */
function kubeBinariesCached() {
  const cache = process.env.YUNBANG_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'yunbang');
  return ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubelet', 'kube-proxy', 'kubectl'].every((b) => existsSync(join(cache, 'kube-1.20.2', 'bin', b)));
}

/**
 * `realNode`: this run starts the real node, whose images (~15 minutes on a first start) are built
 * while Kubernetes compiles (~10 minutes) rather than after it.
 */
export async function bootstrap({ needBinaries, needBrowser = false, realNode = false }) {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (!existsSync(marker) || statSync(marker).mtimeMs < statSync(lock).mtimeMs) {
    process.stdout.write('[yunbang] installing npm dependencies (npm ci)\n');
    sh('npm', ['ci', '--no-audit', '--no-fund'], 'npm ci');
  }
  if (needBinaries) {
    const compiling = !kubeBinariesCached();
    let images;
    if (compiling && realNode) {
      sh('bash', [join(root, 'scripts', 'prepare-binaries.sh'), 'packages'], 'installing the packages');
      images = prebuildImages();
    }
    sh('bash', [join(root, 'scripts', 'prepare-binaries.sh')], 'preparing etcd and the Kubernetes binaries');
    if (images && (await images) !== 0) {
      process.stderr.write('[yunbang] building the node\'s images failed (see [images] above)\n');
      process.exit(1);
    }
  }
  if (needBrowser) sh('bash', [join(root, 'scripts', 'prepare-browser.sh')], 'installing Chromium for the browser tests');
  // The console and the packages are built once their dependencies are in.
  sh(process.execPath, [join(root, 'scripts', 'build-outputs.mjs')], 'building the web console and the packages');
}

/** scripts/local/node/prebuild-images.ts in the background; resolves with its exit code. */
function prebuildImages() {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts', 'local', 'node', 'prebuild-images.ts')], { cwd: root, stdio: 'inherit' });
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
}

export function runNode(args) {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
