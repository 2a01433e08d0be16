import { Agent, request } from 'node:http';
import { describe, expect, inject, it } from 'vitest';
import { run } from '../server/main.js';
import { ADMIN, SECRET_KEY, freshDatabase } from './helpers/platform.js';

/** One GET over the given agent: status, the Connection header, the body. */
function get(port: number, path: string, agent: Agent): Promise<{ status: number; connection: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent, headers: { authorization: `Bearer ${ADMIN}` } }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: String(res.headers.connection), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * An API told to stop during a rolling upgrade: it goes on answering for YUNBANG_DRAIN_SECONDS,
 * says it is not ready (so load balancers take it out) and closes each connection after its
 * response (so clients reconnect elsewhere), then stops accepting.
 */
describe('the API drains before it stops', () => {
  it('serves while draining, with /readyz 503 and Connection: close, then refuses', async () => {
    const stack = inject('stack');
    const api = await run(['api'], {
      DATABASE_URL: await freshDatabase(), ETCD_ENDPOINTS: stack.ETCD_ENDPOINTS, KUBECONFIG: stack.WORKER_KUBECONFIG, YUNBANG_API_KUBECONFIG: stack.API_KUBECONFIG,
      YUNBANG_ADMIN_TOKEN: ADMIN, YUNBANG_SECRET_KEY: SECRET_KEY, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', YUNBANG_DRAIN_SECONDS: '2',
    });
    const port = (api.server!.address() as { port: number }).port;
    const agent = new Agent({ keepAlive: true });
    try {
      const before = await get(port, '/readyz', agent);
      expect(before.status).toBe(200);
      expect(before.connection).toBe('keep-alive');
      const stopping = api.stop();
      const startedStopping = Date.now();
      await new Promise((r) => setTimeout(r, 200));
      // Still answering, on the connection it had, and for real: a request that reads the database.
      const during = await get(port, '/api/v1/teams', agent);
      expect(during.status).toBe(200);
      expect(during.connection).toBe('close');
      const readyz = await get(port, '/readyz', agent);
      expect(readyz.status).toBe(503);
      expect(JSON.parse(readyz.body)).toMatchObject({ status: 'stopping' });
      await stopping;
      expect(Date.now() - startedStopping).toBeGreaterThanOrEqual(1_900);
      await expect(get(port, '/healthz', new Agent())).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      agent.destroy();
    }
  });
});
