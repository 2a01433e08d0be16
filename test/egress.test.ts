import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { aptUris, hostsOf, reachableAddress, startEgressProxy } from '../scripts/local/node/egress.js';

/** The real node's egress proxy: which hosts builds may reach, read from the machine's configuration. */
describe('egress proxy for builds', () => {
  it("reads apt's archives from deb822 and one-line sources, and keeps hosts only", () => {
    const deb822 = 'Types: deb\nURIs: http://archive.test/debian http://mirror.test/debian\nSuites: bookworm\n\nTypes: deb\nURIs: http://security.test/debian-security\n';
    const oneLine = 'deb [arch=amd64 signed-by=/k.gpg] https://apt.test/repo stable main\n# deb http://commented.test/x y z\ndeb-src http://src.test/debian bookworm main\n';
    expect(aptUris([deb822, oneLine])).toEqual(['http://archive.test/debian', 'http://mirror.test/debian', 'http://security.test/debian-security', 'https://apt.test/repo', 'http://src.test/debian']);
    expect(hostsOf(['https://Registry.Test/', 'http://archive.test/debian', 'file:///opt/wheels', 'not a url', 'https://registry.test/npm/'])).toEqual(['archive.test', 'registry.test']);
  });

  it("never connects to the machine's own, private or link-local addresses", () => {
    expect(['127.0.0.1', '10.243.0.1', '192.168.1.5', '172.16.0.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fd00::1'].filter(reachableAddress)).toEqual([]);
    expect(['104.16.0.1', '203.0.113.80', '2606:4700::1'].every(reachableAddress)).toBe(true);
  });

  it('refuses a host that is not a package registry of the machine, before connecting anywhere', async () => {
    const refused: string[] = [];
    const { port, server } = await startEgressProxy({ npm: 'https://registry.test/', hosts: ['registry.test'] }, (l) => refused.push(l));
    try {
      const answer = await new Promise<string>((resolve, reject) => {
        const s = connect(port, '127.0.0.1', () => s.write('CONNECT elsewhere.test:443 HTTP/1.1\r\nhost: elsewhere.test:443\r\n\r\n'));
        let text = '';
        s.on('data', (d) => { text += d; });
        s.on('end', () => resolve(text));
        s.on('error', reject);
      });
      expect(answer).toMatch(/^HTTP\/1\.1 403 Forbidden/);
      expect(refused).toEqual(['refused CONNECT elsewhere.test:443']);
      // What the build executor asks for: the machine's npm registry.
      expect(await (await fetch(`http://127.0.0.1:${port}/yunbang/registries`)).json()).toEqual({ npm: 'https://registry.test/', hosts: ['registry.test'] });
      // Plain HTTP to a host not allowed: refused the same way.
      const plain = await new Promise<string>((resolve) => {
        const s = connect(port, '127.0.0.1', () => s.write('GET http://elsewhere.test/x HTTP/1.1\r\nhost: elsewhere.test\r\nconnection: close\r\n\r\n'));
        let text = '';
        s.on('data', (d) => { text += d; });
        s.on('end', () => resolve(text));
      });
      expect(plain).toMatch(/^HTTP\/1\.1 403 Forbidden/);
    } finally {
      server.close();
    }
  });
});
