/**
 * First-boot secrets of a configuration (docs/security.md, "First-boot secrets"), all
 * `manageSecrets` (editors and owners, never through a share link; tokens need the `secrets`
 * scope). Write-only: no answer ever holds a value.
 *
 * - `GET    /:id/secrets`         every name with whether it is set, by whom and when
 * - `PUT    /:id/secrets/:name`   `{ "value": "…" }` set or replace
 * - `DELETE /:id/secrets/:name`   clear (204 whether or not it was set)
 *
 * Names are the closed set of shared/firstboot-secrets.ts; another is 404 `unknown_secret`. Each
 * change is one change-log entry "secret <name> changed by <person>", without the value.
 */
import { Hono, type Context } from 'hono';
import { FIRSTBOOT_SECRET_NAMES, firstbootSecretProblem, isFirstbootSecretName, type FirstbootSecretName } from '../../shared/firstboot-secrets.ts';
import { createConfigSecretStore, type ConfigSecretStore } from '../../shared/node/secrets/config-secrets.ts';
import type { Db } from '../db/connect.ts';
import { withConfigTenant } from '../db/tenant.ts';
import type { Sealer } from '../../shared/node/secrets/sealed.ts';
import { requireAction, type Access } from '../access/authorize.ts';
import type { AccessStore } from '../auth/access-store.ts';
import { auditActorOf } from '../audit/audit-actor.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { AppEnv } from '../auth/actor.ts';
import { personOf, type Person } from '../history/people.ts';
import { ApiError } from '../http-errors.ts';
import { validatedBody } from '../api-spec/validated-body.ts';
import { SECRET_BODY } from './api-spec.ts';

export interface SecretRouteDeps {
  /** For the list read as the configuration's tenant (RLS, server/db/tenant.ts). */
  db: Db;
  access: AccessStore;
  store: ConfigSecretStore;
  sealer: Sealer;
  /** Records which secret was set or cleared, by whom: never the value. */
  audit: AuditLog;
  /** Writes the change-log entry (server/history/change-log.ts `recordSecretChange`). */
  recordChange(configId: string, name: FirstbootSecretName, op: 'add' | 'change' | 'remove', by: Person): Promise<void>;
}

export function secretRoutes(deps: SecretRouteDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const allowed = (c: Context<AppEnv>, id: string): Promise<Access> => requireAction(deps, c.get('actor'), id, 'manageSecrets');
  const nameOf = (c: Context<AppEnv>): FirstbootSecretName => {
    const name = c.req.param('name');
    if (!isFirstbootSecretName(name)) {
      throw new ApiError(404, 'unknown_secret', `unknown first-boot secret; one of: ${FIRSTBOOT_SECRET_NAMES.join(', ')}`, { names: FIRSTBOOT_SECRET_NAMES });
    }
    return name;
  };

  app.get('/:id/secrets', async (c) => {
    const id = c.req.param('id');
    await allowed(c, id);
    // As the configuration's tenant: RLS is the second line on this read (server/db/tenant.ts).
    return c.json({ secrets: await withConfigTenant(deps.db, id, (tx) => createConfigSecretStore(tx).list(id)) });
  });

  // The schema the API description declares (secrets/api-spec.ts); the per-name rule after it.
  const readSecret = validatedBody<{ value: string }>(SECRET_BODY);
  app.put('/:id/secrets/:name', async (c) => {
    const id = c.req.param('id');
    const access = await allowed(c, id);
    const name = nameOf(c);
    const body = await readSecret(c);
    const problem = firstbootSecretProblem(name, body.value);
    // The message says what is wrong with the value, never the value.
    if (problem) throw new ApiError(422, 'validation_failed', problem, [{ path: '/value', message: problem, keyword: 'secret' }]);
    const by = personOf(access);
    const { replaced } = await deps.store.set(deps.sealer, id, name, body.value, { id: access.principal.kind === 'shareLinkGuest' ? null : access.principal.userId, name: by.name });
    await deps.recordChange(id, name, replaced ? 'change' : 'add', by);
    await deps.audit.record({ action: 'secret.set', ...auditActorOf(c.get('actor'), access), configId: id, target: { name, replaced } });
    const status = (await deps.store.list(id)).find((s) => s.name === name)!;
    return c.json({ secret: status });
  });

  app.delete('/:id/secrets/:name', async (c) => {
    const id = c.req.param('id');
    const access = await allowed(c, id);
    const name = nameOf(c);
    if (await deps.store.clear(id, name)) {
      await deps.recordChange(id, name, 'remove', personOf(access));
      await deps.audit.record({ action: 'secret.cleared', ...auditActorOf(c.get('actor'), access), configId: id, target: { name } });
    }
    return c.body(null, 204);
  });

  return app;
}
