import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startPortal, type Portal } from '../scripts/local/node/portal.js';
import { readRoute } from '../src/publish/etcd.js';
import { eventually } from './helpers/full.js';
import { viaGateway } from './helpers/gateway.js';
import { startGitServer, type GitServer } from './helpers/git-server.js';
import { realNodeOfStack, startRealNodePlatform, type RealNodePlatform } from './helpers/real-node.js';

/**
 * Real builds on the real node: the clone runs git in a container, the detect pod runs Yunbang's
 * own detector image, and the build pod runs the local Kaniko stand-in (Debian's buildah behind
 * Kaniko's flags), which pushes a real image to the node's registry; the release runs that image.
 * The git server is on loopback, reached from pods at the node's address through the portal.
 */
describe('the real node: git source built into images that run', () => {
  let r: RealNodePlatform;
  let git: GitServer;
  let portal: Portal | undefined;
  let gitUrl: (repo: string) => string;

  beforeAll(async () => {
    const stackNode = realNodeOfStack();
    r = await startRealNodePlatform({ YUNBANG_GIT_ALLOWED_HOSTS: stackNode.nodeIp });
    git = await startGitServer();
    if (inject('stack').realNode) {
      gitUrl = git.url; // `local`'s node: the git server is already reached at the node's address
    } else {
      const port = Number(new URL(git.url('x')).port);
      portal = await startPortal(stackNode.netns, { logFile: '/dev/null' });
      await portal.outward({ host: stackNode.nodeIp, port }, port);
      gitUrl = (repo) => git.url(repo).replace('127.0.0.1', stackNode.nodeIp);
    }
  });
  afterAll(async () => { await portal?.stop(); await git?.close(); await r?.close(); });

  /** Pushes the files as a repository, creates an app from it, and waits for its build and rollout. */
  async function buildAndServe(name: string, files: Record<string, string>, port: number) {
    const repo = git.repo(`${name}-${r.team}`);
    repo.write(files);
    const commit = repo.commit('first');
    repo.push();
    const created = await r.admin('POST', `/teams/${r.team}/apps`, { name, git: { url: gitUrl(`${name}-${r.team}`), branch: 'main' }, port });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const build = await finished(name);
    if (build.status !== 'succeeded') {
      const pods = (await r.core.listNamespacedPod({ namespace: `yb-${r.team}`, labelSelector: `yunbang.dev/build=${build.id}` })).items;
      const logs = await Promise.all(pods.flatMap((p) => [...(p.spec!.initContainers ?? []), ...p.spec!.containers].map(async (c) =>
        `--- ${p.metadata!.name}/${c.name}: ${JSON.stringify([...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])].find((x) => x.name === c.name)?.state)}\n${await r.core.readNamespacedPodLog({ name: p.metadata!.name!, namespace: `yb-${r.team}`, container: c.name }).catch((e) => String(e))}`)));
      const saved = (await r.admin('GET', `/builds/${build.id}/logs`)).body;
      throw new Error(`build ${build.status}: ${build.failureReason}\n${logs.join('\n')}\n${JSON.stringify(saved).slice(0, 6000)}`);
    }
    expect(build.commit).toBe(commit);
    const app = await r.status(name, (s) => s.health === 'Ready' && s.readyReplicas === 1, 120_000);
    // The release runs the image the build pushed, by digest, from the node's registry.
    const [pod] = await r.podsOf(name);
    expect(pod!.spec!.containers[0]!.image).toMatch(new RegExp(`^${r.cluster.realNode!.registryInNode.replace(/\./g, '\\.')}/${r.team}/${name}@sha256:[0-9a-f]{64}$`));
    const reply = await eventually(`${name} served`, async () => {
      const res = await viaGateway(r.gw, app.defaultDomain);
      return res.status === 200 ? res : undefined;
    }, 20_000);
    // While nginx reloads, its previous workers answer for a moment too (as gateway-e2e waits).
    await r.gw.gateway.settled();
    return { reply, build, repo };
  }

  /** The app's newest build (or the one given) once it has ended. */
  async function finished(name: string, id?: string) {
    return eventually(`${name}'s build`, async () => {
      const builds = (await r.admin('GET', `/teams/${r.team}/apps/${name}/builds`)).body as { id: string; status: string }[];
      const b = id ? builds.find((x) => x.id === id) : builds[0];
      if (b && ['succeeded', 'failed', 'cancelled'].includes(b.status)) return b as typeof b & { commit: string; failureReason?: string; startedAt: string; finishedAt: string };
      return undefined;
    }, 300_000);
  }

  async function buildLog(id: string): Promise<string[]> {
    return (await r.admin('GET', `/builds/${id}/logs`)).body.map((l: { line: string }) => l.line);
  }

  it('a Node app without a Dockerfile is detected, built by the Kaniko stand-in and answers with its own token; a push that changes only its code takes the dependencies from the layer cache', async () => {
    const token = randomBytes(8).toString('hex');
    // A dependency from the npm registry, fetched by `npm install` through the node's egress proxy.
    const packageJson = JSON.stringify({ name: 'hello', version: '1.0.0', scripts: { start: 'node server.js' }, dependencies: { 'is-number': '7.0.0' } });
    const server = (t: string) => `const isNumber = require('is-number');\nrequire('http').createServer((q, s) => s.end('token ${t} from node ' + process.version + ' ' + isNumber(42))).listen(process.env.PORT);\n`;
    const { reply, build, repo } = await buildAndServe('hello', { 'package.json': packageJson, 'server.js': server(token) }, 8080);
    expect(reply.body).toMatch(new RegExp(`^token ${token} from node v\\d+\\.\\d+\\.\\d+ true$`));
    const lines = await buildLog(build.id);
    expect(lines[0]).toBe('detected node from package.json');
    const install = 'RUN if [ -f package-lock.json ]; then npm ci; else npm install; fi';
    expect(lines).toContain(`INFO No cached layer found for cmd ${install}`);

    // The second build: the same package.json, new code. `npm install` is not run again.
    const second = randomBytes(8).toString('hex');
    repo.write({ 'server.js': server(second) });
    const commit = repo.commit('second');
    repo.push();
    const queued = await r.admin('POST', `/teams/${r.team}/apps/hello/builds`, {});
    expect(queued.status, JSON.stringify(queued.body)).toBe(202);
    const rebuilt = await finished('hello', queued.body.id);
    expect({ status: rebuilt.status, commit: rebuilt.commit }).toEqual({ status: 'succeeded', commit });
    const again = await buildLog(rebuilt.id);
    expect(again).toContain(`INFO Using caching version of cmd: ${install}`);
    // The code changed, so the steps from `COPY . .` on ran again.
    expect(again).toContain('INFO No cached layer found for cmd RUN chown -R app:app /app');
    const host = (await r.admin('GET', `/teams/${r.team}/apps/hello`)).body.defaultDomain;
    await eventually('the second build served', async () => (await viaGateway(r.gw, host)).body.startsWith(`token ${second} `), 120_000);
    const took = (b: { startedAt: string; finishedAt: string }) => `${((Date.parse(b.finishedAt) - Date.parse(b.startedAt)) / 1000).toFixed(1)} s`;
    process.stdout.write(`node app's build: ${took(build)} with nothing cached, ${took(rebuilt)} with its dependencies' layer from the cache\n`);
  }, 600_000);

  it('a Dockerfile app is built with its RUN steps and serves what they made', async () => {
    const token = randomBytes(8).toString('hex');
    const { reply } = await buildAndServe('site', {
      Dockerfile: 'FROM nginx:1.27\nCOPY index.html /usr/share/nginx/html/index.html\nRUN echo "built by RUN" > /usr/share/nginx/html/run.txt\n',
      'index.html': `<h1>${token}</h1>\n`,
    }, 80);
    expect(reply.body).toBe(`<h1>${token}</h1>\n`);
    const host = (await r.admin('GET', `/teams/${r.team}/apps/site`)).body.defaultDomain;
    let ran = await viaGateway(r.gw, host, '/run.txt');
    if (ran.status !== 200) {
      // Seen twice as a 503 right after a 200, the pod Ready throughout: say what the node, etcd and
      // the gateway saw (an open question, in issue 19's note), then give the route 15 s to come back.
      const pods = await r.core.listNamespacedPod({ namespace: `yb-${r.team}`, labelSelector: 'yunbang.dev/app=site' });
      const route = await readRoute(r.p.etcd, host);
      process.stderr.write(`site pods: ${JSON.stringify(pods.items.map((p) => [p.metadata?.name, p.status?.phase, p.status?.conditions]))}\nroute in etcd: ${JSON.stringify(route)}\ngateway: ${JSON.stringify(r.gw.gateway.state())}\n`);
      ran = await eventually('run.txt served', async () => { const x = await viaGateway(r.gw, host, '/run.txt'); return x.status === 200 && x; }, 15_000);
    }
    expect({ status: ran.status, body: ran.body }).toEqual({ status: 200, body: 'built by RUN\n' });
  }, 420_000);

  it('a static site is served by the generated image', async () => {
    const token = randomBytes(8).toString('hex');
    const { reply } = await buildAndServe('pages', { 'index.html': `<p>static ${token}</p>\n` }, 8080);
    expect(reply.body).toBe(`<p>static ${token}</p>\n`);
  }, 420_000);
});
