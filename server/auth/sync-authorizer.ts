/**
 * Who may open `GET /sync/:configId`, with which role and which stamped identity.
 */
import { randomBytes } from 'node:crypto';
import { CloseCode } from '../../shared/protocol.ts';
import type { DocStorage } from '../storage/types.ts';
import type { AuthorizeSync } from '../ws-transport.ts';
import type { AccessStore } from './access-store.ts';
import { accessFor, principalFor, type Actor } from './actor.ts';

export function createSyncAuthorizer(deps: { storage: DocStorage; access: AccessStore }): AuthorizeSync {
  return async (c, configId) => {
    const actor = c.get('actor') as Actor;
    if (!actor.session && !actor.shareToken) return { ok: false, close: CloseCode.unauthorized };
    if (!(await deps.storage.getConfig(configId))) return { ok: false, close: CloseCode.notFound };
    const access = await accessFor(deps, actor, configId);
    if (!access) return { ok: false, close: CloseCode.forbidden };
    if (access.share) await deps.access.recordShareUse(access.share, true);
    const principal = principalFor(access, { id: randomBytes(6).toString('base64url'), name: c.req.query('name') });
    return { ok: true, principal };
  };
}
