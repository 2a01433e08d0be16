import { mkdtempSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import { connect, type PeerCertificate } from 'node:tls';
import type { ChildProcess } from 'node:child_process';
import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { routeKey, acmeChallengeKey, certKey, ACME_ACCOUNT_KEY } from '../src/publish/etcd.js';
import { ensureLocalCa, issueFromLocalCa } from '../gateway/local-ca.js';
import { loadGatewayConfig } from '../gateway/config.js';
import { startGateway, type Gateway } from '../gateway/gateway.js';
import { freePort, startProcess, stopProcess, waitFor } from '../scripts/local/proc.js';
import { eventually } from './helpers/full.js';
import { uniq } from './helpers/fixtures.js';

/**
 * ACME HTTP-01 for real, on loopback: Pebble (Debian's ACME test CA) validates the challenge by
 * fetching http://<host>:<gateway port>/.well-known/acme-challenge/<token> through the gateway, with
 * pebble-challtestsrv as its DNS (every name → 127.0.0.1). The gateway then serves the host with
 * the certificate Pebble issued. Two replicas hold the same YUNBANG_GATEWAY_KEY: one orders, both
 * serve (the CA reaches only the first one's port, whichever replica ordered).
 */
describe('gateway: certificates from an ACME CA (Pebble)', () => {
  const stack = inject('stack');
  const dir = mkdtempSync(join(stack.dir, 'acme-'));
  let dns: ChildProcess;
  let pebble: ChildProcess;
  let gateway: Gateway;
  let replica: Gateway;
  let etcd: Etcd3;
  let httpsPort: number;
  let replicaHttpsPort: number;
  let pebbleRoot: string;
  const hosts: string[] = [];

  beforeAll(async () => {
    const ca = await ensureLocalCa(join(dir, 'ca'));
    const served = await issueFromLocalCa(ca, 'localhost'); // Pebble's own HTTPS
    writeFileSync(join(dir, 'pebble.crt'), served.certPem);
    writeFileSync(join(dir, 'pebble.key'), served.keyPem);
    const [dnsPort, dnsMgmt, acmePort, acmeMgmt, httpPort, tlsPort] = await Promise.all([1, 2, 3, 4, 5, 6].map(() => freePort()));
    httpsPort = await freePort();
    dns = startProcess('pebble-challtestsrv', ['-dns01', `127.0.0.1:${dnsPort}`, '-management', `127.0.0.1:${dnsMgmt}`, '-http01', '', '-https01', '', '-tlsalpn01', '', '-defaultIPv6', ''], join(dir, 'dns.log'));
    await waitFor('pebble-challtestsrv', async () => (await fetch(`http://127.0.0.1:${dnsMgmt}/`)).status > 0, 10_000, dns, join(dir, 'dns.log'));
    writeFileSync(join(dir, 'pebble.json'), JSON.stringify({ pebble: {
      listenAddress: `127.0.0.1:${acmePort}`, managementListenAddress: `127.0.0.1:${acmeMgmt}`,
      certificate: join(dir, 'pebble.crt'), privateKey: join(dir, 'pebble.key'),
      httpPort, tlsPort, ocspResponderURL: '', externalAccountBindingRequired: false,
    } }));
    process.env.PEBBLE_VA_NOSLEEP = '1';
    process.env.PEBBLE_WFE_NONCEREJECT = '0';
    pebble = startProcess('pebble', ['-config', join(dir, 'pebble.json'), '-dnsserver', `127.0.0.1:${dnsPort}`], join(dir, 'pebble.log'));
    const trust = new Agent({ ca: ca.certPem });
    const getText = (url: string) => new Promise<string>((resolve, reject) => {
      request(url, { agent: trust }, (res) => { let b = ''; res.on('data', (d) => { b += d; }); res.on('end', () => resolve(b)); }).on('error', reject).end();
    });
    await waitFor('pebble', async () => (await getText(`https://localhost:${acmePort}/dir`)).includes('newOrder'), 20_000, pebble, join(dir, 'pebble.log'));
    pebbleRoot = await getText(`https://localhost:${acmeMgmt}/roots/0`);

    etcd = new Etcd3({ hosts: stack.ETCD_ENDPOINTS });
    await etcd.delete().key(ACME_ACCOUNT_KEY); // another run's account, sealed under another key
    const replicaOf = async (name: string, http: number, https: number) => startGateway(loadGatewayConfig({
      ETCD_ENDPOINTS: stack.ETCD_ENDPOINTS, YUNBANG_GATEWAY_DIR: join(dir, name),
      YUNBANG_GATEWAY_HTTP_LISTEN: `127.0.0.1:${http}`, YUNBANG_GATEWAY_HTTPS_LISTEN: `127.0.0.1:${https}`,
      YUNBANG_GATEWAY_STATUS_LISTEN: '127.0.0.1:0', YUNBANG_APPS_HTTPS_PORT: String(https),
      YUNBANG_GATEWAY_ADDRESS_MAP: '10.0.0.0/8=127.0.0.0/8', YUNBANG_GATEWAY_UPSTREAM_CIDRS: '127.0.0.0/8',
      YUNBANG_ACME_EMAIL: 'ops@example.com', YUNBANG_ACME_DIRECTORY: `https://localhost:${acmePort}/dir`, YUNBANG_ACME_CA_FILE: ca.certFile,
      YUNBANG_GATEWAY_WORKERS: '1', YUNBANG_GATEWAY_DEBOUNCE_MS: '50', YUNBANG_GATEWAY_KEY: GATEWAY_KEY,
    }));
    replicaHttpsPort = await freePort();
    [gateway, replica] = await Promise.all([replicaOf('gateway', httpPort, httpsPort), replicaOf('replica', await freePort(), replicaHttpsPort)]);
  });
  afterAll(async () => {
    for (const h of hosts) await etcd?.delete().key(routeKey(h));
    await etcd?.delete().prefix(certKey(''));
    etcd?.close();
    await gateway?.stop();
    await replica?.stop();
    await stopProcess(pebble);
    await stopProcess(dns);
  });

  const GATEWAY_KEY = 'k'.repeat(16) + Math.random().toString(36).slice(2).padEnd(16, 'x');
  const certificateOf = (host: string, port = httpsPort) => new Promise<PeerCertificate>((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port, servername: host, ca: pebbleRoot }, () => { resolve(s.getPeerCertificate()); s.end(); });
    s.on('error', reject);
  });

  it('orders a certificate for a TLS host over HTTP-01 through the gateway, once for both replicas, then both serve the host with it', async () => {
    const host = `${uniq('shop')}.example.com`;
    const secretName = uniq('shop-tls');
    hosts.push(host);
    await etcd.put(routeKey(host)).value(JSON.stringify({ team: 't', app: 'shop', service: 'x', port: 8080, endpoints: [], stopped: false, tls: { secretName } }));
    // Verified against Pebble's root: a certificate from anywhere else fails the handshake.
    const cert = await eventually('served with the ACME certificate', async () => {
      await gateway.settled();
      return certificateOf(host);
    }, 30_000);
    expect(cert.subjectaltname).toBe(`DNS:${host}`);
    expect(gateway.state().tlsWithoutCertificate).toEqual([]);
    // The other replica serves the very same certificate: one order, shared.
    const other = await eventually('the replica serves it', async () => { await replica.settled(); return certificateOf(host, replicaHttpsPort); }, 30_000);
    expect(other.fingerprint256).toBe(cert.fingerprint256);
    // What they share is sealed: neither the key nor the account key is in etcd in the clear.
    const stored = await etcd.get(certKey(secretName)).string();
    expect(stored).toMatch(/^v2\./);
    expect(stored).not.toMatch(/BEGIN|PRIVATE/);
    expect(await etcd.get(ACME_ACCOUNT_KEY).string()).toMatch(/^v2\./);
    // The challenge answers were removed once the order was done.
    expect((await etcd.getAll().prefix(acmeChallengeKey('')).keys())).toEqual([]);
  });

  it('refuses a wildcard host (HTTP-01 cannot prove one) and serves it over plain HTTP meanwhile', async () => {
    const host = `*.${uniq('wild')}.example.com`;
    hosts.push(host);
    await etcd.put(routeKey(host)).value(JSON.stringify({ team: 't', app: 'wild', service: 'x', port: 8080, endpoints: [], stopped: false, tls: { secretName: 'wild-tls' } }));
    await eventually('counted as without certificate', async () => { await gateway.settled(); return gateway.state().tlsWithoutCertificate.includes(host); });
  });
});
