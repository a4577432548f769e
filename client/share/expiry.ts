/** When a share link stops working: the choices offered, and how an expiry reads. */

const DAY_MS = 24 * 3600 * 1000;

/** The server refuses links that live longer than a year (MAX_SHARE_LIFETIME_MS). */
export const MAX_LINK_LIFETIME_DAYS = 365;

export const EXPIRY_CHOICES = [
  { id: 'never', label: 'Never' },
  { id: '1d', label: 'In 1 day', days: 1 },
  { id: '7d', label: 'In 7 days', days: 7 },
  { id: '30d', label: 'In 30 days', days: 30 },
  { id: 'custom', label: 'On a date…' },
] as const;

export type ExpiryChoice = (typeof EXPIRY_CHOICES)[number]['id'];

/** `YYYY-MM-DD` of a local date, as `<input type="date">` wants it. */
export function dateInputValue(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The first and last day a custom expiry may be (local dates for the date input). */
export function customDateBounds(now = new Date(), daysAhead = MAX_LINK_LIFETIME_DAYS): { min: string; max: string } {
  return { min: dateInputValue(now), max: dateInputValue(new Date(now.getTime() + (daysAhead - 1) * DAY_MS)) };
}

/**
 * The ISO expiry for a choice: undefined for "never"; a custom date means "until the end of that
 * day" (local time). Throws with a sentence a person can act on when the date is not usable.
 */
export function expiryFor(choice: ExpiryChoice, customDate: string, now = new Date()): string | undefined {
  if (choice === 'never') return undefined;
  if (choice === 'custom') {
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(customDate);
    if (!match) throw new Error('Choose the date the link stops working.');
    const end = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]), 23, 59, 59);
    if (end.getTime() <= now.getTime()) throw new Error('The date must be today or later.');
    if (end.getTime() - now.getTime() > MAX_LINK_LIFETIME_DAYS * DAY_MS) throw new Error('A link may live at most a year.');
    return end.toISOString();
  }
  const days = EXPIRY_CHOICES.find((c) => c.id === choice && 'days' in c) as { days: number } | undefined;
  return new Date(now.getTime() + (days?.days ?? 1) * DAY_MS).toISOString();
}

/** "never", "expired", "in 3 h", "in 6 days", or the date. */
export function describeExpiry(expiresAt: string | null, now = Date.now()): string {
  if (!expiresAt) return 'never';
  const left = Date.parse(expiresAt) - now;
  if (!Number.isFinite(left)) return '';
  if (left <= 0) return 'expired';
  if (left < 3600 * 1000) return `in ${Math.max(1, Math.round(left / 60_000))} min`;
  if (left < DAY_MS) return `in ${Math.round(left / 3_600_000)} h`;
  if (left < 60 * DAY_MS) return `in ${Math.round(left / DAY_MS)} days`;
  return `on ${new Date(expiresAt).toLocaleDateString()}`;
}
