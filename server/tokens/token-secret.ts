/**
 * The personal access token's text: `brt_<public id>_<secret>`. The fixed prefix lets secret
 * scanners (GitHub's, gitleaks) recognise a leaked token; the public id finds the row through a
 * unique index; only sha256 of the secret is stored.
 *
 * sha256, not scrypt: the secret is 256 bits from the CSPRNG, so nobody can guess it, slowly or
 * quickly, from a stolen hash. A slow hash buys time only against guessable inputs (passwords);
 * here it would cost every scripted request ~100 ms and 32 MiB (security.md, "Personal access
 * tokens").
 */
import { randomBytes } from 'node:crypto';
import { TOKEN_PREFIX } from '../../shared/token-scopes.ts';
import { hashToken, newToken, tokenMatches } from '../auth/tokens.ts';

/** 12 random bytes as hex: unique by chance, and short enough to show in a list. */
const PUBLIC_ID_BYTES = 12;
const PUBLIC_ID_RE = /^[0-9a-f]{24}$/;
/** base64url of the 32-byte secret (server/auth/tokens.ts `TOKEN_BYTES`). */
const SECRET_RE = /^[A-Za-z0-9_-]{43}$/;

export interface TokenParts {
  publicId: string;
  secret: string;
}

/** A new token: the whole text (shown once), its public id, and the hash to store. */
export function newAccessToken(): { token: string; publicId: string; secretHash: string } {
  const publicId = randomBytes(PUBLIC_ID_BYTES).toString('hex');
  const secret = newToken();
  return { token: `${TOKEN_PREFIX}${publicId}_${secret}`, publicId, secretHash: hashToken(secret) };
}

/** Whether a bearer credential is meant as a personal access token (whether or not it is valid). */
export function isAccessTokenText(credential: string | null | undefined): credential is string {
  return typeof credential === 'string' && credential.startsWith(TOKEN_PREFIX);
}

/** The parts of a well-formed token text, or null. Never throws. */
export function parseAccessToken(text: string): TokenParts | null {
  if (!text.startsWith(TOKEN_PREFIX)) return null;
  const rest = text.slice(TOKEN_PREFIX.length);
  const cut = rest.indexOf('_');
  if (cut < 0) return null;
  const publicId = rest.slice(0, cut);
  const secret = rest.slice(cut + 1);
  return PUBLIC_ID_RE.test(publicId) && SECRET_RE.test(secret) ? { publicId, secret } : null;
}

/** Constant-time comparison of the presented secret with the stored hash. */
export const secretMatches = (secret: string, storedHash: string): boolean => tokenMatches(secret, storedHash);

/** What a list shows of a token: the prefix and public id, never the secret. */
export const displayPrefix = (publicId: string): string => `${TOKEN_PREFIX}${publicId}`;
