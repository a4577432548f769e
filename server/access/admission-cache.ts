/**
 * Member roles for WebSocket admission, remembered per (configuration, person) so a connection to
 * a loaded room is let in without a Postgres query: a reconnect storm or a person opening many
 * tabs asks Postgres once per (configuration, person), not once per socket (architecture.md,
 * "Access").
 *
 * Only granted roles are kept. An access change is announced as an invalidation (access-control.ts)
 * and drops the entries it names, on every process, before the live connections are re-decided;
 * a re-check that closes or lowers a connection drops that person's entries too (it may have
 * found a change whose invalidation was lost). Entries also end after ADMISSION_CACHE_TTL_MS, so a
 * change whose announcement never arrived (Redis down) stops admitting people within the same
 * bound that ends their live connections.
 */
import type { Role } from '../../shared/roles.ts';
import { ACCESS_BOUND_MS, type AccessScope } from '../auth/access-revalidation.ts';

/** How long a remembered role is trusted without an invalidation: no longer than a live
 * connection may outlive a change whose announcement was lost. */
export const ADMISSION_CACHE_TTL_MS = ACCESS_BOUND_MS;
/** Past this many remembered roles the cache starts over, bounding its memory. */
export const ADMISSION_CACHE_MAX = 50_000;

type MemberRoleLookup = (configId: string, user: { id: string; isAdmin: boolean }) => Promise<Role | null>;

export interface AdmissionCacheOptions {
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

export interface AdmissionCache {
  /** The member role `lookup` would answer, from memory when a granted one is fresh. */
  memberRole: MemberRoleLookup;
  /** Drops what `scope` may have changed; everything without a scope. */
  forget(scope?: AccessScope): void;
  /** Drops every configuration's entry of one person (a re-check found their access changed). */
  forgetPerson(userId: string): void;
  readonly size: number;
}

export function createAdmissionCache(lookup: MemberRoleLookup, options: AdmissionCacheOptions = {}): AdmissionCache {
  const ttlMs = options.ttlMs ?? ADMISSION_CACHE_TTL_MS;
  const maxEntries = options.maxEntries ?? ADMISSION_CACHE_MAX;
  const now = options.now ?? Date.now;
  /** configId → person key → role. By configuration, since invalidations name one. */
  const byConfig = new Map<string, Map<string, { role: Role; until: number }>>();
  /** One query per key at a time: the sockets of a storm wait for the same answer. */
  const pending = new Map<string, Promise<Role | null>>();
  let size = 0;
  /** Bumped by every forget: an answer read before an invalidation is never stored after it. */
  let generation = 0;

  const personKey = (user: { id: string; isAdmin: boolean }) => (user.isAdmin ? `${user.id}|admin` : user.id);

  const drop = (configId: string, keep?: (key: string) => boolean) => {
    const entries = byConfig.get(configId);
    if (!entries) return;
    for (const key of [...entries.keys()]) {
      if (keep?.(key)) continue;
      entries.delete(key);
      size--;
    }
    if (entries.size === 0) byConfig.delete(configId);
  };

  const forgetAll = () => {
    generation++;
    byConfig.clear();
    pending.clear();
    size = 0;
  };

  const forgetPerson = (userId: string) => {
    generation++;
    pending.clear();
    for (const configId of [...byConfig.keys()]) drop(configId, (key) => key !== userId && key !== `${userId}|admin`);
  };

  return {
    memberRole(configId, user) {
      const key = personKey(user);
      const hit = byConfig.get(configId)?.get(key);
      if (hit && hit.until > now()) return Promise.resolve(hit.role);
      const flightKey = `${configId}|${key}`;
      const inFlight = pending.get(flightKey);
      if (inFlight) return inFlight;
      const started = generation;
      const answer = lookup(configId, user).then((role) => {
        if (role !== null && generation === started) {
          if (size >= maxEntries) forgetAll();
          let entries = byConfig.get(configId);
          if (!entries) byConfig.set(configId, (entries = new Map()));
          if (!entries.has(key)) size++;
          entries.set(key, { role, until: now() + ttlMs });
        }
        return role;
      });
      const settle = () => {
        if (pending.get(flightKey) === answer) pending.delete(flightKey);
      };
      answer.then(settle, settle);
      pending.set(flightKey, answer);
      return answer;
    },

    forget(scope) {
      if (!scope) return forgetAll();
      // A session ending changes no role; the session cache (accounts.ts) drops the session.
      if ('sessionId' in scope) return;
      // Organisation or team membership: the account's roles everywhere.
      if ('accountId' in scope) return forgetPerson(scope.accountId);
      // A link changes what the link grants, not the membership remembered here.
      if (scope.linkId !== undefined && scope.userId === undefined) return;
      generation++;
      for (const key of [...pending.keys()]) if (key.startsWith(`${scope.configId}|`)) pending.delete(key);
      const userId = scope.userId;
      drop(scope.configId, userId === undefined ? undefined : (key) => key !== userId && key !== `${userId}|admin`);
    },

    forgetPerson,

    get size() {
      return size;
    },
  };
}
