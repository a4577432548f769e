/**
 * History REST, under `/api/configs/:id`:
 *
 * - `GET  /history?path=&limit=&before=`  the change log, newest first (one field with `path`)
 * - `GET  /history/last`                   per path: who changed it last, and when
 * - `GET  /versions?limit=&before=&kind=`  named versions, newest first
 * - `POST /versions` `{ label }`           freeze the current state
 * - `GET  /versions/:versionId`            one version with its JSON (`?state=1` adds the Yjs state)
 * - `POST /versions/:versionId/restore` `{ path? }`  restore it, whole (configuration and notes),
 *                                          one subtree, or only the notes (`path: "#notes"`)
 * - `GET  /diff?from=&to=`                 field-level diff; from/to are version ids or `current`;
 *                                          a notes change is one more entry, path `#notes`
 *
 * Reading needs `read`; creating and restoring versions need `edit`.
 */
import { Hono } from 'hono';
import { diffConfigs } from '../../shared/config-diff.ts';
import type { ExtPublisher } from '../../shared/ext-messages.ts';
import { configSchema } from '../../shared/validation/index.ts';
import type { AccessStore } from '../auth/access-store.ts';
import { requireAction } from '../access/authorize.ts';
import type { AppEnv } from '../auth/actor.ts';
import { isRootPath } from '../../shared/doc-layout.ts';
import { diffRootTexts, rootTextsOfState } from '../../shared/notes-text.ts';
import { diffTrees, filePathOf } from '../../shared/files/file-diff.ts';
import { readTreeOfState, type TreeEntry } from '../../shared/files/file-tree.ts';
import { readDurable } from '../config-doc.ts';
import { ApiError, badRequest, notFound } from '../http-errors.ts';
import { validatedBody } from '../api-spec/validated-body.ts';
import { NEW_VERSION_BODY, RESTORE_BODY } from './api-spec.ts';
import type { Db } from '../db/connect.ts';
import { withConfigTenant } from '../db/tenant.ts';
import type { DocStorage } from '../storage/types.ts';
import type { DocumentRooms } from '../sync/room.ts';
import { HISTORY_PAGE_DEFAULT, HISTORY_PAGE_MAX, type ChangeLog } from './change-log.ts';
import { readLimit, readText } from './params.ts';
import { actingOrigin, personOf } from './people.ts';
import { restoreVersion } from './restore.ts';
import {
  countManualVersions,
  getVersion,
  insertVersion,
  listVersions,
  MAX_MANUAL_VERSIONS_PER_CONFIG,
  VERSIONS_PAGE_DEFAULT,
  VERSIONS_PAGE_MAX,
  type VersionKind,
  type VersionMeta,
} from './versions.ts';

/** Paths are JSON Pointers into a configuration: a property name and maybe a list index. */
export const MAX_PATH_LENGTH = 512;

export interface HistoryRouteDeps {
  db: Db;
  storage: DocStorage;
  manager: DocumentRooms;
  access: AccessStore;
  changeLog: ChangeLog;
  push: ExtPublisher;
  /** Told of every version made here, after it is stored (webhooks' `version.created`). */
  onVersionCreated?: (configId: string, version: VersionMeta) => void;
}

function readPath(raw: string | undefined, name = 'path'): string | undefined {
  if (raw === undefined) return undefined;
  if (raw.length > MAX_PATH_LENGTH || (raw !== '' && !raw.startsWith('/') && !isRootPath(raw) && filePathOf(raw) === undefined)) {
    throw badRequest(`${name} must be a JSON Pointer of at most ${MAX_PATH_LENGTH} characters`, [
      { path: name, message: 'expected a JSON Pointer such as /BOARD', keyword: 'format' },
    ]);
  }
  return raw;
}

