/**
 * Decoding what clients send, without throwing. `decodeURIComponent` throws `URIError` on a
 * malformed escape (`%ZZ`, a cut-off UTF-8 sequence); on a path that runs outside a request
 * handler (the WebSocket upgrade) such a throw used to take the whole process down. Every decode of
 * client input goes through here and gets `null` back for "not decodable", which callers turn
 * into a 4xx or a close code.
 */

/** One percent-encoded component (a path segment, a cookie value), or null when malformed. */
export function decodeComponent(raw: string): string | null {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch (error) {
    if (error instanceof URIError) return null;
    throw error;
  }
}

/** A request target (`req.url` of a raw upgrade) as a URL, or null when it cannot be parsed. */
export function parseRequestUrl(raw: string | undefined): URL | null {
  try {
    return new URL(raw ?? '/', 'http://localhost');
  } catch (error) {
    if (error instanceof TypeError) return null;
    throw error;
  }
}
