import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DPKG_EXCLUDES, SERVED_BY, servedByText, type ImageRecipe, type Suite } from './image-recipes.js';

/**
 * Builds the node's images from Debian's packages, once per machine: mmdebstrap makes the root
 * filesystem from the machine's own apt sources (no host is named here), umoci packs it as an
 * OCI image with its command and annotations, and skopeo pushes it into the local registry, whose
 * storage is the machine's cache. A recipe changed is an image built again.
 */
const run = promisify(execFile);

export interface BuiltImage { reference: string; upstream: string; servedBy: string }

/** The machine's apt sources, as mmdebstrap takes them: the same archive the machine installs from. */
function machineSources(): string {
  const d = '/etc/apt/sources.list.d';
  const files = existsSync(d) ? readdirSync(d).filter((f) => f.endsWith('.sources') || f.endsWith('.list')).map((f) => join(d, f)) : [];
  const debs = files.filter((f) => /^Types:\s*deb\s*$/m.test(readFileSync(f, 'utf8')) || /^deb\s/m.test(readFileSync(f, 'utf8')));
  if (debs.length === 0 && existsSync('/etc/apt/sources.list')) return '/etc/apt/sources.list';
  if (debs.length === 0) throw new Error('no apt sources found on this machine: images are made from Debian packages through them');
  return debs[0]!;
}

/**
 * The sources for a suite: the machine's file as it is for its own release; for trixie the same
 * archives under trixie's suite names (trixie, trixie-updates, trixie-security), written into the
 * cache, so no host is named here either.
 */
function aptSources(suite: Suite, cacheDir: string): string {
  const machine = machineSources();
  if (suite === 'bookworm') return machine;
  const text = readFileSync(machine, 'utf8').replace(/\bbookworm(?=[-\s]|$)/gm, suite);
  const file = join(cacheDir, 'image-sources', `${suite}${machine.endsWith('.list') ? '.list' : '.sources'}`);
  mkdirSync(dirname(file), { recursive: true });
  if (!existsSync(file) || readFileSync(file, 'utf8') !== text) writeFileSync(file, text);
  return file;
}

const FILES = new URL('./image-files/', import.meta.url);

/** The recipe and the files it copies in: either changed, the image is built again. */
export function recipeHash(r: ImageRecipe): string {
  const h = createHash('sha256').update(JSON.stringify(r));
  for (const [file] of r.copy ?? []) h.update(readFileSync(new URL(file, FILES)));
  for (const [path] of r.fromRepo ?? []) hashTree(h, join(REPO, path));
  return h.digest('hex').slice(0, 16);
}

const REPO = fileURLToPath(new URL('../../../', import.meta.url));

/** Names (from the repository's root, so any checkout of the same files hashes alike) and contents. */
function hashTree(h: ReturnType<typeof createHash>, path: string): void {
  if (!statSync(path).isDirectory()) { h.update(relative(REPO, path)).update(readFileSync(path)); return; }
  for (const e of readdirSync(path).sort()) hashTree(h, join(path, e));
}

/** Is the tag in the registry's storage (filesystem driver's layout)? */
function inStorage(storage: string, r: ImageRecipe): boolean {
  return existsSync(join(storage, 'docker/registry/v2/repositories', r.repository, '_manifests/tags', r.tag, 'current/link'));
}

const DPKG_OPTIONS = [...DPKG_EXCLUDES.map((p) => `--dpkgopt=path-exclude=${p}`), '--dpkgopt=path-include=/usr/share/doc/*/copyright'];

/**
 * The root filesystem every image of a variant starts from (Essential: yes, or with minbase also
 * apt), made by mmdebstrap once per machine and kept as a tarball beside the image records. Most
 * of an image's build was unpacking and configuring these same packages again.
 */
