/**
 * Secrets at rest (docs/security.md, "Secrets at rest"): a value the server must read back later
 * (a webhook's signing secret, first-boot secrets) is stored sealed with AES-256-GCM under the
 * deployment's key (`SECRETS_KEY`), never in the clear. A sealed value names the key that sealed
 * it, so keys can be rotated: `SECRETS_KEY=<new>,<old>` seals with the first and opens with any.
 *
 * Format: `v1.<key id>.<iv>.<ciphertext>.<tag>` (base64url parts). The key id is the first 8 bytes
 * of sha256 over the key, in hex: it identifies the key without revealing it. `context` (e.g.
 * `webhook:<id>`) is bound as additional data, so a sealed value copied to another row does not
 * open there.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const VERSION = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
/** Name of the generated key file in DATA_DIR (development and `npm start` only). */
export const SECRETS_KEY_FILE = 'secrets.key';

export class SecretsKeyError extends Error {
  readonly code = 'invalid_setting';
}

/** Opening failed: an unknown key id, a damaged value, or the wrong context. Never says which
 * bytes were wrong. */
export class SealedOpenError extends Error {}

interface Key {
  id: string;
  bytes: Buffer;
}

export interface Sealer {
  /** Id of the key new values are sealed with. */
  readonly keyId: string;
  seal(plain: string, context: string): string;
  open(sealed: string, context: string): string;
}

function keyId(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, 16);
}

/** One key: 32 bytes as base64 (`openssl rand -base64 32`) or 64 hex digits. */
function parseKey(raw: string): Key {
  const text = raw.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64');
  if (bytes.length !== KEY_BYTES || (!/^[0-9a-fA-F]{64}$/.test(text) && bytes.toString('base64').replace(/=+$/, '') !== text.replace(/=+$/, ''))) {
    throw new SecretsKeyError('SECRETS_KEY must be 32 random bytes as base64 (openssl rand -base64 32) or 64 hex digits; several keys are comma separated, the first seals');
  }
  return { id: keyId(bytes), bytes };
}

/** `SECRETS_KEY`: one key or several, comma separated (the first seals, every one opens). */
export function createSealer(secretsKey: string): Sealer {
  const keys = secretsKey
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map(parseKey);
  if (keys.length === 0) throw new SecretsKeyError('SECRETS_KEY is empty');
  const byId = new Map(keys.map((k) => [k.id, k]));
  const current = keys[0];
  return {
    keyId: current.id,
    seal(plain, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current.bytes, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [VERSION, current.id, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
    },
    open(sealed, context) {
      const parts = sealed.split('.');
      if (parts.length !== 5 || parts[0] !== VERSION) throw new SealedOpenError('not a sealed value');
      const key = byId.get(parts[1]);
      if (!key) throw new SealedOpenError(`sealed with key ${parts[1]}, which SECRETS_KEY does not hold`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key.bytes, Buffer.from(parts[2], 'base64url'));
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(Buffer.from(parts[4], 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(parts[3], 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        throw new SealedOpenError('the sealed value does not open with its key (damaged, or sealed for something else)');
      }
    },
  };
}

/** A fresh key in the form SECRETS_KEY takes. */
export function generateSecretsKey(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

/**
 * The key a server process seals with. `SECRETS_KEY` when set. Without it, production refuses to
 * start (a key made up on one replica cannot open what another sealed, and one lost with a
 * container's disk makes every stored secret unreadable); elsewhere (`npm start`, development) a
 * key is generated once into `<dataDir>/secrets.key` (mode 0600) and read from there afterwards.
 */
export function resolveSecretsKey(options: { secretsKey: string | undefined; production: boolean; dataDir: string }): { key: string; source: 'setting' | 'file' | 'generated' } {
  if (options.secretsKey?.trim()) return { key: options.secretsKey.trim(), source: 'setting' };
  if (options.production) {
    throw new SecretsKeyError('SECRETS_KEY is required in production (NODE_ENV=production): generate one with `openssl rand -base64 32` and keep it with your backups');
  }
  const file = path.join(options.dataDir, SECRETS_KEY_FILE);
  if (existsSync(file)) return { key: readFileSync(file, 'utf8').trim(), source: 'file' };
  mkdirSync(options.dataDir, { recursive: true });
  const key = generateSecretsKey();
  // `wx`: two processes starting at once never overwrite each other's key.
  try {
    writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { key: readFileSync(file, 'utf8').trim(), source: 'file' };
    throw error;
  }
  chmodSync(file, 0o600);
  return { key, source: 'generated' };
}
