// Builds what `npm start` and `npm test` serve or run but git does not hold: the web console
// (console/ -> console/dist, by vite) and the SDK and CLI packages (packages/*/src -> dist, by
// tsc). Each is built only when its sources changed since its last build: the hash of every
// source file and of the lock file is kept beside the output.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { root } from './bootstrap.mjs';

const SKIP = new Set(['dist', 'node_modules', 'screenshots']);

function files(d) {
  return readdirSync(d).sort().flatMap((name) => {
    if (SKIP.has(name)) return [];
    const p = join(d, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

export function sourceHash(dirs) {
  const h = createHash('sha256');
  for (const f of [...dirs.flatMap((d) => files(d)), join(root, 'package-lock.json')]) h.update(relative(root, f)).update('\0').update(readFileSync(f)).update('\0');
  return h.digest('hex');
}

const node = (...args) => [process.execPath, ...args];
// The packages first: the console imports the SDK's built SSE reader.
const TARGETS = [
  {
    name: 'the SDK and CLI packages (tsc)', sources: ['packages/sdk', 'packages/cli'], out: 'packages/cli/dist',
    steps: ['packages/sdk', 'packages/cli'].map((p) => node(join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, p, 'tsconfig.json'))),
    env: {},
  },
  {
    name: 'the web console (vite)', sources: ['console', 'packages/sdk'], out: 'console/dist', // it uses the SDK's SSE reader
    // A NODE_ENV left in the environment would make a development build.
    steps: [node(join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(root, 'console', 'vite.config.ts'), '--logLevel', 'warn')],
    env: { NODE_ENV: 'production' },
  },
];

export function buildAll({ force = false } = {}) {
  for (const t of TARGETS) {
    const stamp = join(root, t.out, '.source-hash');
    const hash = sourceHash(t.sources.map((s) => join(root, s)));
    if (!force && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) continue;
    process.stdout.write(`[yunbang] building ${t.name}\n`);
    for (const [cmd, ...args] of t.steps) {
      // Diagnostics to stderr: an image build run quietly (buildah bud --quiet) shows only that.
      const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', process.stderr, 'inherit'], env: { ...process.env, ...t.env } });
      if (r.status !== 0) {
        process.stderr.write(`[yunbang] building ${t.name} failed (exit ${r.status ?? r.signal})\n`);
        process.exit(r.status || 1);
      }
    }
    mkdirSync(join(root, t.out), { recursive: true });
    writeFileSync(stamp, hash);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) buildAll({ force: process.argv.includes('--force') });
