import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { connect, type PeerCertificate } from 'node:tls';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ensureLocalCa, issueFromLocalCa } from '../gateway/local-ca.js';
import { tlsSecretName } from '../k8s/render/app.js';
import { certKey } from '../src/publish/etcd.js';
import { rest } from './helpers/clients.js';
import { makeTeam, uniq } from './helpers/fixtures.js';
import { eventually, startFullPlatform, type FullPlatform } from './helpers/full.js';
import { startTestGateway, type TestGateway } from './helpers/gateway.js';
import { ADMIN } from './helpers/platform.js';

/**
 * An app's TLS Secret (as cert-manager or its team writes it in the team's namespace) reaches the
 * gateway, which has no Kubernetes rights: the worker copies it into etcd sealed under
 * YUNBANG_GATEWAY_KEY, the gateway opens it and serves the host with it.
 */
describe('apps\' TLS Secrets reach the gateway through etcd, sealed', { timeout: 90_000 }, () => {
  const KEY = randomBytes(32).toString('hex');
  let p: FullPlatform;
  let gw: TestGateway;
  beforeAll(async () => {
    p = await startFullPlatform({ YUNBANG_GATEWAY_KEY: KEY });
    gw = await startTestGateway({ env: { YUNBANG_GATEWAY_KEY: KEY } });
  });
  afterAll(async () => { await gw?.stop(); await p?.close(); });

  const served = (host: string) => new Promise<PeerCertificate>((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port: gw.httpsPort, servername: host, rejectUnauthorized: false }, () => { resolve(s.getPeerCertificate()); s.end(); });
    s.on('error', reject);
  });

  it('the worker seals the Secret into etcd before the route; the gateway serves the host with that very certificate', async () => {
    const team = await makeTeam(p.url);
    const namespace = `yb-${team}`;
    const host = `${uniq('shop')}.example.com`;
    const secretName = tlsSecretName('{host}-tls', host); // YUNBANG_TLS_SECRET_TEMPLATE's default
    // The team's own certificate, from a CA of its own (not the gateway's local CA, which would issue one otherwise).
    const own = await issueFromLocalCa(await ensureLocalCa(mkdtempSync(join(inject('stack').dir, 'team-ca-'))), host);
    await eventually('the team namespace', async () => (await p.core.readNamespace({ name: namespace }).catch(() => undefined)) !== undefined);
    await p.core.createNamespacedSecret({ namespace, body: {
      metadata: { name: secretName }, type: 'kubernetes.io/tls',
      data: { 'tls.crt': Buffer.from(own.certPem).toString('base64'), 'tls.key': Buffer.from(own.keyPem).toString('base64') },
    } });
    const created = await rest(p.url, ADMIN)('POST', `/teams/${team}/apps`, { name: 'shop', image: 'registry.example/web:1', port: 8080, tls: true, domains: [host] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);

    const cert = await eventually('served with the team\'s certificate', async () => {
      await gw.gateway.settled();
      const c = await served(host).catch(() => undefined);
      return c?.fingerprint256 === new X509Certificate(own.certPem).fingerprint256 ? c : undefined;
    }, 60_000);
    expect(cert.subjectaltname).toBe(`DNS:${host}`);
    // In etcd: ciphertext only.
    const stored = await p.etcd.get(certKey(secretName)).string();
    expect(stored).toMatch(/^v2\./);
    expect(stored).not.toContain('PRIVATE KEY');
    expect(stored).not.toContain(Buffer.from(own.keyPem).toString('base64').slice(0, 40));
  });
});
