import { randomBytes } from 'node:crypto';
import { realNodeEnv } from './node-env.js';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import pg from 'pg';
import { inject } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createServer } from '../../src/http/server.js';
import { schema } from '../../schema/index.js';
import { connect, type Platform } from '../../src/platform.js';
import { LOCAL_GIT_HOSTS } from '../../scripts/local/stack.js';

export const ADMIN = `test-admin-${randomBytes(16).toString('hex')}`;
/** Seals git credentials in tests, as YUNBANG_SECRET_KEY does in production. */
export const SECRET_KEY = randomBytes(32).toString('hex');

export interface TestPlatform {
  url: string;
  platform: Platform;
  databaseUrl: string;
  close(): Promise<void>;
}

/** A fresh database on the run's PostgreSQL server, for one test file. */
export async function freshDatabase(): Promise<string> {
  const { PG_ADMIN_URL } = inject('stack');
  const name = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * The API on the real stack, in this process, on a port of its own, with every REST response
 * checked against openapi.yaml (a response that does not match the spec fails as a 500).
 */
export async function startTestPlatform(extraEnv: Record<string, string> = {}): Promise<TestPlatform> {
  const stack = inject('stack');
  const databaseUrl = await freshDatabase();
  const config = loadConfig({
    DATABASE_URL: databaseUrl, ETCD_ENDPOINTS: stack.ETCD_ENDPOINTS, KUBECONFIG: stack.WORKER_KUBECONFIG, YUNBANG_API_KUBECONFIG: stack.API_KUBECONFIG,
    YUNBANG_ADMIN_TOKEN: ADMIN, YUNBANG_SECRET_KEY: SECRET_KEY, YUNBANG_MAX_BODY: '64kb', YUNBANG_GIT_ALLOWED_HOSTS: LOCAL_GIT_HOSTS,
    ...realNodeEnv(stack.realNode), ...extraEnv,
  });
  const platform = await connect(config, { supervise: false });
  const app = createServer({ schema, deps: platform.deps, adminToken: ADMIN, probes: platform.probes, maxBody: config.YUNBANG_MAX_BODY, validateResponses: true });
  const server: Server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url, platform, databaseUrl,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await platform.close();
    },
  };
}
