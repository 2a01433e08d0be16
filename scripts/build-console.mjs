// Builds the web console (console/ -> console/dist) when its sources changed since the last build:
// the hash of every source file and of the lock file is kept beside the output, so `npm start` and
// `npm test` pay for a build only after a change. The output is not committed (.gitignore).
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { root } from './bootstrap.mjs';

const dir = join(root, 'console');
const stamp = join(dir, 'dist', '.source-hash');

function files(d) {
  return readdirSync(d).sort().flatMap((name) => {
    if (name === 'dist' || name === 'node_modules' || name === 'screenshots') return [];
    const p = join(d, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

export function consoleHash() {
  const h = createHash('sha256');
  for (const f of [...files(dir), join(root, 'package-lock.json')]) h.update(relative(root, f)).update('\0').update(readFileSync(f)).update('\0');
  return h.digest('hex');
}

export function buildConsole({ force = false } = {}) {
  const hash = consoleHash();
  if (!force && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash && existsSync(join(dir, 'dist', 'index.html'))) return false;
  process.stdout.write('[yunbang] building the web console (vite)\n');
  const r = spawnSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(dir, 'vite.config.ts'), '--logLevel', 'warn'], { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } }); // a NODE_ENV left in the environment would make a development build
  if (r.status !== 0) {
    process.stderr.write(`[yunbang] building the web console failed (exit ${r.status ?? r.signal})\n`);
    process.exit(r.status || 1);
  }
  writeFileSync(stamp, hash);
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) buildConsole({ force: process.argv.includes('--force') });
