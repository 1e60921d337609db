import { createCipheriv, createDecipheriv, randomBytes, timingSafeEqual, createHash } from 'node:crypto';

const LEGACY = 'v1';
const VERSION = 'v2';
const IV_BYTES = 12;

/** A key's id, kept beside each ciphertext: which key opens it, without trying them all. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 8);
}

function decodeKey(keyBase64: string, name: string): Buffer {
  const key = Buffer.from(keyBase64.trim(), 'base64');
  if (key.length !== 32) throw new Error(`${name} must be 32 bytes, base64-encoded`);
  return key;
}

/**
 * AES-256-GCM for credentials at rest. The sealed form is `v2.<key id>.<iv>.<tag>.<ciphertext>` (base64url);
 * `v1.<iv>.<tag>.<ciphertext>` (no key id, before rotation existed) is still opened. Sealing always uses the
 * current key; opening also accepts the previous keys, so a new key can be rolled out, everything re-sealed
 * under it (`needsReseal`), and only then the old one retired — without downtime.
 */
export class SecretBox {
  private readonly key: Buffer;
  readonly keyId: string;
  private readonly keys = new Map<string, Buffer>();

  constructor(keyBase64: string, previousKeysBase64: readonly string[] = []) {
    this.key = decodeKey(keyBase64, 'HUB_ENCRYPTION_KEY');
    this.keyId = keyIdOf(this.key);
    this.keys.set(this.keyId, this.key);
    for (const previous of previousKeysBase64) {
      const key = decodeKey(previous, 'HUB_ENCRYPTION_KEYS_PREVIOUS entries');
      this.keys.set(keyIdOf(key), key);
    }
  }

  static fromConfig(config: { HUB_ENCRYPTION_KEY: string; HUB_ENCRYPTION_KEYS_PREVIOUS?: string }): SecretBox {
    return new SecretBox(config.HUB_ENCRYPTION_KEY, (config.HUB_ENCRYPTION_KEYS_PREVIOUS ?? '').split(',').filter((k) => k.trim()));
  }

  seal(plaintext: string, associatedData?: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    if (associatedData) cipher.setAAD(Buffer.from(associatedData));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, this.keyId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
  }

  open(sealed: string, associatedData?: string): string {
    const parts = sealed.split('.');
    if (parts[0] === VERSION && parts.length === 5) {
      const key = this.keys.get(parts[1]!);
      if (!key) throw new Error(`sealed under key ${parts[1]}, which is neither HUB_ENCRYPTION_KEY nor one of HUB_ENCRYPTION_KEYS_PREVIOUS`);
      return decrypt(key, parts[2]!, parts[3]!, parts[4]!, associatedData);
    }
    if (parts[0] === LEGACY && parts.length === 4) {
      let last: unknown;
      for (const key of this.keys.values()) {
        try {
          return decrypt(key, parts[1]!, parts[2]!, parts[3]!, associatedData);
        } catch (error) {
          last = error;
        }
      }
      throw last instanceof Error ? last : new Error('cannot open the sealed secret');
    }
    throw new Error('Unrecognised sealed secret');
  }

  /** True when `sealed` is not under the current key (legacy form or a previous key). */
  needsReseal(sealed: string): boolean {
    const parts = sealed.split('.');
    return !(parts[0] === VERSION && parts[1] === this.keyId);
  }
}

function decrypt(key: Buffer, iv: string, tag: string, ciphertext: string, associatedData?: string): string {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  if (associatedData) decipher.setAAD(Buffer.from(associatedData));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
}

/** Constant-time comparison of two strings of possibly different length. */
export function constantTimeEquals(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}
