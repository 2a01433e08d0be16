/**
 * The images the local node serves, each made from Debian's packages (never pulled from outside)
 * under the name pods ask for. An image that stands in for an upstream one says so: its manifest
 * carries `dev.yunbang.local.served-by` naming the Debian package and version inside, which the
 * console and `yb ps` show ("nginx:1.27 — served locally by Debian's nginx-light 1.22.1").
 */
/** The Debian release an image is made from: the machine's own (bookworm), or the next where only it has what the image serves. */
export type Suite = 'bookworm' | 'trixie';

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
  /** Default bookworm. */
  suite?: Suite;
  /** For variant 'files': files copied from packages into an empty image ([package, path in it, path in the image]). */
  files?: [string, string, string][];
  entrypoint?: string[];
  cmd?: string[];
  /** The signal that asks the process to stop, when the upstream image names one (STOPSIGNAL). */
  stopSignal?: string;
  user?: string;
  workdir?: string;
  env?: string[];
  /** Shell run in the new root ($1) before the packages are installed (after Debian's essential ones). */
  beforeInstall?: string;
  /** Shell run in the new root ($1) before it is packed. */
  hook?: string;
  /** Files of this repository (image-files/) put into the image, executable: [file, path in the image]. */
  copy?: [string, string][];
  /** Files or folders of the repository itself put into the image: [path from the repository's root, path in the image]. */
  fromRepo?: [string, string][];
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

/** Registries whose images the local node serves (containerd's and the build executor's mirrors). */
export const MIRRORED_REGISTRIES = ['docker.io', 'ghcr.io', 'quay.io', 'gcr.io', 'registry.k8s.io', 'mcr.microsoft.com'];

