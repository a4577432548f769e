/**
 * `/api/orgs/:orgId/policies`: read an organisation's policies (any member) and change them
 * (admins and owners). A change is committed with its consequences for existing share links
 * (policy-store.ts), then announced: each revoked or shortened link is invalidated so guests on
 * it lose access at once, a member-role change re-decides every member's live connections, an
 * approval change reaches the open Review panels, and all of it lands in the audit log.
 */
import { Hono } from 'hono';
import type { ExtPublisher } from '../../shared/ext-messages.ts';
import { validatedBody } from '../api-spec/validated-body.ts';
import type { AccessEvents } from '../access/access-control.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { AppEnv } from '../auth/actor.ts';
import type { Db } from '../db/connect.ts';
import { requireOrgAction, unknownOrganisation } from '../orgs/org-access.ts';
import type { OrgPolicies, OrgStore } from '../orgs/org-store.ts';
import { getReviewSettings } from '../review/reviews.ts';
import { POLICIES_BODY } from './api-spec.ts';
import type { PolicyChange, PolicyPatch, PolicyStore } from './policy-store.ts';

export interface PolicyRouteDeps {
  db: Db;
  orgs: OrgStore;
  policies: PolicyStore;
  audit: AuditLog;
  events: AccessEvents;
  /** Live events to a configuration's Review panels. */
  push: ExtPublisher;
}

type Key = keyof PolicyPatch;
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The policies a change touched, each with its value before and after. */
function changed(before: OrgPolicies, after: OrgPolicies): Key[] {
  return (['memberRole', 'requireApproval', 'requiredApprovals', 'allowedLinkRoles', 'maxLinkLifetimeMs', 'configCreators'] as Key[]).filter((k) => !same(before[k], after[k]));
}

export function policyRoutes(deps: PolicyRouteDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/:orgId/policies', async (c) => {
    const { orgId } = await requireOrgAction(deps.orgs, c.get('actor'), c.req.param('orgId'), 'readOrg');
    const org = await deps.orgs.get(orgId);
    if (!org) throw unknownOrganisation();
    return c.json(org.policies);
  });

  const readPatch = validatedBody<PolicyPatch>(POLICIES_BODY);
  app.put('/:orgId/policies', async (c) => {
    const { orgId, session } = await requireOrgAction(deps.orgs, c.get('actor'), c.req.param('orgId'), 'managePolicies');
    const patch = await readPatch(c);
    const change = await deps.policies.update(orgId, patch);
    if (!change) throw unknownOrganisation();
    await announce(deps, orgId, session.user.id, change);
    return c.json({ policies: change.after, effect: { linksRevoked: change.revoked.length, linksShortened: change.clipped.length } });
  });

  return app;
}

/** After commit: live connections, Review panels and the audit log follow the change. */
async function announce(deps: PolicyRouteDeps, orgId: string, actorId: string, change: PolicyChange): Promise<void> {
  const keys = changed(change.before, change.after);
  if (keys.length === 0) return;
  const pick = (p: OrgPolicies) => Object.fromEntries(keys.map((k) => [k, p[k]]));
  await deps.audit.record({ action: 'policy.changed', actorId, orgId, target: { policies: keys, before: pick(change.before), after: pick(change.after) } });
  for (const link of change.revoked) {
    await deps.events.invalidate({ configId: link.configId, linkId: link.id });
    await deps.audit.record({ action: 'link.revoked', actorId, orgId, configId: link.configId, target: { linkId: link.id, role: link.role, reason: 'organisation policy allowedLinkRoles' } });
  }
  for (const link of change.clipped) {
    await deps.events.invalidate({ configId: link.configId, linkId: link.id });
    await deps.audit.record({
      action: 'link.changed',
      actorId,
      orgId,
      configId: link.configId,
      target: { linkId: link.id, expiresAt: { before: link.from, after: link.to }, reason: 'organisation policy maxLinkLifetimeMs' },
    });
  }
  // Every member's role on every configuration of the organisation may have changed.
  if (keys.includes('memberRole')) for (const accountId of await deps.policies.memberIds(orgId)) await deps.events.invalidate({ accountId });
  if (keys.includes('requireApproval') || keys.includes('requiredApprovals')) {
    for (const configId of await deps.policies.configIds(orgId)) deps.push(configId, 'settings', await getReviewSettings(deps.db, configId));
  }
}
