/**
 * Trash routes: `GET /api/trash` lists the caller's deleted configurations with the date each
 * leaves the trash for good; `POST /api/configs/:id/restore` brings one back whole (owner only).
 * Deleting is `DELETE /api/configs/:id` (server/configs/routes.ts), which only marks the row.
 */
import { Hono } from 'hono';
import type { AccessStore } from '../auth/access-store.ts';
import { requireAction } from '../access/authorize.ts';
import { auditActor } from '../audit/audit-actor.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { requireSession, type AppEnv } from '../auth/actor.ts';
import { notFound } from '../http-errors.ts';
import { requestOf } from '../request-context.ts';
import type { DocStorage } from '../storage/types.ts';
import { purgeDate, type TrashStore } from './trash-store.ts';

export interface TrashRoutesDeps {
  trash: TrashStore;
  access: AccessStore;
  storage: DocStorage;
  retentionDays: number;
  /** Restores are recorded. */
  audit: AuditLog;
}

export function trashRoutes(deps: TrashRoutesDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/trash', async (c) => {
    const session = requireSession(c.get('actor'));
    const rows = await deps.trash.listOwned(session.user.id);
    return c.json(
      rows.map((r) => ({
        id: r.id,
        name: r.name,
        deletedAt: r.deletedAt,
        purgeAt: purgeDate(r.deletedAt, deps.retentionDays),
      })),
    );
  });

  app.post('/configs/:id/restore', async (c) => {
    const id = c.req.param('id');
    const actor = c.get('actor');
    const user = actor.session?.user;
    let restored = user ? await deps.trash.restore(id, { id: user.id, isAdmin: false }) : null;
    // Someone else's configuration comes back only through an instance admin's power, which is logged.
    if (!restored && user?.isAdmin) {
      restored = await deps.trash.restore(id, user);
      if (restored) deps.access.adminPowerUsed({ power: 'restoreAnyTrash', adminId: user.id, configId: id, action: 'restore', ...requestOf() });
    }
    if (restored) {
      await deps.audit.record({ action: 'config.restored', ...auditActor(actor), configId: restored.id, target: { name: restored.name } });
      return c.json({ id: restored.id, name: restored.name, updatedAt: restored.updatedAt, restored: true });
    }
    // Not in the caller's trash: answered like any owner-only action on a live configuration
    // (401 / 404 / 403), and for its owner there is nothing to do. A trashed configuration of
    // someone else is "unknown", as on every other route.
    await requireAction(deps, actor, id, 'delete');
    const record = await deps.storage.getConfig(id);
    if (!record) throw notFound();
    return c.json({ id: record.id, name: record.name, updatedAt: record.updatedAt, restored: false });
  });

  return app;
}
