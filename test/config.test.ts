import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const valid = {
  DATABASE_URL: 'postgres://u:p@db:5432/yunbang', ETCD_ENDPOINTS: 'http://etcd-0:2379, http://etcd-1:2379',
  YUNBANG_ADMIN_TOKEN: 'x'.repeat(32), YUNBANG_SECRET_KEY: 'k'.repeat(40),
};

/** A kustomize env file of k8s/install (KEY=value lines; # comments). */
const envFile = (path: string) => Object.fromEntries(readFileSync(new URL(`../k8s/install/${path}`, import.meta.url), 'utf8')
  .split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));

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
    for (const file of ['base/secrets.env', 'overlays/production/secrets.env']) {
      let err: unknown;
      try { loadConfig({ ...valid, ...envFile(file) }); } catch (e) { err = e; }
      expect(err, file).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      for (const name of ['DATABASE_URL', 'YUNBANG_ADMIN_TOKEN', 'YUNBANG_SECRET_KEY', 'YUNBANG_GATEWAY_KEY']) expect(problems).toMatch(new RegExp(`${name}: is the example value of k8s/install's secrets.env`));
    }
    // The evaluation overlay's DATABASE_URL is made from its POSTGRES_PASSWORD, as Kubernetes expands it.
    const evaluation = envFile('overlays/evaluation/secrets.env');
    const databaseUrl = `postgres://yunbang:${evaluation.POSTGRES_PASSWORD}@postgres.yunbang-system.svc:5432/yunbang`;
    let err: unknown;
    try { loadConfig({ ...valid, ...evaluation, DATABASE_URL: databaseUrl }); } catch (e) { err = e; }
    // Its monitoring token too: the bundled Prometheus and Alertmanager present it to the API.
    expect((err as ConfigError).problems.map((p) => p.split(':')[0]).sort()).toEqual(['DATABASE_URL', 'YUNBANG_ADMIN_TOKEN', 'YUNBANG_GATEWAY_KEY', 'YUNBANG_MONITORING_TOKEN', 'YUNBANG_SECRET_KEY']);
  });

  describe('in a cluster (KUBERNETES_SERVICE_HOST set)', () => {
    // Only read (what the kubelet sets in a pod): nothing here connects to it.
    const inCluster = { ...valid, KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };
    const complete = { ...inCluster, YUNBANG_PUBLIC_URL: 'https://yunbang.corp.test', YUNBANG_REGISTRY: 'registry.corp.test/yunbang', YUNBANG_APPS_DOMAIN: 'apps.corp.test' };
    const problemsOf = (env: Record<string, string>) => { try { loadConfig(env); return []; } catch (e) { return (e as ConfigError).problems; } };

    it('refuses to start without a public URL, a registry and an apps domain, naming each', () => {
      const problems = problemsOf(inCluster);
      expect(problems.map((p) => p.split(':')[0])).toEqual(['YUNBANG_PUBLIC_URL', 'YUNBANG_REGISTRY', 'YUNBANG_APPS_DOMAIN']);
      for (const p of problems) expect(p).toContain('required in a cluster');
      expect(problemsOf(complete)).toEqual([]);
      expect(loadConfig(complete).YUNBANG_PUBLIC_URL).toBe('https://yunbang.corp.test');
    });

    it("refuses the production overlay's example values and localhost, and reports them beside other problems", async () => {
      const example = envFile('overlays/production/config.env');
      expect(problemsOf({ ...complete, ...example }).map((p) => p.replace(/: .*/, ''))).toEqual(['YUNBANG_PUBLIC_URL', 'YUNBANG_REGISTRY', 'YUNBANG_APPS_DOMAIN']);
      for (const domain of ['apps.example.com', 'localhost', 'EXAMPLE.org']) {
        expect(problemsOf({ ...complete, YUNBANG_APPS_DOMAIN: domain })).toEqual([expect.stringMatching(/^YUNBANG_APPS_DOMAIN: ".*" is an example or local value/)]);
      }
      expect(problemsOf({ ...complete, YUNBANG_PUBLIC_URL: 'http://localhost:8080' })).toEqual([expect.stringMatching(/^YUNBANG_PUBLIC_URL: "http:\/\/localhost:8080" is an example or local value/)]);
      expect(problemsOf({ ...complete, YUNBANG_REGISTRY: 'registry.example.com:5000/x' })).toEqual([expect.stringMatching(/^YUNBANG_REGISTRY: ".*" is an example or local value/)]);
      const { YUNBANG_SECRET_KEY: _, ...noKey } = complete;
      expect(problemsOf({ ...noKey, YUNBANG_REGISTRY: '' }).map((p) => p.split(':')[0])).toEqual(['YUNBANG_SECRET_KEY', 'YUNBANG_REGISTRY']);
    });

    it('a process started in a cluster without YUNBANG_PUBLIC_URL exits non-zero, naming the variable', () => {
      const { YUNBANG_PUBLIC_URL: _, ...env } = complete;
      const r = spawnSync(process.execPath, ['--import', 'tsx', 'server/main.ts', 'api'], {
        cwd: new URL('..', import.meta.url), env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 30_000,
      });
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 1, stderr: expect.stringContaining('YUNBANG_PUBLIC_URL: required in a cluster') });
      expect(r.stderr).not.toContain('YUNBANG_REGISTRY');
    });
  });
});
