/**
 * Invitations into an organisation: the same proof-of-address flow as configuration invitations
 * (server/invitations/routes.ts, docs/security.md "Invitations").
 *
 * - `POST   /api/orgs/:orgId/invitations` `{ email, role }`  invite (admins; an owner role only
 *           by an owner). 201; without a mailer (or when sending failed) also `{ token, url }`,
 *           this once
 * - `GET    /api/orgs/:orgId/invitations`                  the pending ones (admins)
 * - `DELETE /api/orgs/:orgId/invitations/:invitationId`    revoke one (admins)
 * - `POST   /api/org-invitations/lookup` `{ token }`       what a link offers (anyone holding it)
 * - `POST   /api/org-invitations/accept` `{ token }`       spend it: the signed-in caller joins
 *
 * Tokens travel in request bodies, not paths, so they never land in request logs.
 */
import { Hono } from 'hono';
import type { Logger } from 'pino';
import type { OrgRole } from '../../shared/org-roles.ts';
import type { AccessEvents } from '../access/access-control.ts';
import { validatedBody } from '../api-spec/validated-body.ts';
import { requireSession, type AppEnv } from '../auth/actor.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { ApiError, notFound } from '../http-errors.ts';
import { inviteeAddress } from '../invitations/invitee-address.ts';
import type { Mailer } from '../invitations/mailer.ts';
import { ORG_INVITATION_TOKEN_BODY, ORG_INVITE_BODY } from './api-spec.ts';
import type { OrgInvitationStore } from './org-invitation-store.ts';
import { requireOrgAction } from './org-access.ts';
import type { OrgStore } from './org-store.ts';

export interface OrgInvitationRouteDeps {
  orgs: OrgStore;
  invitations: OrgInvitationStore;
  events: AccessEvents;
  audit: AuditLog;
  /** Null without `SMTP_URL`: the admin is given the link to pass on. */
  mailer: Mailer | null;
  logger: Logger;
  publicUrl: () => string;
}

const invalidLink = () => new ApiError(404, 'invitation_invalid', 'this invitation link is unknown, already used, expired or revoked; ask an admin of the organisation for a new one');
const readInvite = validatedBody<{ email: string; role: OrgRole }>(ORG_INVITE_BODY);
const readToken = validatedBody<{ token: string }>(ORG_INVITATION_TOKEN_BODY);

const view = (i: { id: string; email: string; role: string; createdAt: Date; expiresAt: Date }) => ({ id: i.id, email: i.email, role: i.role, createdAt: i.createdAt, expiresAt: i.expiresAt });

/** The routes on one organisation (mounted at `/api/orgs`). */
export function orgInvitationRoutes(deps: OrgInvitationRouteDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post('/:orgId/invitations', async (c) => {
    const me = await requireOrgAction(deps.orgs, c.get('actor'), c.req.param('orgId'), 'manageMembers');
    const body = await readInvite(c);
    if (body.role === 'owner' && me.role !== 'owner') throw new ApiError(403, 'forbidden', 'only an owner may invite an owner');
    const email = inviteeAddress(body.email);
    const inviter = me.session.user;
    const { invitation, token } = await deps.invitations.create({ orgId: me.orgId, email, role: body.role, invitedBy: inviter.id });
    await deps.audit.record({ action: 'invitation.created', actorId: inviter.id, orgId: me.orgId, target: { scope: 'org', invitationId: invitation.id, email, role: body.role } });
    const url = `${deps.publicUrl()}/oi/${token}`;
    if (deps.mailer) {
      const org = await deps.orgs.get(me.orgId);
      try {
        await deps.mailer.sendOrgInvitation({ to: email, url, orgName: org?.name ?? 'an organisation', inviterName: inviter.name, role: body.role, expiresAt: invitation.expiresAt });
        return c.json({ ...view(invitation), delivery: 'email' as const }, 201);
      } catch (error) {
        // The invitation stands; the admin gets the link to pass on by other means.
        deps.logger.warn({ err: error, invitationId: invitation.id }, 'organisation invitation mail failed; handing the link over');
        return c.json({ ...view(invitation), delivery: 'link' as const, mailError: 'the e-mail could not be sent; copy the link instead', token, url }, 201);
      }
    }
    return c.json({ ...view(invitation), delivery: 'link' as const, token, url }, 201);
  });

  app.get('/:orgId/invitations', async (c) => {
    const { orgId } = await requireOrgAction(deps.orgs, c.get('actor'), c.req.param('orgId'), 'manageMembers');
    return c.json((await deps.invitations.listPending(orgId)).map(view));
  });

  app.delete('/:orgId/invitations/:invitationId', async (c) => {
    const me = await requireOrgAction(deps.orgs, c.get('actor'), c.req.param('orgId'), 'manageMembers');
    const revoked = await deps.invitations.revoke(me.orgId, c.req.param('invitationId'));
    if (!revoked) throw notFound('invitation');
    await deps.audit.record({ action: 'invitation.revoked', actorId: me.session.user.id, orgId: me.orgId, target: { scope: 'org', invitationId: revoked.id, email: revoked.email, role: revoked.role } });
    return c.body(null, 204);
  });

  return app;
}

/** The routes a link's holder calls (mounted at `/api/org-invitations`). */
export function orgInvitationLinkRoutes(deps: OrgInvitationRouteDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post('/lookup', async (c) => {
    const preview = await deps.invitations.preview((await readToken(c)).token);
    if (!preview) throw invalidLink();
    return c.json({ orgId: preview.orgId, orgName: preview.orgName, role: preview.role, email: preview.email, invitedBy: preview.invitedByName, expiresAt: preview.expiresAt });
  });

  app.post('/accept', async (c) => {
    const session = requireSession(c.get('actor'));
    const result = await deps.invitations.accept((await readToken(c)).token, session.user.id);
    if (!result.ok) throw invalidLink();
    // Their role on every configuration of the organisation may have changed: open sockets and
    // remembered admissions are re-decided.
    await deps.events.invalidate({ accountId: session.user.id });
    await deps.audit.record({ action: 'invitation.accepted', actorId: session.user.id, orgId: result.orgId, target: { scope: 'org', invitationId: result.invitationId, role: result.role } });
    if (result.previous === null) {
      await deps.audit.record({ action: 'member.added', actorId: session.user.id, orgId: result.orgId, target: { scope: 'org', userId: session.user.id, role: result.role, via: 'invitation' } });
    } else if (result.previous !== result.role) {
      await deps.audit.record({ action: 'member.role_changed', actorId: session.user.id, orgId: result.orgId, target: { scope: 'org', userId: session.user.id, from: result.previous, to: result.role, via: 'invitation' } });
    }
    return c.json({ orgId: result.orgId, role: result.role });
  });

  return app;
}