export const RECIPES: ImageRecipe[] = [
  PAUSE,
  {
    repository: 'library/debian', tag: 'bookworm-slim', upstream: 'debian:bookworm-slim',
    packages: [], servedBy: 'base-files', variant: 'minbase', cmd: ['bash'],
  },
  {
    repository: 'library/nginx', tag: '1.27', alsoTags: ['1.28', '1', 'latest'], upstream: 'nginx:1.27',
    packages: ['nginx-light'], servedBy: 'nginx-light', variant: 'essential',
    // As the upstream image: the request and error logs go to the container's output, nginx stays
    // in the foreground, and the default site on port 80 serves /usr/share/nginx/html (where
    // Dockerfiles written for the upstream image put their pages; Debian's welcome page is there).
    hook: 'ln -sf /dev/stdout "$1/var/log/nginx/access.log" && ln -sf /dev/stderr "$1/var/log/nginx/error.log" && sed -i "s#root /var/www/html;#root /usr/share/nginx/html;#" "$1/etc/nginx/sites-available/default" && test -f "$1/usr/share/nginx/html/index.html"',
    cmd: ['nginx', '-g', 'daemon off;'],
    // As the upstream image: SIGQUIT is nginx's graceful stop (SIGTERM, its fast one, cuts requests in flight).
    stopSignal: 'SIGQUIT',
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

/**
 * What builds run on: git for the clone (with a passwd entry for the build user, whom ssh must
 * find), Yunbang's own detector from this repository, the Kaniko stand-in (Debian's buildah behind
 * Kaniko's flags: image-files/kaniko-executor.sh), and the Node base image the generated
 * Dockerfiles name. Node images come from Debian 13 (trixie), whose Node.js is 20: bookworm's 18
 * cannot run what Yunbang itself and its users' builds need (vite 8, `Array.prototype.toSorted`),
 * so trixie's Node.js 20 serves every `node:*` tag here and says so in its annotation.
 */
const NPM_QUIET = ['NPM_CONFIG_UPDATE_NOTIFIER=false', 'NPM_CONFIG_AUDIT=false', 'NPM_CONFIG_FUND=false'];
RECIPES.push(
  {
    repository: 'alpine/git', tag: 'latest', upstream: 'alpine/git:latest',
    packages: ['git', 'openssh-client', 'ca-certificates'], servedBy: 'git', variant: 'essential',
    hook: 'echo "build:x:10001:10001:build:/workspace/home:/bin/sh" >> "$1/etc/passwd" && echo "build:x:10001:" >> "$1/etc/group"',
    entrypoint: ['git'],
  },
  {
    repository: 'yunbang/yunbang', tag: 'latest', upstream: 'ghcr.io/yunbang/yunbang:latest',
    packages: ['nodejs'], servedBy: 'nodejs', variant: 'essential', suite: 'trixie', workdir: '/app',
    // The detector and what runs it (tsx, esbuild): `node --import tsx src/build/detect-main.ts`.
    fromRepo: [['src/build', '/app/src/build'], ['node_modules/tsx', '/app/node_modules/tsx'], ['node_modules/esbuild', '/app/node_modules/esbuild'], ['node_modules/@esbuild/linux-x64', '/app/node_modules/@esbuild/linux-x64']],
    hook: 'mkdir -p "$1/app" && echo \'{"name":"yunbang-detector","private":true,"type":"module"}\' > "$1/app/package.json"',
  },
  {
    repository: 'osscontainertools/kaniko', tag: 'latest', upstream: 'ghcr.io/osscontainertools/kaniko:latest',
    packages: ['buildah', 'ca-certificates', 'proot', 'jq', 'curl'], servedBy: 'buildah', variant: 'essential',
    copy: [['kaniko-executor.sh', '/kaniko/executor'], ['no-statx.pl', '/kaniko/no-statx']], entrypoint: ['/kaniko/executor'],
  },
  {
    repository: 'library/node', tag: '20-bookworm-slim',
    alsoTags: ['18-bookworm-slim', '22-bookworm-slim', 'latest-bookworm-slim', '20-trixie-slim', '22-trixie-slim', '20-slim', '22-slim', '20', '18', '22'], upstream: 'node:20-bookworm-slim',
    packages: ['nodejs', 'npm', 'ca-certificates'], servedBy: 'nodejs', variant: 'minbase', suite: 'trixie', env: NPM_QUIET, cmd: ['node'],
  },
);

/** The run image of generated Dockerfiles for static sites: Debian's Caddy 2 serves `caddy:2-alpine`. */
RECIPES.push({
  repository: 'library/caddy', tag: '2-alpine', alsoTags: ['2'], upstream: 'caddy:2-alpine',
  // Caddy's maintainer script makes its user with groupadd (passwd).
  packages: ['passwd', 'caddy'], servedBy: 'caddy', variant: 'essential',
  // Caddy keeps its state under XDG directories; an image user with no home still has these.
  env: ['XDG_DATA_HOME=/tmp/caddy/data', 'XDG_CONFIG_HOME=/tmp/caddy/config'], cmd: ['caddy', 'run', '--config', '/etc/caddy/Caddyfile'],
});

/**
 * The market's MySQL and Redis: Debian's MariaDB 10.11 serves `mysql:8.4` and `:8.0` (the
 * protocol and the upstream image's contract, not MySQL 8 itself), Debian's Redis 7.0 serves
 * `redis:7.4` and `:7.2`. Entrypoints: image-files/.
 */
RECIPES.push(
  {
    repository: 'library/mysql', tag: '8.4', alsoTags: ['8.0', '8'], upstream: 'mysql:8.4',
    packages: ['mariadb-server', 'mariadb-client'], servedBy: 'mariadb-server', variant: 'essential',
    copy: [['mariadb-entrypoint.sh', '/usr/local/bin/docker-entrypoint.sh']], entrypoint: ['docker-entrypoint.sh'],
  },
  {
    repository: 'library/redis', tag: '7.4', alsoTags: ['7.2', '7'], upstream: 'redis:7.4',
    packages: ['redis-server'], servedBy: 'redis-server', variant: 'essential', workdir: '/data',
    hook: 'mkdir -p "$1/data"',
    copy: [['redis-entrypoint.sh', '/usr/local/bin/docker-entrypoint.sh']], entrypoint: ['docker-entrypoint.sh'], cmd: ['redis-server'],
  },
);

/**
 * The stand-in server tests and examples run under `registry.example/*` names (no registry can
 * serve those): the simulated node's JSON-answering stand-in, as a real container
 * (image-files/stand-in-app.mjs on Debian's Node.js). registry-front.ts serves it under any such
 * name, telling it the name it was pulled as.
 */
export const STAND_IN_REPOSITORY = 'yunbang/stand-in';
export const STAND_IN_PREFIX = 'registry.example/';
RECIPES.push({
  repository: STAND_IN_REPOSITORY, tag: 'latest', upstream: 'registry.example/stand-in:latest',
  packages: ['nodejs'], servedBy: 'nodejs', variant: 'essential', workdir: '/app', user: '10001',
  copy: [['stand-in-app.mjs', '/app/server.mjs']], fromRepo: [['node_modules/ws', '/app/node_modules/ws']],
  cmd: ['node', '/app/server.mjs'],
});

/**
 * The market's RabbitMQ and WordPress: Debian's RabbitMQ 3.10 (with its management plugin) serves
 * `rabbitmq:4.1-management` and `:3.13-management`; Debian's WordPress on Apache and PHP 8.2 serves
 * `wordpress:6.8-apache` and `:6.7-apache`. Entrypoints: image-files/.
 */
RECIPES.push(
  {
    repository: 'library/rabbitmq', tag: '4.1-management', alsoTags: ['3.13-management', '4.1', '3.13'], upstream: 'rabbitmq:4.1-management',
    packages: ['rabbitmq-server'], servedBy: 'rabbitmq-server', variant: 'essential',
    hook: 'echo "[rabbitmq_management]." > "$1/etc/rabbitmq/enabled_plugins"',
    copy: [['rabbitmq-entrypoint.sh', '/usr/local/bin/docker-entrypoint.sh']], entrypoint: ['docker-entrypoint.sh'], cmd: ['rabbitmq-server'],
  },
  {
    repository: 'library/wordpress', tag: '6.8-apache', alsoTags: ['6.7-apache', '6-apache', 'latest'], upstream: 'wordpress:6.8-apache',
    packages: ['wordpress', 'wordpress-theme-twentytwentythree', 'apache2', 'libapache2-mod-php', 'php-mysql'], servedBy: 'wordpress', variant: 'essential',
    // As the upstream image: the access and error logs go to the container's output.
    hook: 'ln -sf /dev/stdout "$1/var/log/apache2/access.log" && ln -sf /dev/stderr "$1/var/log/apache2/error.log" && ln -sf /dev/stdout "$1/var/log/apache2/other_vhosts_access.log"',
    copy: [['wordpress-entrypoint.sh', '/usr/local/bin/docker-entrypoint.sh']], entrypoint: ['docker-entrypoint.sh'], cmd: ['apache2ctl', '-D', 'FOREGROUND'],
    workdir: '/var/www/html',
  },
);

/**
 * What the evaluation install (k8s/install/overlays/evaluation) bundles besides PostgreSQL:
 * Debian's etcd 3.4 serves `quay.io/coreos/etcd:v3.5.17` (its flags are the same), Debian's
 * distribution registry 2.8 serves `registry:2` with the upstream image's configuration, and
 * Debian's Prometheus 2.42 and Alertmanager 0.25 serve `prom/prometheus:v2.42.0` and
 * `prom/alertmanager:v0.25.0` (the same versions; the upstream images' paths and user nobody).
 */
RECIPES.push(
  {
    repository: 'coreos/etcd', tag: 'v3.5.17', upstream: 'quay.io/coreos/etcd:v3.5.17',
    packages: ['etcd-server'], servedBy: 'etcd-server', variant: 'essential', cmd: ['etcd'],
  },
  {
    repository: 'library/registry', tag: '2', alsoTags: ['2.8'], upstream: 'registry:2',
    packages: ['docker-registry'], servedBy: 'docker-registry', variant: 'essential',
    hook: 'mkdir -p "$1/var/lib/registry"',
    copy: [['registry-config.yml', '/etc/docker/registry/config.yml']], entrypoint: ['docker-registry'], cmd: ['serve', '/etc/docker/registry/config.yml'],
  },
  {
    repository: 'prom/prometheus', tag: 'v2.42.0', upstream: 'prom/prometheus:v2.42.0',
    packages: ['prometheus'], servedBy: 'prometheus', variant: 'essential', user: '65534', workdir: '/prometheus',
    hook: 'mkdir -p "$1/prometheus" && chown 65534:65534 "$1/prometheus"',
    entrypoint: ['/usr/bin/prometheus'], cmd: ['--config.file=/etc/prometheus/prometheus.yml', '--storage.tsdb.path=/prometheus'],
  },
  {
    repository: 'prom/alertmanager', tag: 'v0.25.0', upstream: 'prom/alertmanager:v0.25.0',
    packages: ['prometheus-alertmanager'], servedBy: 'prometheus-alertmanager', variant: 'essential', user: '65534', workdir: '/alertmanager',
    hook: 'mkdir -p "$1/alertmanager" && chown 65534:65534 "$1/alertmanager"',
    entrypoint: ['/usr/bin/prometheus-alertmanager'], cmd: ['--config.file=/etc/alertmanager/alertmanager.yml', '--storage.path=/alertmanager'],
  },
);
