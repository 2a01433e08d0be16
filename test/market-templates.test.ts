import { describe, expect, it } from 'vitest';
import { BadTemplate, builtinTemplates, loadTemplate } from '../src/market/catalog.js';
import { instantiate, resolveParameters } from '../src/market/instantiate.js';
import { checkTemplate, findCycle } from '../src/market/schema.js';

const minimal = {
  name: 'thing', description: 'A thing', versions: [{ version: '1', images: { main: 'thing:1' } }], parameters: [],
  components: [{ name: 'main', port: 80 }],
};

describe('the template format (pure)', () => {
  it('every built-in template passes its checks, and the catalogue has the promised ones', () => {
    const names = [...builtinTemplates().keys()];
    expect(names).toEqual(['minio', 'mongodb', 'mysql', 'postgresql', 'rabbitmq', 'redis', 'wordpress']);
    for (const t of builtinTemplates().values()) expect(checkTemplate(t).issues).toEqual([]);
  });

  it('instantiates WordPress as two apps, web depending on db, with the defaults filled in', () => {
    const t = builtinTemplates().get('wordpress')!;
    const { values, issues } = resolveParameters(t, {});
    expect(issues).toEqual([]);
    const [db, web] = instantiate(t, '6.8', 'blog', values);
    expect(db).toMatchObject({ app: 'blog-db', image: 'mysql:8.4', port: 3306, secrets: [{ name: 'MYSQL_PASSWORD', length: 24 }, { name: 'MYSQL_ROOT_PASSWORD', length: 24 }] });
    expect(db!.volumes).toEqual([{ name: 'data', mountPath: '/var/lib/mysql', size: '2Gi', accessMode: 'ReadWriteOnce', storageClass: null }]);
    expect(db!.exports).toContainEqual({ name: 'MYSQL_HOST', value: '${host}' }); // the app's own, filled in at render
    expect(web).toMatchObject({ app: 'blog-web', image: 'wordpress:6.8-apache', dependsOn: ['blog-db'] });
    expect(web!.env).toContainEqual({ name: 'WORDPRESS_DB_PASSWORD', value: '$(MYSQL_PASSWORD)' });
  });

  it('a one-component template names its app after the installation', () => {
    const t = builtinTemplates().get('redis')!;
    const [redis] = instantiate(t, '7.4', 'cache', resolveParameters(t, { maxmemory: '64mb' }).values);
    expect(redis).toMatchObject({ app: 'cache', image: 'redis:7.4' });
    expect(redis!.args).toEqual(['redis-server', '--requirepass', '$(REDIS_PASSWORD)', '--appendonly', 'yes', '--maxmemory', '64mb']);
  });

  it('refuses bad parameters, each by name', () => {
    const t = builtinTemplates().get('mysql')!;
    expect(resolveParameters(t, { storage: 'lots', database: 7, color: 'red' }).issues).toEqual([
      { field: 'parameters.color', message: 'is not a parameter of template mysql' },
      { field: 'parameters.database', message: 'must be string' },
      { field: 'parameters.storage', message: 'must match pattern "^[0-9]+(Mi|Gi|Ti)$"' },
    ]);
  });

  it('refuses a bad template with the JSON pointer of every problem', () => {
    expect(checkTemplate({ ...minimal, components: [{ name: 'main', port: 99999 }] }).issues).toEqual([{ path: '/components/0/port', message: 'must be <= 65535' }]);
    expect(checkTemplate({ ...minimal, extra: 1 }).issues).toEqual([{ path: '/', message: 'must NOT have additional properties' }]);
    expect(checkTemplate({
      ...minimal,
      versions: [{ version: '1', images: { main: 'thing:1', ghost: 'x' } }],
      components: [{ name: 'main', port: 80, env: [{ name: 'A', value: '${nope}' }], exports: [{ name: 'P', secret: 'MISSING' }], dependsOn: ['other'] }],
    }).issues).toEqual([
      { path: '/versions/0/images/ghost', message: 'names no component' },
      { path: '/components/0/env/0/value', message: 'refers to unknown parameter "nope"' },
      { path: '/components/0/exports/0/secret', message: 'names no secret of component "main"' },
      { path: '/components/0/dependsOn/0', message: 'names no component "other"' },
    ]);
    expect(checkTemplate({
      ...minimal, versions: [{ version: '1', images: { a: 'a:1', b: 'b:1' } }],
      components: [{ name: 'a', port: 1, dependsOn: ['b'] }, { name: 'b', port: 2, dependsOn: ['a'] }],
    }).issues).toEqual([{ path: '/components', message: 'dependencies form a cycle: a → b → a' }]);
    expect(() => loadTemplate('broken.yaml', 'name: [')).toThrow(BadTemplate);
    expect(() => loadTemplate('bad.yaml', 'name: Bad Name\n')).toThrow(/bad.yaml is invalid: \/ must have required property 'description'.*\/name must match pattern/);
  });

  it('finds dependency cycles', () => {
    expect(findCycle([['a', ['b']], ['b', ['c']], ['c', []]])).toBeNull();
    expect(findCycle([['a', ['b']], ['b', ['c']], ['c', ['a']]])).toEqual(['a', 'b', 'c', 'a']);
  });
});
