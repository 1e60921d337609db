import { createCipheriv, randomBytes } from 'node:crypto';
import { constantTimeEquals, SecretBox } from './secret-box';

describe('SecretBox (AES-256-GCM)', () => {
  const box = new SecretBox(randomBytes(32).toString('base64'));

  it('seals to a versioned form that never contains the plaintext, and opens it back', () => {
    const sealed = box.seal('tiny-token-123', 'conn-1:tiny');
    expect(sealed).toMatch(new RegExp(`^v2\\.${box.keyId}\\.[\\w-]+\\.[\\w-]+\\.[\\w-]+$`));
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
    const [v, kid, iv, tag, ct] = sealed.split('.');
    const flipped = Buffer.from(ct!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => box.open([v, kid, iv, tag, flipped.toString('base64url')].join('.'), 'a')).toThrow();
    expect(() => new SecretBox(randomBytes(32).toString('base64')).open(sealed, 'a')).toThrow();
    expect(() => new SecretBox(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
  });

  it('compares secrets of any length', () => {
    expect(constantTimeEquals('abc', 'abc')).toBe(true);
    expect(constantTimeEquals('abc', 'abd')).toBe(false);
    expect(constantTimeEquals('abc', 'abcd')).toBe(false);
  });

  describe('key rotation', () => {
    const oldKey = randomBytes(32).toString('base64');
    const newKey = randomBytes(32).toString('base64');
    const before = new SecretBox(oldKey);
    const during = new SecretBox(newKey, [oldKey]);
    const after = new SecretBox(newKey);

    it('opens what a previous key sealed, seals only under the current key, and says what needs re-sealing', () => {
      const old = before.seal('token', 'c:tiny');
      expect(during.open(old, 'c:tiny')).toBe('token');
      expect(during.needsReseal(old)).toBe(true);
      const resealed = during.seal(during.open(old, 'c:tiny'), 'c:tiny');
      expect(resealed.split('.')[1]).toBe(after.keyId);
      expect(during.needsReseal(resealed)).toBe(false);
      expect(after.open(resealed, 'c:tiny')).toBe('token');
      expect(() => after.open(old, 'c:tiny')).toThrow(/neither HUB_ENCRYPTION_KEY nor one of HUB_ENCRYPTION_KEYS_PREVIOUS/);
    });

    it('still opens the legacy v1 form (no key id) with the current or a previous key', () => {
      const legacy = (key: string, plaintext: string, aad: string) => {
        // The v1 layout, as stored before key ids existed.
        const iv = randomBytes(12);
        const cipher = createCipheriv('aes-256-gcm', Buffer.from(key, 'base64'), iv);
        cipher.setAAD(Buffer.from(aad));
        const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
        return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
      };
      expect(during.open(legacy(oldKey, 'from-old', 'x'), 'x')).toBe('from-old');
      expect(during.open(legacy(newKey, 'from-new', 'x'), 'x')).toBe('from-new');
      expect(during.needsReseal(legacy(newKey, 'from-new', 'x'))).toBe(true);
      expect(() => after.open(legacy(oldKey, 'from-old', 'x'), 'x')).toThrow();
    });

    it('builds from the configuration, previous keys comma-separated', () => {
      const box2 = SecretBox.fromConfig({ HUB_ENCRYPTION_KEY: newKey, HUB_ENCRYPTION_KEYS_PREVIOUS: `${oldKey},${randomBytes(32).toString('base64')}` });
      expect(box2.open(before.seal('t', 'a'), 'a')).toBe('t');
    });
  });
});
