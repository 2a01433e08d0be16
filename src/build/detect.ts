import { DetectionError, type BuildPlan, type Language } from './plan.js';
import type { SourceReader } from './source.js';

/**
 * Language detection ("the code is the environment"). One rule, documented in the README: the
 * first provider in this order that matches decides (a Dockerfile first in auto mode); the plan
 * names the files that decided. Only those files are read, never the whole tree.
 */
export type BuildMode = 'AUTO' | 'DOCKERFILE' | 'SOURCE';

interface Ctx { src: SourceReader; evidence: string[]; procfileWeb: string | null }

const base = (language: Language, ctx: Ctx, over: Partial<BuildPlan>): BuildPlan => ({
  language, version: null, versionSource: null, packageManager: null, framework: null, buildCommand: null,
  startCommand: ctx.procfileWeb, staticDir: null, port: 8080, evidence: ctx.evidence, dockerfile: null, ...over,
  // A Procfile's web: line wins for the start command.
  ...(ctx.procfileWeb ? { startCommand: ctx.procfileWeb } : {}),
});

async function readFirst(ctx: Ctx, paths: string[]): Promise<{ path: string; text: string } | undefined> {
  for (const path of paths) {
    const text = await ctx.src.read(path);
    if (text !== undefined) return { path, text };
  }
  return undefined;
}

const firstNumber = (s: string) => /(\d+(?:\.\d+)?)/.exec(s)?.[1] ?? null;
const major = (s: string) => /(\d+)/.exec(s)?.[1] ?? null;

// ---- Node.js -------------------------------------------------------------------------------
const STATIC_FRAMEWORKS: Record<string, string> = { vite: 'dist', 'react-scripts': 'build', '@vue/cli-service': 'dist', '@docusaurus/core': 'build', '@angular/core': 'dist' };
const FRAMEWORK_ORDER = ['next', 'nuxt', '@docusaurus/core', '@angular/core', 'react-scripts', '@vue/cli-service', 'vite'];

