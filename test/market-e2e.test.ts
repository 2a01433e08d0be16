import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { gql, rest } from './helpers/clients.js';
import { makeTeam } from './helpers/fixtures.js';
import { eventually, notFound, startFullPlatform, type FullPlatform } from './helpers/full.js';
import { ADMIN } from './helpers/platform.js';

// The app market on the local stack: templates install as apps that reach Ready on `local`'s node
// (real by default: MariaDB, PostgreSQL, Redis, RabbitMQ and WordPress from Debian's packages; the
// simulated one, like a kubelet, refuses to start a container whose secretKeyRef does not resolve),
// dependencies wire env and network paths, and generated secrets stay in Kubernetes Secrets.
describe('app market and dependencies', { timeout: 300_000 }, () => {
  let p: FullPlatform;
  let admin: ReturnType<typeof rest>;
  beforeAll(async () => { p = await startFullPlatform(); admin = rest(p.url, ADMIN); });
  afterAll(async () => { await p?.close(); });

  // Real databases initialise their data directories on a first start (MariaDB, PostgreSQL, RabbitMQ), all at once on 2 cores.
  const ready = (team: string, app: string, timeoutMs = inject('stack').realNode ? 120_000 : 30_000) => eventually(`${team}/${app} Ready`, async () => {
    const a = (await admin('GET', `/teams/${team}/apps/${app}`)).body;
    return a.status?.health === 'Ready' && a.status.observedGeneration === a.generation && a.status.readyReplicas === a.replicas && a;
  }, timeoutMs);
  const env = async (team: string, app: string, kind: 'StatefulSet' | 'Deployment' = 'StatefulSet') => {
    const w = kind === 'StatefulSet'
      ? await p.apps.readNamespacedStatefulSet({ name: app, namespace: `yb-${team}` })
      : await p.apps.readNamespacedDeployment({ name: app, namespace: `yb-${team}` });
    return w.spec!.template.spec!.containers[0]!.env!;
  };

  it('installs every built-in template; each reaches Ready with its generated secrets in a Secret only', async () => {
    const team = await makeTeam(p.url);
    const templates = (await admin('GET', '/templates')).body;
    const builtins = templates.filter((t: { scope: string }) => t.scope === 'builtin');
    expect(builtins.map((t: { name: string }) => t.name)).toEqual(['minio', 'mongodb', 'mysql', 'postgresql', 'rabbitmq', 'redis', 'wordpress']);
    // A real node pulls nothing from outside and has no Debian package for these two: refused at install.
    const refused = inject('stack').realNode ? ['minio', 'mongodb'] : [];
    for (const t of builtins) {
      const r = await admin('POST', `/teams/${team}/installations`, { template: t.name, name: `my-${t.name}` });
      if (refused.includes(t.name)) {
        expect(r.status).toBe(400);
        expect(r.body.detail).toMatch(/is not available on the cluster/);
        continue;
      }
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body).toMatchObject({ template: t.name, version: t.versions[0] });
    }
    const apps = (await admin('GET', `/teams/${team}/apps`)).body.map((a: { name: string }) => a.name);
    expect(apps).toEqual(['my-minio', 'my-mongodb', 'my-mysql', 'my-postgresql', 'my-rabbitmq', 'my-redis', 'my-wordpress-db', 'my-wordpress-web']
      .filter((a) => !refused.includes(a.slice(3))));
    for (const a of apps) await ready(team, a);

    // The generated values exist only in the Secret: not in the spec, the API, Postgres or etcd.
    const secret = await p.core.readNamespacedSecret({ name: 'my-mysql-secrets', namespace: `yb-${team}` });
    const password = Buffer.from(secret.data!.MYSQL_PASSWORD!, 'base64').toString();
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(await env(team, 'my-mysql')).toContainEqual({ name: 'MYSQL_PASSWORD', valueFrom: { secretKeyRef: { name: 'my-mysql-secrets', key: 'MYSQL_PASSWORD' } } });
    const mysql = (await admin('GET', `/teams/${team}/apps/my-mysql`)).body;
    expect(mysql.connectionInfo).toContainEqual({ name: 'MYSQL_PASSWORD', value: null, secret: true });
    expect(mysql.connectionInfo).toContainEqual({ name: 'MYSQL_HOST', value: `my-mysql.yb-${team}.svc.cluster.local`, secret: false });
    expect(mysql.volumes).toEqual([{ name: 'data', mountPath: '/var/lib/mysql', size: '1Gi', accessMode: 'ReadWriteOnce', storageClass: null }]);
    const everything = JSON.stringify([(await admin('GET', `/teams/${team}/apps`)).body, (await admin('GET', `/teams/${team}/installations`)).body, (await admin('GET', `/teams/${team}/events`)).body]);
    expect(everything).not.toContain(password);
    const db = new pg.Client({ connectionString: p.databaseUrl });
    await db.connect();
    try {
      const dump = await db.query(`SELECT (SELECT json_agg(a) FROM apps a)::text || (SELECT json_agg(r) FROM releases r)::text || (SELECT json_agg(i) FROM installations i)::text AS all`);
      expect(dump.rows[0].all).not.toContain(password);
    } finally { await db.end(); }
    // Each app is published right after the status the test waited for.
    const etcd = await eventually(`${apps.length} records`, async () => {
      const all = await p.etcd.getAll().prefix(`/yunbang/v1/apps/${team}/`).strings();
      return Object.keys(all).length === apps.length && all;
    });
    expect(JSON.stringify(etcd)).not.toContain(password);
    await p.releaseTeam(team); // a real node's databases keep its 2 cores busy: gone before the next test
  }, 300_000);

  it('WordPress comes up wired to its MySQL: connection env by reference, and only web may reach db', async () => {
    const team = await makeTeam(p.url);
    const g = gql(p.url, ADMIN);
    const r = await g(`mutation($i: InstallTemplateInput!) { installTemplate(input: $i) { apps { name } installation { version } } }`,
      { i: { team, template: 'wordpress', name: 'blog', parameters: { storage: '5Gi' } } });
    expect(r.errors).toBeUndefined();
    expect(r.data.installTemplate).toEqual({ apps: [{ name: 'blog-db' }, { name: 'blog-web' }], installation: { version: '6.8' } });
    await ready(team, 'blog-db');
    const web = await ready(team, 'blog-web');
    expect(web.dependencies).toEqual([{ team, app: 'blog-db' }]);
    expect(web.envConflicts).toEqual([]);
    const webEnv = await env(team, 'blog-web');
    expect(webEnv).toEqual([
      { name: 'PORT', value: '80' },
      { name: 'MYSQL_HOST', value: `blog-db.yb-${team}.svc.cluster.local` },
      { name: 'MYSQL_PORT', value: '3306' },
      { name: 'MYSQL_USER', value: 'wordpress' },
      { name: 'MYSQL_PASSWORD', valueFrom: { secretKeyRef: { name: 'blog-db-secrets', key: 'MYSQL_PASSWORD' } } },
      { name: 'MYSQL_DATABASE', value: 'wordpress' },
      { name: 'WORDPRESS_DB_HOST', value: '$(MYSQL_HOST):$(MYSQL_PORT)' },
      { name: 'WORDPRESS_DB_USER', value: '$(MYSQL_USER)' },
      { name: 'WORDPRESS_DB_PASSWORD', value: '$(MYSQL_PASSWORD)' },
      { name: 'WORDPRESS_DB_NAME', value: '$(MYSQL_DATABASE)' },
    ]);
    const policy = await p.net.readNamespacedNetworkPolicy({ name: 'blog-db-from-dependents', namespace: `yb-${team}` });
    expect(policy.spec?.ingress).toEqual([{ _from: [{ podSelector: { matchLabels: { 'yunbang.dev/team': team, 'yunbang.dev/app': 'blog-web' }, matchExpressions: [{ key: 'yunbang.dev/role', operator: 'DoesNotExist' }] } }], ports: [{ protocol: 'TCP', port: 3306 }] }]);
    const dbPod = (await p.core.listNamespacedPod({ namespace: `yb-${team}`, labelSelector: 'yunbang.dev/app=blog-db' })).items[0]!;
    expect(dbPod.metadata?.labels?.['yunbang.dev/access']).toBe('dependents');
    const claims = (await p.core.listNamespacedPersistentVolumeClaim({ namespace: `yb-${team}` })).items.map((c) => [c.metadata!.name, c.spec!.resources!.requests!.storage]);
    expect(claims.sort()).toEqual([['content-blog-web-0', '5Gi'], ['data-blog-db-0', '5Gi']]);

    // Upgrade: the web component gets the newer image as a new release; db keeps its image.
    await g(`mutation($t: String!) { uninstallTemplate(team: $t, name: "nothing") { message } }`, { t: team }).then((x) => expect(x.errors?.[0]?.extensions?.code).toBe('NOT_FOUND'));
    const old = (await admin('POST', `/teams/${team}/installations`, { template: 'wordpress', version: '6.7', name: 'old' })).body;
    expect(old.apps.map((a: { image: string }) => a.image)).toEqual(['mysql:8.4', 'wordpress:6.7-apache']);
    const down = await admin('POST', `/teams/${team}/installations/blog/upgrade`, { version: '6.7' });
    expect(down.status).toBe(400);
    const up = await admin('POST', `/teams/${team}/installations/old/upgrade`, { version: '6.8' });
    expect(up.status).toBe(202);
    expect(up.body.apps.map((a: { image: string; currentRelease: number }) => [a.image, a.currentRelease])).toEqual([['mysql:8.4', 1], ['wordpress:6.8-apache', 2]]);

    // Uninstall keeps the data by default and says so; with deleteData the claims and Secret go.
    const kept = await admin('DELETE', `/teams/${team}/installations/blog`);
    expect(kept.status).toBe(202);
    expect(kept.body).toMatchObject({ dataKept: true });
    expect(kept.body.message).toMatch(/its data is kept \(claim data-blog-db-\*, Secret blog-db-secrets in namespace/);
    await eventually('blog apps gone', async () => (await notFound(p.apps.readNamespacedStatefulSet({ name: 'blog-db', namespace: `yb-${team}` }))));
    expect((await p.core.readNamespacedSecret({ name: 'blog-db-secrets', namespace: `yb-${team}` })).data?.MYSQL_PASSWORD).toBeDefined();
    expect((await p.core.readNamespacedPersistentVolumeClaim({ name: 'data-blog-db-0', namespace: `yb-${team}` })).metadata?.name).toBe('data-blog-db-0');
    const gone = await admin('DELETE', `/teams/${team}/installations/old?deleteData=true`);
    expect(gone.body).toMatchObject({ dataKept: false });
    await eventually('old data removed', async () => (await notFound(p.core.readNamespacedSecret({ name: 'old-db-secrets', namespace: `yb-${team}` })))
      && (await p.core.listNamespacedPersistentVolumeClaim({ namespace: `yb-${team}`, labelSelector: 'yunbang.dev/app=old-db' })).items.every((c) => c.metadata?.deletionTimestamp));
    await p.releaseTeam(team); // a real node's databases keep its 2 cores busy: gone before the next test
  }, 300_000);

  it('addDependency wires env and policy, refuses cycles and unshared apps of other teams, and removal unwires', async () => {
    const team = await makeTeam(p.url);
    const other = await makeTeam(p.url);
    await admin('POST', `/teams/${team}/installations`, { template: 'redis', name: 'cache' });
    await admin('POST', `/teams/${team}/apps`, { name: 'api', image: 'registry.example/acme/api:1', port: 8080, env: [{ name: 'REDIS_HOST', value: 'mine' }] });
    await admin('POST', `/teams/${team}/apps`, { name: 'web', image: 'registry.example/acme/web:1', port: 3000 });
    await ready(team, 'cache');

    const added = await admin('POST', `/teams/${team}/apps/api/dependencies`, { dependsOn: 'cache' });
    expect(added.status).toBe(200);
    expect(added.body.dependencies).toEqual([{ team, app: 'cache' }]);
    expect(added.body.envConflicts).toEqual([{ name: 'REDIS_HOST', from: [`${team}/cache`], usedFrom: 'own env' }]);
    await eventually('api wired', async () => {
      const e = await env(team, 'api', 'Deployment');
      return e.some((x) => x.name === 'REDIS_PASSWORD' && x.valueFrom?.secretKeyRef?.name === 'cache-secrets')
        && e.filter((x) => x.name === 'REDIS_HOST').length === 1 && e.find((x) => x.name === 'REDIS_HOST')!.value === 'mine';
    });
    await ready(team, 'api');
    await eventually('cache admits api', async () => {
      const pol = await p.net.readNamespacedNetworkPolicy({ name: 'cache-from-dependents', namespace: `yb-${team}` });
      return JSON.stringify(pol.spec?.ingress).includes('"yunbang.dev/app":"api"');
    });

    // Cycles: web → api → cache; cache → web would close one.
    expect((await admin('POST', `/teams/${team}/apps/web/dependencies`, { dependsOn: 'api' })).status).toBe(200);
    const cycle = await admin('POST', `/teams/${team}/apps/cache/dependencies`, { dependsOn: 'web' });
    expect(cycle.status).toBe(400);
    expect(cycle.body.errors).toEqual([{ field: 'dependsOn', message: 'would make a cycle: cache → web → api → cache' }]);
    const self = await gql(p.url, ADMIN)(`mutation($t: String!) { addDependency(input: { team: $t, app: "web", dependsOn: "web" }) { app { name } } }`, { t: team });
    expect(self.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    // The dependency cannot be deleted while used; a change of its connection info (its port) rolls its dependents.
    expect((await admin('DELETE', `/teams/${team}/apps/api`)).status).toBe(409);
    await eventually('web has api\'s port', async () => (await env(team, 'web', 'Deployment')).some((x) => x.name === 'API_PORT' && x.value === '8080'));
    await admin('PATCH', `/teams/${team}/apps/api`, { port: 8081 });
    await eventually('web rolled with api\'s new port', async () => (await env(team, 'web', 'Deployment')).some((x) => x.name === 'API_PORT' && x.value === '8081'));

    // Another team's app: refused until shared, then wired across namespaces.
    await admin('POST', `/teams/${other}/apps`, { name: 'worker', image: 'registry.example/acme/worker:1' });
    const refused = await admin('POST', `/teams/${other}/apps/worker/dependencies`, { dependsOn: 'cache', dependsOnTeam: team });
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toMatch(/is not shared with team/);
    expect((await admin('POST', `/teams/${team}/apps/cache/shares`, { withTeam: other })).status).toBe(200);
    expect((await admin('POST', `/teams/${other}/apps/worker/dependencies`, { dependsOn: 'cache', dependsOnTeam: team })).status).toBe(200);
    await ready(other, 'worker');
    const copy = await eventually('secret copied', () => p.core.readNamespacedSecret({ name: `worker-from-${team}-cache`, namespace: `yb-${other}` }).catch(() => undefined));
    expect(Object.keys(copy.data!)).toEqual(['REDIS_PASSWORD']);
    expect((await p.net.readNamespacedNetworkPolicy({ name: 'worker-to-dependencies', namespace: `yb-${other}` })).spec?.egress?.[0]?.ports).toEqual([{ protocol: 'TCP', port: 6379 }]);
    expect((await admin('DELETE', `/teams/${team}/apps/cache/shares/${other}`)).status).toBe(409);

    // Removal unwires: the env, the policy entry and the secret copy go.
    expect((await admin('DELETE', `/teams/${other}/apps/worker/dependencies/cache?dependsOnTeam=${team}`)).status).toBe(200);
    await eventually('worker unwired', async () => (await notFound(p.core.readNamespacedSecret({ name: `worker-from-${team}-cache`, namespace: `yb-${other}` })))
      && !(await env(other, 'worker', 'Deployment')).some((x) => x.name === 'REDIS_PASSWORD'));
    const removed = await admin('DELETE', `/teams/${team}/apps/web/dependencies/api`);
    expect(removed.body.dependencies).toEqual([]);
    expect((await admin('DELETE', `/teams/${team}/apps/web/dependencies/api`)).status).toBe(404);
    await p.releaseTeam(team); // a real node's databases keep its 2 cores busy: gone before the next test
  }, 300_000);

  it('a published group of apps installs in another team with the same configuration', async () => {
    const team = await makeTeam(p.url);
    const other = await makeTeam(p.url);
    await admin('POST', `/teams/${team}/installations`, { template: 'postgresql', name: 'shop-db', parameters: { database: 'shop' } });
    await admin('POST', `/teams/${team}/apps`, {
      name: 'shop', image: 'registry.example/acme/shop:3', port: 8000, replicas: 2, env: [{ name: 'MODE', value: 'prod' }],
      resources: { limits: { memory: '256Mi' } }, healthCheckPath: '/healthz',
    });
    await admin('POST', `/teams/${team}/apps/shop/dependencies`, { dependsOn: 'shop-db' });

    const notAlone = await admin('POST', `/teams/${team}/templates`, { name: 'shop', description: 'The shop', version: '1.0', apps: ['shop'] });
    expect(notAlone.status).toBe(400);
    expect(notAlone.body.errors).toEqual([{ field: 'apps', message: 'app shop depends on shop-db, which is not published with it' }]);
    const published = await admin('POST', `/teams/${team}/templates`, { name: 'shop', description: 'The shop', version: '1.0', apps: ['shop', 'shop-db'], scope: 'platform' });
    expect(published.status).toBe(201);
    expect(published.body).toMatchObject({ name: `${team}/shop`, versions: ['1.0'], components: ['shop', 'shop-db'], publishedBy: team, scope: 'platform' });
    expect((await admin('POST', `/teams/${team}/templates`, { name: 'shop', description: 'The shop', version: '1.0', apps: ['shop', 'shop-db'] })).status).toBe(409);

    // Env values do not travel with a template: each is a parameter the installer fills in.
    const without = await admin('POST', `/teams/${other}/installations`, { template: `${team}/shop`, name: 'store' });
    expect(without.status).toBe(400);
    expect(without.body.errors).toContainEqual({ field: 'parameters.MODE', message: expect.stringMatching(/required/) });
    const envOf = async (app: string) => (await admin('GET', `/teams/${team}/apps/${app}`)).body.env as { name: string; value: string }[];
    const values = Object.fromEntries([...await envOf('shop'), ...await envOf('shop-db')].map((e) => [e.name, e.value]));
    expect(without.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(Object.keys(values).map((k) => `parameters.${k}`).sort());
    const installed = await admin('POST', `/teams/${other}/installations`, { template: `${team}/shop`, name: 'store', parameters: values });
    expect(installed.status, JSON.stringify(installed.body)).toBe(201);
    const byName = Object.fromEntries(installed.body.apps.map((a: { name: string }) => [a.name, a]));
    expect(byName['store-shop']).toMatchObject({
      image: 'registry.example/acme/shop:3', port: 8000, replicas: 2, env: [{ name: 'MODE', value: 'prod' }], resources: { limits: { memory: '256Mi' } },
      healthCheckPath: '/healthz', dependencies: [{ team: other, app: 'store-shop-db' }],
    });
    expect(byName['store-shop-db']).toMatchObject({ image: 'postgres:17', port: 5432, volumes: [{ name: 'data', mountPath: '/var/lib/postgresql/data', size: '1Gi' }] });
    expect(byName['store-shop-db'].env).toContainEqual({ name: 'POSTGRES_DB', value: 'shop' });
    await ready(other, 'store-shop');
    const e = await env(other, 'store-shop', 'Deployment');
    expect(e).toContainEqual({ name: 'DATABASE_URL', value: `postgres://$(POSTGRES_USER):$(POSTGRES_PASSWORD)@store-shop-db.yb-${other}.svc.cluster.local:5432/$(POSTGRES_DB)` });
    expect(e).toContainEqual({ name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'store-shop-db-secrets', key: 'POSTGRES_PASSWORD' } } });
    // The other team generated its own password.
    const mine = await p.core.readNamespacedSecret({ name: 'shop-db-secrets', namespace: `yb-${team}` });
    const theirs = await p.core.readNamespacedSecret({ name: 'store-shop-db-secrets', namespace: `yb-${other}` });
    expect(theirs.data!.POSTGRES_PASSWORD).not.toBe(mine.data!.POSTGRES_PASSWORD);
    await p.releaseTeam(team); // a real node's databases keep its 2 cores busy: gone before the next test
  }, 300_000);

  it('refuses bad templates and bad parameters with the path of each error, writing nothing', async () => {
    const team = await makeTeam(p.url);
    const bad = await admin('POST', `/teams/${team}/templates`, {
      definition: { name: 'Thing', description: 'x', versions: [{ version: '1', images: { main: 'x:1' } }], parameters: [], components: [{ name: 'main', port: 0 }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([
      { field: 'template/name', message: 'must match pattern "^[a-z]([-a-z0-9]*[a-z0-9])?$"' },
      { field: 'template/components/0/port', message: 'must be >= 1' },
    ]);
    const g = await gql(p.url, ADMIN)(`mutation($t: String!, $d: JSON!) { importTemplate(team: $t, definition: $d) { template { name } } }`,
      { t: team, d: { name: 'thing', description: 'x', versions: [{ version: '1', images: {} }], parameters: [], components: [{ name: 'main', port: 80 }] } });
    expect(g.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(g.errors?.[0]?.extensions?.fields).toContainEqual({ field: 'template/versions/0/images', message: 'must NOT have fewer than 1 properties' });

    const listed = await gql(p.url, ADMIN)(`{ templates { name versions } template(name: "mysql") { name description versions components parameters { name type default required } } }`);
    expect(listed.data.templates).toContainEqual({ name: 'redis', versions: ['7.4', '7.2'] });
    expect(listed.data.template).toMatchObject({ name: 'mysql', versions: ['8.4', '8.0'], components: ['mysql'] });
    expect(listed.data.template.parameters).toContainEqual({ name: 'storage', type: 'string', default: '1Gi', required: false });
    expect((await gql(p.url, ADMIN)(`{ template(name: "nope") { name } }`)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    // A template that passes its own checks can still make apps createApp would refuse: caught per component.
    const loose = await admin('POST', `/teams/${team}/templates`, { definition: {
      name: 'loose', description: 'x', versions: [{ version: '1', images: { c: 'NOT AN IMAGE' } }], parameters: [{ name: 'size', type: 'string', default: '1Gi' }],
      components: [{ name: 'c', port: 80, volumes: [{ name: 'v', mountPath: '/v', size: '${size}' }] }],
    } });
    expect(loose.status).toBe(201);
    const made = await admin('POST', `/teams/${team}/installations`, { template: `${team}/loose`, name: 'l', parameters: { size: 'huge' } });
    expect(made.status).toBe(400);
    expect(made.body.errors.map((e: { field: string }) => e.field)).toEqual(['components.c.image', 'components.c.volumes[0].size']);

    const params = await admin('POST', `/teams/${team}/installations`, { template: 'mysql', name: 'db', parameters: { storage: 'huge', user: 'x y' } });
    expect(params.status).toBe(400);
    expect(params.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['parameters.storage', 'parameters.user']);
    expect((await admin('POST', `/teams/${team}/installations`, { template: 'nope', name: 'db' })).body.errors).toEqual([{ field: 'template', message: 'template "nope" not found' }]);
    expect((await admin('POST', `/teams/${team}/installations`, { template: 'mysql', version: '1.0', name: 'db' })).body.errors).toEqual([{ field: 'version', message: 'template mysql has versions 8.4, 8.0' }]);
    expect((await admin('POST', `/teams/${team}/installations`, { template: 'wordpress', name: 'Blog' })).status).toBe(400);
    const long = await admin('POST', `/teams/${team}/installations`, { template: 'wordpress', name: 'a'.repeat(50) });
    expect(long.body.errors[0]).toMatchObject({ field: 'name' });
    // A name already taken by an app: nothing of the installation remains.
    await admin('POST', `/teams/${team}/apps`, { name: 'taken-web', image: 'nginx:1.27' });
    expect((await admin('POST', `/teams/${team}/installations`, { template: 'wordpress', name: 'taken' })).status).toBe(409);
    expect((await admin('GET', `/teams/${team}/apps`)).body.map((a: { name: string }) => a.name)).toEqual(['taken-web']);
    expect((await admin('GET', `/teams/${team}/installations`)).body).toEqual([]);
    expect((await admin('GET', '/templates?team=' + team)).body.filter((t: { publishedBy: string }) => t.publishedBy === team).map((t: { name: string }) => t.name)).toEqual([`${team}/loose`]);
  }, 180_000);

  it('keeps teams apart: a team token installs and publishes only in its team and sees only shared templates', async () => {
    const a = await makeTeam(p.url);
    const b = await makeTeam(p.url);
    const tokenA = (await admin('POST', '/tokens', { team: a, role: 'developer', name: 'dev' })).body.secret;
    const viewerA = (await admin('POST', '/tokens', { team: a, role: 'viewer', name: 'view' })).body.secret;
    const asA = rest(p.url, tokenA);
    await admin('POST', `/teams/${b}/apps`, { name: 'secret-app', image: 'nginx:1.27' });
    expect((await admin('POST', `/teams/${b}/templates`, { name: 'private', description: 'b only', version: '1', apps: ['secret-app'] })).status).toBe(201);
    // Only the admin publishes for every team.
    await admin('POST', `/teams/${a}/apps`, { name: 'mine', image: 'nginx:1.27' });
    expect((await asA('POST', `/teams/${a}/templates`, { name: 'everyone', description: 'x', version: '1', apps: ['mine'], scope: 'platform' })).status).toBe(403);
    expect((await asA('POST', `/teams/${a}/templates`, { name: 'ours', description: 'x', version: '1', apps: ['mine'] })).body.scope).toBe('team');
    // Sharing tells nothing about which teams exist: a missing one answers as an existing one does.
    const real = await asA('POST', `/teams/${a}/apps/mine/shares`, { withTeam: b });
    const missing = await asA('POST', `/teams/${a}/apps/mine/shares`, { withTeam: 'no-such-team-at-all' });
    expect([real.status, missing.status]).toEqual([200, 200]);
    expect({ ...missing.body, updatedAt: 0, status: 0 }).toEqual({ ...real.body, updatedAt: 0, status: 0 });
    expect((await asA('DELETE', `/teams/${a}/apps/mine/shares/no-such-team-at-all`)).status).toBe(200);

    expect((await asA('POST', `/teams/${b}/installations`, { template: 'redis', name: 'x' })).status).toBe(404);
    expect((await asA('POST', `/teams/${a}/installations`, { template: `${b}/private`, name: 'x' })).body.errors).toEqual([{ field: 'template', message: `template "${b}/private" not found` }]);
    expect((await asA('GET', '/templates')).body.some((t: { name: string }) => t.name === `${b}/private`)).toBe(false);
    expect((await asA('GET', `/templates/${b}/private`)).status).toBe(404);
    expect((await rest(p.url, viewerA)('POST', `/teams/${a}/installations`, { template: 'redis', name: 'x' })).status).toBe(403);
    expect((await asA('POST', `/teams/${a}/installations`, { template: 'redis', name: 'x' })).status).toBe(201);
    // b's app, unshared, does not exist for a's token.
    const r = await asA('POST', `/teams/${a}/apps/x/dependencies`, { dependsOn: 'secret-app', dependsOnTeam: b });
    expect(r.status).toBe(404);
  }, 180_000);

  // A class named explicitly: the real node's provisioner serves `local-path` (as k3s and kind do), and
  // a claim of a class nobody serves stays Pending, so its pod never starts.
  it('an app with volumes runs as a StatefulSet; deleting it keeps its claims unless asked, and says so', async () => {
    const team = await makeTeam(p.url);
    const g = gql(p.url, ADMIN);
    const created = await g(`mutation($t: String!) { createApp(input: { team: $t, name: "files", image: "nginx:1.27", port: 80,
      volumes: [{ name: "data", mountPath: "/data", size: "2Gi" }, { name: "cache", mountPath: "/cache", size: "512Mi", accessMode: ReadWriteMany, storageClass: "local-path" }] }) {
      app { volumes { name mountPath size accessMode storageClass } } } }`, { t: team });
    expect(created.errors).toBeUndefined();
    expect(created.data.createApp.app.volumes).toEqual([
      { name: 'data', mountPath: '/data', size: '2Gi', accessMode: 'ReadWriteOnce', storageClass: null },
      { name: 'cache', mountPath: '/cache', size: '512Mi', accessMode: 'ReadWriteMany', storageClass: 'local-path' },
    ]);
    await ready(team, 'files');
    // A claim that names no class gets the cluster's default one, where it has one (the real node's local-path).
    const storage = p.kc.makeApiClient((await import('@kubernetes/client-node')).StorageV1Api);
    const byDefault = (await storage.listStorageClass()).items.find((c) => c.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true')?.metadata?.name ?? '';
    const claims = async () => (await p.core.listNamespacedPersistentVolumeClaim({ namespace: `yb-${team}` })).items
      .filter((c) => !c.metadata?.deletionTimestamp).map((c) => `${c.metadata!.name}:${c.spec!.storageClassName ?? ''}`).sort();
    expect(await claims()).toEqual(['cache-files-0:local-path', `data-files-0:${byDefault}`]);
    expect(await notFound(p.apps.readNamespacedDeployment({ name: 'files', namespace: `yb-${team}` }))).toBe(true);

    const del = await g(`mutation($t: String!) { deleteApp(team: $t, name: "files") { dataKept message app { name } } }`, { t: team });
    expect(del.data.deleteApp).toMatchObject({ dataKept: true, app: { name: 'files' } });
    expect(del.data.deleteApp.message).toMatch(/its data is kept \(claim data-files-\*, claim cache-files-\* in namespace/);
    await eventually('StatefulSet gone', () => notFound(p.apps.readNamespacedStatefulSet({ name: 'files', namespace: `yb-${team}` })));
    expect(await claims()).toEqual(['cache-files-0:local-path', `data-files-0:${byDefault}`]);

    // Created again under the same name, its pod uses the same claims; deleted with its data, they go.
    // (Pod files-0 of the old StatefulSet serves through its 30 s grace period first: only then can the new one start.)
    await admin('POST', `/teams/${team}/apps`, { name: 'files', image: 'nginx:1.27', port: 80, volumes: [{ name: 'data', mountPath: '/data', size: '2Gi' }] });
    await ready(team, 'files', 120_000);
    const pod = await p.core.readNamespacedPod({ name: 'files-0', namespace: `yb-${team}` });
    expect(pod.spec?.volumes?.find((v) => v.name === 'data')?.persistentVolumeClaim?.claimName).toBe('data-files-0');
    const gone = await admin('DELETE', `/teams/${team}/apps/files?deleteData=true`);
    expect(gone.body).toMatchObject({ dataKept: false });
    await eventually('claims deleted', async () => (await claims()).length === 0);

    // Bad volumes are refused before anything is written.
    for (const [volumes, field] of [
      [[{ name: 'Data', mountPath: '/d', size: '1Gi' }], 'volumes[0].name'],
      [[{ name: 'a', mountPath: '/d', size: 'big' }], 'volumes[0].size'],
      [[{ name: 'a', mountPath: '/d', size: '1Gi' }, { name: 'b', mountPath: '/d', size: '1Gi' }], 'volumes[1].mountPath'],
      [[{ name: 'a', mountPath: '/', size: '1Gi' }], 'volumes[0].mountPath'],
    ] as const) {
      const r = await admin('POST', `/teams/${team}/apps`, { name: 'bad', image: 'nginx:1.27', volumes });
      expect(r.status, JSON.stringify(volumes)).toBe(400);
      expect(r.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const long = await admin('POST', `/teams/${team}/apps`, { name: `a${'b'.repeat(55)}`, image: 'nginx:1.27', volumes: [{ name: 'a', mountPath: '/d', size: '1Gi' }] });
    expect(long.body.errors).toEqual([{ field: 'name', message: 'must be at most 52 characters for an app with volumes' }]);
    expect((await admin('GET', `/teams/${team}/apps`)).body).toEqual([]);
  }, 180_000);
});
