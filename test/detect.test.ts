import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { detect } from '../src/build/detect.js';
import { defaultBaseImages, generateDockerfile } from '../src/build/dockerfile.js';
import { DetectionError, type BuildPlan } from '../src/build/plan.js';
import { dirReader, memoryReader } from '../src/build/source.js';

const plan = (over: Partial<BuildPlan>): BuildPlan => ({
  language: 'node', version: null, versionSource: null, packageManager: null, framework: null, buildCommand: null,
  startCommand: null, staticDir: null, port: 8080, evidence: [], dockerfile: null, ...over,
});
const pkg = (o: object) => JSON.stringify(o);

// [name, files, expected plan]
const cases: [string, Record<string, string>, BuildPlan][] = [
  ['node: npm, engines.node, scripts.start, build', { 'package.json': pkg({ engines: { node: '>=18 <21' }, scripts: { start: 'node server.js', build: 'tsc' } }), 'package-lock.json': '{}' },
    plan({ language: 'node', version: '18', versionSource: 'package.json engines.node', packageManager: 'npm', buildCommand: 'npm run build', startCommand: 'npm start', port: 3000, evidence: ['package.json', 'package-lock.json'] })],
  ['node: yarn and .nvmrc, main', { 'package.json': pkg({ main: 'app.js' }), 'yarn.lock': '', '.nvmrc': 'v22.3.0\n' },
    plan({ language: 'node', version: '22', versionSource: '.nvmrc', packageManager: 'yarn', startCommand: 'node app.js', port: 3000, evidence: ['package.json', 'yarn.lock', '.nvmrc'] })],
  ['node: pnpm, .node-version, index.js', { 'package.json': pkg({}), 'pnpm-lock.yaml': '', '.node-version': '20', 'index.js': '' },
    plan({ language: 'node', version: '20', versionSource: '.node-version', packageManager: 'pnpm', startCommand: 'node index.js', port: 3000, evidence: ['package.json', 'pnpm-lock.yaml', '.node-version', 'index.js'] })],
  ['node: next builds first', { 'package.json': pkg({ dependencies: { next: '14' }, scripts: { build: 'next build' } }) },
    plan({ language: 'node', version: '20', versionSource: 'default', packageManager: 'npm', framework: 'next', buildCommand: 'npm run build', startCommand: 'npx next start -p $PORT', port: 3000, evidence: ['package.json'] })],
  ['node: a vite SPA is static output', { 'package.json': pkg({ devDependencies: { vite: '5' }, scripts: { build: 'vite build' } }) },
    plan({ language: 'node', version: '20', versionSource: 'default', packageManager: 'npm', framework: 'vite', buildCommand: 'npm run build', staticDir: 'dist', port: 3000, evidence: ['package.json'] })],
  ['Procfile web: wins for the start command', { 'package.json': pkg({ scripts: { start: 'node a.js' } }), Procfile: 'web: node cluster.js --port $PORT\nworker: node jobs.js\n' },
    plan({ language: 'node', version: '20', versionSource: 'default', packageManager: 'npm', startCommand: 'node cluster.js --port $PORT', port: 3000, evidence: ['Procfile', 'package.json'] })],
  ['python: requirements, .python-version, django', { 'requirements.txt': 'Django==5.0\n', '.python-version': '3.11.4\n', 'manage.py': '', 'shop/wsgi.py': '', 'shop/settings.py': '' },
    plan({ language: 'python', version: '3.11', versionSource: '.python-version', packageManager: 'pip', framework: 'django', startCommand: 'gunicorn shop.wsgi --bind 0.0.0.0:$PORT', port: 8000, evidence: ['requirements.txt', '.python-version', 'manage.py', 'shop/wsgi.py'] })],
  ['python: runtime.txt, fastapi', { 'requirements.txt': 'fastapi\nuvicorn\n', 'runtime.txt': 'python-3.10.13', 'main.py': 'from fastapi import FastAPI\napi = FastAPI()\n' },
    plan({ language: 'python', version: '3.10', versionSource: 'runtime.txt', packageManager: 'pip', framework: 'fastapi', startCommand: 'uvicorn main:api --host 0.0.0.0 --port $PORT', port: 8000, evidence: ['requirements.txt', 'runtime.txt', 'main.py'] })],
  ['python: poetry, flask', { 'pyproject.toml': '[tool.poetry]\nname="x"\n[tool.poetry.dependencies]\npython = "^3.12"\nflask = "*"\n', 'poetry.lock': '', 'app.py': 'from flask import Flask\napp = Flask(__name__)\n' },
    plan({ language: 'python', version: '3.12', versionSource: 'default', packageManager: 'poetry', framework: 'flask', startCommand: 'gunicorn app:app --bind 0.0.0.0:$PORT', port: 8000, evidence: ['pyproject.toml', 'poetry.lock', 'app.py'] })],
  ['python: uv, requires-python, plain main.py', { 'pyproject.toml': '[project]\nname="x"\nrequires-python = ">=3.13"\n', 'uv.lock': '', 'main.py': 'print(1)' },
    plan({ language: 'python', version: '3.13', versionSource: 'pyproject.toml requires-python', packageManager: 'uv', startCommand: 'python main.py', port: 8000, evidence: ['pyproject.toml', 'uv.lock', 'main.py'] })],
  ['python: Pipfile python_version', { Pipfile: '[requires]\npython_version = "3.9"\n', 'app.py': '' },
    plan({ language: 'python', version: '3.9', versionSource: 'Pipfile python_version', packageManager: 'pipenv', startCommand: 'python app.py', port: 8000, evidence: ['Pipfile', 'app.py'] })],
  ['go: go directive, main package at the root', { 'go.mod': 'module example.com/x\n\ngo 1.22.1\n', 'main.go': 'package main' },
    plan({ language: 'go', version: '1.22', versionSource: 'go.mod go', packageManager: 'go modules', buildCommand: 'go build -o /out/app .', startCommand: '/app/app', evidence: ['go.mod', 'main.go'] })],
  ['go: toolchain wins, main under cmd/', { 'go.mod': 'module x\ngo 1.21\ntoolchain go1.23.2\n', 'cmd/server/main.go': 'package main' },
    plan({ language: 'go', version: '1.23', versionSource: 'go.mod toolchain', packageManager: 'go modules', buildCommand: 'go build -o /out/app ./cmd/server', startCommand: '/app/app', evidence: ['go.mod', 'cmd/server'] })],
  ['java: maven with release and wrapper', { 'pom.xml': '<project><properties><maven.compiler.release>17</maven.compiler.release></properties></project>', mvnw: '' },
    plan({ language: 'java', version: '17', versionSource: 'pom.xml', packageManager: 'maven', buildCommand: './mvnw -B -DskipTests package', startCommand: 'java -Dserver.port=$PORT $JAVA_OPTS -jar /app/app.jar', evidence: ['pom.xml'] })],
  ['java: system.properties wins; gradle toolchain', { 'build.gradle.kts': 'java { toolchain { languageVersion = JavaLanguageVersion.of(21) } }', 'system.properties': 'java.runtime.version=11\n' },
    plan({ language: 'java', version: '11', versionSource: 'system.properties java.runtime.version', packageManager: 'gradle', buildCommand: 'gradle --no-daemon -x test build', startCommand: 'java -Dserver.port=$PORT $JAVA_OPTS -jar /app/app.jar', evidence: ['build.gradle.kts', 'system.properties'] })],
  ['php: composer require.php, public/', { 'composer.json': pkg({ require: { php: '^8.2' } }), 'public/index.php': '' },
    plan({ language: 'php', version: '8.2', versionSource: 'composer.json require.php', packageManager: 'composer', buildCommand: 'composer install --no-dev --optimize-autoloader', startCommand: 'php -S 0.0.0.0:$PORT -t public', evidence: ['composer.json'] })],
  ['ruby: .ruby-version, rails', { Gemfile: "source 'https://rubygems.org'\ngem 'rails', '~> 7.1'\n", '.ruby-version': '3.2.2' },
    plan({ language: 'ruby', version: '3.2', versionSource: '.ruby-version', packageManager: 'bundler', framework: 'rails', buildCommand: 'bundle install', startCommand: 'bundle exec rails server -b 0.0.0.0 -p $PORT', port: 3000, evidence: ['Gemfile', '.ruby-version'] })],
  ['ruby: Gemfile ruby line, rack', { Gemfile: "ruby '3.1.4'\ngem 'sinatra'\n", 'config.ru': 'run App' },
    plan({ language: 'ruby', version: '3.1', versionSource: 'Gemfile ruby', packageManager: 'bundler', framework: 'rack', buildCommand: 'bundle install', startCommand: 'bundle exec rackup -o 0.0.0.0 -p $PORT', port: 3000, evidence: ['Gemfile', 'config.ru'] })],
  ['.NET: TargetFramework', { 'Shop.csproj': '<Project><PropertyGroup><TargetFramework>net8.0</TargetFramework></PropertyGroup></Project>' },
    plan({ language: 'dotnet', version: '8.0', versionSource: 'Shop.csproj TargetFramework', packageManager: 'nuget', buildCommand: 'dotnet publish Shop.csproj -c Release -o /out', startCommand: 'dotnet /app/Shop.dll', evidence: ['Shop.csproj'] })],
  ['rust: rust-toolchain.toml, default-run', { 'Cargo.toml': '[package]\nname = "svc"\ndefault-run = "api"\n\n[dependencies]\n', 'rust-toolchain.toml': '[toolchain]\nchannel = "1.80.1"\n' },
    plan({ language: 'rust', version: '1.80', versionSource: 'rust-toolchain.toml', packageManager: 'cargo', buildCommand: 'cargo build --release --bin api', startCommand: '/app/api', evidence: ['Cargo.toml', 'rust-toolchain.toml'] })],
  ['static: index.html at the root', { 'index.html': '<h1>hi</h1>', 'style.css': '' },
    plan({ language: 'static', staticDir: '.', evidence: ['index.html'] })],
  ['static: public/index.html', { 'public/index.html': '' }, plan({ language: 'static', staticDir: 'public', evidence: ['public/index.html'] })],
  ['auto mode: a Dockerfile wins over detection', { Dockerfile: 'FROM scratch', 'package.json': pkg({ scripts: { start: 'x' } }) },
    plan({ language: 'dockerfile', dockerfile: 'Dockerfile', evidence: ['Dockerfile'] })],
];

