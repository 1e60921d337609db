import { randomBytes } from 'node:crypto';
import { constantTimeEquals, SecretBox } from './secret-box';

describe('SecretBox (AES-256-GCM)', () => {
  const box = new SecretBox(randomBytes(32).toString('base64'));

  it('seals to a versioned form that never contains the plaintext, and opens it back', () => {
    const sealed = box.seal('tiny-token-123', 'conn-1:tiny');
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('tiny-token-123');
    expect(box.open(sealed, 'conn-1:tiny')).toBe('tiny-token-123');
    expect(box.seal('tiny-token-123', 'conn-1:tiny')).not.toBe(sealed);
  });

  it('refuses a ciphertext moved to another connection or purpose (associated data)', () => {
    const sealed = box.seal('secret', 'conn-1:tiny');
    expect(() => box.open(sealed, 'conn-2:tiny')).toThrow();
    expect(() => box.open(sealed, 'conn-1:ideris')).toThrow();
  });

  it('refuses a tampered ciphertext and another key', () => {
    const sealed = box.seal('secret', 'a');
    const [v, iv, tag, ct] = sealed.split('.');
    const flipped = Buffer.from(ct!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => box.open([v, iv, tag, flipped.toString('base64url')].join('.'), 'a')).toThrow();
    expect(() => new SecretBox(randomBytes(32).toString('base64')).open(sealed, 'a')).toThrow();
    expect(() => new SecretBox(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
  });

  it('compares secrets of any length', () => {
    expect(constantTimeEquals('abc', 'abc')).toBe(true);
    expect(constantTimeEquals('abc', 'abd')).toBe(false);
    expect(constantTimeEquals('abc', 'abcd')).toBe(false);
  });
});
