import type { Etcd3 } from 'etcd3';
import { openCertificate, sealCertificate, type CertPem } from '../src/publish/certificates.js';
import { certKey, type AppRecord } from '../src/publish/etcd.js';

/**
 * How apps' TLS Secrets reach the gateways without giving them Kubernetes rights: the worker,
 * which may read Secrets in teams' namespaces, copies each TLS host's Secret (kubernetes.io/tls,
 * e.g. written there by cert-manager for the app's Ingress, or by the team) into etcd, sealed under
 * YUNBANG_GATEWAY_KEY; every gateway replica opens it and serves the host with it. The platform's
 * wildcard certificate of the apps domain is mounted into the gateways and is not copied. Run on
 * every reconcile of a TLS app; writes only what changed (sealed values differ each time, so the
 * comparison is of what they hold).
 */
export interface ShareTls {
  etcd: Etcd3;
  gatewayKey: string;
  /** A Secret's data (base64 values), or undefined when there is none. */
  readSecret(namespace: string, name: string): Promise<Record<string, string> | undefined>;
  /** The platform's own wildcard Secret (mounted into the gateways), never copied. */
  appsTlsSecret: string | null;
}

/** The TLS pair a Secret's data holds, or undefined. Pure. */
export function tlsPair(data: Record<string, string> | undefined): CertPem | undefined {
  const crt = data?.['tls.crt'];
  const key = data?.['tls.key'];
  if (!crt || !key) return undefined;
  return { certPem: Buffer.from(crt, 'base64').toString('utf8'), keyPem: Buffer.from(key, 'base64').toString('utf8') };
}

/** Copies the app's TLS Secrets to etcd; resolves with the names written. */
export async function shareTlsSecrets(o: ShareTls, namespace: string, record: Pick<AppRecord, 'tlsSecrets'>): Promise<string[]> {
  const names = [...new Set(Object.values(record.tlsSecrets))].filter((n) => n !== o.appsTlsSecret).sort();
  const written: string[] = [];
  for (const name of names) {
    const pair = tlsPair(await o.readSecret(namespace, name));
    if (!pair) continue; // not issued yet: the gateway serves the host over HTTP, or orders one by ACME
    const stored = await o.etcd.get(certKey(name)).string();
    const current = stored ? openCertificate(o.gatewayKey, name, stored) : undefined;
    if (current && 'certPem' in current && current.certPem === pair.certPem && current.keyPem === pair.keyPem) continue;
    await o.etcd.put(certKey(name)).value(sealCertificate(o.gatewayKey, name, pair));
    written.push(name);
  }
  return written;
}