describe('language detection', () => {
  for (const [name, files, expected] of cases) {
    it(name, async () => {
      expect(await detect(memoryReader(files))).toEqual(expected);
    });
  }

  it('SOURCE mode ignores the Dockerfile; DOCKERFILE mode requires one', async () => {
    const files = { Dockerfile: 'FROM scratch', 'go.mod': 'module x\ngo 1.22\n', 'main.go': '' };
    expect((await detect(memoryReader(files), 'SOURCE')).language).toBe('go');
    expect((await detect(memoryReader(files), 'DOCKERFILE', 'Dockerfile')).language).toBe('dockerfile');
    await expect(detect(memoryReader({ 'main.go': '' }), 'DOCKERFILE', 'build/Dockerfile')).rejects.toThrow('build/Dockerfile does not exist');
  });

  it('nothing recognisable is a clear error naming what was looked for', async () => {
    const err = await detect(memoryReader({ 'README.md': '# hi', 'notes.txt': '' })).catch((e) => e);
    expect(err).toBeInstanceOf(DetectionError);
    expect(err.message).toMatch(/^no recognisable project: looked for Dockerfile, package.json \(Node.js\), .*index.html \(static site\)$/);
  });

  it('a Node.js project without any start command says what it needs', async () => {
    await expect(detect(memoryReader({ 'package.json': '{}' }))).rejects.toThrow(/scripts\.start or main/);
  });

  it('detects in a monorepo subdirectory on disk', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'detect-'));
    try {
      mkdirSync(join(dir, 'services', 'api'), { recursive: true });
      writeFileSync(join(dir, 'package.json'), pkg({ private: true, workspaces: ['services/*'] }));
      writeFileSync(join(dir, 'services', 'api', 'go.mod'), 'module api\ngo 1.21\n');
      writeFileSync(join(dir, 'services', 'api', 'main.go'), 'package main');
      const p = await detect(dirReader(join(dir, 'services', 'api')));
      expect(p).toMatchObject({ language: 'go', version: '1.21', evidence: ['go.mod', 'main.go'] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('generated Dockerfiles', () => {
  for (const [name, files, expected] of cases.filter(([, , p]) => p.language !== 'dockerfile')) {
    it(name, () => {
      const df = generateDockerfile(expected);
      expect(df).toMatch(/^USER (app|10001)$/m); // never root
      expect(df).toMatchSnapshot();
      void files;
    });
  }
  it('puts dependency layers before the source', () => {
    const df = generateDockerfile(cases[0]![2]);
    expect(df.indexOf('RUN if [ -f package-lock.json ]')).toBeLessThan(df.indexOf('COPY . .'));
  });
  it('uses configured base images', () => {
    const df = generateDockerfile(cases[11]![2], { ...defaultBaseImages, go: { build: 'mirror.local/golang:{version}', run: 'mirror.local/static' } });
    expect(df).toContain('FROM mirror.local/golang:1.22 AS build');
    expect(df).toContain('FROM mirror.local/static');
  });
});
