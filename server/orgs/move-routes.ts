/**
 * `POST /api/configs/:id/move` `{ orgId: string | null }`: moves a configuration into an
 * organisation, out of one (null: personal) or between two (`move-config.ts` holds the rules).
 * Everyone's access to it is re-decided at once; the audit log of each organisation involved
 * records `config.moved` with where from and where to.
 */
import { Hono } from 'hono';
import type { AccessStore } from '../auth/access-store.ts';
import type { AccessEvents } from '../access/access-control.ts';
import { requireAction } from '../access/authorize.ts';
import { validatedBody } from '../api-spec/validated-body.ts';
import { requireSession, type AppEnv } from '../auth/actor.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Db } from '../db/connect.ts';
import { MOVE_BODY } from './api-spec.ts';
import { moveConfig } from './move-config.ts';
import type { OrgStore } from './org-store.ts';

export interface MoveRouteDeps {
  db: Db;
  access: AccessStore;
  orgs: OrgStore;
  events: AccessEvents;
  audit: AuditLog;
}

const readMove = validatedBody<{ orgId: string | null }>(MOVE_BODY);

export function moveRoutes(deps: MoveRouteDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post('/:id/move', async (c) => {
    const id = c.req.param('id');
    await requireAction(deps, c.get('actor'), id, 'transfer');
    const session = requireSession(c.get('actor'));
    const { orgId } = await readMove(c);
    const result = await moveConfig(deps, { configId: id, to: orgId, actorId: session.user.id });
    if (result.moved) {
      // Its rooms reload everywhere under the new tenant (their Redis channel is named with it),
      // and everyone's access is re-decided.
      await deps.events.moved(id);
      const target = { from: result.from, to: result.to };
      for (const org of new Set([result.from, result.to])) {
        if (org !== null) await deps.audit.record({ action: 'config.moved', actorId: session.user.id, orgId: org, configId: id, target });
      }
    }
    return c.json({ id, orgId: result.to, moved: result.moved });
  });

  return app;
}
