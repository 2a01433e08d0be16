import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { open, seal } from '../src/crypto/box.js';

describe('sealed values (git credentials and webhook secrets at rest)', () => {
  const key = 'k'.repeat(40);

  it('opens what it sealed, and the sealed form shows nothing of the value', () => {
    const sealed = seal(key, '{"token":"ghp_secret"}');
    expect(sealed).not.toContain('ghp_secret');
    expect(sealed).toMatch(/^v2\./);
    expect(open(key, sealed)).toBe('{"token":"ghp_secret"}');
    expect(seal(key, 'same')).not.toBe(seal(key, 'same')); // a fresh IV each time
  });

  it('refuses another key, another purpose and a tampered value', () => {
    const sealed = seal(key, 'value');
    expect(() => open('x'.repeat(40), sealed)).toThrow();
    // A webhook secret's key is not a git credential's: HKDF derives one per purpose.
    expect(() => open(key, seal(key, 'hook', 'webhook-secret'), 'git-credentials')).toThrow();
    expect(open(key, seal(key, 'hook', 'webhook-secret'), 'webhook-secret')).toBe('hook');
    const [v, iv, tag, body] = sealed.split('.');
    const flipped = Buffer.from(body!, 'base64');
    flipped[0]! ^= 1;
    expect(() => open(key, [v, iv, tag, flipped.toString('base64')].join('.'))).toThrow();
    expect(() => open(key, 'not sealed')).toThrow('not a sealed value');
  });

  it('still opens values sealed before HKDF (v1)', () => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', createHash('sha256').update(`yunbang/v1/${key}`).digest(), iv);
    const body = Buffer.concat([cipher.update('old', 'utf8'), cipher.final()]);
    expect(open(key, ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join('.'))).toBe('old');
  });
});
