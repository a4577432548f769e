/**
 * `/api/orgs`: organisations a signed-in person belongs to, creating one, and one organisation's
 * name, the caller's role and its policies. Members, invitations, teams, policies and the audit
 * log have routes of their own under `/api/orgs/:orgId/…`.
 */
import { Hono } from 'hono';
import { validatedBody } from '../api-spec/validated-body.ts';
import { requireSession, type AppEnv } from '../auth/actor.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { NEW_ORG_BODY } from './api-spec.ts';
import { requireOrgAction, unknownOrganisation } from './org-access.ts';
import type { OrgStore } from './org-store.ts';
import type { OrgMembers } from './org-members.ts';
import type { AccessEvents } from '../access/access-control.ts';
import { ApiError } from '../http-errors.ts';

export interface OrgRouteDeps {
  orgs: OrgStore;
  members: OrgMembers;
  events: AccessEvents;
  audit: AuditLog;
}

export function orgRoutes(deps: OrgRouteDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/', async (c) => {
    const session = requireSession(c.get('actor'));
    return c.json(await deps.orgs.listFor(session.user.id));
  });

  const readNewOrg = validatedBody<{ name: string }>(NEW_ORG_BODY);
  app.post('/', async (c) => {
    const session = requireSession(c.get('actor'));
    const { name } = await readNewOrg(c);
    const org = await deps.orgs.create(name.trim(), session.user.id);
    await deps.audit.record({ action: 'org.created', actorId: session.user.id, orgId: org.id, target: { name: org.name } });
    return c.json({ ...org, role: 'owner' }, 201);
  });

  app.get('/:orgId', async (c) => {
    const { orgId, role } = await requireOrgAction(deps.orgs, c.get('actor'), c.req.param('orgId'), 'readOrg');
    const org = await deps.orgs.get(orgId);
    if (!org) throw unknownOrganisation();
    return c.json({ ...org, role });
  });

  app.patch('/:orgId', async (c) => {
    const me = await requireOrgAction(deps.orgs, c.get('actor'), c.req.param('orgId'), 'manageOrg');
    const { name } = await readNewOrg(c);
    const renamed = await deps.members.rename(me.orgId, name.trim());
    if (!renamed) throw unknownOrganisation();
    await deps.audit.record({ action: 'org.renamed', actorId: me.session.user.id, orgId: me.orgId, target: { scope: 'org', from: renamed.from, to: renamed.name } });
    return c.json({ id: renamed.id, name: renamed.name });
  });

  app.delete('/:orgId', async (c) => {
    const me = await requireOrgAction(deps.orgs, c.get('actor'), c.req.param('orgId'), 'manageOrg');
    const people = await deps.members.memberIds(me.orgId);
    const result = await deps.members.softDelete(me.orgId);
    if (!result) throw unknownOrganisation();
    if (!result.ok) {
      throw new ApiError(409, 'org_not_empty', `the organisation still holds ${result.configs} configuration${result.configs === 1 ? '' : 's'} (the trash counts): move them out or delete them first`, [
        { path: '', message: `${result.configs} configurations`, keyword: 'configurations' },
      ]);
    }
    await deps.audit.record({ action: 'org.deleted', actorId: me.session.user.id, orgId: me.orgId, target: { scope: 'org' } });
    // Nobody holds anything through it any more.
    for (const userId of people) await deps.events.invalidate({ accountId: userId });
    return c.body(null, 204);
  });

  return app;
}
