import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rest } from './helpers/clients.js';
import { makeTeam } from './helpers/fixtures.js';
import { eventually, startFullPlatform, type FullPlatform } from './helpers/full.js';
import { startGitServer, type GitServer } from './helpers/git-server.js';
import { startSshGitServer, type SshGitServer } from './helpers/ssh-git-server.js';
import { simulatedCluster } from './helpers/node-env.js';
import { ADMIN } from './helpers/platform.js';

// Clones over SSH (a real ssh client against an SSH git server on loopback) trust only known host
// keys: the platform's, the app's, or one the app pinned on its first clone when it opted in.
// On the simulated cluster by name: its clone pods are real git and ssh processes on this machine,
// which reach the SSH server on loopback; the pinning under test is the platform's own.
describe('builds over SSH: host keys are pinned', () => {
  let p: FullPlatform;
  let http: GitServer;
  let ssh: SshGitServer;
  let admin: ReturnType<typeof rest>;
  let team: string;
  beforeAll(async () => {
    p = await startFullPlatform({}, { cluster: simulatedCluster() });
    admin = rest(p.url, ADMIN);
    http = await startGitServer({ realNode: null });
    ssh = await startSshGitServer(http.bareRoot);
    team = await makeTeam(p.url);
    const repo = http.repo('site');
    repo.write({ 'index.html': '<h1>over ssh</h1>' });
    repo.commit('init');
    repo.push();
  });
  afterAll(async () => { await p?.close(); await ssh?.close(); await http?.close(); });

  const finished = (app: string, number: number) => eventually(`build #${number} of ${app} finished`, async () => {
    const b = (await admin('GET', `/teams/${team}/apps/${app}/builds`)).body.find((x: { number: number }) => x.number === number);
    return ['succeeded', 'failed'].includes(b?.status) && b;
  }, 30_000);
  const create = async (name: string, git: Record<string, unknown>) => {
    const r = await admin('POST', `/teams/${team}/apps`, { name, git: { url: ssh.url('site'), ...git }, gitCredentials: { sshPrivateKey: ssh.clientKey } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };

  it('an unknown host key fails the build, saying what to do', async () => {
    await create('strict', {});
    const b = await finished('strict', 1);
    expect(b.status).toBe('failed');
    expect(b.failureReason).toMatch(/the git host's SSH key is unknown: give it in the app's git.knownHosts .* or let the app trust it on first use$/);
  });

  it('the app\'s own known host key lets the clone through', async () => {
    const made = await create('pinned', { knownHosts: `# the loopback test server\n${ssh.knownHostsLine()}` });
    expect(made.git).toMatchObject({ trustOnFirstUse: false, learnedHostKeys: null });
    expect(await finished('pinned', 1)).toMatchObject({ status: 'succeeded', plan: { language: 'static' } });
  });

  it('trust on first use pins the key it met; a changed key then fails the build', async () => {
    await create('tofu', { trustOnFirstUse: true });
    expect(await finished('tofu', 1)).toMatchObject({ status: 'succeeded' });
    const app = (await admin('GET', `/teams/${team}/apps/tofu`)).body;
    expect(app.git.learnedHostKeys).toBe(ssh.knownHostsLine());
    const logs = (await admin('GET', `/builds/${(await finished('tofu', 1)).id}/logs`)).body;
    expect(JSON.stringify(logs)).toContain('trusted the host\'s key on first use');

    ssh.rekey(); // the host now shows another key: an impostor, or a rotation nobody announced
    expect((await admin('POST', `/teams/${team}/apps/tofu/builds`, {})).status).toBe(202);
    const refused = await finished('tofu', 2);
    expect(refused.status).toBe('failed');
    expect(refused.failureReason).toMatch(/the git host's SSH key is not the one pinned for it/);
    // Pointing the app elsewhere forgets the learned key.
    const moved = await admin('PATCH', `/teams/${team}/apps/tofu`, { git: { url: ssh.url('site').replace('site', 'other'), trustOnFirstUse: true } });
    expect(moved.body.git.learnedHostKeys).toBeNull();
  });

  it('host keys are refused for https URLs and checked as known_hosts lines', async () => {
    const https = await admin('POST', `/teams/${team}/apps`, { name: 'x', git: { url: 'http://127.0.0.1:1/x.git', trustOnFirstUse: true } });
    expect(https.status).toBe(400);
    expect(https.body.errors[0]).toMatchObject({ field: 'git.trustOnFirstUse', message: expect.stringContaining('ssh URLs') });
    const bad = await admin('POST', `/teams/${team}/apps`, { name: 'x', git: { url: ssh.url('site'), knownHosts: 'github.com not-a-type AAAA' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ field: 'git.knownHosts', message: '"not-a-type" is not an SSH key type' });
  });
});
