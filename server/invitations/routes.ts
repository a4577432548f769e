/**
 * Invitations REST:
 *
 * - `POST   /api/configs/:id/members` `{ email, role }`  invite (owner). 201 with the invitation;
 *           when no mailer is configured (or sending failed) also `{ token, url }`, this once.
 * - `DELETE /api/configs/:id/invitations/:invitationId`   revoke a pending invitation (owner)
 * - `POST   /api/invitations/lookup` `{ token }`          what a link offers (anyone holding it)
 * - `POST   /api/invitations/accept` `{ token }`          spend it: the signed-in caller becomes a
 *           member with the invitation's role
 *
 * Tokens travel in request bodies, not paths, so they never land in request logs.
 */
import { Hono } from 'hono';
import type { Logger } from 'pino';
import type { ShareRole } from '../../shared/roles.ts';
import { validatedBody } from '../api-spec/validated-body.ts';
import { INVITATION_TOKEN_BODY, INVITE_BODY } from './api-spec.ts';
import { inviteeAddress } from './invitee-address.ts';
import type { AccessStore } from '../auth/access-store.ts';
import { requireAction } from '../access/authorize.ts';
import { auditActor, auditActorOf } from '../audit/audit-actor.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { requireSession, type AppEnv } from '../auth/actor.ts';
import type { AccessEvents } from '../access/access-control.ts';
import { ApiError, notFound } from '../http-errors.ts';
import type { DocStorage } from '../storage/types.ts';
import type { InvitationStore } from './invitation-store.ts';
import type { Mailer } from './mailer.ts';


export interface InvitationRouteDeps {
  access: AccessStore;
  invitations: InvitationStore;
  storage: DocStorage;
  events: AccessEvents;
  /** Invitations made, revoked and accepted are recorded (never their tokens). */
  audit: AuditLog;
  /** Null without `SMTP_URL`: the owner is given the link to pass on. */
  mailer: Mailer | null;
  logger: Logger;
  publicUrl: () => string;
}

const invalidLink = () => new ApiError(404, 'invitation_invalid', 'this invitation link is unknown, already used, expired or revoked; ask the owner for a new one');

// The schemas the API description declares (invitations/api-spec.ts).
const readInvite = validatedBody<{ email: string; role: ShareRole }>(INVITE_BODY);
const readTokenBody = validatedBody<{ token: string }>(INVITATION_TOKEN_BODY);

export function invitationRoutes(deps: InvitationRouteDeps): Hono<AppEnv> {
  const { invitations } = deps;
  const app = new Hono<AppEnv>();

  app.post('/configs/:id/members', async (c) => {
    const id = c.req.param('id');
    const me = await requireAction(deps, c.get('actor'), id, 'manageAccess');
    const body = await readInvite(c);
    const email = inviteeAddress(body.email);
    const inviter = me.session!.user;
    const { invitation, token } = await invitations.create({ configId: id, email, role: body.role, invitedBy: inviter.id });
    await deps.audit.record({
      action: 'invitation.created',
      ...auditActorOf(c.get('actor'), me),
      configId: id,
      target: { scope: 'config', invitationId: invitation.id, email, role: invitation.role, expiresAt: invitation.expiresAt },
    });
    const url = `${deps.publicUrl()}/i/${token}`;
    const view = { id: invitation.id, email, role: invitation.role, pending: true, createdAt: invitation.createdAt, expiresAt: invitation.expiresAt };
    if (deps.mailer) {
      const config = await deps.storage.getConfig(id);
      try {
        await deps.mailer.sendInvitation({ to: email, url, configName: config?.name ?? 'a configuration', inviterName: inviter.name, role: invitation.role, expiresAt: invitation.expiresAt });
        return c.json({ ...view, delivery: 'email' as const }, 201);
      } catch (error) {
        // The invitation stands; the owner gets the link to pass on by other means.
        deps.logger.warn({ err: error, invitationId: invitation.id }, 'invitation mail failed; handing the link to the owner');
        return c.json({ ...view, delivery: 'link' as const, mailError: 'the e-mail could not be sent; copy the link instead', token, url }, 201);
      }
    }
    return c.json({ ...view, delivery: 'link' as const, token, url }, 201);
  });

  app.delete('/configs/:id/invitations/:invitationId', async (c) => {
    const id = c.req.param('id');
    const me = await requireAction(deps, c.get('actor'), id, 'manageAccess');
    const invitationId = c.req.param('invitationId');
    if (!(await invitations.revoke(id, invitationId))) throw notFound('invitation');
    await deps.audit.record({ action: 'invitation.revoked', ...auditActorOf(c.get('actor'), me), configId: id, target: { scope: 'config', invitationId } });
    return c.body(null, 204);
  });

  app.post('/invitations/lookup', async (c) => {
    const preview = await invitations.preview((await readTokenBody(c)).token);
    if (!preview) throw invalidLink();
    return c.json({
      configId: preview.configId,
      configName: preview.configName,
      role: preview.role,
      email: preview.email,
      invitedBy: preview.invitedByName,
      expiresAt: preview.expiresAt,
    });
  });

  app.post('/invitations/accept', async (c) => {
    const session = requireSession(c.get('actor'));
    const result = await invitations.accept((await readTokenBody(c)).token, session.user.id);
    if (!result.ok) throw invalidLink();
    // Open sockets of this person on the configuration (through a link, say) are re-decided: a
    // stronger role applies at once, an owner or admin stays what they are.
    await deps.events.invalidate({ configId: result.configId, userId: session.user.id });
    // Accepting makes a member: both are recorded, so a filter on either finds it.
    const who = auditActor(c.get('actor'));
    await deps.audit.record({ action: 'invitation.accepted', ...who, configId: result.configId, target: { scope: 'config', userId: session.user.id, role: result.role } });
    await deps.audit.record({ action: 'member.added', ...who, configId: result.configId, target: { scope: 'config', userId: session.user.id, role: result.role, by: 'invitation' } });
    return c.json({ configId: result.configId, role: result.role });
  });

  return app;
}
