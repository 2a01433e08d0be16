import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { rest } from './helpers/clients.js';
import { makeTeam, makeToken, uniq } from './helpers/fixtures.js';
import { eventually, startFullPlatform, type FullPlatform } from './helpers/full.js';
import { startGitServer, type GitServer } from './helpers/git-server.js';
import { simulatedCluster } from './helpers/node-env.js';
import { ADMIN } from './helpers/platform.js';
import { accessibilityProblems, launchChromium, screenshot } from './helpers/browser.js';
import { getFromPod, STAND_IN_STARTED } from './helpers/pods.js';

// The web console in a real Chromium (Debian's, driven by playwright-core) against the real
// stack: the API serves the built console (console/dist, built by npm test's prepare step).
// Pods run on a simulated node, so "Ready" is the simulated kubelet's readiness: a git app's one URL
// must reach both the API's detection preview (on this machine's loopback) and its build pods, as
// only the simulated node's pods do here (a real node's reach the test's git server at the node's
// address, which the API on the host does not).
// Each test drives a whole screen in a browser: 15 s alone, past 30 s in a run of the whole suite
// when it meets the busiest files on 2 cores (seen on 2026-12-07). A guard, not a speed goal.
describe('web console in Chromium', { timeout: 90_000 }, () => {
  let p: FullPlatform;
  let git: GitServer;
  let browser: Browser;
  let admin: ReturnType<typeof rest>;
  const team = uniq('web');
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    p = await startFullPlatform({ YUNBANG_REGISTRY: 'registry.test:5000' }, { cluster: simulatedCluster() });
    admin = rest(p.url, ADMIN);
    git = await startGitServer({ realNode: null });
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await git?.close();
    await p?.close();
  });

  const newPage = async (viewport = { width: 1280, height: 800 }): Promise<Page> => {
    // Reduced motion: the console then skips its transitions, so axe never measures a modal's
    // colours half faded in.
    const c = await browser.newContext({ viewport, baseURL: p.url, reducedMotion: 'reduce' });
    contexts.push(c);
    const page = await c.newPage();
    page.setDefaultTimeout(20_000);
    return page;
  };
  const signIn = async (page: Page, token: string) => {
    await page.goto('/');
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
  };
  /** Every screen checked the same way: axe finds no serious or critical violation, and a screenshot is kept. */
  const a11y: Record<string, string[]> = {};
  const review = async (page: Page, name: string) => {
    await page.waitForLoadState('networkidle', { timeout: 2000 }).catch(() => {}); // subscriptions keep a request open
    a11y[name] = await accessibilityProblems(page);
    await screenshot(page, name);
  };
  /** The text of the app's row on the team page. */
  const row = (page: Page, app: string) => page.locator(`tr[data-app="${app}"]`);

  let page: Page;

  it('signs in with a token and creates a team (admin)', async () => {
    page = await newPage();
    await page.goto('/');
    await page.getByLabel('API token').waitFor();
    await review(page, '01-sign-in');
    // A wrong token is refused in words.
    await page.getByLabel('API token').fill('ybt_not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('this token is not valid').waitFor();
    await signIn(page, ADMIN);
    // The session is a cookie scripts cannot read, and the token is not kept in storage.
    const cookie = (await page.context().cookies()).find((c) => c.name === 'yb_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie)).not.toContain(ADMIN);
    await page.getByLabel('Team name').fill(team);
    await page.getByRole('button', { name: 'Create team' }).click();
    await page.getByRole('link', { name: team, exact: true }).waitFor();
    await review(page, '02-teams');
    // The server's field error appears beside the field.
    await page.getByLabel('Team name').fill('Not_A_Name');
    await page.getByRole('button', { name: 'Create team' }).click();
    await page.locator('.mantine-TextInput-error').first().waitFor();
    // The admin sets a team's Pod Security level from the list.
    const strict = await makeTeam(p.url);
    await page.reload();
    await page.getByRole('textbox', { name: `Pod security of ${strict}` }).click();
    await page.getByRole('option', { name: 'restricted' }).click();
    await eventually('restricted', async () => (await admin('GET', `/teams/${strict}`)).body.podSecurity === 'restricted', 10_000);
    await page.getByRole('link', { name: team, exact: true }).click();
    await page.waitForURL(`**/teams/${team}`);
  });

  it('creates an app from an image and shows it reach Ready without a reload, then scales it to 2', async () => {
    await page.getByRole('link', { name: 'New app' }).click();
    await page.getByLabel('Name').fill('web');
    await page.getByRole('textbox', { name: 'Image' }).fill('registry.example/web:1');
    await review(page, '03-new-app');
    await page.getByRole('button', { name: 'Create app' }).click();
    await page.waitForURL(`**/teams/${team}/apps/web`);
    const navigations: string[] = [];
    page.on('framenavigated', (f) => { if (f === page.mainFrame()) navigations.push(f.url()); });
    await page.locator('[data-health="Ready"]').first().waitFor({ timeout: 30_000 });
    await page.getByText('1/1 replicas ready').waitFor();
    await review(page, '04-app-overview');
    await page.getByLabel('Replicas').fill('2');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('2/2 replicas ready').waitFor({ timeout: 30_000 });
    expect(navigations).toEqual([]); // all of it live, no reload
    expect((await admin('GET', `/teams/${team}/apps/web`)).body).toMatchObject({ replicas: 2, status: { readyReplicas: 2 } });
  });

  it('the team page follows changes live: an app created through the API appears and turns Ready', async () => {
    await page.getByRole('link', { name: 'Apps', exact: true }).click();
    await row(page, 'web').getByText('2/2').waitFor();
    await admin('POST', `/teams/${team}/apps`, { name: 'side', image: 'registry.example/side:1', port: 8080 });
    await row(page, 'side').locator('[data-health="Ready"]').waitFor({ timeout: 30_000 });
    await review(page, '05-team-apps');
    // "/" jumps to an app by name.
    await page.keyboard.press('/');
    await page.keyboard.type('side');
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/teams/${team}/apps/side`);
  });

  it('changes an env value (a new release) and rolls back to the release before', async () => {
    await page.goto(`/teams/${team}/apps/web/settings`);
    await page.getByRole('button', { name: 'Add variable' }).click();
    await page.getByLabel('Name of variable 1').fill('GREETING');
    await page.getByLabel('Value of GREETING').fill('hello');
    await page.getByText('Changed: env').waitFor(); // only the changed field is sent
    await review(page, '06-app-settings');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('No changes').waitFor();
    const before = (await admin('GET', `/teams/${team}/apps/web`)).body;
    expect(before.env).toEqual([{ name: 'GREETING', value: 'hello' }]);
    await page.getByRole('tab', { name: 'Releases' }).click();
    await page.waitForURL(`**/teams/${team}/apps/web/releases`);
    await page.locator(`tr[data-release="${before.currentRelease}"]`).getByText('current').waitFor();
    await review(page, '07-app-releases');
    await page.getByRole('button', { name: `Roll back to v${before.currentRelease - 1}` }).click();
    await page.locator(`tr[data-release="${before.currentRelease + 1}"]`).getByText('current').waitFor();
    const after = (await admin('GET', `/teams/${team}/apps/web`)).body;
    expect(after.env).toEqual([]);
    expect(after.currentRelease).toBe(before.currentRelease + 1);
  });

  it('creates a git app with a detection preview, streams its build log, and sees it go Ready', async () => {
    const repo = git.repo(`site-${team}`);
    repo.write({ 'package.json': JSON.stringify({ name: 'site', scripts: { start: 'node server.js' }, engines: { node: '20.x' } }), 'server.js': 'require("http").createServer((q, s) => s.end("hi")).listen(process.env.PORT || 8080)' });
    repo.commit('first');
    repo.push();
    await page.goto(`/teams/${team}/new`);
    await page.getByText('From git').click();
    await page.getByLabel('Name').fill('site');
    await page.getByLabel('Git repository').fill(git.url(`site-${team}`));
    await page.getByRole('button', { name: 'Preview detection' }).click();
    const detection = page.getByTestId('detection');
    await detection.waitFor();
    expect(await detection.textContent()).toMatch(/node/i);
    await review(page, '08-new-git-app');
    await page.getByRole('button', { name: 'Create app' }).click();
    await page.waitForURL(`**/teams/${team}/apps/site`);
    await page.getByRole('tab', { name: 'Builds' }).click();
    const log = page.getByTestId('build-log');
    await eventually('build log lines', async () => ((await log.textContent()) ?? '').split('\n').length > 2, 60_000);
    await page.locator('[data-health="Ready"]').first().waitFor({ timeout: 60_000 });
    await review(page, '09-app-builds');
    const builds = (await admin('GET', `/teams/${team}/apps/site/builds`)).body;
    expect(builds[0].status).toBe('succeeded');
    // The list follows the build to its end (the log's end refreshes it) with what detection decided.
    await page.locator('tr[data-build="1"]').getByText('succeeded').waitFor();
    expect(await page.locator('tr[data-build="1"]').textContent()).toContain(builds[0].plan.language);
  });

  it('installs MySQL from the market, adds it as a dependency of web, and shows the edge in the topology', async () => {
    await page.goto(`/teams/${team}/market`);
    await page.getByRole('button', { name: 'Install mysql' }).click();
    await review(page, '10-market-install');
    await page.getByRole('dialog').getByRole('button', { name: 'Install' }).click();
    await page.waitForURL(`**/teams/${team}`);
    const apps = (await admin('GET', `/teams/${team}/apps`)).body as { name: string; installation: string | null }[];
    const mysql = apps.find((a) => a.installation === 'mysql')!.name;
    await page.goto(`/teams/${team}/topology`);
    await page.getByRole('textbox', { name: 'App', exact: true }).click();
    await page.getByRole('option', { name: 'web', exact: true }).click();
    await page.getByRole('textbox', { name: 'Depends on' }).click();
    await page.getByRole('option', { name: mysql, exact: true }).click();
    await page.getByRole('button', { name: 'Add dependency' }).click();
    await page.locator(`[data-edge="${team}/web>${team}/${mysql}"]`).waitFor({ state: 'attached' });
    await review(page, '11-topology');
    expect((await admin('GET', `/teams/${team}/apps/web`)).body.dependencies).toEqual([{ team, app: mysql }]);
    await page.goto(`/teams/${team}/market`);
    await page.locator(`tr[data-installation="mysql"]`).waitFor();
    await review(page, '12-market');
    // A template written in the built-in format joins the team's catalogue; bad JSON is said so.
    await page.getByRole('button', { name: 'Import a template' }).click();
    const definition = page.getByLabel('Template definition (JSON)');
    await definition.fill('{ not json');
    await page.getByRole('dialog').getByRole('button', { name: 'Import' }).click();
    await page.getByText(/^not JSON:/).waitFor();
    await definition.fill(JSON.stringify({
      name: 'hello', description: 'A greeting page', versions: [{ version: '1.0', images: { web: 'nginx:1.27' } }], parameters: [], components: [{ name: 'web', port: 80 }],
    }));
    await page.getByRole('dialog').getByRole('button', { name: 'Import' }).click();
    await page.locator(`[data-template="${team}/hello"]`).waitFor(); // a team's templates are named team/template
    expect((await admin('GET', `/templates?team=${team}`)).body.map((t: { name: string }) => t.name)).toContain(`${team}/hello`);
  });

  it('creates a token (the secret shown once) and revokes it; the events list the changes', async () => {
    await page.goto(`/teams/${team}/tokens`);
    await page.getByLabel('Token name').fill('ci');
    await page.getByRole('button', { name: 'Create token' }).click();
    const secret = await page.getByTestId('secret').textContent();
    expect(secret).toMatch(/^ybt_/);
    expect((await rest(p.url, secret!)('GET', `/teams/${team}/apps`)).status).toBe(200);
    await page.keyboard.press('Escape');
    await review(page, '13-tokens');
    await page.getByRole('button', { name: 'Revoke token ci' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await page.locator('tr[data-token="ci"]').getByText('revoked').waitFor();
    expect((await rest(p.url, secret!)('GET', `/teams/${team}/apps`)).status).toBe(401);
    await page.goto(`/teams/${team}/events`);
    await page.getByText('token.revoke').first().waitFor();
    await review(page, '14-events');
    await page.goto(`/teams/${team}/apps/web/logs`);
    await page.getByTestId('app-log').getByText(STAND_IN_STARTED).first().waitFor();
    // A request to a replica (its stand-in prints one line per request) shows up live.
    const pod = (await p.core.listNamespacedPod({ namespace: `yb-${team}`, labelSelector: 'yunbang.dev/app=web' })).items.find((x) => x.status?.podIP)!;
    await getFromPod(pod.status!.podIP!, 8080, '/seen-in-the-console', null); // the simulated node's
    await page.getByTestId('app-log').getByText('GET /seen-in-the-console 200').waitFor();
    await review(page, '15-app-logs');
  });

  it('shares an app with another team from its settings, and stops sharing it', async () => {
    const other = await makeTeam(p.url);
    await page.goto(`/teams/${team}/apps/side/settings`);
    await page.getByRole('form', { name: 'Share with a team' }).getByLabel('Team').fill(other);
    await page.getByRole('button', { name: 'Share', exact: true }).click();
    await page.getByRole('button', { name: `Stop sharing with ${other}` }).waitFor();
    expect((await admin('GET', `/teams/${team}/apps/side`)).body.sharedWith).toEqual([other]);
    await review(page, '20-app-sharing');
    await page.getByRole('button', { name: `Stop sharing with ${other}` }).click();
    await page.getByText('No other team.').waitFor();
    expect((await admin('GET', `/teams/${team}/apps/side`)).body.sharedWith).toEqual([]);
  });

  it('a viewer sees no control that changes anything, and a forged mutation from its session is refused', async () => {
    const viewer = await makeToken(p.url, team, 'viewer');
    const v = await newPage();
    await signIn(v, viewer);
    await v.waitForURL(`**/teams/${team}`);
    await row(v, 'web').waitFor();
    expect(await v.getByRole('link', { name: 'New app' }).count()).toBe(0);
    await v.goto(`/teams/${team}/apps/web`);
    await v.getByTestId('ready').waitFor();
    for (const name of ['Save', 'Restart', 'Stop']) expect(await v.getByRole('button', { name, exact: true }).count()).toBe(0);
    await v.goto(`/teams/${team}/apps/web/settings`);
    await v.getByText('Environment').waitFor();
    expect(await v.getByRole('button', { name: 'Save' }).count()).toBe(0);
    await review(v, '16-viewer-settings');
    // A script in the viewer's page with its session and CSRF token: the API still refuses.
    const forged = await v.evaluate(async (t) => {
      const s = await (await fetch('/auth/session')).json() as { csrfToken: string };
      const r = await fetch('/graphql', {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrfToken },
        body: JSON.stringify({ query: 'mutation($t: String!) { stopApp(team: $t, name: "web") { app { running } } }', variables: { t } }),
      });
      return r.json() as Promise<{ errors?: { extensions: { code: string } }[] }>;
    }, team);
    expect(forged.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    expect((await admin('GET', `/teams/${team}/apps/web`)).body.running).toBe(true);
  });

  it('the admin cordons and uncordons a cluster from the clusters page', async () => {
    await page.goto('/clusters');
    const local = page.locator('tr[data-cluster="local"]');
    await local.waitFor();
    await review(page, '21-clusters');
    // exact: a role's name matches as a substring otherwise, and "Uncordon" contains "cordon".
    await local.getByRole('button', { name: 'Cordon', exact: true }).click();
    await local.getByText('cordoned', { exact: true }).waitFor();
    expect((await admin('GET', '/clusters/local')).body.cordoned).toBe(true);
    await local.getByRole('button', { name: 'Uncordon', exact: true }).click();
    await local.getByRole('button', { name: 'Cordon', exact: true }).waitFor();
    expect((await admin('GET', '/clusters/local')).body.cordoned).toBe(false);
  });

  it('refuses a mutation without the CSRF token, and signing out ends the session on the server', async () => {
    const cookie = (await page.context().cookies()).find((c) => c.name === 'yb_session')!;
    const asBrowser = (headers: Record<string, string> = {}) => fetch(`${p.url}/graphql`, {
      method: 'POST', headers: { 'content-type': 'application/json', cookie: `yb_session=${cookie.value}`, ...headers },
      body: JSON.stringify({ query: `mutation { restartApp(team: "${team}", name: "web") { app { name } } }` }),
    });
    const noCsrf = await asBrowser();
    expect(noCsrf.status).toBe(403);
    expect((await noCsrf.json()).errors[0].extensions.code).toBe('FORBIDDEN');
    const { csrfToken } = await (await fetch(`${p.url}/auth/session`, { headers: { cookie: `yb_session=${cookie.value}` } })).json();
    expect((await (await asBrowser({ 'x-csrf-token': csrfToken })).json()).data.restartApp.app.name).toBe('web');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').waitFor();
    const after = await asBrowser({ 'x-csrf-token': csrfToken });
    expect(after.status).toBe(401);
    expect((await after.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('works at phone width: the sections are behind the menu button', async () => {
    const owner = await makeToken(p.url, team, 'owner');
    const m = await newPage({ width: 390, height: 844 });
    await signIn(m, owner);
    await m.waitForURL(`**/teams/${team}`);
    await row(m, 'web').waitFor();
    await m.getByRole('button', { name: 'Menu' }).click();
    await m.getByRole('link', { name: 'Topology' }).click();
    await m.waitForURL(`**/teams/${team}/topology`);
    await m.getByTestId('topology').waitFor();
    await review(m, '17-phone-topology');
  });

  it('a part still loading says so to screen readers (a spinner with the role status)', async () => {
    const owner = await makeToken(p.url, team, 'owner');
    const l = await newPage();
    let release!: () => void;
    const held = new Promise<void>((r) => { release = r; });
    // The charts' chunk is held back, so the overview shows its spinner for as long as the review takes.
    await l.route(/\/assets\/Metrics-[^/]*\.js$/, async (route) => { await held; await route.continue(); });
    await signIn(l, owner);
    await l.goto(`/teams/${team}/apps/web`);
    await l.getByRole('status', { name: 'Loading metrics' }).waitFor();
    await review(l, '20-loading-metrics');
    release();
    await l.getByRole('status', { name: 'Loading metrics' }).waitFor({ state: 'detached' });
  });

  it('a team token sees only its own team; another team\'s page says so in words', async () => {
    const other = await makeTeam(p.url);
    const owner = await makeToken(p.url, team, 'owner');
    const o = await newPage();
    await signIn(o, owner);
    await o.goto(`/teams/${other}`);
    await o.getByRole('alert').getByText(`team "${other}" not found`).waitFor();
    await o.goto(`/teams/${team}/apps/nope`);
    await o.getByRole('alert').waitFor();
    await review(o, '18-not-found');
    // The team page with everything the flows above made (the README's picture).
    await o.goto(`/teams/${team}`);
    await row(o, 'site').locator('[data-health="Ready"]').waitFor();
    await review(o, '19-team-apps');
  });

  it('every screen reviewed has no serious or critical accessibility violation (axe-core)', () => {
    expect(Object.keys(a11y).length).toBeGreaterThanOrEqual(20);
    expect(Object.fromEntries(Object.entries(a11y).filter(([, v]) => v.length > 0))).toEqual({});
  });
});
