/**
 * What an organisation's policies mean for one configuration (docs/architecture.md,
 * "Organisations", policies): pure decisions, no database. The organisation's policies are a
 * floor its configurations may only tighten:
 * - approval: the effective rule is the stricter of the configuration's and the organisation's
 *   (`requireApproval` OR'ed; approvals the larger of the two when the organisation requires);
 * - share links: a role the organisation allows, and an expiry within its maximum lifetime (a
 *   link without an expiry breaks a maximum).
 */
import { lifetimeWords, MIN_LINK_LIFETIME_MS } from '../../shared/link-lifetime.ts';
import type { ShareRole } from '../../shared/roles.ts';
import type { OrgPolicies } from '../orgs/org-store.ts';

export { MIN_LINK_LIFETIME_MS };

export interface ReviewRule {
  requireApproval: boolean;
  requiredApprovals: number;
}

/** The organisation whose policy a configuration's rule comes from, as a client shows it. */
export interface OrgRule extends ReviewRule {
  orgId: string;
  name: string;
}

/** The rule that applies: the configuration's own, tightened by its organisation's. */
export function effectiveRule(own: ReviewRule, org: ReviewRule | null): ReviewRule {
  if (!org || !org.requireApproval) return { ...own };
  return { requireApproval: true, requiredApprovals: Math.max(own.requiredApprovals, org.requiredApprovals) };
}

/** Why a requested change to a configuration's review settings would loosen it below the
 * organisation's policy, or null when it does not. */
export function looserThanOrg(requested: Partial<ReviewRule>, org: OrgRule | null): { path: string; message: string } | null {
  if (!org || !org.requireApproval) return null;
  if (requested.requireApproval === false) {
    return { path: '/requireApproval', message: `the organisation ${org.name} requires approval before builds (policy requireApproval); a configuration may only tighten it` };
  }
  if (requested.requiredApprovals !== undefined && requested.requiredApprovals < org.requiredApprovals) {
    return {
      path: '/requiredApprovals',
      message: `the organisation ${org.name} requires at least ${org.requiredApprovals} approvals (policy requiredApprovals); a configuration may only ask for more`,
    };
  }
  return null;
}

export type LinkPolicy = Pick<OrgPolicies, 'allowedLinkRoles' | 'maxLinkLifetimeMs'> & { orgName: string };

export interface LinkRefusal {
  path: '/role' | '/expiresAt';
  message: string;
  keyword: 'enum' | 'maximum' | 'required';
}



/** Why a link with this role and expiry breaks the organisation's policy, or null. */
export function linkRefusal(policy: LinkPolicy | null, link: { role?: ShareRole; expiresAt?: Date | null }, now = Date.now()): LinkRefusal | null {
  if (!policy) return null;
  if (link.role !== undefined && !policy.allowedLinkRoles.includes(link.role)) {
    const allowed = policy.allowedLinkRoles.length ? `links may carry only ${policy.allowedLinkRoles.join(', ')}` : 'no share links are allowed';
    return { path: '/role', keyword: 'enum', message: `the organisation ${policy.orgName} does not allow ${link.role} links (policy allowedLinkRoles: ${allowed})` };
  }
  const max = policy.maxLinkLifetimeMs;
  if (max !== null && link.expiresAt !== undefined) {
    if (link.expiresAt === null) {
      return { path: '/expiresAt', keyword: 'required', message: `the organisation ${policy.orgName} limits links to ${lifetimeWords(max)} (policy maxLinkLifetimeMs): set an expiry` };
    }
    if (link.expiresAt.getTime() - now > max) {
      return { path: '/expiresAt', keyword: 'maximum', message: `the organisation ${policy.orgName} limits links to ${lifetimeWords(max)} (policy maxLinkLifetimeMs): choose an earlier expiry` };
    }
  }
  return null;
}

/** What tightening the link policy does to one existing link: revoke it (its role is no longer
 * allowed), bring its expiry in to the maximum counted from the change, or nothing. */
export function linkAfterTightening(
  policy: Pick<OrgPolicies, 'allowedLinkRoles' | 'maxLinkLifetimeMs'>,
  link: { role: string; expiresAt: Date | null },
  now: number,
): { revoke: true } | { expiresAt: Date } | null {
  if (!(policy.allowedLinkRoles as string[]).includes(link.role)) return { revoke: true };
  const max = policy.maxLinkLifetimeMs;
  if (max !== null && (link.expiresAt === null || link.expiresAt.getTime() > now + max)) return { expiresAt: new Date(now + max) };
  return null;
}
