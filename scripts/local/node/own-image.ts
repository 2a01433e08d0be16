import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { machineTrustFile } from './egress.js';
import { MIRRORED_REGISTRIES } from './image-recipes.js';
import { cacheDir } from './real-node.js';

const execFileAsync = promisify(execFile);

/**
 * Yunbang's own image (k8s/install/Dockerfile), built locally and pushed to the real node's
 * registry. The context is the repository's files as git lists them (tracked, and new files not ignored), plus the console and
 * packages built from them (their .source-hash lets the image build skip vite, which a build from a
 * fresh clone runs), copied into the cache.
 * The image is tagged with the context's hash: a second build of the same sources is none.
 */
const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const BUILT = ['console/dist', 'packages/sdk/dist', 'packages/cli/dist'];

export interface OwnImage { reference: string; tag: string; built: boolean; seconds: number }

/** The files of the context, from the repository's root, sorted. */
export function contextFiles(): string[] {
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO, encoding: 'utf8' })
    .split('\0').filter((f) => f && existsSync(join(REPO, f)) && statSync(join(REPO, f)).isFile());
  const walk = (rel: string): string[] => (statSync(join(REPO, rel)).isDirectory()
    ? execFileSync('find', [rel, '-type', 'f', '-print0'], { cwd: REPO, encoding: 'utf8' }).split('\0').filter(Boolean) : [rel]);
  const built = BUILT.filter((d) => existsSync(join(REPO, d))).flatMap(walk);
  const ignored = dockerIgnored();
  return [...new Set([...listed, ...built])].filter((f) => !ignored(f)).sort();
}

/** .dockerignore's patterns (`*` within a name): what the image build never reads stays out of the context and its hash. */
function dockerIgnored(): (path: string) => boolean {
  const patterns = readFileSync(join(REPO, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))
    .map((p) => new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}(/|$)`));
  return (path) => patterns.some((re) => re.test(path));
}

/** `extra`: files added to the context beside the repository's (a test's second build of the image). */
export function contextHash(files: string[], extra: [string, string][] = []): string {
  const h = createHash('sha256');
  for (const f of files) h.update(f).update('\0').update(readFileSync(join(REPO, f))).update('\0');
  for (const [f, text] of extra) h.update(f).update('\0').update(text).update('\0');
  return h.digest('hex').slice(0, 16);
}

async function inRegistry(registry: string, tag: string): Promise<boolean> {
  const res = await fetch(`http://${registry}/v2/yunbang/yunbang/manifests/${tag}`, {
    method: 'HEAD', headers: { accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' },
  });
  return res.ok;
}

/**
 * Debian's buildah on this machine, as root, with its storage in the cache (its own layer cache:
 * `npm ci` is kept while package-lock.json is unchanged) and every image name resolved to the
 * node's registry on loopback. Not the Kaniko stand-in in a pod: under proot a large `npm ci`
 * fails (EFAULT from mkdir, reproduced outside the cluster with the same proot).
 */
export async function buildOwnImage(o: { registry: string; registryInNode: string; say: (m: string) => void; extraFiles?: Record<string, string> }): Promise<OwnImage> {
  const started = Date.now();
  const files = contextFiles();
  const extra = Object.entries(o.extraFiles ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  const tag = `src-${contextHash(files, extra)}`;
  const reference = `${o.registryInNode}/yunbang/yunbang:${tag}`;
  if (await inRegistry(o.registry, tag)) return { reference, tag, built: false, seconds: 0 };
  const work = join(cacheDir, 'own-image');
  const context = join(work, 'context');
  rmSync(context, { recursive: true, force: true });
  for (const f of files) {
    mkdirSync(dirname(join(context, f)), { recursive: true });
    cpSync(join(REPO, f), join(context, f));
  }
  for (const [f, text] of extra) {
    mkdirSync(dirname(join(context, f)), { recursive: true });
    writeFileSync(join(context, f), text);
  }
  const registries = join(work, 'registries.conf');
  writeFileSync(registries, ['unqualified-search-registries = ["docker.io"]',
    ...[...MIRRORED_REGISTRIES, o.registry].map((prefix) => `[[registry]]\nprefix = "${prefix}"\nlocation = "${o.registry}"\ninsecure = true`)].join('\n'));
  const revision = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).trim();
  const version = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
  const buildah = (args: string[]) => execFileAsync('buildah', ['--root', join(work, 'storage'), '--runroot', join(work, 'run'), '--registries-conf', registries, ...args],
    { maxBuffer: 256 << 20, env: { ...process.env, STORAGE_DRIVER: 'overlay' } });
  o.say(`building Yunbang's image ${tag} with buildah (once per change of its sources)`);
  try {
    // RUN steps trust what this machine trusts on its way to the npm registry (Debian's Node.js
    // reads the system's bundle), mounted for the step only, never copied into the image.
    const trust = machineTrustFile();
    const ca = trust ? ['--volume', `${trust}:/etc/ssl/certs/ca-certificates.crt:ro`] : [];
    await buildah(['bud', '--quiet', '--isolation', 'chroot', '--layers', '--network', 'host', ...ca, '-f', join(context, 'k8s/install/Dockerfile'),
      '--build-arg', `VERSION=${version}`, '--build-arg', `REVISION=${revision}`, '-t', `${o.registry}/yunbang/yunbang:${tag}`, context]);
    await buildah(['push', '--quiet', '--tls-verify=false', `${o.registry}/yunbang/yunbang:${tag}`]);
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    throw new Error(`Yunbang's image build failed: ${e.message}\n${String(e.stdout ?? '').slice(-3000)}\n${String(e.stderr ?? '').split('\n').filter((l) => !/EBADENGINE|^\s+(package|required|current):|^npm WARN EBADENGINE }/.test(l)).join('\n').slice(-6000)}`);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  const seconds = (Date.now() - started) / 1000;
  o.say(`  Yunbang's image ${tag} built in ${seconds.toFixed(0)} s`);
  return { reference, tag, built: true, seconds };
}