const bases = new Map<string, Promise<string>>();
function baseTarball(variant: 'essential' | 'minbase', suite: Suite, cacheDir: string): Promise<string> {
  const sources = aptSources(suite, cacheDir);
  const hash = createHash('sha256').update(JSON.stringify({ variant, suite, DPKG_OPTIONS, sources: readFileSync(sources, 'utf8') })).digest('hex').slice(0, 16);
  const tarball = join(cacheDir, 'image-bases', `${suite}-${variant}-${hash}.tar`);
  const known = bases.get(tarball);
  if (known) return known;
  const made = (async () => {
    if (existsSync(tarball)) return tarball;
    mkdirSync(dirname(tarball), { recursive: true });
    const partial = `${tarball}.${process.pid}.partial`;
    try {
      await run('mmdebstrap', ['--quiet', `--variant=${variant}`, '--mode=root', '--format=tar', ...DPKG_OPTIONS,
        '--customize-hook=rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*', suite, partial, sources], { maxBuffer: 64 << 20 });
      renameSync(partial, tarball);
    } finally { rmSync(partial, { force: true }); }
    return tarball;
  })();
  bases.set(tarball, made);
  return made;
}

async function rootfs(r: ImageRecipe, dir: string, cacheDir: string): Promise<string> {
  const root = join(dir, 'rootfs');
  if (r.variant === 'files') {
    mkdirSync(root, { recursive: true });
    for (const [pkg, from, to] of r.files ?? []) {
      await run('apt-get', ['download', pkg], { cwd: dir });
      const deb = readdirSync(dir).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'))!;
      await run('dpkg-deb', ['-x', join(dir, deb), join(dir, `x-${pkg}`)]);
      await run('cp', ['-a', join(dir, `x-${pkg}`, from), join(root, to)]);
    }
    return root;
  }
  // On the variant's base (its Essential or required packages, unpacked and configured once):
  // mmdebstrap's own way of building on a chroot tarball, a quarter of the time of starting afresh.
  const suite = r.suite ?? 'bookworm';
  const base = await baseTarball(r.variant, suite, cacheDir);
  const args = ['--variant=custom', '--mode=root', '--format=directory', ...DPKG_OPTIONS,
    `--setup-hook=mmtarfilter "--path-exclude=/dev/*" < '${base}' | tar -C "$1" -x`,
    ...(r.packages.length ? [`--include=${r.packages.join(',')}`] : []),
    ...(r.beforeInstall ? [`--setup-hook=${r.beforeInstall}`] : []),
    // apt's lists and caches are no part of the image (as in Docker's debian images).
    '--customize-hook=rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*',
    ...(r.hook ? [`--customize-hook=${r.hook}`] : []),
    suite, root, aptSources(suite, cacheDir)];
  await run('mmdebstrap', ['--quiet', ...args], { maxBuffer: 64 << 20 });
  for (const [file, to] of r.copy ?? []) {
    mkdirSync(join(root, dirname(to)), { recursive: true });
    copyFileSync(new URL(file, FILES), join(root, to));
    chmodSync(join(root, to), 0o755);
  }
  for (const [from, to] of r.fromRepo ?? []) {
    mkdirSync(join(root, dirname(to)), { recursive: true });
    await run('cp', ['-a', '--no-preserve=ownership', join(REPO, from), join(root, to)]);
  }
  return root;
}

async function packageVersion(root: string, pkg: string, r: ImageRecipe, dir: string): Promise<string> {
  if (r.variant === 'files') {
    const deb = readdirSync(dir).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'))!;
    return (await run('dpkg-deb', ['-f', join(dir, deb), 'Version'])).stdout.trim();
  }
  return (await run('dpkg-query', [`--admindir=${join(root, 'var/lib/dpkg')}`, '-W', '-f=${Version}', pkg])).stdout.trim();
}

