import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rest } from './helpers/clients.js';
import { uniq } from './helpers/fixtures.js';
import { startFullPlatform, type FullPlatform } from './helpers/full.js';
import { ADMIN } from './helpers/platform.js';
import { repoFile } from '../scripts/generated.js';

const run = promisify(execFile);

// As an integrator gets them: both packages packed with `npm pack`, installed from the tarballs
// into an empty folder (their dependencies from the npm registry, or npm's cache), and used there,
// with nothing of this repository on the module path.
// Its app's two nginx containers are real on `local`'s node (by default): seconds to Ready under load.
describe('the SDK and the CLI, packed and installed elsewhere', { timeout: 120_000 }, () => {
  let p: FullPlatform;
  const dir = mkdtempSync(join(tmpdir(), 'yb-integrator-'));
  beforeAll(async () => {
    p = await startFullPlatform();
    const packs = mkdtempSync(join(tmpdir(), 'yb-packs-'));
    for (const w of ['@yunbang/sdk', '@yunbang/cli']) {
      await run('npm', ['pack', '--ignore-scripts', '--silent', '-w', w, '--pack-destination', packs], { cwd: repoFile('.') });
    }
    const tarballs = readdirSync(packs).filter((f) => f.endsWith('.tgz')).map((f) => join(packs, f));
    expect(tarballs).toHaveLength(2);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'integrator', version: '1.0.0', private: true, type: 'module' }));
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--ignore-scripts', ...tarballs], { cwd: dir, timeout: 240_000 });
  }, 300_000);
  afterAll(async () => { await p?.close(); });

  it('the SDK: typed REST with YunbangError, a GraphQL subscription that waits until Ready, webhook signatures', async () => {
    const team = uniq('sdk');
    writeFileSync(join(dir, 'use.mjs'), `
      import { createYunbang, waitUntilReady, verifyWebhookSignature, YunbangError } from '@yunbang/sdk';
      const yb = createYunbang({ url: process.env.URL, token: process.env.TOKEN });
      const team = process.env.TEAM;
      await yb.rest.POST('/teams', { body: { name: team } });
      const { data: app } = await yb.rest.POST('/teams/{team}/apps', { params: { path: { team } }, body: { name: 'web', image: 'nginx:1.27', port: 80, replicas: 2 } });
      const ready = await waitUntilReady(yb.graphql, { team, app: 'web', generation: app.generation, timeoutMs: 60000 });
      let missing;
      try { await yb.rest.GET('/teams/{team}/apps/{app}', { params: { path: { team, app: 'nope' } } }); } catch (err) { missing = err instanceof YunbangError && { status: err.status, code: err.code }; }
      let invalid;
      try { await yb.rest.POST('/teams/{team}/apps', { params: { path: { team } }, body: { name: 'Bad_Name', image: 'x' } }); } catch (err) { invalid = { code: err.code, fields: err.fields.map((f) => f.field) }; }
      const body = '{"ref":"refs/heads/main"}';
      const signed = await verifyWebhookSignature({ secret: 's3cret', body, signature: 'sha256=' + (await import('node:crypto')).createHmac('sha256', 's3cret').update(body).digest('hex') });
      const forged = await verifyWebhookSignature({ secret: 's3cret', body: body + ' ', signature: 'sha256=' + (await import('node:crypto')).createHmac('sha256', 's3cret').update(body).digest('hex') });
      console.log(JSON.stringify({ ready, missing, invalid, signed, forged }));
    `);
    const { stdout } = await run(process.execPath, ['use.mjs'], { cwd: dir, env: { PATH: process.env.PATH!, URL: p.url, TOKEN: ADMIN, TEAM: team }, timeout: 90_000 });
    const r = JSON.parse(stdout);
    expect(r.ready).toMatchObject({ health: 'Ready', readyReplicas: 2, desiredReplicas: 2 });
    expect(r.missing).toEqual({ status: 404, code: 'NOT_FOUND' });
    expect(r.invalid.code).toBe('BAD_USER_INPUT');
    expect(r.invalid.fields).toContain('name');
    expect(r).toMatchObject({ signed: true, forged: false });
    expect((await rest(p.url, ADMIN)('GET', `/teams/${team}/apps/web`)).body.status.readyReplicas).toBe(2);
  });

  it('the CLI: yb from the installed package answers as the API does', async () => {
    const env = { PATH: process.env.PATH!, HOME: dir, XDG_CONFIG_HOME: join(dir, '.config'), YUNBANG_URL: p.url, YUNBANG_TOKEN: ADMIN, NO_COLOR: '1' };
    const version = await run(join(dir, 'node_modules', '.bin', 'yb'), ['--version'], { cwd: dir, env });
    expect(version.stdout.trim()).toBe('0.1.0');
    const teams = await run(join(dir, 'node_modules', '.bin', 'yb'), ['teams', '--json'], { cwd: dir, env });
    expect(JSON.parse(teams.stdout)).toEqual((await rest(p.url, ADMIN)('GET', '/teams')).body);
  });
});
