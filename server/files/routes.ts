/**
 * The userpatches tree over REST (docs/architecture.md, "Document layout", the files root):
 *
 * - `POST /api/configs/:id/files/upload` `{ path, contentBase64 | text, executable? }` (edit):
 *   writes one file. Bytes (`contentBase64`) become a blob of this configuration (`file_blobs`)
 *   referenced by sha256 from the document; `text` becomes a `Y.Text`. Over the blob limit:
 *   413 `file_too_large`. JSON and base64 because the cross-site guard admits only JSON bodies
 *   for the session cookie.
 * - `GET /api/configs/:id/files/raw?path=` (read): one file's bytes as committed.
 * - `GET /api/configs/:id/files/tarball` (read): the whole tree as a ustar archive, streamed
 *   file by file (a blob is read from Postgres only when its turn comes).
 *
 * Every read is of the durable document (`readDurable`), every write goes through `applyAs`.
 */
import { Hono } from 'hono';
import type { Logger } from 'pino';
import { stream } from 'hono/streaming';
import { requireAction } from '../access/authorize.ts';
import type { AccessStore } from '../auth/access-store.ts';
import type { AppEnv } from '../auth/actor.ts';
import { readDurable } from '../config-doc.ts';
import { ApiError, badRequest, notFound, unprocessable } from '../http-errors.ts';
import { validatedBody } from '../api-spec/validated-body.ts';
import { UPLOAD_BODY } from './api-spec.ts';
import { actingOrigin } from '../history/people.ts';
import type { DocStorage } from '../storage/types.ts';
import type { DocumentRooms } from '../sync/room.ts';
import { filePathProblem, treeProblem } from '../../shared/files/file-path.ts';
import { EXECUTABLE_MODE, readTreeOfState, REGULAR_MODE, type TreeEntry } from '../../shared/files/file-tree.ts';
import { tarEnd, tarHeader, tarPadding } from '../../shared/node/ustar.ts';
import type { BlobStore } from './blob-store.ts';
import { ObjectStoreError } from '../../shared/node/blobs/object-store.ts';

export interface FileRouteDeps {
  storage: DocStorage;
  manager: DocumentRooms;
  access: AccessStore;
  blobs: BlobStore;
  logger: Logger;
  /** Largest binary file (`FILE_MAX_BYTES`). */
  maxFileBytes: number;
}

/** File name characters kept in Content-Disposition; the rest become '-'. */
const SAFE_FILENAME_RE = /[^a-z0-9._-]+/gi;

function requirePath(raw: unknown, where: string): string {
  if (typeof raw !== 'string') throw unprocessable('path is required: the file\'s path inside userpatches/', [{ path: where, message: 'expected a string', keyword: 'type' }]);
  const problem = filePathProblem(raw);
  if (problem) throw unprocessable(`invalid path: ${problem}`, [{ path: where, message: problem, keyword: 'path' }]);
  return raw;
}

function decodeBase64(raw: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(raw) || raw.length % 4 !== 0) {
    throw unprocessable('contentBase64 is not base64', [{ path: '/contentBase64', message: 'expected standard base64', keyword: 'format' }]);
  }
  return new Uint8Array(Buffer.from(raw, 'base64'));
}

