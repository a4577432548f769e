/**
 * Reading the audit log:
 *
 * - `GET /api/orgs/:orgId/audit`         a page of the organisation's entries (admins and owners)
 * - `GET /api/orgs/:orgId/audit/export`  every matching entry as JSON lines, streamed page by page
 * - `GET /api/configs/:id/audit`         one configuration's entries (its owner; for a
 *                                        configuration of an organisation, that organisation's
 *                                        admins and owners only, as its log is theirs)
 *
 * Filters and paging: audit-query.ts. Another organisation's id is 404, like one that does not
 * exist (requireOrgAction); a configuration filter never reaches outside the organisation, since
 * the organisation is always part of the query.
 */
import { eq } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { stream } from 'hono/streaming';
import { configs } from '../../shared/node/db/schema.ts';
import { orgCan } from '../../shared/org-roles.ts';
import { requireAction } from '../access/authorize.ts';
import type { AccessStore } from '../auth/access-store.ts';
import { actorUserId, type AppEnv } from '../auth/actor.ts';
import type { Db } from '../db/connect.ts';
import { ApiError } from '../http-errors.ts';
import { requireOrgAction } from '../orgs/org-access.ts';
import type { OrgStore } from '../orgs/org-store.ts';
import type { Logger } from 'pino';
import { AUDIT_EXPORT_PAGE, readAuditQuery } from './audit-query.ts';
import type { AuditScope, AuditStore } from './audit-store.ts';

export interface AuditRouteDeps {
  db: Db;
  access: AccessStore;
  orgs: OrgStore;
  store: AuditStore;
  logger: Logger;
}

const filterOf = (c: Context<AppEnv>) => readAuditQuery(c.req.queries());

export function orgAuditRoutes(deps: AuditRouteDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/:orgId/audit', async (c) => {
    const { orgId } = await requireOrgAction(deps.orgs, c.get('actor'), c.req.param('orgId'), 'readAudit');
    return c.json(await deps.store.page({ orgId }, filterOf(c)));
  });

  app.get('/:orgId/audit/export', async (c) => {
    const { orgId } = await requireOrgAction(deps.orgs, c.get('actor'), c.req.param('orgId'), 'readAudit');
    // Checked before the first byte: a bad query is a 422, not a broken download.
    const filter = { ...filterOf(c), limit: AUDIT_EXPORT_PAGE };
    return exportLines(c, deps, { orgId }, filter, `audit-${orgId}-${new Date().toISOString().slice(0, 10)}.jsonl`);
  });

  return app;
}

export function configAuditRoutes(deps: AuditRouteDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/:id/audit', async (c) => {
    const id = c.req.param('id');
    await requireAction(deps, c.get('actor'), id, 'manageAccess');
    const [config] = await deps.db.select({ orgId: configs.orgId }).from(configs).where(eq(configs.id, id));
    if (config?.orgId) {
      // Past manageAccess the caller owns the configuration; an organisation's log (addresses of
      // its people) is for its admins and owners, who read it on the organisation's page too.
      const userId = actorUserId(c.get('actor'));
      const role = userId ? await deps.orgs.roleOf(config.orgId, userId) : null;
      if (!orgCan(role, 'readAudit')) throw new ApiError(403, 'forbidden', "this configuration belongs to an organisation: its audit log is read by the organisation's admins");
    }
    const filter = filterOf(c);
    return c.json(await deps.store.page({ configId: id }, { ...filter, configId: undefined }));
  });

  return app;
}

/** Streams every matching entry, newest first, one JSON object per line, reading a page at a
 * time: the log may be far larger than what a process should hold. */
function exportLines(c: Context<AppEnv>, deps: AuditRouteDeps, scope: AuditScope, filter: ReturnType<typeof readAuditQuery>, fileName: string) {
  c.header('content-type', 'application/x-ndjson; charset=utf-8');
  c.header('content-disposition', `attachment; filename="${fileName}"`);
  c.header('cache-control', 'no-store');
  return stream(
    c,
    async (s) => {
      let before = filter.before;
      for (;;) {
        const page = await deps.store.page(scope, { ...filter, before });
        if (page.entries.length > 0) await s.write(page.entries.map((e) => JSON.stringify(e)).join('\n') + '\n');
        if (page.next === null || s.aborted) return;
        before = page.next;
      }
    },
    async (err, s) => {
      // Headers are gone: the only honest answer left is a cut-short download, and the log.
      deps.logger.error({ err, scope }, 'audit export failed mid-stream');
      await s.close();
    },
  );
}
