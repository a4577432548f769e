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

export interface OrgRouteDeps {
  orgs: OrgStore;
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

  return app;
}
