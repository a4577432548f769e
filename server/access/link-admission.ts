/**
 * Share links at WebSocket admission, without Postgres for every guest: the link a token names is
 * remembered for a few seconds (keyed by the token's hash, like the table), and the "uses" count
 * and last use are added up in memory and written once per link every few seconds instead of one
 * UPDATE per socket. A link pasted into a chat of two hundred people, or its guests' reconnect
 * storm after a deploy, then costs one lookup and one write, not four hundred statements
 * (architecture.md, "Access").
 *
 * Only active links are kept. Every invalidation that may concern a link (a link edited or
 * revoked, the configuration deleted; everything after a bus reconnect) drops entries before the
 * live connections are re-decided, on every process; entries also end after ACCESS_BOUND_MS, the
 * bound within which a change whose announcement was lost ends live connections. Expiry needs no
 * invalidation: the policy compares the link's `expiresAt` with the clock at every decision.
 *
 * Uses are informational (the Share dialog shows them): a process that dies loses at most
 * USE_FLUSH_INTERVAL_MS of counts, never an access decision.
 */
import { ACCESS_BOUND_MS, type AccessScope } from '../auth/access-revalidation.ts';
import type { ShareLink } from '../auth/access-store.ts';
import { hashToken } from '../auth/tokens.ts';

/** How long a resolved link is trusted without an invalidation. */
export const LINK_CACHE_TTL_MS = ACCESS_BOUND_MS;
/** Past this many remembered links the cache starts over, bounding its memory. */
export const LINK_CACHE_MAX = 10_000;
/** Counted uses are written at most this often (and at shutdown). */
export const USE_FLUSH_INTERVAL_MS = 5_000;

type ResolvedLink = ShareLink & { snapshotJson: unknown; snapshotState: Uint8Array | null };

export interface LinkAdmissionDeps {
  resolveShare(token: string): Promise<ResolvedLink | null>;
  /** Adds `uses` to the link's count and sets its last use to now. */
  addShareUses(linkId: string, uses: number): Promise<void>;
  onFlushError?(error: unknown): void;
}

export interface LinkAdmission {
  resolveShare(token: string): Promise<ResolvedLink | null>;
  /** Counts one use of the link (a guest admitted); written with the next flush. */
  countUse(link: ShareLink): void;
  forget(scope?: AccessScope): void;
  /** Writes the counted uses now (shutdown, tests). */
  flush(): Promise<void>;
  close(): Promise<void>;
  readonly size: number;
}

export function createLinkAdmission(deps: LinkAdmissionDeps, options: { ttlMs?: number; now?: () => number; flushIntervalMs?: number } = {}): LinkAdmission {
  const ttlMs = options.ttlMs ?? LINK_CACHE_TTL_MS;
  const now = options.now ?? Date.now;
  const byHash = new Map<string, { link: ResolvedLink; until: number }>();
  const pending = new Map<string, Promise<ResolvedLink | null>>();
  /** Bumped by every forget: a lookup that started before an invalidation is not stored after it. */
  let generation = 0;
  const uses = new Map<string, number>();
  let flushing: Promise<void> = Promise.resolve();

  const flush = (): Promise<void> => {
    if (uses.size === 0) return flushing;
    const batch = [...uses];
    uses.clear();
    flushing = flushing.then(async () => {
      for (const [linkId, count] of batch) {
        await deps.addShareUses(linkId, count).catch((error: unknown) => deps.onFlushError?.(error));
      }
    });
    return flushing;
  };
  const timer = setInterval(() => void flush(), options.flushIntervalMs ?? USE_FLUSH_INTERVAL_MS);
  timer.unref();

  return {
    resolveShare(token) {
      const key = hashToken(token);
      const hit = byHash.get(key);
      if (hit && hit.until > now()) return Promise.resolve(hit.link);
      const inFlight = pending.get(key);
      if (inFlight) return inFlight;
      const started = generation;
      const answer = deps.resolveShare(token).then((link) => {
        if (link && generation === started) {
          if (byHash.size >= LINK_CACHE_MAX) byHash.clear();
          byHash.set(key, { link, until: now() + ttlMs });
        }
        return link;
      });
      const settle = () => {
        if (pending.get(key) === answer) pending.delete(key);
      };
      answer.then(settle, settle);
      pending.set(key, answer);
      return answer;
    },

    countUse(link) {
      uses.set(link.id, (uses.get(link.id) ?? 0) + 1);
    },

    forget(scope) {
      // A session ending or a member's role changing leaves links as they are.
      if (scope && ('sessionId' in scope || 'accountId' in scope || (scope.userId !== undefined && scope.linkId === undefined))) return;
      generation++;
      pending.clear();
      if (!scope) return byHash.clear();
      for (const [key, { link }] of byHash) {
        if (link.configId === scope.configId && (scope.linkId === undefined || link.id === scope.linkId)) byHash.delete(key);
      }
    },

    flush,

    async close() {
      clearInterval(timer);
      await flush();
    },

    get size() {
      return byHash.size;
    },
  };
}
