/**
 * Bearer secrets (session and share tokens): 256 bits from the CSPRNG, stored only as sha256.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** 32 bytes = 256 bits of entropy, as the issue asks for share links; sessions use the same. */
export const TOKEN_BYTES = 32;
/** base64url of 32 bytes is 43 characters; anything much longer is not one of ours. */
export const MAX_TOKEN_LENGTH = 64;

export function newToken(): string {
  return randomBytes(TOKEN_BYTES).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time check that `token` hashes to `storedHash`. Rows are found by an index on the
 * hash; this final comparison never exits early on the first differing byte. */
export function tokenMatches(token: string, storedHash: string): boolean {
  const a = Buffer.from(hashToken(token), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

export function plausibleToken(token: unknown): token is string {
  return typeof token === 'string' && token.length >= 20 && token.length <= MAX_TOKEN_LENGTH && /^[A-Za-z0-9_-]+$/.test(token);
}
