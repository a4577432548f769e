/**
 * Whole-configuration writes and file formats: `PUT /api/configs/:id/data`, import, export, and
 * `GET /api/schema`. Every write goes through the room as a server transaction, so live clients
 * see it; invalid input is refused with 422 and path-level details before anything changes.
 */
import { Hono } from 'hono';
import { Limits } from '../../shared/protocol.ts';
import type { AccessStore } from '../auth/access-store.ts';
import { requireAction } from '../access/authorize.ts';
import { requireAccount, type AppEnv } from '../auth/actor.ts';
import { configToConf } from '../../shared/conf/conf-export.ts';
import { ConfImportError, parseConf, type ImportWarning } from '../../shared/conf/conf-import.ts';
import { defaultConfig } from '../../shared/doc-binding.ts';
import { checkShape, configSchema, type ValidationIssue } from '../../shared/validation/index.ts';
import { readDurable, initialState } from '../config-doc.ts';
import { ApiError, badRequest, isJsonContentType, notFound, unprocessable } from '../http-errors.ts';
import { validatedBody } from '../api-spec/validated-body.ts';
import { DATA_PATCH_BODY, DATA_PUT_BODY, IMPORT_BODY } from './api-spec.ts';
import type { DocStorage } from '../storage/types.ts';
import { actingOrigin } from '../history/people.ts';
import type { DocumentRooms } from '../sync/room.ts';
import type { ConfigRules } from './config-rules.ts';
import { auditActor } from '../audit/audit-actor.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import { placementOf } from '../orgs/config-placement.ts';
import type { OrgStore } from '../orgs/org-store.ts';

export interface ConfigDataDeps {
  orgs: OrgStore;
  storage: DocStorage;
  manager: DocumentRooms;
  rules: ConfigRules;
  access: AccessStore;
  /** Configurations made by import are recorded as created. */
  audit: AuditLog;
}

/** File name characters we allow in Content-Disposition; the rest become '-'. */
const SAFE_FILENAME_RE = /[^a-z0-9._-]+/gi;

const details = (issues: ValidationIssue[]) => issues.map(({ path, message, keyword }) => ({ path, message, keyword }));

/** Data must be a JSON object of the right shape; rule problems (an empty board) are fine here. */
export function requireWellShaped(data: unknown): Record<string, unknown> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw unprocessable('the configuration must be a JSON object', [
      { path: '', message: 'expected a JSON object', keyword: 'type' },
    ]);
  }
  const issues = checkShape(data);
  if (issues.length > 0) throw unprocessable('the configuration does not match the schema', details(issues));
  return data as Record<string, unknown>;
}

/** The name of a configuration imported from text: the one given (the JSON body's, or `?name=`
 * of the text form, which has no schema to keep it in bounds), else the file's own. */
function importName(given: string | undefined, fallback: string): string {
  const name = given?.trim() || fallback.trim() || 'Imported configuration';
  if (name.length > Limits.maxNameLength) {
    throw badRequest(`name is longer than ${Limits.maxNameLength} characters`, [{ path: '/name', message: `at most ${Limits.maxNameLength} characters`, keyword: 'maxLength' }]);
  }
  return name;
}

