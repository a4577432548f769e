/**
 * An organisation's members (`/api/orgs/:orgId/members`):
 *
 * - `GET    …/members`                   every member: name, address, role (any member)
 * - `PATCH  …/members/:userId` `{ role }`  change a role (admins; owners only for owners)
 * - `DELETE …/members/:userId`           remove someone (admins; owners only for owners), or
 *           leave (anyone, for themself)
 *
 * The last owner is never removed or demoted (409). After each change the account's access is
 * invalidated (its live connections and the admission cache follow) and the audit log records
 * it with `target.scope: 'org'`.
 */
import { Hono } from 'hono';
import type { OrgRole } from '../../shared/org-roles.ts';
import type { AccessEvents } from '../access/access-control.ts';
import { validatedBody } from '../api-spec/validated-body.ts';
import { requireSession, type AppEnv } from '../auth/actor.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { MEMBER_ROLE_BODY } from './api-spec.ts';
import { requireOrgAction } from './org-access.ts';
import type { OrgMembers } from './org-members.ts';
import type { OrgStore } from './org-store.ts';

export interface MemberRouteDeps {
  orgs: OrgStore;
  members: OrgMembers;
  events: AccessEvents;
  audit: AuditLog;
}

const readRole = validatedBody<{ role: OrgRole }>(MEMBER_ROLE_BODY);

export function memberRoutes(deps: MemberRouteDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/:orgId/members', async (c) => {
    const { orgId } = await requireOrgAction(deps.orgs, c.get('actor'), c.req.param('orgId'), 'readOrg');
    return c.json(await deps.members.list(orgId));
  });

  app.patch('/:orgId/members/:userId', async (c) => {
    const me = await requireOrgAction(deps.orgs, c.get('actor'), c.req.param('orgId'), 'manageMembers');
    const { role } = await readRole(c);
    const change = await deps.members.setRole(me.orgId, c.req.param('userId'), role, me.role);
    if (change) {
      await deps.events.invalidate({ accountId: change.userId });
      await deps.audit.record({ action: 'member.role_changed', actorId: me.session.user.id, orgId: me.orgId, target: { scope: 'org', userId: change.userId, from: change.from, to: change.to } });
    }
    return c.json({ userId: c.req.param('userId'), role });
  });

  app.delete('/:orgId/members/:userId', async (c) => {
    const userId = c.req.param('userId');
    const session = requireSession(c.get('actor'));
    const self = userId === session.user.id;
    // Anyone may leave; removing someone else takes an admin.
    const me = await requireOrgAction(deps.orgs, c.get('actor'), c.req.param('orgId'), self ? 'readOrg' : 'manageMembers');
    const change = await deps.members.remove(me.orgId, userId, { role: me.role, self });
    await deps.events.invalidate({ accountId: userId });
    await deps.audit.record({ action: 'member.removed', actorId: session.user.id, orgId: me.orgId, target: { scope: 'org', userId, role: change.from, left: self } });
    return c.body(null, 204);
  });

  return app;
}
