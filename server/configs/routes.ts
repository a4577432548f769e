/**
 * `/api/configs`: create, list, get, rename, delete.
 */
import { allows, ALL_ACTIONS } from '../access/policy.ts';
import { Hono } from 'hono';
import type { AccessStore } from '../auth/access-store.ts';
import { requireAction } from '../access/authorize.ts';
import { auditActor, auditActorOf } from '../audit/audit-actor.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { requireAccount, type AppEnv } from '../auth/actor.ts';
import { initialState, readDurable } from '../config-doc.ts';
import { notFound } from '../http-errors.ts';
import { validatedBody } from '../api-spec/validated-body.ts';
import { NEW_CONFIG_BODY, RENAME_BODY } from './api-spec.ts';
import { requestOf } from '../request-context.ts';
import type { DocStorage } from '../storage/types.ts';
import type { DocumentRooms } from '../sync/room.ts';
import type { ConfigRules } from './config-rules.ts';
import type { OrgStore } from '../orgs/org-store.ts';
import { placementOf } from '../orgs/config-placement.ts';

export interface ConfigRoutesDeps {
  storage: DocStorage;
  manager: DocumentRooms;
  rules: ConfigRules;
  access: AccessStore;
  /** Configurations created and deleted are recorded. */
  audit: AuditLog;
  orgs: OrgStore;
}

export function configRoutes(deps: ConfigRoutesDeps): Hono<AppEnv> {
  const { storage, manager, rules, access } = deps;
  const app = new Hono<AppEnv>();
  // Bodies are checked with the schemas the API description declares (configs/api-spec.ts).
  const readNewConfig = validatedBody<{ name: string; data?: Record<string, unknown>; orgId?: string | null }>(NEW_CONFIG_BODY);
  const readRename = validatedBody<{ name: string }>(RENAME_BODY);

  app.get('/', async (c) => {
    const { user, configIds } = requireAccount(c.get('actor'), 'read');
    // `?org=<id>` the configurations of one organisation, `?org=personal` those of none.
    const org = c.req.query('org');
    const inWorkspace = (orgId: string | null) => org === undefined || (org === 'personal' ? orgId === null : orgId === org);
    const visible = await access.visibleConfigIds(user);
    if (visible === 'all') access.adminPowerUsed({ power: 'seeEveryConfiguration', adminId: user.id, configId: null, action: 'list', ...requestOf() });
    const list = (await storage.listConfigs()).filter((r) => (visible === 'all' || visible.has(r.id)) && (!configIds || configIds.includes(r.id)) && inWorkspace(r.orgId));
    return c.json(list.map((r) => ({ id: r.id, name: r.name, orgId: r.orgId, createdAt: r.createdAt, updatedAt: r.updatedAt })));
  });

  app.post('/', async (c) => {
    const { user } = requireAccount(c.get('actor'), 'write', { unrestricted: true });
    const body = await readNewConfig(c);
    const name = body.name.trim();
    const place = await placementOf(deps.orgs, user.id, body.orgId);
    const data = rules.prepareNewData(body.data ?? {});
    const record = await storage.createConfig({ name, initialState: initialState(data), ownerId: user.id, ...place });
    await deps.audit.record({ action: 'config.created', ...auditActor(c.get('actor')), configId: record.id, target: { name: record.name } });
    return c.json({ id: record.id, name: record.name, orgId: record.orgId, createdAt: record.createdAt, updatedAt: record.updatedAt }, 201);
  });

  app.get('/:id', async (c) => {
    const { role, grant } = await requireAction(deps, c.get('actor'), c.req.param('id'), 'read');
    const record = await storage.getConfig(c.req.param('id'));
    if (!record) throw notFound();
    const { configJson: data, yjsState } = await readDurable(record.id, { storage, manager });
    return c.json({
      id: record.id,
      name: record.name,
      data,
      ...rules.describe(record.id, data, yjsState),
      role,
      // What this caller may do here: for a personal access token, its owner's role capped by the
      // token's scopes (the role alone would overstate it).
      actions: ALL_ACTIONS.filter((action) => allows(grant, action)),
      updatedAt: record.updatedAt,
    });
  });

  app.patch('/:id', async (c) => {
    await requireAction(deps, c.get('actor'), c.req.param('id'), 'edit');
    const name = (await readRename(c)).name.trim();
    const record = await storage.renameConfig(c.req.param('id'), name);
    if (!record) throw notFound();
    return c.json({ id: record.id, name: record.name, updatedAt: record.updatedAt });
  });

  app.delete('/:id', async (c) => {
    const id = c.req.param('id');
    const access = await requireAction(deps, c.get('actor'), id, 'delete');
    const record = await storage.getConfig(id);
    if (!(await storage.deleteConfig(id))) throw notFound();
    rules.onDeleted(id);
    await deps.audit.record({ action: 'config.deleted', ...auditActorOf(c.get('actor'), access), configId: id, target: { name: record?.name ?? null } });
    return c.body(null, 204);
  });

  return app;
}
