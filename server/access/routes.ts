/**
 * Members (`/api/configs/:id/members`: list, change role, remove; inviting is in
 * server/invitations/) and share links (`/api/configs/:id/shares`), owner only;
 * plus `GET /api/shares/:token`, which tells the `/s/<token>` page what a link opens.
 */
import { Hono } from 'hono';
import { isShareRole, SHARE_ROLES, type ShareRole } from '../../shared/roles.ts';
import { createAccessStore, type AccessStore, type ShareLink } from '../auth/access-store.ts';
import type { Db } from '../db/connect.ts';
import { withConfigTenant } from '../db/tenant.ts';
import { normalizeEmail } from '../auth/accounts.ts';
import { requireAction } from './authorize.ts';
import type { AppEnv } from '../auth/actor.ts';
import type { AccessEvents } from './access-control.ts';
import { ApiError, notFound } from '../http-errors.ts';
import type { InvitationStore } from '../invitations/invitation-store.ts';
import type { DocStorage } from '../storage/types.ts';
import type { DocumentRooms } from '../sync/room.ts';
import { validatedBody } from '../api-spec/validated-body.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { auditActorOf } from '../audit/audit-actor.ts';
import { linkRefusal, type LinkPolicy } from '../policies/policy-rules.ts';
import { MAX_SHARE_LABEL_LENGTH, MEMBER_ROLE_BODY, NEW_SHARE_BODY, SHARE_PATCH_BODY } from './api-spec.ts';

export { MAX_SHARE_LABEL_LENGTH } from './api-spec.ts';
/** Links live at most a year; "forever" links are how old access lingers unnoticed. */
export const MAX_SHARE_LIFETIME_MS = 365 * 24 * 3600 * 1000;

export interface AccessRouteDeps {
  /** For the lists read as the configuration's tenant (RLS, server/db/tenant.ts). */
  db: Db;
  access: AccessStore;
  invitations: InvitationStore;
  storage: DocStorage;
  manager: DocumentRooms;
  events: AccessEvents;
  /** Membership and link changes are recorded (never a link's token). */
  audit: AuditLog;
  /** Base URL people reach this server at; a function because it is known only once listening. */
  publicUrl: () => string;
  /** Writes the share-link uses this process counted but has not written yet (link-admission.ts),
   * so the list shows them; other processes' follow within their next flush. */
  flushLinkUses?: () => Promise<void>;
  /** The link policy of a configuration's organisation (server/policies/), null for a personal
   * configuration: every link created or edited here keeps to it. */
  linkPolicyOf: (configId: string) => Promise<LinkPolicy | null>;
}

const invalid = (path: string, message: string, keyword = 'enum') =>
  new ApiError(422, 'validation_failed', message, [{ path, message, keyword }]);

const shareView = (l: ShareLink) => ({
  id: l.id,
  role: l.role,
  kind: l.kind,
  label: l.label,
  expiresAt: l.expiresAt,
  createdAt: l.createdAt,
  lastUsedAt: l.lastUsedAt,
  uses: l.uses,
});

/** What the audit log keeps of a link: never its token. */
const linkTarget = (l: ShareLink) => ({ linkId: l.id, role: l.role, kind: l.kind, label: l.label, expiresAt: l.expiresAt });

function readExpiry(body: Record<string, unknown>): Date | null | undefined {
  if (body.expiresAt === undefined) return undefined;
  if (body.expiresAt === null) return null;
  const when = typeof body.expiresAt === 'string' ? new Date(body.expiresAt) : new Date(NaN);
  if (Number.isNaN(when.getTime())) throw invalid('/expiresAt', 'expiresAt must be an ISO date-time or null', 'format');
  if (when.getTime() <= Date.now()) throw invalid('/expiresAt', 'expiresAt must be in the future', 'minimum');
  if (when.getTime() - Date.now() > MAX_SHARE_LIFETIME_MS) throw invalid('/expiresAt', 'a link may live at most a year', 'maximum');
  return when;
}

function readLabel(body: Record<string, unknown>): string | null | undefined {
  if (body.label === undefined) return undefined;
  if (body.label === null || body.label === '') return null;
  if (typeof body.label !== 'string' || body.label.length > MAX_SHARE_LABEL_LENGTH) {
    throw invalid('/label', `label must be text of at most ${MAX_SHARE_LABEL_LENGTH} characters`, 'maxLength');
  }
  return body.label;
}

