import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Seals the secrets Yunbang keeps in PostgreSQL (clusters' kubeconfigs; git credentials until the worker puts them into a
 * Kubernetes Secret, webhook secrets for checking deliveries): AES-256-GCM, under a key derived
 * with HKDF-SHA256 from YUNBANG_SECRET_KEY and the purpose, so one purpose's key opens nothing of
 * another's. Only ciphertext is stored. `v1` values (a key from a bare SHA-256, before HKDF) still open.
 */
export type Purpose = 'git-credentials' | 'webhook-secret' | 'cluster-kubeconfig' | 'gateway-certificates' | 'notification-secret';

const SALT = Buffer.from('yunbang/seal/v2');
const keyOf = (secretKey: string, purpose: Purpose) => Buffer.from(hkdfSync('sha256', secretKey, SALT, `yunbang ${purpose}`, 32));
const legacyKeyOf = (secretKey: string) => createHash('sha256').update(`yunbang/v1/${secretKey}`).digest();

export function seal(secretKey: string, plaintext: string, purpose: Purpose = 'git-credentials'): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(secretKey, purpose), iv);
  cipher.setAAD(Buffer.from(purpose));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v2', iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join('.');
}

export const isSealed = (value: string) => /^v[12]\./.test(value);

export function open(secretKey: string, sealed: string, purpose: Purpose = 'git-credentials'): string {
  const [v, iv, tag, body] = sealed.split('.');
  if ((v !== 'v1' && v !== 'v2') || !iv || !tag || !body) throw new Error('not a sealed value');
  const decipher = createDecipheriv('aes-256-gcm', v === 'v2' ? keyOf(secretKey, purpose) : legacyKeyOf(secretKey), Buffer.from(iv, 'base64'));
  if (v === 'v2') decipher.setAAD(Buffer.from(purpose));
  decipher.setAuthTag(Buffer.from(tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
}
