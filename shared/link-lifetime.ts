/**
 * Share-link lifetimes in words, for the organisation's link policy: the server's refusals and the
 * client's forms say "7 days" or "12 hours" the same way.
 */

/** The shortest maximum link lifetime an organisation may set: a shorter one makes links that
 * expire before anybody opens them. */
export const MIN_LINK_LIFETIME_MS = 60_000;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const count = (n: number, unit: string) => `${Number.isInteger(n) ? n : n.toFixed(1)} ${unit}${n === 1 ? '' : 's'}`;

/** "7 days", "1.5 days", "12 hours", "30 minutes". */
export function lifetimeWords(ms: number): string {
  if (ms >= DAY_MS) return count(ms / DAY_MS, 'day');
  if (ms >= HOUR_MS) return count(ms / HOUR_MS, 'hour');
  return count(Math.round(ms / 60_000), 'minute');
}
