import { X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CertPem } from '../src/publish/certificates.js';

/**
 * Where the gateway finds each TLS host's certificate: a directory laid out as Kubernetes mounts a
 * kubernetes.io/tls Secret, `<dir>/<secret name>/tls.crt` and `tls.key`. On a cluster the operator
 * mounts the Secrets (or a tool such as cert-manager keeps the files); an issuer (the local CA, or
 * ACME) writes the same layout. A pair is used only if the key matches the certificate, the
 * certificate names the host and has not expired: a bad file must never fail `nginx -t` and hold
 * up every other route. Checks are cached by file modification time.
 */
export interface CertFiles { certFile: string; keyFile: string }

export type CertState = { files: CertFiles; expiresAt: Date } | { problem: string };

export type { CertPem };

/** Something that can issue a certificate for a host (a local CA, ACME). */
export interface Issuer {
  name: string;
  issue(host: string, secretName: string): Promise<CertPem>;
  /** How long to wait after a failure before asking again (a public CA limits failed orders). */
  retryAfterMs?: number;
}

export const RENEW_BEFORE_MS = 30 * 86_400_000;

/** Writes a pair as Kubernetes mounts a TLS Secret: key first, then certificate, each through a rename (a reader never sees half a file). */
export function writePair(dir: string, secretName: string, pem: CertPem): void {
  const d = join(dir, secretName);
  mkdirSync(d, { recursive: true, mode: 0o700 });
  writeFileSync(join(d, 'tls.key.tmp'), pem.keyPem, { mode: 0o600 });
  renameSync(join(d, 'tls.key.tmp'), join(d, 'tls.key'));
  writeFileSync(join(d, 'tls.crt.tmp'), pem.certPem, { mode: 0o644 });
  renameSync(join(d, 'tls.crt.tmp'), join(d, 'tls.crt'));
}

export class CertStore {
  private readonly cache = new Map<string, { mtimes: string; files: CertFiles; state: CertState }>();
  private readonly issuing = new Map<string, Promise<void>>();
  private readonly failures = new Map<string, { at: number; message: string }>();

  /**
   * `dirs.write`: where issued and shared certificates are written (the gateway's own, writable);
   * `dirs.read`: looked in first, e.g. the operator's Secrets mounted read-only.
   */
  constructor(private readonly dirs: { write: string; read?: string[] }, private readonly issuer: Issuer | null, private readonly onIssued: (host: string, error?: string) => void) {
    mkdirSync(dirs.write, { recursive: true, mode: 0o700 });
  }

  private files(secretName: string): CertFiles {
    const at = (dir: string) => ({ certFile: join(dir, secretName, 'tls.crt'), keyFile: join(dir, secretName, 'tls.key') });
    const mounted = (this.dirs.read ?? []).map(at).find((f) => existsSync(f.certFile));
    return mounted ?? at(this.dirs.write);
  }

  /** The usable certificate of a host now, or why there is none (and, with an issuer, one is being issued). */
  lookup(host: string, secretName: string): CertState {
    const state = this.check(host, secretName);
    const renew = 'files' in state && state.expiresAt.getTime() - Date.now() < RENEW_BEFORE_MS;
    if (this.issuer && ('problem' in state || renew)) this.startIssuing(host, secretName);
    return state;
  }

  private check(host: string, secretName: string): CertState {
    const f = this.files(secretName);
    let mtimes: string;
    try { mtimes = `${statSync(f.certFile).mtimeMs}/${statSync(f.keyFile).mtimeMs}`; } catch { return { problem: `no certificate for ${secretName}` }; }
    const key = `${host}|${secretName}`;
    const hit = this.cache.get(key);
    if (hit && hit.mtimes === mtimes && hit.files.certFile === f.certFile) return hit.state;
    const state = verifyPair(host, f);
    this.cache.set(key, { mtimes, files: f, state });
    return state;
  }

  private startIssuing(host: string, secretName: string): void {
    if (this.issuing.has(secretName)) return;
    const failed = this.failures.get(secretName);
    if (failed && Date.now() - failed.at < (this.issuer!.retryAfterMs ?? 60_000)) return; // do not hammer an issuer that just refused
    const job = this.issuer!.issue(host, secretName).then((issued) => {
      writePair(this.dirs.write, secretName, issued);
      this.failures.delete(secretName);
      this.onIssued(host);
    }, (err: Error) => {
      this.failures.set(secretName, { at: Date.now(), message: err.message });
      this.onIssued(host, err.message);
    }).finally(() => this.issuing.delete(secretName));
    this.issuing.set(secretName, job);
  }

  /** Waits for issuing in progress (tests, shutdown). */
  async settled(): Promise<void> { await Promise.allSettled([...this.issuing.values()]); }
}

/** Checks a certificate/key pair for a host. A wildcard host needs a certificate for the wildcard. */
export function verifyPair(host: string, f: CertFiles): CertState {
  let pem: CertPem;
  try { pem = { certPem: readFileSync(f.certFile, 'utf8'), keyPem: readFileSync(f.keyFile, 'utf8') }; } catch (err) {
    return { problem: `unreadable certificate or key: ${(err as Error).message}` };
  }
  const checked = verifyPem(host, pem);
  return 'expiresAt' in checked ? { files: f, expiresAt: checked.expiresAt } : checked;
}

/** The same checks on PEM text: the key matches, the certificate names the host and has not expired. */
export function verifyPem(host: string, pem: CertPem): { expiresAt: Date } | { problem: string } {
  try {
    const cert = new X509Certificate(pem.certPem);
    if (!cert.checkPrivateKey(createPrivateKey(pem.keyPem))) return { problem: 'the key does not match the certificate' };
    const name = host.startsWith('*.') ? `yunbang-check.${host.slice(2)}` : host;
    if (!cert.checkHost(name)) return { problem: `the certificate does not name ${host}` };
    const expiresAt = new Date(cert.validTo);
    if (expiresAt.getTime() <= Date.now()) return { problem: `the certificate expired on ${cert.validTo}` };
    return { expiresAt };
  } catch (err) {
    return { problem: `unreadable certificate or key: ${(err as Error).message}` };
  }
}
