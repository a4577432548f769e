/**
 * What the new-link form may offer under the organisation's link policy (`GET …/link-policy`;
 * the server refuses anything else): the allowed roles, the expiry choices within the maximum
 * lifetime, and a sentence saying why the others are missing.
 */
import { lifetimeWords } from '../../shared/link-lifetime.ts';
import { SHARE_ROLES, type ShareRole } from '../../shared/roles.ts';
import type { LinkPolicyInfo } from '../app/access-api.ts';
import { EXPIRY_CHOICES, MAX_LINK_LIFETIME_DAYS, type ExpiryChoice } from './expiry.ts';
import { ROLE_WORDS } from './role-words.ts';

const DAY_MS = 24 * 3600 * 1000;
/** A link made "at the longest allowed" expires this much sooner than the maximum, so the clocks
 * of browser and server need not agree to the millisecond. */
const LIMIT_MARGIN_MS = 60_000;

export type PolicyExpiryChoice = ExpiryChoice | 'limit';

export interface ExpiryOption {
  id: PolicyExpiryChoice;
  label: string;
}

/** Every role and choice: a personal configuration, or before the policy has loaded. */
export const NO_LINK_POLICY: LinkPolicyInfo = { organisation: null, allowedLinkRoles: [...SHARE_ROLES], maxLinkLifetimeMs: null };

export function allowedRoles(policy: LinkPolicyInfo): ShareRole[] {
  return SHARE_ROLES.filter((r) => policy.allowedLinkRoles.includes(r));
}

/** The expiry choices within the maximum: never "never" under a maximum, the fixed choices that
 * fit, a date only when a whole day fits, and "at the limit" when no fixed choice is the limit. */
export function expiryOptions(policy: LinkPolicyInfo): ExpiryOption[] {
  const max = policy.maxLinkLifetimeMs;
  if (max === null) return EXPIRY_CHOICES.map((c) => ({ id: c.id, label: c.label }));
  const options: ExpiryOption[] = [];
  for (const c of EXPIRY_CHOICES) {
    if ('days' in c && c.days * DAY_MS <= max) options.push({ id: c.id, label: c.label });
  }
  if (!EXPIRY_CHOICES.some((c) => 'days' in c && c.days * DAY_MS === max)) options.push({ id: 'limit', label: `In ${lifetimeWords(max)} (the longest allowed)` });
  if (max >= DAY_MS) options.push({ id: 'custom', label: 'On a date…' });
  return options;
}

/** The most whole days a custom expiry date may be ahead (its end of day must fit the maximum). */
export function customDaysAhead(policy: LinkPolicyInfo): number {
  const max = policy.maxLinkLifetimeMs;
  return max === null ? MAX_LINK_LIFETIME_DAYS : Math.max(1, Math.floor(max / DAY_MS));
}

/** The expiry of a link made "at the longest allowed". */
export function limitExpiry(policy: LinkPolicyInfo, now = Date.now()): string {
  return new Date(now + Math.max(policy.maxLinkLifetimeMs ?? DAY_MS, 2 * LIMIT_MARGIN_MS) - LIMIT_MARGIN_MS).toISOString();
}

/** Why some roles or expiries are missing, or null when the organisation sets no limits. */
export function policyNote(policy: LinkPolicyInfo): string | null {
  if (!policy.organisation) return null;
  const missing = SHARE_ROLES.filter((r) => !policy.allowedLinkRoles.includes(r));
  const parts: string[] = [];
  if (policy.allowedLinkRoles.length === 0) parts.push('allows no share links');
  else if (missing.length) parts.push(`does not allow ${missing.map((r) => ROLE_WORDS[r].name.toLowerCase()).join(' or ')} links`);
  if (policy.maxLinkLifetimeMs !== null) parts.push(`limits links to ${lifetimeWords(policy.maxLinkLifetimeMs)}`);
  if (parts.length === 0) return null;
  return `The organisation ${policy.organisation} ${parts.join(' and ')}.`;
}
