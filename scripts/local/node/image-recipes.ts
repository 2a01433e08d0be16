/**
 * The images the local node serves, each made from Debian's packages (never pulled from outside)
 * under the name pods ask for. An image that stands in for an upstream one says so: its manifest
 * carries `dev.yunbang.local.served-by` naming the Debian package and version inside, which the
 * console and `yb ps` show ("nginx:1.27 — served locally by Debian's nginx-light 1.22.1").
 */
export interface ImageRecipe {
  /** Where it is pushed in the local registry (docker.io names keep Docker Hub's library/ prefix). */
  repository: string;
  tag: string;
  /** More tags for the same image (`postgres:17` and `postgres:16` are one local image). */
  alsoTags?: string[];
  /** The upstream name people write, e.g. `nginx:1.27`. */
  upstream: string;
  /** Debian packages installed (mmdebstrap --include); none for an image made of one binary. */
  packages: string[];
  /** The package whose version the image is labelled with. */
  servedBy?: string;
  variant: 'essential' | 'minbase' | 'files';
  /** For variant 'files': files copied from packages into an empty image ([package, path in it, path in the image]). */
  files?: [string, string, string][];
  entrypoint?: string[];
  cmd?: string[];
  user?: string;
  workdir?: string;
  env?: string[];
  /** Shell run in the new root ($1) before the packages are installed (after Debian's essential ones). */
  beforeInstall?: string;
  /** Shell run in the new root ($1) before it is packed. */
  hook?: string;
  /** Files of this repository (image-files/) put into the image, executable: [file, path in the image]. */
  copy?: [string, string][];
}

/** Files dropped from every image: documentation and caches are no part of what runs. */
export const DPKG_EXCLUDES = ['/usr/share/doc/*', '/usr/share/man/*', '/usr/share/info/*', '/usr/share/locale/*', '/usr/share/lintian/*'];

export const PAUSE: ImageRecipe = {
  repository: 'yunbang/pause', tag: '3.6', upstream: 'registry.k8s.io/pause:3.6',
  packages: [], servedBy: 'catatonit', variant: 'files',
  // catatonit is what podman uses as its pause process: static, reaps zombies, sleeps.
  files: [['catatonit', '/usr/bin/catatonit', '/pause']],
  entrypoint: ['/pause', '-P'], user: '65535:65535',
};

export const RECIPES: ImageRecipe[] = [
  PAUSE,
  {
    repository: 'library/debian', tag: 'bookworm-slim', upstream: 'debian:bookworm-slim',
    packages: [], servedBy: 'base-files', variant: 'minbase', cmd: ['bash'],
  },
  {
    repository: 'library/nginx', tag: '1.27', upstream: 'nginx:1.27',
    packages: ['nginx-light'], servedBy: 'nginx-light', variant: 'essential',
    // As the upstream image: the request and error logs go to the container's output, and nginx
    // stays in the foreground. Debian's default site serves its welcome page on port 80.
    hook: 'ln -sf /dev/stdout "$1/var/log/nginx/access.log" && ln -sf /dev/stderr "$1/var/log/nginx/error.log"',
    cmd: ['nginx', '-g', 'daemon off;'],
  },
];

/** The annotation (and label) an image made here carries: which Debian package serves it. */
export const SERVED_BY = 'dev.yunbang.local.served-by';

/** What the annotation says, e.g. "Debian's nginx-light 1.22.1-9". */
export function servedByText(pkg: string, version: string): string {
  return `Debian's ${pkg} ${version}`;
}

/**
 * PostgreSQL 15 is Debian bookworm's; the market's templates ask for `postgres:17` and `:16`, which
 * it serves locally under those names (and says so). The entrypoint keeps the upstream image's
 * contract (image-files/postgres-entrypoint.sh).
 */
RECIPES.push({
  repository: 'library/postgres', tag: '17', alsoTags: ['16', '15'], upstream: 'postgres:17',
  packages: ['postgresql-15'], servedBy: 'postgresql-15', variant: 'essential',
  // No cluster made at install: the entrypoint makes one in PGDATA at the first start.
  beforeInstall: 'mkdir -p "$1/etc/postgresql-common/createcluster.d" && echo "create_main_cluster = false" > "$1/etc/postgresql-common/createcluster.d/yunbang.conf"',
  copy: [['postgres-entrypoint.sh', '/usr/local/bin/docker-entrypoint.sh']],
  entrypoint: ['docker-entrypoint.sh'], env: ['PGDATA=/var/lib/postgresql/data'],
});
