import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

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

/** Something that can issue a certificate for a host (a local CA, ACME). */
export interface Issuer {
  name: string;
  issue(host: string): Promise<{ certPem: string; keyPem: string }>;
  /** How long to wait after a failure before asking again (a public CA limits failed orders). */
  retryAfterMs?: number;
}

const RENEW_BEFORE_MS = 30 * 86_400_000;

export class CertStore {
  private readonly cache = new Map<string, { mtimes: string; state: CertState }>();
  private readonly issuing = new Map<string, Promise<void>>();
  private readonly failures = new Map<string, { at: number; message: string }>();

  constructor(private readonly dir: string, private readonly issuer: Issuer | null, private readonly onIssued: (host: string, error?: string) => void) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  private files(secretName: string): CertFiles {
    return { certFile: join(this.dir, secretName, 'tls.crt'), keyFile: join(this.dir, secretName, 'tls.key') };
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
    try { mtimes = `${statSync(f.certFile).mtimeMs}/${statSync(f.keyFile).mtimeMs}`; } catch { return { problem: `no certificate in ${join(this.dir, secretName)}` }; }
    const key = `${host}|${secretName}`;
    const hit = this.cache.get(key);
    if (hit && hit.mtimes === mtimes) return hit.state;
    const state = verifyPair(host, f);
    this.cache.set(key, { mtimes, state });
    return state;
  }

  private startIssuing(host: string, secretName: string): void {
    if (this.issuing.has(secretName)) return;
    const failed = this.failures.get(secretName);
    if (failed && Date.now() - failed.at < (this.issuer!.retryAfterMs ?? 60_000)) return; // do not hammer an issuer that just refused
    const job = this.issuer!.issue(host).then((issued) => {
      const f = this.files(secretName);
      mkdirSync(join(this.dir, secretName), { recursive: true, mode: 0o700 });
      // Key first, then certificate, each through a rename: a reader never sees half a file.
      writeFileSync(`${f.keyFile}.tmp`, issued.keyPem, { mode: 0o600 });
      renameSync(`${f.keyFile}.tmp`, f.keyFile);
      writeFileSync(`${f.certFile}.tmp`, issued.certPem, { mode: 0o644 });
      renameSync(`${f.certFile}.tmp`, f.certFile);
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
  try {
    const cert = new X509Certificate(readFileSync(f.certFile));
    if (!cert.checkPrivateKey(createPrivateKey(readFileSync(f.keyFile)))) return { problem: 'the key does not match the certificate' };
    const name = host.startsWith('*.') ? `yunbang-check.${host.slice(2)}` : host;
    if (!cert.checkHost(name)) return { problem: `the certificate does not name ${host}` };
    const expiresAt = new Date(cert.validTo);
    if (expiresAt.getTime() <= Date.now()) return { problem: `the certificate expired on ${cert.validTo}` };
    return { files: f, expiresAt };
  } catch (err) {
    return { problem: `unreadable certificate or key: ${(err as Error).message}` };
  }
}