/** Builds one image into an OCI layout and pushes it; returns what it stands in for. */
async function build(r: ImageRecipe, registry: string, work: string, cacheDir: string): Promise<BuiltImage> {
  const dir = mkdtempSync(join(work, 'image-'));
  try {
    const root = await rootfs(r, dir, cacheDir);
    const version = r.servedBy ? await packageVersion(root, r.servedBy, r, dir) : '';
    const servedBy = r.servedBy ? servedByText(r.servedBy, version) : '';
    const layout = join(dir, 'layout');
    const img = `${layout}:${r.tag}`;
    await run('tar', ['--numeric-owner', '--xattrs', '-C', root, '-cf', join(dir, 'layer.tar'), '.'], { maxBuffer: 16 << 20 });
    await run('umoci', ['init', '--layout', layout]);
    await run('umoci', ['new', '--image', img]);
    await run('umoci', ['raw', 'add-layer', '--image', img, join(dir, 'layer.tar')]);
    const config = [
      ...(r.entrypoint ? r.entrypoint.flatMap((e) => ['--config.entrypoint', e]) : []),
      ...(r.cmd ? r.cmd.flatMap((c) => ['--config.cmd', c]) : []),
      ...(r.user ? ['--config.user', r.user] : []),
      ...(r.stopSignal ? ['--config.stopsignal', r.stopSignal] : []),
      ...(r.workdir ? ['--config.workingdir', r.workdir] : []),
      '--config.env', 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      ...(r.env ?? []).flatMap((e) => ['--config.env', e]),
      ...(servedBy ? ['--config.label', `${SERVED_BY}=${servedBy}`, '--manifest.annotation', `${SERVED_BY}=${servedBy}`] : []),
      '--manifest.annotation', `org.opencontainers.image.ref.name=${r.upstream}`,
      '--history.created_by', `yunbang: ${r.variant === 'files' ? r.files!.map((f) => f[0]).join(' ') : `mmdebstrap --variant=${r.variant} ${r.packages.join(' ')}`}`,
    ];
    await run('umoci', ['config', '--image', img, ...config]);
    for (const tag of [r.tag, ...(r.alsoTags ?? [])]) {
      await run('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `oci:${img}`, `docker://${registry}/${r.repository}:${tag}`]);
    }
    return { reference: `${r.repository}:${r.tag}`, upstream: r.upstream, servedBy };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Makes sure every recipe's image is in the registry: built now if its recipe changed or its tag
 * is missing, otherwise taken from the cache's record.
 */
export async function ensureImages(recipes: ImageRecipe[], o: { registry: string; storage: string; cacheDir: string; say: (m: string) => void }): Promise<BuiltImage[]> {
  const records = join(o.cacheDir, 'image-records');
  mkdirSync(records, { recursive: true });
  const work = join(o.cacheDir, 'image-work');
  mkdirSync(work, { recursive: true });
  const one = async (r: ImageRecipe): Promise<BuiltImage> => {
    const record = join(records, `${r.repository.replace(/\//g, '_')}_${r.tag}.json`);
    const hash = recipeHash(r);
    if (existsSync(record) && inStorage(o.storage, r)) {
      const saved = JSON.parse(readFileSync(record, 'utf8')) as BuiltImage & { hash: string };
      if (saved.hash === hash) return saved;
    }
    o.say(`building image ${r.upstream} from Debian's packages (once per machine)`);
    const started = Date.now();
    const built = await build(r, o.registry, work, o.cacheDir);
    writeFileSync(record, JSON.stringify({ ...built, hash }, null, 2));
    o.say(`  ${r.upstream}: ${built.servedBy || 'built'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return built;
  };
  // A few at once: most of a build is waiting on the package mirror and the disk, not the CPU.
  const out: BuiltImage[] = new Array(recipes.length);
  const order = recipes.map((r, i) => ({ r, i })).sort((a, b) => Number(SLOWEST.includes(b.r.repository)) - Number(SLOWEST.includes(a.r.repository)));
  let next = 0;
  const worker = async () => { while (next < order.length) { const { r, i } = order[next++]!; out[i] = await one(r); } };
  await Promise.all(Array.from({ length: Math.min(IMAGE_BUILDS_AT_ONCE, recipes.length) }, worker));
  return out;
}

/**
 * Started first on a first start, so the rest build beside it: the node image, whose Debian npm is
 * some 400 packages (about 4 minutes on its own, where most images take 15 to 30 s on their base).
 */
const SLOWEST = ['library/node'];

/** Images built at once on a first start. */
const IMAGE_BUILDS_AT_ONCE = 3;
