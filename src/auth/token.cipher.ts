import { createCipheriv, createDecipheriv, createSecretKey, randomBytes, type KeyObject } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/**
 * OAuth tokens encrypted at rest (AES-256-GCM). A sealed value is "v1.<iv>.<tag>.<ciphertext>",
 * each part base64url; the version prefix leaves room for a key rotation later. The optional
 * associated data binds a value to its owner (the caller id): a value copied under another
 * caller's key fails to decrypt instead of handing over someone else's Bondora token.
 */
export class TokenCipher {
  private constructor(private readonly key: KeyObject) {}

  /** The key as configured: base64 (standard or url-safe alphabet) of exactly 32 bytes. */
  static fromBase64Key(key: string, variable = 'TOKEN_ENCRYPTION_KEY'): TokenCipher {
    const text = key.trim();
    // Buffer.from skips characters outside the alphabet, so check the text first rather than decode garbage.
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(text)) throw new Error(`${variable} is not base64`);
    const bytes = Buffer.from(text, 'base64');
    if (bytes.length !== KEY_BYTES) {
      throw new Error(`${variable} must be ${KEY_BYTES} bytes once base64-decoded (got ${bytes.length} bytes)`);
    }
    return new TokenCipher(createSecretKey(bytes));
  }

  encrypt(plaintext: string, associatedData?: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.key, iv, { authTagLength: TAG_BYTES });
    if (associatedData !== undefined) cipher.setAAD(Buffer.from(associatedData, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
  }

  /** Throws on an unknown format, tampering, a wrong key or wrong associated data (GCM cannot tell those apart). */
  decrypt(sealed: string, associatedData?: string): string {
    const [iv, tag, ciphertext] = parse(sealed);
    const decipher = createDecipheriv(ALGORITHM, this.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tag);
    if (associatedData !== undefined) decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    try {
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      throw new Error('the sealed token could not be decrypted (tampered, another key or another owner)');
    }
  }
}

function parse(sealed: string): [iv: Buffer, tag: Buffer, ciphertext: Buffer] {
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION || !parts.every((part, i) => i === 0 || BASE64URL.test(part))) {
    throw new Error('the sealed token has an unknown format');
  }
  const [iv, tag, ciphertext] = parts.slice(1).map((part) => Buffer.from(part, 'base64url')) as [Buffer, Buffer, Buffer];
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new Error('the sealed token has an unknown format');
  return [iv, tag, ciphertext];
}
