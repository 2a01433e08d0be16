import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from './helpers/full.js';
import { viaGateway } from './helpers/gateway.js';
import { startRealNodePlatform, type RealNodePlatform } from './helpers/real-node.js';

/**
 * A backing service on the real node: PostgreSQL from the market (`postgres:17`, served locally by
 * Debian's PostgreSQL 15), its data on a volume from the node's local-path provisioner, and an app
 * that depends on it finding it by the cluster DNS name it is given.
 */
describe('the real node: PostgreSQL from the market, its data and its dependents', () => {
  let r: RealNodePlatform;
  beforeAll(async () => { r = await startRealNodePlatform(); });
  afterAll(async () => { await r?.close(); });

  const psql = async (pod: string, sql: string) => r.exec(pod, ['sh', '-c', `PGPASSWORD="$POSTGRES_PASSWORD" psql -h 127.0.0.1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -v ON_ERROR_STOP=1 -qtAc "${sql}"`]);

  it('an app that depends on it resolves its host and reaches its port; psql runs a query with the generated password; the data survives the pod', async () => {
    const inst = await r.admin('POST', `/teams/${r.team}/installations`, { template: 'postgresql', name: 'db' });
    expect(inst.status, JSON.stringify(inst.body)).toBe(201);
    await r.status('db', (s) => s.health === 'Ready' && s.readyReplicas === 1, 120_000);
    const claims = (await r.core.listNamespacedPersistentVolumeClaim({ namespace: `yb-${r.team}` })).items;
    expect(claims.map((c) => [c.status?.phase, c.spec?.storageClassName])).toEqual([['Bound', 'local-path']]);

    expect((await r.admin('POST', `/teams/${r.team}/apps`, { name: 'web', image: 'nginx:1.27', port: 80 })).status).toBe(201);
    expect((await r.admin('POST', `/teams/${r.team}/apps/web/dependencies`, { dependsOn: 'db' })).status).toBe(200);
    await r.status('web', (s) => s.health === 'Ready' && s.readyReplicas === 1);
    const [web] = await r.podsOf('web');
    const reach = await eventually('the database from the app', async () => {
      const res = await r.exec(web!.metadata!.name!, ['bash', '-c', 'getent hosts "$POSTGRES_HOST" && (exec 3<>"/dev/tcp/$POSTGRES_HOST/$POSTGRES_PORT") && echo "reached $POSTGRES_HOST:$POSTGRES_PORT"']);
      return res.status === 'Success' ? res.out : undefined;
    }, 30_000);
    expect(reach).toMatch(new RegExp(`^10\\.96\\.\\d+\\.\\d+\\s+db\\.yb-${r.team}\\.svc\\.cluster\\.local`));
    expect(reach).toContain(`reached db.yb-${r.team}.svc.cluster.local:5432`);

    const [db] = await r.podsOf('db');
    const wrote = await psql(db!.metadata!.name!, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here'); SELECT count(*) FROM kept");
    expect(wrote).toEqual({ out: '1\n', status: 'Success' });
    const wrongPassword = await r.exec(db!.metadata!.name!, ['sh', '-c', 'PGPASSWORD=wrong psql -h 127.0.0.1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -tAc "SELECT 1" 2>&1']);
    expect(wrongPassword.out).toMatch(/password authentication failed/);

    // The pod goes; the StatefulSet makes it again, on the same claim and directory.
    await r.core.deleteNamespacedPod({ name: db!.metadata!.name!, namespace: `yb-${r.team}` });
    await eventually('a new database pod', async () => {
      const [next] = await r.podsOf('db');
      return next && next.metadata!.uid !== db!.metadata!.uid && next.status?.containerStatuses?.[0]?.ready;
    }, 90_000);
    const [again] = await r.podsOf('db');
    const read = await eventually('the data after the restart', async () => {
      const res = await psql(again!.metadata!.name!, 'SELECT v FROM kept');
      return res.status === 'Success' ? res.out : undefined;
    }, 30_000);
    expect(read).toBe('still here\n');
  }, 240_000);
});

describe('the real node: MySQL (served by MariaDB), RabbitMQ, WordPress and Redis from the market', () => {
  let r: RealNodePlatform;
  beforeAll(async () => { r = await startRealNodePlatform(); });
  afterAll(async () => { await r?.close(); });

  it('MySQL answers its generated user with the generated password, and refuses a wrong one', async () => {
    expect((await r.admin('POST', `/teams/${r.team}/installations`, { template: 'mysql', name: 'sql' })).status).toBe(201);
    await r.status('sql', (s) => s.health === 'Ready' && s.readyReplicas === 1, 120_000);
    const [pod] = await r.podsOf('sql');
    const name = pod!.metadata!.name!;
    const query = await eventually('a query as the generated user', async () => {
      const res = await r.exec(name, ['sh', '-c', 'mariadb -h 127.0.0.1 -u "$MYSQL_USER" -p"$MYSQL_PASSWORD" "$MYSQL_DATABASE" -N -e "CREATE TABLE t (v INT); INSERT INTO t VALUES (42); SELECT v FROM t"']);
      return res.status === 'Success' ? res.out : undefined;
    }, 30_000);
    expect(query).toBe('42\n');
    const wrong = await r.exec(name, ['sh', '-c', 'mariadb -h 127.0.0.1 -u "$MYSQL_USER" -pwrong "$MYSQL_DATABASE" -e "SELECT 1" 2>&1']);
    expect(wrong.out).toMatch(/Access denied for user/);
    // The app's owner is told what really serves `mysql:8.4` here.
    const app = (await r.admin('GET', `/teams/${r.team}/apps/sql`)).body;
    expect(app.image).toBe('mysql:8.4');
    expect(app.imageServedBy).toMatch(/^Debian's mariadb-server 1:10\.11\./);
  }, 180_000);

  it('MongoDB and MinIO, which have no Debian package, are refused at install with a clear 4xx, and nothing is left', async () => {
    for (const template of ['mongodb', 'minio']) {
      const res = await r.admin('POST', `/teams/${r.team}/installations`, { template, name: `no-${template}` });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.contentType).toMatch(/application\/problem\+json/);
      expect(res.body.errors).toEqual([{ field: 'template', message: expect.stringMatching(new RegExp(`^${template} is not available on the cluster "local": (mongo|minio/minio):\\S+ is not available on this cluster: its nodes pull no images from outside and serve no local stand-in for it$`)) }]);
    }
    const installed = (await r.admin('GET', `/teams/${r.team}/installations`)).body.map((i: { name: string }) => i.name);
    expect(installed).not.toContain('no-mongodb');
    expect(installed).not.toContain('no-minio');
    expect((await r.admin('GET', `/teams/${r.team}/apps`)).body.map((a: { name: string }) => a.name)).not.toContain('no-mongodb');
  });

  it('RabbitMQ (served by Debian\'s RabbitMQ) authenticates its generated user, and refuses a wrong password', async () => {
    expect((await r.admin('POST', `/teams/${r.team}/installations`, { template: 'rabbitmq', name: 'mq' })).status).toBe(201);
    await r.status('mq', (s) => s.health === 'Ready' && s.readyReplicas === 1, 180_000);
    const [pod] = await r.podsOf('mq');
    const name = pod!.metadata!.name!;
    // rabbitmqctl as the broker's user, which holds the Erlang cookie.
    const ctl = (password: string) => r.exec(name, ['sh', '-c', `setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups env HOME=/var/lib/rabbitmq rabbitmqctl --quiet authenticate_user "$RABBITMQ_DEFAULT_USER" ${password} 2>&1`]);
    const ok = await eventually('the broker answers rabbitmqctl', async () => {
      const res = await ctl('"$RABBITMQ_DEFAULT_PASS"');
      return res.status === 'Success' ? res.out : undefined;
    }, 60_000);
    expect(ok).toMatch(/Success/);
    expect((await ctl('wrong')).out).toMatch(/Error/);
    expect((await r.admin('GET', `/teams/${r.team}/apps/mq`)).body.imageServedBy).toMatch(/^Debian's rabbitmq-server 3\.10\./);
  }, 240_000);

  it('WordPress (served by Debian\'s WordPress on Apache) reaches its database and answers through the gateway', async () => {
    const inst = await r.admin('POST', `/teams/${r.team}/installations`, { template: 'wordpress', name: 'blog' });
    expect(inst.status, JSON.stringify(inst.body)).toBe(201);
    const names: string[] = inst.body.apps.map((a: { name: string }) => a.name);
    const web = names.find((n) => n.endsWith('web'))!;
    const site = await r.status(web, (s) => s.health === 'Ready' && s.readyReplicas === 1, 240_000);
    // Not installed yet, WordPress sends visitors to its installer; it can only tell that much
    // once it has reached its database ("Error establishing a database connection" otherwise).
    const first = await eventually('WordPress answering', async () => {
      const res = await viaGateway(r.gw, site.defaultDomain);
      return res.status === 302 ? res : undefined;
    }, 60_000);
    expect(first.headers.location).toMatch(/\/wp-admin\/install\.php$/);
    // Right after the reload that routed the first ready pod, nginx's old workers may still take a
    // connection with the configuration before it (503, no pod yet): wait until none does.
    await r.gw.gateway.settled();
    const installer = await viaGateway(r.gw, site.defaultDomain, '/wp-admin/install.php');
    expect(installer.status).toBe(200);
    expect(installer.body).toMatch(/WordPress/);
    expect(installer.body).not.toMatch(/Error establishing a database connection/);
  }, 300_000);

  it('Redis requires its generated password and keeps what it is given', async () => {
    expect((await r.admin('POST', `/teams/${r.team}/installations`, { template: 'redis', name: 'cache' })).status).toBe(201);
    await r.status('cache', (s) => s.health === 'Ready' && s.readyReplicas === 1, 120_000);
    const [pod] = await r.podsOf('cache');
    const name = pod!.metadata!.name!;
    expect((await r.exec(name, ['sh', '-c', 'redis-cli --no-auth-warning -a "$REDIS_PASSWORD" SET kept yes && redis-cli --no-auth-warning -a "$REDIS_PASSWORD" GET kept'])).out).toBe('OK\nyes\n');
    expect((await r.exec(name, ['sh', '-c', 'redis-cli GET kept 2>&1'])).out).toMatch(/NOAUTH/);
  }, 180_000);
});