async function node(ctx: Ctx): Promise<BuildPlan | undefined> {
  const text = await ctx.src.read('package.json');
  if (text === undefined) return undefined;
  ctx.evidence.push('package.json');
  let pkg: { engines?: { node?: string }; scripts?: Record<string, string>; main?: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  try { pkg = JSON.parse(text); } catch { throw new DetectionError('package.json is not valid JSON', ['package.json']); }
  const pm = (await ctx.src.exists('pnpm-lock.yaml')) ? 'pnpm' : (await ctx.src.exists('yarn.lock')) ? 'yarn' : 'npm';
  if (pm !== 'npm') ctx.evidence.push(pm === 'pnpm' ? 'pnpm-lock.yaml' : 'yarn.lock');
  else if (await ctx.src.exists('package-lock.json')) ctx.evidence.push('package-lock.json');

  let version: string | null = null, versionSource: string | null = null;
  if (pkg.engines?.node && major(pkg.engines.node)) { version = major(pkg.engines.node); versionSource = 'package.json engines.node'; }
  else {
    const f = await readFirst(ctx, ['.nvmrc', '.node-version']);
    if (f && major(f.text)) { version = major(f.text); versionSource = f.path; ctx.evidence.push(f.path); }
  }
  if (!version) { version = '20'; versionSource = 'default'; }

  const deps = { ...pkg.dependencies, ...pkg.devDependencies };
  const framework = FRAMEWORK_ORDER.find((f) => f in deps) ?? null;
  const run = (script: string) => (pm === 'npm' ? `npm run ${script}` : `${pm} run ${script}`);
  const buildCommand = pkg.scripts?.build ? run('build') : null;
  let staticDir: string | null = null;
  let startCommand: string | null = null;
  if (pkg.scripts?.start) startCommand = pm === 'npm' ? 'npm start' : `${pm} start`;
  else if (framework === 'next') startCommand = 'npx next start -p $PORT';
  else if (framework === 'nuxt') startCommand = 'node .output/server/index.mjs';
  else if (framework && STATIC_FRAMEWORKS[framework]) staticDir = STATIC_FRAMEWORKS[framework]!;
  else if (pkg.main) startCommand = `node ${pkg.main}`;
  else if (await ctx.src.exists('index.js')) { startCommand = 'node index.js'; ctx.evidence.push('index.js'); }
  if (!startCommand && !staticDir && !ctx.procfileWeb) {
    throw new DetectionError('a Node.js project needs a start command: add scripts.start or main to package.json, an index.js, or a Procfile web: line', ['package.json scripts.start', 'package.json main', 'index.js', 'Procfile']);
  }
  return base('node', ctx, { version, versionSource, packageManager: pm, framework, buildCommand, startCommand, staticDir, port: 3000 });
}

// ---- Python --------------------------------------------------------------------------------
async function python(ctx: Ctx): Promise<BuildPlan | undefined> {
  const markers = ['requirements.txt', 'Pipfile', 'pyproject.toml', 'setup.py', 'uv.lock', 'poetry.lock'];
  const present: string[] = [];
  for (const m of markers) if (await ctx.src.exists(m)) present.push(m);
  if (present.length === 0) return undefined;
  ctx.evidence.push(...present);
  const pyproject = present.includes('pyproject.toml') ? await ctx.src.read('pyproject.toml') : undefined;
  const pm = present.includes('uv.lock') ? 'uv'
    : present.includes('poetry.lock') || /\[tool\.poetry\]/.test(pyproject ?? '') ? 'poetry'
      : present.includes('Pipfile') ? 'pipenv' : 'pip';

  let version: string | null = null, versionSource: string | null = null;
  const pv = await ctx.src.read('.python-version');
  const rt = pv === undefined ? await ctx.src.read('runtime.txt') : undefined;
  const pipfile = present.includes('Pipfile') ? await ctx.src.read('Pipfile') : undefined;
  if (pv && firstNumber(pv)) { version = firstNumber(pv); versionSource = '.python-version'; ctx.evidence.push('.python-version'); }
  else if (rt && firstNumber(rt)) { version = firstNumber(rt); versionSource = 'runtime.txt'; ctx.evidence.push('runtime.txt'); }
  else if (pipfile && /python_version\s*=\s*"([\d.]+)"/.test(pipfile)) { version = /python_version\s*=\s*"([\d.]+)"/.exec(pipfile)![1]!; versionSource = 'Pipfile python_version'; }
  else if (pyproject && /requires-python\s*=\s*"[^"\d]*([\d.]+)/.test(pyproject)) { version = /requires-python\s*=\s*"[^"\d]*([\d.]+)/.exec(pyproject)![1]!; versionSource = 'pyproject.toml requires-python'; }
  if (version) version = version.split('.').slice(0, 2).join('.');
  else { version = '3.12'; versionSource = 'default'; }

  const requirements = (await ctx.src.read('requirements.txt')) ?? '';
  const deps = `${requirements}\n${pyproject ?? ''}\n${pipfile ?? ''}`.toLowerCase();
  let framework: string | null = null;
  let startCommand: string | null = null;
  if (await ctx.src.exists('manage.py')) {
    framework = 'django';
    ctx.evidence.push('manage.py');
    let project: string | undefined;
    for (const d of await ctx.src.list('.')) if (await ctx.src.exists(`${d}/wsgi.py`)) { project = d; break; }
    if (project) { ctx.evidence.push(`${project}/wsgi.py`); startCommand = `gunicorn ${project}.wsgi --bind 0.0.0.0:$PORT`; }
    else startCommand = 'python manage.py runserver 0.0.0.0:$PORT';
  } else {
    const entry = await readFirst(ctx, ['main.py', 'app.py']);
    const module = entry?.path.replace(/\.py$/, '');
    if (entry && /FastAPI\s*\(/.test(entry.text) && /fastapi/.test(deps)) {
      framework = 'fastapi'; ctx.evidence.push(entry.path);
      startCommand = `uvicorn ${module}:${/^(\w+)\s*=\s*FastAPI\s*\(/m.exec(entry.text)?.[1] ?? 'app'} --host 0.0.0.0 --port $PORT`;
    } else if (entry && /Flask\s*\(/.test(entry.text) && /flask/.test(deps)) {
      framework = 'flask'; ctx.evidence.push(entry.path);
      startCommand = `gunicorn ${module}:${/^(\w+)\s*=\s*Flask\s*\(/m.exec(entry.text)?.[1] ?? 'app'} --bind 0.0.0.0:$PORT`;
    } else if (entry) {
      ctx.evidence.push(entry.path);
      startCommand = `python ${entry.path}`;
    }
  }
  if (!startCommand && !ctx.procfileWeb) {
    throw new DetectionError('a Python project needs a start command: a Procfile web: line, manage.py, or main.py/app.py', ['Procfile', 'manage.py', 'main.py', 'app.py']);
  }
  return base('python', ctx, { version, versionSource, packageManager: pm, framework, startCommand, port: 8000 });
}

// ---- Go ------------------------------------------------------------------------------------
async function go(ctx: Ctx): Promise<BuildPlan | undefined> {
  const mod = await ctx.src.read('go.mod');
  if (mod === undefined) return undefined;
  ctx.evidence.push('go.mod');
  const toolchain = /^toolchain\s+go([\d.]+)/m.exec(mod)?.[1];
  const goLine = /^go\s+([\d.]+)/m.exec(mod)?.[1];
  const version = (toolchain ?? goLine ?? '1.22').split('.').slice(0, 2).join('.');
  const versionSource = toolchain ? 'go.mod toolchain' : goLine ? 'go.mod go' : 'default';
  let pkg = '.';
  if (!(await ctx.src.exists('main.go'))) {
    const cmds = await ctx.src.list('cmd');
    if (cmds.length > 0) { pkg = `./cmd/${cmds[0]}`; ctx.evidence.push(`cmd/${cmds[0]}`); }
  } else ctx.evidence.push('main.go');
  return base('go', ctx, { version, versionSource, packageManager: 'go modules', buildCommand: `go build -o /out/app ${pkg}`, startCommand: '/app/app' });
}

// ---- Java ----------------------------------------------------------------------------------
async function java(ctx: Ctx): Promise<BuildPlan | undefined> {
  const pom = await ctx.src.read('pom.xml');
  const gradleFile = pom === undefined ? await readFirst(ctx, ['build.gradle.kts', 'build.gradle']) : undefined;
  if (pom === undefined && !gradleFile) return undefined;
  const maven = pom !== undefined;
  ctx.evidence.push(maven ? 'pom.xml' : gradleFile!.path);
  let version: string | null = null, versionSource: string | null = null;
  const sys = await ctx.src.read('system.properties');
  const fromSys = sys && /java\.runtime\.version\s*=\s*([\d.]+)/.exec(sys)?.[1];
  if (fromSys) { version = major(fromSys === '1.8' ? '8' : fromSys); versionSource = 'system.properties java.runtime.version'; ctx.evidence.push('system.properties'); }
  else if (maven) {
    const m = /<maven\.compiler\.release>\s*(\d+)/.exec(pom!) ?? /<java\.version>\s*(\d+)/.exec(pom!) ?? /<maven\.compiler\.source>\s*(?:1\.)?(\d+)/.exec(pom!);
    if (m) { version = m[1]!; versionSource = 'pom.xml'; }
  } else {
    const g = /JavaLanguageVersion\.of\(\s*(\d+)\s*\)/.exec(gradleFile!.text) ?? /sourceCompatibility\s*=\s*(?:JavaVersion\.VERSION_)?['"]?(\d+)/.exec(gradleFile!.text);
    if (g) { version = g[1]!; versionSource = `${gradleFile!.path}`; }
  }
  if (!version) { version = '21'; versionSource = 'default'; }
  const wrapper = maven ? await ctx.src.exists('mvnw') : await ctx.src.exists('gradlew');
  const buildCommand = maven ? `${wrapper ? './mvnw' : 'mvn'} -B -DskipTests package` : `${wrapper ? './gradlew' : 'gradle'} --no-daemon -x test build`;
  return base('java', ctx, {
    version, versionSource, packageManager: maven ? 'maven' : 'gradle', buildCommand,
    startCommand: 'java -Dserver.port=$PORT $JAVA_OPTS -jar /app/app.jar',
  });
}

// ---- PHP, Ruby, .NET, Rust, static ---------------------------------------------------------
async function php(ctx: Ctx): Promise<BuildPlan | undefined> {
  const composer = await ctx.src.read('composer.json');
  const index = composer === undefined && (await ctx.src.exists('index.php'));
  if (composer === undefined && !index) return undefined;
  ctx.evidence.push(composer !== undefined ? 'composer.json' : 'index.php');
  let version: string | null = null, versionSource: string | null = null;
  if (composer) {
    try {
      const req = (JSON.parse(composer) as { require?: Record<string, string> }).require?.php;
      if (req && firstNumber(req)) { version = firstNumber(req); versionSource = 'composer.json require.php'; }
    } catch { throw new DetectionError('composer.json is not valid JSON', ['composer.json']); }
  }
  if (!version) { version = '8.3'; versionSource = 'default'; }
  const docroot = (await ctx.src.exists('public/index.php')) ? 'public' : '.';
  return base('php', ctx, {
    version, versionSource, packageManager: composer ? 'composer' : null, framework: (await ctx.src.exists('artisan')) ? 'laravel' : null,
    buildCommand: composer ? 'composer install --no-dev --optimize-autoloader' : null,
    startCommand: `php -S 0.0.0.0:$PORT -t ${docroot}`, port: 8080,
  });
}

async function ruby(ctx: Ctx): Promise<BuildPlan | undefined> {
  const gemfile = await ctx.src.read('Gemfile');
  if (gemfile === undefined) return undefined;
  ctx.evidence.push('Gemfile');
  let version: string | null = null, versionSource: string | null = null;
  const rv = await ctx.src.read('.ruby-version');
  if (rv && firstNumber(rv)) { version = firstNumber(rv); versionSource = '.ruby-version'; ctx.evidence.push('.ruby-version'); }
  else if (/^ruby\s+['"]([\d.]+)/m.test(gemfile)) { version = firstNumber(/^ruby\s+['"]([\d.]+)/m.exec(gemfile)![1]!); versionSource = 'Gemfile ruby'; }
  else { version = '3.3'; versionSource = 'default'; }
  const rails = /gem\s+['"]rails['"]/.test(gemfile);
  const rack = await ctx.src.exists('config.ru');
  const startCommand = rails ? 'bundle exec rails server -b 0.0.0.0 -p $PORT' : rack ? 'bundle exec rackup -o 0.0.0.0 -p $PORT' : null;
  if (!startCommand && !ctx.procfileWeb) throw new DetectionError('a Ruby project needs Rails, a config.ru or a Procfile web: line', ['Gemfile rails', 'config.ru', 'Procfile']);
  if (rack && !rails) ctx.evidence.push('config.ru');
  return base('ruby', ctx, { version, versionSource, packageManager: 'bundler', framework: rails ? 'rails' : rack ? 'rack' : null, buildCommand: 'bundle install', startCommand, port: 3000 });
}

async function dotnet(ctx: Ctx): Promise<BuildPlan | undefined> {
  const project = (await ctx.src.list('.')).find((f) => f.endsWith('.csproj') || f.endsWith('.fsproj'));
  if (!project) return undefined;
  ctx.evidence.push(project);
  const text = (await ctx.src.read(project)) ?? '';
  let version: string | null = null, versionSource: string | null = null;
  const tf = /<TargetFramework>\s*net(\d+\.\d+)/.exec(text)?.[1];
  if (tf) { version = tf; versionSource = `${project} TargetFramework`; }
  else {
    const gj = await ctx.src.read('global.json');
    const sdk = gj && /"version"\s*:\s*"(\d+\.\d+)/.exec(gj)?.[1];
    if (sdk) { version = sdk; versionSource = 'global.json sdk.version'; ctx.evidence.push('global.json'); }
  }
  if (!version) { version = '8.0'; versionSource = 'default'; }
  const name = project.replace(/\.(cs|fs)proj$/, '');
  return base('dotnet', ctx, {
    version, versionSource, packageManager: 'nuget', buildCommand: `dotnet publish ${project} -c Release -o /out`,
    startCommand: `dotnet /app/${name}.dll`, port: 8080,
  });
}

async function rust(ctx: Ctx): Promise<BuildPlan | undefined> {
  const cargo = await ctx.src.read('Cargo.toml');
  if (cargo === undefined) return undefined;
  ctx.evidence.push('Cargo.toml');
  let version: string | null = null, versionSource: string | null = null;
  const tc = await readFirst(ctx, ['rust-toolchain.toml', 'rust-toolchain']);
  const channel = tc && (/channel\s*=\s*"([\d.]+)"/.exec(tc.text)?.[1] ?? (/^[\d.]+$/m.exec(tc.text.trim())?.[0]));
  if (tc && channel) { version = channel.split('.').slice(0, 2).join('.'); versionSource = tc.path; ctx.evidence.push(tc.path); }
  else if (/rust-version\s*=\s*"([\d.]+)"/.test(cargo)) { version = /rust-version\s*=\s*"([\d.]+)"/.exec(cargo)![1]!.split('.').slice(0, 2).join('.'); versionSource = 'Cargo.toml rust-version'; }
  else { version = '1.83'; versionSource = 'default'; }
  const pkgSection = /\[package\]([\s\S]*?)(?:\n\[|$)/.exec(cargo)?.[1] ?? '';
  const bin = /default-run\s*=\s*"([^"]+)"/.exec(pkgSection)?.[1] ?? /name\s*=\s*"([^"]+)"/.exec(pkgSection)?.[1];
  if (!bin) throw new DetectionError('Cargo.toml has no [package] name', ['Cargo.toml [package] name']);
  return base('rust', ctx, { version, versionSource, packageManager: 'cargo', buildCommand: `cargo build --release --bin ${bin}`, startCommand: `/app/${bin}` });
}

async function staticSite(ctx: Ctx): Promise<BuildPlan | undefined> {
  for (const dir of ['.', 'public']) {
    for (const f of ['index.html', 'index.htm']) {
      const path = dir === '.' ? f : `${dir}/${f}`;
      if (await ctx.src.exists(path)) {
        ctx.evidence.push(path);
        return base('static', ctx, { staticDir: dir, startCommand: null, port: 8080 });
      }
    }
  }
  return undefined;
}

const PROVIDERS: [string, (ctx: Ctx) => Promise<BuildPlan | undefined>][] = [
  ['package.json (Node.js)', node], ['requirements.txt, Pipfile, pyproject.toml, setup.py (Python)', python], ['go.mod (Go)', go],
  ['pom.xml, build.gradle (Java)', java], ['composer.json, index.php (PHP)', php], ['Gemfile (Ruby)', ruby],
  ['*.csproj (.NET)', dotnet], ['Cargo.toml (Rust)', rust], ['index.html (static site)', staticSite],
];

/** Reads the web: line of a Procfile, if any. */
async function procfileWeb(src: SourceReader): Promise<string | null> {
  const text = await src.read('Procfile');
  const line = text?.split('\n').find((l) => /^web\s*:/.test(l));
  return line ? line.replace(/^web\s*:\s*/, '').trim() || null : null;
}

/**
 * Decides how to build a source tree. `dockerfilePath` is used in DOCKERFILE mode and checked
 * first in AUTO mode.
 */
export async function detect(src: SourceReader, mode: BuildMode = 'AUTO', dockerfilePath = 'Dockerfile'): Promise<BuildPlan> {
  const web = await procfileWeb(src);
  const ctx: Ctx = { src, evidence: web ? ['Procfile'] : [], procfileWeb: web };
  if (mode !== 'SOURCE' && (await src.exists(dockerfilePath))) {
    return { ...base('dockerfile', { ...ctx, evidence: [dockerfilePath] }, { dockerfile: dockerfilePath }), startCommand: null };
  }
  if (mode === 'DOCKERFILE') throw new DetectionError(`build mode DOCKERFILE but ${dockerfilePath} does not exist`, [dockerfilePath]);
  for (const [, provider] of PROVIDERS) {
    const plan = await provider(ctx);
    if (plan) return plan;
  }
  throw new DetectionError(`no recognisable project: looked for ${['Dockerfile', ...PROVIDERS.map(([n]) => n)].join(', ')}`, ['Dockerfile', ...PROVIDERS.map(([n]) => n)]);
}
