import { describe, expect, it } from 'vitest';
import { open, seal } from '../src/crypto/box.js';

describe('sealed values (git credentials at rest)', () => {
  const key = 'k'.repeat(40);

  it('opens what it sealed, and the sealed form shows nothing of the value', () => {
    const sealed = seal(key, '{"token":"ghp_secret"}');
    expect(sealed).not.toContain('ghp_secret');
    expect(sealed).toMatch(/^v1\./);
    expect(open(key, sealed)).toBe('{"token":"ghp_secret"}');
    expect(seal(key, 'same')).not.toBe(seal(key, 'same')); // a fresh IV each time
  });

  it('refuses another key and a tampered value', () => {
    const sealed = seal(key, 'value');
    expect(() => open('x'.repeat(40), sealed)).toThrow();
    const [v, iv, tag, body] = sealed.split('.');
    const flipped = Buffer.from(body!, 'base64');
    flipped[0]! ^= 1;
    expect(() => open(key, [v, iv, tag, flipped.toString('base64')].join('.'))).toThrow();
    expect(() => open(key, 'not sealed')).toThrow('not a sealed value');
  });
});
