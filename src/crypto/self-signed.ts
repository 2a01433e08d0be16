import { randomBytes, webcrypto } from 'node:crypto';
// @peculiar/x509 resolves its ASN.1 handlers through tsyringe, which needs this polyfill first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

const pem = (label: string, der: ArrayBuffer) =>
  `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;

/**
 * A self-signed serving certificate for a server only the cluster's API server calls (an
 * aggregated API): the APIService either carries it as its caBundle or skips verification, as
 * metrics-server's own manifest does. It is its own trust anchor (Go accepts a root as the whole
 * chain), so no CA is kept anywhere. ECDSA P-256 through WebCrypto, built by @peculiar/x509.
 */
export async function selfSignedServing(o: { commonName: string; dnsNames: string[]; ips: string[]; days?: number }): Promise<{ certPem: string; keyPem: string }> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']) as CryptoKeyPair;
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f; // a positive integer
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString('hex'), name: `CN=${o.commonName}`,
    notBefore: new Date(now - DAY), notAfter: new Date(now + (o.days ?? 365) * DAY),
    signingAlgorithm: ALG, keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyCertSign, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([...o.dnsNames.map((value) => ({ type: 'dns' as const, value })), ...o.ips.map((value) => ({ type: 'ip' as const, value }))]),
    ],
  });
  return { certPem: cert.toString('pem') + '\n', keyPem: pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)) };
}