export function fileRoutes(deps: FileRouteDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  const treeOf = async (configId: string): Promise<TreeEntry[]> => {
    if (!(await deps.storage.getConfig(configId))) throw notFound();
    return readTreeOfState((await readDurable(configId, deps)).yjsState);
  };

  // The body is checked with the schema the API description declares (files/api-spec.ts).
  const readUpload = validatedBody<{ path: string; text?: string; contentBase64?: string; executable?: boolean }>(UPLOAD_BODY);
  app.post('/:id/files/upload', async (c) => {
    const id = c.req.param('id');
    const access = await requireAction(deps, c.get('actor'), id, 'edit');
    const body = await readUpload(c);
    const path = requirePath(body.path, '/path');
    const mode = body.executable ? EXECUTABLE_MODE : REGULAR_MODE;
    const hasText = typeof body.text === 'string';
    const hasBytes = typeof body.contentBase64 === 'string';
    if (hasText === hasBytes) {
      throw unprocessable('send the file as text or as contentBase64 (one of them)', [{ path: '/contentBase64', message: 'expected exactly one of text, contentBase64', keyword: 'oneOf' }]);
    }
    const tree = await treeOf(id);
    const clash = treeProblem([...tree.map((e) => e.path), path]);
    if (clash) throw unprocessable(clash, [{ path: '/path', message: clash, keyword: 'tree' }]);
    let entry: TreeEntry;
    if (hasBytes) {
      const raw = body.contentBase64!;
      // Checked on the encoded length first: decoding a huge string only to refuse it wastes memory.
      if (Math.floor((raw.length * 3) / 4) - 2 > deps.maxFileBytes) throw tooLarge(deps.maxFileBytes);
      const bytes = decodeBase64(raw);
      if (bytes.length > deps.maxFileBytes) throw tooLarge(deps.maxFileBytes);
      const ref = await deps.blobs.put(id, bytes).catch((error: unknown) => {
        // The object store's answer may name the bucket and key: it goes to the log, not the client.
        if (error instanceof ObjectStoreError) {
          deps.logger.warn({ err: error, configId: id }, 'object store refused a blob upload');
          throw new ApiError(503, 'blob_store_unavailable', 'the file storage did not take the file; nothing was stored, try again later');
        }
        throw error;
      });
      entry = { path, kind: 'blob', sha256: ref.sha256, size: ref.size, mode };
    } else {
      entry = { path, kind: 'text', text: body.text!, mode };
    }
    const room = await deps.manager.get(id);
    await room.applyAs(actingOrigin(access, 'rest'), [{ kind: 'files', put: [entry] }]);
    const { path: p, kind, mode: m } = entry;
    return c.json(entry.kind === 'blob' ? { path: p, kind, mode: m, sha256: entry.sha256, size: entry.size } : { path: p, kind, mode: m, size: Buffer.byteLength(entry.text) }, 201);
  });

  app.get('/:id/files/raw', async (c) => {
    const id = c.req.param('id');
    await requireAction(deps, c.get('actor'), id, 'read');
    const path = c.req.query('path');
    if (path === undefined) throw badRequest('path is required', [{ path: 'path', message: 'missing', keyword: 'required' }]);
    const entry = (await treeOf(id)).find((e) => e.path === path);
    if (!entry) throw notFound('file');
    const bytes = entry.kind === 'text' ? Buffer.from(entry.text, 'utf8') : await deps.blobs.get(id, entry.sha256);
    if (!bytes) throw new ApiError(500, 'blob_missing', `the bytes of ${path} are not stored`);
    const name = path.split('/').pop()!.replace(SAFE_FILENAME_RE, '-');
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      'content-type': entry.kind === 'text' ? 'text/plain; charset=utf-8' : 'application/octet-stream',
      'content-disposition': `attachment; filename="${name}"`,
      'x-file-mode': entry.mode.toString(8),
    });
  });

  app.get('/:id/files/tarball', async (c) => {
    const id = c.req.param('id');
    await requireAction(deps, c.get('actor'), id, 'read');
    const record = await deps.storage.getConfig(id);
    if (!record) throw notFound();
    const tree = readTreeOfState((await readDurable(id, deps)).yjsState);
    const name = `${record.name.replace(SAFE_FILENAME_RE, '-') || 'configuration'}-userpatches.tar`;
    c.header('content-type', 'application/x-tar');
    c.header('content-disposition', `attachment; filename="${name}"`);
    return stream(c, async (out) => {
      for (const entry of tree) {
        const bytes = entry.kind === 'text' ? Buffer.from(entry.text, 'utf8') : await deps.blobs.get(id, entry.sha256);
        // A reference whose bytes are gone cannot be archived; stopping short (no end blocks)
        // makes the archive visibly truncated rather than silently missing a file.
        if (!bytes) return;
        await out.write(tarHeader(`userpatches/${entry.path}`, bytes.length, entry.mode));
        await out.write(bytes);
        await out.write(tarPadding(bytes.length));
      }
      await out.write(tarEnd());
    });
  });

  return app;
}

function tooLarge(limit: number): ApiError {
  return new ApiError(413, 'file_too_large', `a binary file is at most ${limit} bytes (FILE_MAX_BYTES)`);
}
