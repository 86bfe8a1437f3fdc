import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TokenCipher } from '../../src/auth/token.cipher.js';

const KEY = randomBytes(32).toString('base64');
const cipher = TokenCipher.fromBase64Key(KEY);
const BONDORA_TOKEN = 'eyJhbGciOi.bondora-access-token.ü-with-unicode';

/** Flips one bit of one base64url part of a sealed value. */
function flipBit(sealed: string, partIndex: number): string {
  const parts = sealed.split('.');
  const bytes = Buffer.from(parts[partIndex] ?? '', 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 1;
  parts[partIndex] = bytes.toString('base64url');
  return parts.join('.');
}

describe('TokenCipher', () => {
  it('round-trips, with and without associated data', () => {
    expect(cipher.decrypt(cipher.encrypt(BONDORA_TOKEN))).toBe(BONDORA_TOKEN);
    expect(cipher.decrypt(cipher.encrypt(BONDORA_TOKEN, 'caller-1'), 'caller-1')).toBe(BONDORA_TOKEN);
    expect(cipher.decrypt(cipher.encrypt(''))).toBe('');
  });

  it('seals as v1.<iv>.<tag>.<ciphertext> in base64url, with a fresh IV each time', () => {
    const sealed = cipher.encrypt(BONDORA_TOKEN);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('bondora-access-token');
    expect(cipher.encrypt(BONDORA_TOKEN)).not.toBe(sealed);
  });

  it('detects tampering with the IV, the tag or the ciphertext', () => {
    const sealed = cipher.encrypt(BONDORA_TOKEN, 'caller-1');
    for (const part of [1, 2, 3]) {
      expect(() => cipher.decrypt(flipBit(sealed, part), 'caller-1')).toThrow(/could not be decrypted/);
    }
  });

  it('refuses a value sealed under another key', () => {
    const other = TokenCipher.fromBase64Key(randomBytes(32).toString('base64'));
    expect(() => other.decrypt(cipher.encrypt(BONDORA_TOKEN))).toThrow(/could not be decrypted/);
  });

  it("refuses a value moved to another caller's key (associated data)", () => {
    const sealed = cipher.encrypt(BONDORA_TOKEN, 'caller-1');
    expect(() => cipher.decrypt(sealed, 'caller-2')).toThrow(/could not be decrypted/);
    expect(() => cipher.decrypt(sealed)).toThrow(/could not be decrypted/);
    expect(() => cipher.decrypt(cipher.encrypt(BONDORA_TOKEN), 'caller-1')).toThrow(/could not be decrypted/);
  });

  it.each([
    ['plain text', 'not-sealed'],
    ['an unknown version', 'v2.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.AAAA'],
    ['a missing part', 'v1.AAAAAAAAAAAAAAAA.AAAA'],
    ['a short IV', 'v1.AAAA.AAAAAAAAAAAAAAAAAAAAAA.AAAA'],
    ['a short tag', 'v1.AAAAAAAAAAAAAAAA.AAAA.AAAA'],
    ['characters outside base64url', 'v1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.AA+/'],
  ])('refuses %s as an unknown format', (_label, sealed) => {
    expect(() => cipher.decrypt(sealed)).toThrow(/unknown format/);
  });

  it('accepts a url-safe base64 key and surrounding whitespace', () => {
    const bytes = randomBytes(32);
    const a = TokenCipher.fromBase64Key(` ${bytes.toString('base64url')}\n`);
    const b = TokenCipher.fromBase64Key(bytes.toString('base64'));
    expect(b.decrypt(a.encrypt('x'))).toBe('x');
  });

  it('refuses keys that are not 32 bytes, naming the variable and the length but never the key', () => {
    const short = randomBytes(16).toString('base64');
    expect(() => TokenCipher.fromBase64Key(short)).toThrow('TOKEN_ENCRYPTION_KEY must be 32 bytes once base64-decoded (got 16 bytes)');
    expect(() => TokenCipher.fromBase64Key(randomBytes(33).toString('base64'), 'MY_KEY')).toThrow(/^MY_KEY .*got 33 bytes/);
    expect(() => TokenCipher.fromBase64Key('')).toThrow(/got 0 bytes/);
    try {
      TokenCipher.fromBase64Key(short);
    } catch (error) {
      expect((error as Error).message).not.toContain(short);
    }
  });

  it('refuses a key that is not base64 without echoing it', () => {
    const secretish = 'this is definitely not base64!!';
    expect(() => TokenCipher.fromBase64Key(secretish)).toThrow('TOKEN_ENCRYPTION_KEY is not base64');
  });
});