export function historyRoutes(deps: HistoryRouteDeps): Hono<AppEnv> {
  const { db, changeLog } = deps;
  const app = new Hono<AppEnv>();
  const allow = (c: { get(k: 'actor'): AppEnv['Variables']['actor'] }, id: string, action: 'read' | 'edit') =>
    requireAction(deps, c.get('actor'), id, action);

  /** A version's JSON, other roots' texts and files, or the configuration's as they are durable now. */
  const stateOf = async (configId: string, ref: string, param: string): Promise<{ data: Record<string, unknown>; texts: Record<string, string>; files: TreeEntry[] }> => {
    if (ref === 'current') {
      const now = await readDurable(configId, deps);
      return { data: now.configJson, texts: now.texts, files: readTreeOfState(now.yjsState) };
    }
    const version = await getVersion(db, configId, ref);
    if (!version) throw new ApiError(404, 'not_found', `unknown version ${ref} (${param})`);
    return { data: version.data, texts: rootTextsOfState(version.yjsState), files: readTreeOfState(version.yjsState) };
  };

  app.get('/:id/history', async (c) => {
    const id = c.req.param('id');
    await allow(c, id, 'read');
    const path = readPath(c.req.query('path'));
    const limit = readLimit(c.req.query('limit'), HISTORY_PAGE_DEFAULT, HISTORY_PAGE_MAX);
    const rawBefore = c.req.query('before');
    const before = rawBefore === undefined ? undefined : Number(rawBefore);
    if (before !== undefined && !Number.isSafeInteger(before)) {
      throw badRequest('before must be the seq of an entry (the `next` of the previous page)', [
        { path: 'before', message: 'expected an integer', keyword: 'type' },
      ]);
    }
    return c.json(await changeLog.list(id, { path, limit, before }));
  });

  app.get('/:id/history/last', async (c) => {
    const id = c.req.param('id');
    await allow(c, id, 'read');
    return c.json(await changeLog.lastByPath(id));
  });

  app.get('/:id/versions', async (c) => {
    const id = c.req.param('id');
    await allow(c, id, 'read');
    const limit = readLimit(c.req.query('limit'), VERSIONS_PAGE_DEFAULT, VERSIONS_PAGE_MAX);
    const rawBefore = c.req.query('before');
    const before = rawBefore ? new Date(rawBefore) : undefined;
    if (before && Number.isNaN(before.getTime())) {
      throw badRequest('before must be the createdAt of a version', [{ path: 'before', message: 'expected a date-time', keyword: 'format' }]);
    }
    const kind = c.req.query('kind');
    if (kind !== undefined && !['manual', 'build', 'review'].includes(kind)) {
      throw badRequest('kind must be manual, build or review', [{ path: 'kind', message: `unknown kind ${kind}`, keyword: 'enum' }]);
    }
    // As the configuration's tenant: RLS is the second line on this read (server/db/tenant.ts).
    return c.json(await withConfigTenant(db, id, (tx) => listVersions(tx, id, { limit, before, kind: kind as VersionKind | undefined })));
  });

  // Bodies are checked with the schemas the API description declares (history/api-spec.ts).
  const readNewVersion = validatedBody<{ label: string }>(NEW_VERSION_BODY);
  const readRestore = validatedBody<{ path?: string | null }>(RESTORE_BODY, { optional: true });

  app.post('/:id/versions', async (c) => {
    const id = c.req.param('id');
    const access = await allow(c, id, 'edit');
    const label = (await readNewVersion(c)).label.trim();
    if ((await countManualVersions(db, id)) >= MAX_MANUAL_VERSIONS_PER_CONFIG) {
      throw new ApiError(409, 'limit_reached', `a configuration keeps at most ${MAX_MANUAL_VERSIONS_PER_CONFIG} named versions`);
    }
    const state = await (await deps.manager.get(id)).freeze();
    const version = await insertVersion(db, { configId: id, kind: 'manual', label, createdBy: personOf(access), state });
    deps.push(id, 'version', { action: 'created', version });
    deps.onVersionCreated?.(id, version);
    return c.json(version, 201);
  });

  app.get('/:id/versions/:versionId', async (c) => {
    const id = c.req.param('id');
    await allow(c, id, 'read');
    const version = await getVersion(db, id, c.req.param('versionId'));
    if (!version) throw notFound('version');
    const { yjsState, ...rest } = version;
    return c.json(c.req.query('state') === '1' ? { ...rest, yjsState: Buffer.from(yjsState).toString('base64') } : rest);
  });

  app.post('/:id/versions/:versionId/restore', async (c) => {
    const id = c.req.param('id');
    const access = await allow(c, id, 'edit');
    const body = await readRestore(c);
    const path = readPath(body.path ?? undefined);
    const version = await getVersion(db, id, c.req.param('versionId'));
    if (!version) throw notFound('version');
    const room = await deps.manager.get(id);
    const changes = await restoreVersion(room, version, path || undefined, actingOrigin(access, 'restore'));
    const restored = { versionId: version.id, label: version.label, path: path || null, changes };
    deps.push(id, 'version', { action: 'restored', ...restored, by: personOf(access) });
    return c.json(restored);
  });

  app.get('/:id/diff', async (c) => {
    const id = c.req.param('id');
    await allow(c, id, 'read');
    const from = c.req.query('from');
    const to = c.req.query('to') ?? 'current';
    if (!from) throw badRequest('from is required: a version id or current', [{ path: 'from', message: 'missing', keyword: 'required' }]);
    const [before, after] = await Promise.all([stateOf(id, from, 'from'), stateOf(id, to, 'to')]);
    // The configuration's entries, one entry per other text root that changed, one per changed file.
    return c.json([...diffConfigs(before.data, after.data, configSchema), ...diffRootTexts(before.texts, after.texts), ...diffTrees(before.files, after.files)]);
  });

  return app;
}
