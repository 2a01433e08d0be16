import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const valid = {
  DATABASE_URL: 'postgres://u:p@db:5432/yunbang', ETCD_ENDPOINTS: 'http://etcd-0:2379, http://etcd-1:2379',
  YUNBANG_ADMIN_TOKEN: 'x'.repeat(32), YUNBANG_SECRET_KEY: 'k'.repeat(40),
};

describe('configuration from the environment', () => {
  it('parses a valid environment with defaults', () => {
    const c = loadConfig(valid);
    expect(c.ETCD_ENDPOINTS).toEqual(['http://etcd-0:2379', 'http://etcd-1:2379']);
    expect(c.PORT).toBe(8080);
    expect(c.YUNBANG_NAMESPACE_PREFIX).toBe('yb-');
    expect(c.KUBECONFIG).toBeUndefined();
  });

  it('names every missing or bad variable, without echoing values', () => {
    let err: unknown;
    try {
      loadConfig({ DATABASE_URL: 'mysql://secret-password@db', PORT: '99999', YUNBANG_ADMIN_TOKEN: 'short' });
    } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems;
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^DATABASE_URL: must be a URL/),
      'ETCD_ENDPOINTS: required but not set',
      expect.stringMatching(/^PORT: /),
      'YUNBANG_ADMIN_TOKEN: must be at least 24 characters',
    ]));
    expect((err as Error).message).not.toContain('secret-password');
  });

  it('refuses the example secrets of the install manifests', async () => {
    const { parseAllDocuments } = await import('yaml');
    const { readFileSync } = await import('node:fs');
    const example = parseAllDocuments(readFileSync(new URL('../k8s/install/20-config.yaml', import.meta.url), 'utf8'))
      .map((d) => d.toJS()).find((d) => d.kind === 'Secret').stringData as Record<string, string>;
    let err: unknown;
    try { loadConfig({ ...valid, ...example }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    for (const name of ['DATABASE_URL', 'YUNBANG_ADMIN_TOKEN', 'YUNBANG_SECRET_KEY']) expect(problems).toMatch(new RegExp(`${name}: is the example value from k8s/install/20-config.yaml`));
  });
});
