import { EtcdLockFailedError, type Etcd3, type Watcher } from 'etcd3';
import { open, seal } from '../src/crypto/box.js';
import { openCertificate, sealCertificate } from '../src/publish/certificates.js';
import { log as rootLog } from '../src/log.js';
import { ACME_ACCOUNT_KEY, CERTS_PREFIX, certKey, certLockKey } from '../src/publish/etcd.js';
import { RENEW_BEFORE_MS, verifyPem, writePair, type CertPem, type Issuer } from './certs.js';

/**
 * What gateway replicas share through etcd, sealed under YUNBANG_GATEWAY_KEY: the certificates one
 * of them had issued (and any the worker put there), and the ACME account key. With three replicas
 * behind one Service, the CA's challenge may reach any of them (the answers are in etcd already,
 * acme.ts), and the certificate must be served by all of them, ordered once: a CA limits orders
 * per domain (Let's Encrypt: 5 duplicate certificates a week), so three replicas ordering each
 * would soon be refused. Only the gateways and the worker hold the key, from a Kubernetes Secret;
 * etcd holds ciphertext (a value sealed for one secret name cannot be replayed under another: the
 * name is inside the sealed text and checked).
 */
const log = rootLog.child({ component: 'gateway' });

export class SharedCerts {
  private watcher: Watcher | undefined;

  /** `dir`: the certificate directory the gateway reads (CertStore's); `changed`: a pair was written there. */
  constructor(private readonly etcd: Etcd3, private readonly key: string, private readonly dir: string, private readonly changed: () => void) {}

  private stopped = false;

  /**
   * Writes every shared pair into the directory, then keeps it up to date. In the background, with
   * retries: a gateway starts serving what it knows while etcd is unreachable.
   */
  start(): void {
    const attempt = () => this.follow().catch((err: Error) => {
      log.warn({ error: err.message }, 'shared certificates not read yet; retrying');
      void this.watcher?.cancel();
      if (!this.stopped) setTimeout(attempt, 2000).unref();
    });
    void attempt();
  }

  private async follow(): Promise<void> {
    this.watcher = await this.etcd.watch().prefix(CERTS_PREFIX).create();
    this.watcher.on('put', (kv) => { if (this.take(kv.key.toString(), kv.value.toString())) this.changed(); });
    this.watcher.on('error', (err) => log.warn({ error: err.message }, 'watching shared certificates failed; the watch resumes'));
    const all = await this.etcd.getAll().prefix(CERTS_PREFIX).strings();
    let any = false;
    for (const [k, v] of Object.entries(all)) any = this.take(k, v) || any;
    if (any) this.changed();
  }

  async stop(): Promise<void> { this.stopped = true; await this.watcher?.cancel(); }

  private take(key: string, value: string): boolean {
    const secretName = key.slice(CERTS_PREFIX.length);
    const pem = openCertificate(this.key, secretName, value);
    if ('problem' in pem) { log.warn({ secretName, problem: pem.problem }, 'shared certificate skipped'); return false; }
    writePair(this.dir, secretName, pem);
    return true;
  }

  async get(secretName: string): Promise<CertPem | undefined> {
    const v = await this.etcd.get(certKey(secretName)).string();
    if (!v) return undefined;
    const pem = openCertificate(this.key, secretName, v);
    return 'problem' in pem ? undefined : pem;
  }

  async put(secretName: string, pem: CertPem): Promise<void> {
    await this.etcd.put(certKey(secretName)).value(sealCertificate(this.key, secretName, pem));
  }

  /**
   * An issuer whose orders are made once for all replicas: under an etcd lock per secret name, a
   * replica first takes a usable certificate another one already put in etcd, and only orders
   * (and shares) when there is none, or when it is due for renewal.
   */
  issuer(inner: Issuer): Issuer {
    return {
      name: inner.name, retryAfterMs: inner.retryAfterMs,
      issue: (host, secretName) => this.underLock(certLockKey(secretName), async () => {
        const shared = await this.get(secretName);
        const checked = shared ? verifyPem(host, shared) : null;
        if (shared && checked && 'expiresAt' in checked && checked.expiresAt.getTime() - Date.now() > RENEW_BEFORE_MS) return shared;
        const issued = await inner.issue(host, secretName);
        await this.put(secretName, issued);
        return issued;
      }),
    };
  }

  /** etcd3's lock is a try-lock (it throws while another holds it): tried again every second, for up to 10 minutes. */
  private async underLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const deadline = Date.now() + 600_000;
    for (;;) {
      try {
        return await this.etcd.lock(key).ttl(600).do(fn);
      } catch (err) {
        if (!(err instanceof EtcdLockFailedError) || Date.now() > deadline || this.stopped) throw err;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  /** The ACME account key every replica uses: the first replica's, made once (a transaction: two first replicas make one). */
  async accountKey(create: () => Promise<Buffer>): Promise<Buffer> {
    const fresh = seal(this.key, (await create()).toString(), 'gateway-certificates');
    await this.etcd.if(ACME_ACCOUNT_KEY, 'Create', '==', 0).then(this.etcd.put(ACME_ACCOUNT_KEY).value(fresh)).commit();
    const stored = await this.etcd.get(ACME_ACCOUNT_KEY).string();
    if (!stored) throw new Error('the shared ACME account key vanished from etcd');
    return Buffer.from(open(this.key, stored, 'gateway-certificates'));
  }
}
