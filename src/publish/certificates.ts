import { open, seal } from '../crypto/box.js';

/**
 * A TLS certificate and its key as they are kept in etcd (certs/<secret name>, see etcd.ts):
 * sealed under YUNBANG_GATEWAY_KEY, with the secret name inside the sealed text so a value cannot
 * be replayed under another name. Written by a gateway replica that had one issued, and by the
 * worker, which copies apps' TLS Secrets; read by every gateway replica. Pure.
 */
export interface CertPem { certPem: string; keyPem: string }

interface Sealed extends CertPem { secretName: string }

export function sealCertificate(key: string, secretName: string, pem: CertPem): string {
  return seal(key, JSON.stringify({ secretName, certPem: pem.certPem, keyPem: pem.keyPem } satisfies Sealed), 'gateway-certificates');
}

/** The pair, or why it cannot be used. */
export function openCertificate(key: string, secretName: string, value: string): CertPem | { problem: string } {
  let s: Sealed;
  try { s = JSON.parse(open(key, value, 'gateway-certificates')) as Sealed; } catch { return { problem: 'cannot be opened with YUNBANG_GATEWAY_KEY' }; }
  if (s.secretName !== secretName || typeof s.certPem !== 'string' || typeof s.keyPem !== 'string') return { problem: 'sealed for another name' };
  return { certPem: s.certPem, keyPem: s.keyPem };
}
