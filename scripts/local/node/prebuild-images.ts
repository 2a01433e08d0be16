import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../proc.js';
import { RECIPES } from './image-recipes.js';
import { ensureImages } from './images.js';
import { cacheDir } from './real-node.js';
import { startRegistry } from './registry.js';

/**
 * Builds the real node's images into the machine's image cache before any stack starts. On a first
 * start, scripts/bootstrap.mjs runs this beside the Kubernetes compile: the compile waits on the
 * CPU, most of an image build on the package mirror and the disk, so the two overlap. The registry
 * here serves the same storage as the node's, on loopback, only for the pushes, and stops after.
 * Images already cached are left as they are (images.ts), so a later run costs a second.
 */
const say = (m: string) => process.stdout.write(`[images] ${m}\n`);
const dir = mkdtempSync(join(tmpdir(), 'yunbang-images-'));
const port = await freePort();
const registry = `127.0.0.1:${port}`;
const storage = join(cacheDir, 'registry');
mkdirSync(cacheDir, { recursive: true });
const reg = await startRegistry({
  storage, dir, prefix: ['env'], logDir: dir, pidDir: dir, listen: { host: '127.0.0.1', port },
  probe: async () => (await fetch(`http://${registry}/v2/`)).ok,
});
// A start stopped during its first steps stops this too (rather than building on as an orphan).
const parent = process.ppid;
const orphaned = setInterval(() => {
  if (process.ppid === parent) return;
  clearInterval(orphaned);
  void reg.stop().finally(() => process.exit(1));
}, 1000);
try {
  const started = Date.now();
  await ensureImages(RECIPES, { registry, storage, cacheDir, say });
  say(`the node's ${RECIPES.length} images are cached (${((Date.now() - started) / 1000).toFixed(0)} s)`);
} finally {
  clearInterval(orphaned);
  await reg.stop();
  rmSync(dir, { recursive: true, force: true });
}