export function configDataRoutes(deps: ConfigDataDeps): Hono<AppEnv> {
  const { storage, manager, rules } = deps;
  const app = new Hono<AppEnv>();
  // Bodies are checked with the schemas the API description declares (configs/api-spec.ts); the
  // configuration's shape is checked after, against its own schema (requireWellShaped).
  const readData = validatedBody(DATA_PUT_BODY);
  const readImport = validatedBody<{ name?: string; data?: Record<string, unknown>; conf?: string; orgId?: string | null }>(IMPORT_BODY);

  app.put('/:id/data', async (c) => {
    const access = await requireAction(deps, c.get('actor'), c.req.param('id'), 'edit');
    const record = await storage.getConfig(c.req.param('id'));
    if (!record) throw notFound();
    const body = await readData(c);
    // Accept both the bare configuration and the `{ data }` envelope GET returns.
    const data = requireWellShaped('data' in body && Object.keys(body).length <= 2 && typeof body.data === 'object' ? body.data : body);
    const room = await manager.get(record.id);
    // Credited to the caller in the change log; resolves once durable.
    await room.applyAs(actingOrigin(access, 'rest'), [{ kind: 'config', data }]);
    const { configJson: current, yjsState } = room.readDurable();
    return c.json({ id: record.id, name: record.name, data: current, ...rules.describe(record.id, current, yjsState) });
  });

  // Some keys, not the whole configuration (JSON Merge Patch, RFC 7396, on the top level): each
  // key given replaces that key, `null` removes it, keys not named stay as they are now, even if
  // someone changed them since the caller last read. What `boardroom set KEY=value` sends.
  const readPatch = validatedBody(DATA_PATCH_BODY);
  app.patch('/:id/data', async (c) => {
    const access = await requireAction(deps, c.get('actor'), c.req.param('id'), 'edit');
    const record = await storage.getConfig(c.req.param('id'));
    if (!record) throw notFound();
    const patch = await readPatch(c);
    const room = await manager.get(record.id);
    // Applied to the state the room holds when it writes, so concurrent edits to other keys stay.
    await room.applyAs(actingOrigin(access, 'rest'), [{ kind: 'config', data: (current) => requireWellShaped(mergePatch(current, patch)) }]);
    const { configJson: current, yjsState } = room.readDurable();
    return c.json({ id: record.id, name: record.name, data: current, ...rules.describe(record.id, current, yjsState) });
  });

  app.post('/import', async (c) => {
    const { user } = requireAccount(c.get('actor'), 'write', { unrestricted: true });
    // Two forms: JSON (`{ name, data }`, or `{ name?, conf }` with the text of an Armbian .conf
    // file or a `./compile.sh` line, which is what the browser app sends), and the same text as
    // `text/plain` for scripts (`curl --data-binary @config-x.conf`). The raw form is refused for
    // the session cookie by the cross-site guard: a page on another origin can send text/plain
    // without asking.
    const type = c.req.header('content-type') ?? '';
    let name: string;
    let prepared: Record<string, unknown>;
    let warnings: ImportWarning[] = [];
    let conf: string | null = null;
    let body: Awaited<ReturnType<typeof readImport>> = {};
    if (isJsonContentType(type)) {
      body = await readImport(c);
      conf = body.conf ?? null;
    } else if (type.split(';')[0]!.trim().toLowerCase() === 'text/plain') {
      conf = await c.req.text();
    } else {
      throw new ApiError(415, 'unsupported_media_type', 'import takes application/json, or a .conf file as text/plain');
    }
    if (conf === null) {
      // The schema requires the name when there is no `conf`.
      name = body.name!.trim();
      prepared = rules.prepareNewData(requireWellShaped(body.data ?? {}));
    } else {
      // Never refused for what the text contains, only for its size (shared/conf/conf-import.ts).
      let parsed;
      try {
        parsed = parseConf(configSchema, conf);
      } catch (error) {
        if (error instanceof ConfImportError) throw unprocessable(error.message, [{ path: '', message: error.message, keyword: 'maxLines' }]);
        throw error;
      }
      // Boardroom's header names the file; a pasted command line is named after its board.
      const fallback = parsed.name?.trim() || (typeof parsed.data.BOARD === 'string' ? parsed.data.BOARD : '') || 'Imported configuration';
      name = importName(body.name ?? c.req.query('name'), fallback);
      prepared = rules.prepareNewData(parsed.data);
      // Deliberately empty in the file: the defaults must not come back.
      for (const key of parsed.unset) delete prepared[key];
      warnings = parsed.warnings;
    }
    // JSON bodies name the organisation in `orgId`; the text/plain form in `?orgId=`.
    const place = await placementOf(deps.orgs, user.id, body.orgId ?? c.req.query('orgId'));
    const record = await storage.createConfig({ name, initialState: initialState(prepared), ownerId: user.id, ...place });
    await deps.audit.record({ action: 'config.created', ...auditActor(c.get('actor')), configId: record.id, target: { name: record.name, imported: true } });
    return c.json({ id: record.id, name: record.name, orgId: record.orgId, createdAt: record.createdAt, updatedAt: record.updatedAt, warnings }, 201);
  });

  app.get('/:id/export', async (c) => {
    await requireAction(deps, c.get('actor'), c.req.param('id'), 'read');
    const record = await storage.getConfig(c.req.param('id'));
    if (!record) throw notFound();
    const format = c.req.query('format') ?? 'json';
    const { configJson: data } = await readDurable(record.id, { storage, manager });
    const base = record.name.replace(SAFE_FILENAME_RE, '-').toLowerCase() || 'config';
    if (format === 'json') {
      c.header('content-disposition', `attachment; filename="${base}.json"`);
      return c.json({ name: record.name, schemaVersion: configSchema['x-schema-version'], data });
    }
    if (format === 'conf') {
      c.header('content-disposition', `attachment; filename="config-${base}.conf"`);
      c.header('content-type', 'text/plain; charset=utf-8');
      return c.body(configToConf(configSchema, record.name, data, defaultConfig() as Record<string, unknown>));
    }
    throw badRequest('format must be json or conf', [{ path: 'format', message: `unknown format ${format}`, keyword: 'enum' }]);
  });

  return app;
}

export function schemaRoute(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', (c) => {
    c.header('cache-control', 'public, max-age=300');
    return c.json(configSchema);
  });
  return app;
}

export { ApiError };

/** `current` with the top-level keys of `patch` replaced (`null`: removed). */
export function mergePatch(current: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  // Built from entries, never by assignment: a "__proto__" key stays a key (that the shape check
  // refuses), not a new prototype.
  const kept = Object.entries(current).filter(([key]) => !Object.hasOwn(patch, key));
  const given = Object.entries(patch).filter(([, value]) => value !== null);
  return Object.fromEntries([...kept, ...given]);
}