export function accessRoutes(deps: AccessRouteDeps): Hono<AppEnv> {
  const { access, events } = deps;
  const app = new Hono<AppEnv>();
  const owner = (c: { get(k: 'actor'): AppEnv['Variables']['actor'] }, id: string) => requireAction(deps, c.get('actor'), id, 'manageAccess');
  /** 422 with the reason when the organisation's policy does not allow this role or expiry. */
  const keepToPolicy = async (configId: string, link: { role?: ShareRole; expiresAt?: Date | null }) => {
    const refusal = linkRefusal(await deps.linkPolicyOf(configId), link);
    if (refusal) throw invalid(refusal.path, refusal.message, refusal.keyword);
  };

  app.get('/configs/:id/members', async (c) => {
    const id = c.req.param('id');
    await owner(c, id);
    // As the configuration's tenant: RLS is the second line on this read (server/db/tenant.ts).
    return c.json(await withConfigTenant(deps.db, id, (tx) => createAccessStore(tx).listMembers(id)));
  });

  // Inviting (POST …/members) lives with the invitations: server/invitations/routes.ts.

  // The schema the API description declares (access/api-spec.ts).
  const readMemberRole = validatedBody<{ role: ShareRole }>(MEMBER_ROLE_BODY);
  app.patch('/configs/:id/members/:userId', async (c) => {
    const id = c.req.param('id');
    const me = await owner(c, id);
    const body = await readMemberRole(c);
    const userId = c.req.param('userId');
    if (!(await access.setMemberRole(id, userId, body.role))) throw notFound('member');
    await events.invalidate({ configId: id, userId });
    await deps.audit.record({ action: 'member.role_changed', ...auditActorOf(c.get('actor'), me), configId: id, target: { scope: 'config', userId, role: body.role } });
    return c.json({ userId, role: body.role });
  });

  app.delete('/configs/:id/members/:userId', async (c) => {
    const id = c.req.param('id');
    const me = await owner(c, id);
    const who = auditActorOf(c.get('actor'), me);
    // Hono has already decoded the path parameter (an invited email arrives as `a%40b.c`);
    // decoding again broke addresses with a `%` in them and threw on `%25E0%25A4%25A` (a 500).
    const userId = c.req.param('userId');
    // An email names pending invitations to it (older clients revoke them this way).
    if (userId.includes('@')) {
      const email = normalizeEmail(userId);
      if (!(await deps.invitations.revokeByEmail(id, email))) throw notFound('member');
      await deps.audit.record({ action: 'invitation.revoked', ...who, configId: id, target: { scope: 'config', email } });
      return c.body(null, 204);
    }
    if (!(await access.removeMember(id, userId))) throw notFound('member');
    await events.invalidate({ configId: id, userId });
    await deps.audit.record({ action: 'member.removed', ...who, configId: id, target: { scope: 'config', userId } });
    return c.body(null, 204);
  });

  /** What the new-link form may offer: the organisation's link policy (server/policies/). */
  app.get('/configs/:id/link-policy', async (c) => {
    const id = c.req.param('id');
    await owner(c, id);
    const policy = await deps.linkPolicyOf(id);
    return c.json(
      policy
        ? { organisation: policy.orgName, allowedLinkRoles: policy.allowedLinkRoles, maxLinkLifetimeMs: policy.maxLinkLifetimeMs }
        : { organisation: null, allowedLinkRoles: [...SHARE_ROLES], maxLinkLifetimeMs: null },
    );
  });

  app.get('/configs/:id/shares', async (c) => {
    const id = c.req.param('id');
    await owner(c, id);
    await deps.flushLinkUses?.();
// As the configuration's tenant: RLS is the second line on this read (server/db/tenant.ts).
    return c.json((await withConfigTenant(deps.db, id, (tx) => createAccessStore(tx).listShares(id))).map(shareView));
  });

  // The schemas the API description declares (access/api-spec.ts); the rest is checked below.
  const readNewShare = validatedBody(NEW_SHARE_BODY);
  const readSharePatch = validatedBody(SHARE_PATCH_BODY);
  app.post('/configs/:id/shares', async (c) => {
    const id = c.req.param('id');
    const me = await owner(c, id);
    const body = await readNewShare(c);
    const kind = body.kind ?? 'live';
    if (kind !== 'live' && kind !== 'snapshot') throw invalid('/kind', 'kind must be live or snapshot');
    const role = (body.role ?? 'viewer') as ShareRole;
    if (!isShareRole(role)) throw invalid('/role', 'role must be viewer, commenter or editor');
    if (kind === 'snapshot' && role !== 'viewer') throw invalid('/role', 'a snapshot link is read-only: role must be viewer');
    const label = readLabel(body) ?? null;
    const expiresAt = readExpiry(body) ?? null;
    await keepToPolicy(id, { role, expiresAt });
    let snapshot: { json: unknown; state: Uint8Array } | undefined;
    if (kind === 'snapshot') snapshot = await freeze(deps, id);
    const { link, token } = await access.createShare({
      configId: id,
      role,
      kind,
      label,
      expiresAt,
      createdBy: me.session!.user.id,
      snapshot,
    });
    await deps.audit.record({ action: 'link.created', ...auditActorOf(c.get('actor'), me), configId: id, target: linkTarget(link) });
    return c.json({ ...shareView(link), token, url: `${deps.publicUrl()}/s/${token}` }, 201);
  });

  app.patch('/configs/:id/shares/:shareId', async (c) => {
    const id = c.req.param('id');
    const me = await owner(c, id);
    const body = await readSharePatch(c);
    const current = await access.getShare(id, c.req.param('shareId'));
    if (!current || current.revokedAt) throw notFound('share link');
    if (body.role !== undefined && (!isShareRole(body.role) || (current.kind === 'snapshot' && body.role !== 'viewer'))) {
      throw invalid('/role', 'role must be viewer, commenter or editor (viewer for snapshot links)');
    }
    const patch = { role: body.role as ShareRole | undefined, label: readLabel(body), expiresAt: readExpiry(body) };
    await keepToPolicy(id, patch);
    // `{}` changes nothing: answer with the link as it is (an UPDATE without columns is an error).
    if (Object.values(patch).every((v) => v === undefined)) return c.json(shareView(current));
    const updated = await access.updateShare(id, current.id, patch);
    if (!updated) throw notFound('share link');
    await events.invalidate({ configId: id, linkId: updated.id });
    const changed = Object.keys(patch).filter((k) => patch[k as keyof typeof patch] !== undefined);
    await deps.audit.record({ action: 'link.changed', ...auditActorOf(c.get('actor'), me), configId: id, target: { ...linkTarget(updated), changed } });
    return c.json(shareView(updated));
  });

  app.delete('/configs/:id/shares/:shareId', async (c) => {
    const id = c.req.param('id');
    const me = await owner(c, id);
    const shareId = c.req.param('shareId');
    const link = await access.getShare(id, shareId);
    if (!(await access.revokeShare(id, shareId))) throw notFound('share link');
    await events.invalidate({ configId: id, linkId: shareId });
    await deps.audit.record({ action: 'link.revoked', ...auditActorOf(c.get('actor'), me), configId: id, target: link ? linkTarget(link) : { linkId: shareId } });
    return c.body(null, 204);
  });

  /** What a link opens. Snapshot links return their frozen copy here (and count a use). */
  app.get('/shares/:token', async (c) => {
    const link = await access.resolveShare(c.req.param('token'));
    if (!link) throw new ApiError(404, 'link_invalid', 'this link is unknown, expired or revoked');
    // A live link's use is counted when its session opens (the sync connection); this lookup is
    // what the /s/<token> page does first, so counting here too would count each visit twice.
    await access.recordShareUse(link, link.kind === 'snapshot');
    const config = await deps.storage.getConfig(link.configId);
    const base = { configId: link.configId, name: config?.name ?? '', role: link.role, kind: link.kind, label: link.label, expiresAt: link.expiresAt };
    if (link.kind === 'snapshot') return c.json({ ...base, data: link.snapshotJson, frozenAt: link.createdAt });
    return c.json(base);
  });

  return app;
}

/** A frozen copy of the configuration as it is now (for snapshot links). */
async function freeze(deps: AccessRouteDeps, configId: string): Promise<{ json: unknown; state: Uint8Array }> {
  const frozen = await (await deps.manager.get(configId)).freeze();
  return { json: frozen.configJson, state: frozen.yjsState };
}
