/**
 * Which browser origins may use a person's session cookie: `PUBLIC_URL`'s origin plus
 * `ALLOWED_ORIGINS`; without `PUBLIC_URL`, the server's own `http://HOST:PORT` (and, when it
 * listens on loopback, the other loopback spellings of the same port, so `localhost` and
 * `127.0.0.1` both work for a local `npm start`). Another port of the same host is another
 * origin: SameSite=Lax still sends it the cookie, this check is what stops it.
 */

export class OriginSettingError extends Error {
  readonly code = 'invalid_origin';
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** `https://Example.com:443/path` → `https://example.com`; null for anything that is not one. */
export function originOf(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.origin;
  } catch {
    return null;
  }
}

export interface OriginPolicyInput {
  /** Read at call time: the port (and so the default public URL) is known only after listen. */
  publicUrl: () => string;
  allowedOrigins: string[];
  host: string;
  port: () => number;
}

export interface OriginPolicy {
  allows(origin: string): boolean;
  /** The allowed origins, for the refusal message and the start-up log. */
  list(): string[];
}

export function createOriginPolicy(input: OriginPolicyInput): OriginPolicy {
  const extra = input.allowedOrigins.map((o) => {
    const origin = originOf(o);
    if (!origin) throw new OriginSettingError(`ALLOWED_ORIGINS: "${o}" is not an http(s) origin`);
    return origin;
  });
  const list = (): string[] => {
    const set = new Set(extra);
    const pub = originOf(input.publicUrl());
    if (pub) set.add(pub);
    if (LOOPBACK_HOSTS.has(input.host)) {
      for (const host of ['127.0.0.1', 'localhost', '[::1]']) set.add(`http://${host}:${input.port()}`);
    }
    return [...set];
  };
  return {
    allows: (origin) => {
      const normal = originOf(origin);
      return normal !== null && list().includes(normal);
    },
    list,
  };
}
