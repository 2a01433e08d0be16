import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { dirname } from 'node:path';
import * as acme from 'acme-client';
import type { Etcd3 } from 'etcd3';
import { acmeChallengeKey } from '../src/publish/etcd.js';
import type { Issuer } from './certs.js';

/**
 * Certificates from an ACME CA (Let's Encrypt by default) by the HTTP-01 challenge, with
 * acme-client. The CA fetches http://<host>/.well-known/acme-challenge/<token> through the
 * gateway, which answers from its status server. The token's answer is kept in etcd as well as
 * in memory, so whichever gateway replica the CA reaches answers it; it is public by design
 * (served to anyone over plain HTTP) and holds no secret. With YUNBANG_GATEWAY_KEY the account key
 * and the issued certificates are shared by every replica too, sealed (shared-certs.ts).
 * Wildcard hosts cannot be validated by HTTP-01 and are refused.
 */
export interface AcmeSettings {
  email: string;
  directoryUrl: string;
  /** Where the account key is kept, so restarts reuse the account. */
  accountKeyFile: string;
  /** The account key every replica shares (shared-certs.ts), given a way to make one; unset: the file's. */
  sharedAccountKey?: (create: () => Promise<Buffer>) => Promise<Buffer>;
  /** Extra CA certificates to trust for the directory (a private ACME server); undefined: the system's. */
  caFile?: string;
}

export class ChallengeAnswers {
  private readonly local = new Map<string, string>();
  constructor(private readonly etcd: Etcd3) {}

  async put(token: string, answer: string): Promise<void> {
    this.local.set(token, answer);
    await this.etcd.put(acmeChallengeKey(token)).value(answer);
  }

  async remove(token: string): Promise<void> {
    this.local.delete(token);
    await this.etcd.delete().key(acmeChallengeKey(token));
  }

  /** The answer for a token, from this replica or any other. */
  async get(token: string): Promise<string | undefined> {
    if (!/^[A-Za-z0-9_-]{1,256}$/.test(token)) return undefined;
    return this.local.get(token) ?? (await this.etcd.get(acmeChallengeKey(token)).string()) ?? undefined;
  }
}

async function fileAccountKey(file: string, create: () => Promise<Buffer>): Promise<Buffer> {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, await create(), { mode: 0o600 });
  }
  return readFileSync(file);
}

export async function acmeIssuer(s: AcmeSettings, answers: ChallengeAnswers): Promise<Issuer> {
  const create = async () => Buffer.from(await acme.crypto.createPrivateEcdsaKey());
  const accountKey = s.sharedAccountKey ? await s.sharedAccountKey(create) : await fileAccountKey(s.accountKeyFile, create);
  if (s.caFile) acme.axios.defaults.httpsAgent = new Agent({ ca: readFileSync(s.caFile) });
  const client = new acme.Client({ directoryUrl: s.directoryUrl, accountKey });
  return {
    name: 'ACME',
    retryAfterMs: 10 * 60_000,
    issue: async (host) => {
      if (host.startsWith('*.')) throw new Error(`${host}: a wildcard certificate needs the DNS-01 challenge; provide it as a Secret instead`);
      const [key, csr] = await acme.crypto.createCsr({ commonName: host, altNames: [host] }, await acme.crypto.createPrivateEcdsaKey());
      const certPem = await client.auto({
        csr, email: s.email, termsOfServiceAgreed: true, challengePriority: ['http-01'],
        // The CA checks the challenge itself; checking it from here first would need this host's
        // public DNS to already point at the gateway from inside the cluster.
        skipChallengeVerification: true,
        challengeCreateFn: async (_authz, challenge, keyAuthorization) => { await answers.put(challenge.token, keyAuthorization); },
        challengeRemoveFn: async (_authz, challenge) => { await answers.remove(challenge.token); },
      });
      return { certPem, keyPem: key.toString() };
    },
  };
}
