/**
 * Restoring a version, whole, one subtree or only its notes, as a new change on top of the current
 * state: the history stays as it was, everyone sees the restore live, and it is credited to the
 * person who asked for it. The write goes through `Room.applyAs` as the smallest diff
 * (`writeConfig`), taken synchronously against the room's document as it is at that instant, so
 * fields the restore does not touch keep whatever collaborators wrote, including edits that
 * arrive concurrently. Notes are replaced whole (a copy of the version's blocks).
 */
import { diffConfigs, type DiffEntry } from '../../shared/config-diff.ts';
import { valueAt } from '../../shared/json-pointer.ts';
import { parsePointer, asIndex } from '../../shared/json-pointer.ts';
import { isRootPath } from '../../shared/doc-layout.ts';
import { diffRootTexts, textRoots } from '../../shared/notes-text.ts';
import { diffTrees, filePathOf } from '../../shared/files/file-diff.ts';
import { readTreeOfState, type TreeEntry } from '../../shared/files/file-tree.ts';
import { configSchema } from '../../shared/validation/index.ts';
import { ApiError } from '../http-errors.ts';
import { requireWellShaped } from '../configs/data-routes.ts';
import type { ActorOrigin, DocumentRoom, RoomEdit } from '../sync/room.ts';

const unprocessable = (path: string, message: string, keyword: string) =>
  new ApiError(422, 'validation_failed', message, [{ path, message, keyword }]);

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `current` with the value at `segments` replaced by `value` (removed when undefined). */
function withValueAt(current: Record<string, unknown>, segments: string[], value: unknown, pointer: string): Record<string, unknown> {
  const next = structuredClone(current);
  const parent = valueAt(next, segments.slice(0, -1));
  const last = segments[segments.length - 1];
  if (isObject(parent)) {
    if (value === undefined) delete parent[last];
    else parent[last] = structuredClone(value);
    return next;
  }
  if (Array.isArray(parent)) {
    const index = asIndex(last);
    if (index !== undefined && index < parent.length && value !== undefined) {
      parent[index] = structuredClone(value);
      return next;
    }
    throw unprocessable(pointer, 'this list entry no longer lines up with the version: restore the whole list instead', 'restore');
  }
  throw unprocessable(pointer, 'the place this path is in no longer exists: restore its parent instead', 'restore');
}

/**
 * Writes `version` (or, with `path`, only its value at that JSON Pointer; with `#notes`, only its
 * notes) into the room as one transaction made by `origin`, and resolves once it is durable.
 * A whole restore brings back the configuration and the notes. Returns what changed (the notes as
 * one entry, path `#notes`). Throws ApiError 422 when the result would not fit the current schema
 * (a version from an older schema) or the path cannot be restored.
 */
export async function restoreVersion(
  room: DocumentRoom,
  version: { data: Record<string, unknown>; yjsState: Uint8Array },
  path: string | undefined,
  origin: ActorOrigin,
): Promise<DiffEntry[]> {
  let edits: RoomEdit[];
  const filePath = path === undefined ? undefined : filePathOf(path);
  if (path === undefined || path === '') {
    // Whole: the configuration, every text root of the layout (the notes) and the files.
    edits = [
      { kind: 'config', data: requireWellShaped(version.data) },
      ...textRoots().map((r): RoomEdit => ({ kind: 'root', path: r.path, from: version.yjsState })),
      { kind: 'files', tree: readTreeOfState(version.yjsState) },
    ];
  } else if (filePath !== undefined) {
    edits = [filesRestore(readTreeOfState(version.yjsState), filePath)];
  } else if (isRootPath(path)) {
    edits = [{ kind: 'root', path, from: version.yjsState }];
  } else {
    let segments: string[];
    try {
      segments = parsePointer(path);
    } catch {
      throw unprocessable('/path', 'path must be a JSON Pointer such as /BOARD', 'format');
    }
    // Built on the configuration as it is at the instant of the write (see above).
    const data = (before: Record<string, unknown>) => {
      const then = valueAt(version.data, segments);
      if (then === undefined && valueAt(before, segments) === undefined) {
        throw unprocessable(path, 'neither the version nor the configuration has a value here', 'restore');
      }
      return requireWellShaped(withValueAt(before, segments, then, path));
    };
    edits = [{ kind: 'config', data }];
  }
  const applied = await room.applyAs(origin, edits);
  const changes = diffConfigs(applied.config.before, applied.config.after, configSchema);
  return [...changes, ...diffRootTexts(applied.texts.before, applied.texts.after), ...diffTrees(applied.files.before, applied.files.after)];
}

/**
 * The edit restoring the tree (`#files`) or one file or folder of it (`#files/<path>`) as the
 * version had it: the version's files there are written (texts by diff), files there now that the
 * version did not have are removed.
 */
function filesRestore(tree: TreeEntry[], filePath: string): RoomEdit {
  if (filePath === '') return { kind: 'files', tree };
  const under = (p: string) => p === filePath || p.startsWith(`${filePath}/`);
  return { kind: 'files', tree: tree.filter((e) => under(e.path)), under: filePath };
}
