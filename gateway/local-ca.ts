import { X509Certificate, randomBytes, webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
// @peculiar/x509 resolves its ASN.1 handlers through tsyringe, which needs this polyfill first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

/**
 * A certificate authority of one machine, for serving local hosts over HTTPS that a client can
 * verify (`curl --cacert ca.crt`), in the spirit of mkcert. Created once and kept; per-host
 * certificates are issued from it on demand. ECDSA P-256 through WebCrypto, certificates built by
 * @peculiar/x509: no hand-made ASN.1. Never for production: there, certificates come from
 * Secrets or ACME.
 */
x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;

export interface LocalCa { certFile: string; keyFile: string; certPem: string; key: CryptoKey; cert: x509.X509Certificate }
export interface Issued { certPem: string; keyPem: string }

const pem = (label: string, der: ArrayBuffer) =>
  `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;

const der = (text: string) => {
  const b = Buffer.from(text.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
};

const serial = () => {
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f; // a positive integer
  return b.toString('hex');
};

/** Loads the CA kept in `dir`, creating it first if there is none. */
export async function ensureLocalCa(dir: string): Promise<LocalCa> {
  mkdirSync(dir, { recursive: true });
  const certFile = join(dir, 'ca.crt');
  const keyFile = join(dir, 'ca.key');
  if (!existsSync(certFile) || !existsSync(keyFile)) {
    const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']) as CryptoKeyPair;
    const now = Date.now();
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serial(),
      name: `CN=Yunbang local CA (${new Date(now).toISOString().slice(0, 10)}), O=Yunbang development`,
      notBefore: new Date(now - DAY), notAfter: new Date(now + 10 * 365 * DAY),
      signingAlgorithm: ALG, keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    writeFileSync(keyFile, pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)), { mode: 0o600 });
    writeFileSync(certFile, cert.toString('pem') + '\n', { mode: 0o644 });
  }
  const certPem = readFileSync(certFile, 'utf8');
  const key = await webcrypto.subtle.importKey('pkcs8', der(readFileSync(keyFile, 'utf8')), ALG, false, ['sign']) as CryptoKey;
  return { certFile, keyFile, certPem, key, cert: new x509.X509Certificate(certPem) };
}

/** A server certificate for one host (a wildcard host too), valid 90 days, signed by the CA. */
export async function issueFromLocalCa(ca: LocalCa, host: string): Promise<Issued> {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${host}`,
    issuer: ca.cert.subject,
    notBefore: new Date(now - DAY), notAfter: new Date(now + 90 * DAY),
    signingAlgorithm: ALG, publicKey: keys.publicKey, signingKey: ca.key,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: host }]),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
    ],
  });
  // Serve the chain: the leaf, then the CA.
  return { certPem: cert.toString('pem') + '\n' + ca.certPem, keyPem: pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)) };
}

/** The CA's certificate as Node sees it (for tests and the banner). */
export const caCertificate = (ca: LocalCa) => new X509Certificate(ca.certPem);
