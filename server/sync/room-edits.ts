/**
 * The update a REST write or restore makes (`Room.applyAs`), computed on a scratch copy of the
 * live document before anything changes, so the room can refuse it whole on its size the way it
 * refuses a client's update. Pure apart from the copy: the room applies, commits and credits it.
 * (The copy keeps a client id of its own: Yjs takes its own id arriving in an update for a clash,
 * switches ids and logs a warning.)
 */
import * as Y from 'yjs';
import { configToJson, writeConfig } from '../../shared/doc-binding.ts';
import { rootNamedByPath } from '../../shared/doc-layout.ts';
import { readTree, removePath, writeEntry, writeTree, type TreeEntry } from '../../shared/files/file-tree.ts';
import { replaceRoot, rootTexts } from '../../shared/notes-text.ts';
import type { RoomEdit } from './room-contract.ts';

/** What the edited parts of a document hold, for the answer to the caller. */
export interface EditedParts {
  config: Record<string, unknown>;
  /** Every root besides the configuration as plain text, by path. */
  texts: Record<string, string>;
  files: TreeEntry[];
}

export function editedParts(doc: Y.Doc): EditedParts {
  return { config: configToJson(doc) as Record<string, unknown>, texts: rootTexts(doc), files: readTree(doc) };
}

/** The one update that makes `edits` on `doc` (null when they change nothing). `before` is
 * what `doc` holds now, handed to edits given as a function of the current configuration. */
export function updateForEdits(doc: Y.Doc, before: EditedParts, edits: readonly RoomEdit[]): Uint8Array | null {
  // Computed before the copy: a refusal (a function that throws) costs nothing.
  const planned = edits.map((e) => (e.kind === 'config' ? { ...e, data: typeof e.data === 'function' ? e.data(before.config) : e.data } : e));
  const scratch = new Y.Doc({ gc: true });
  const made: Uint8Array[] = [];
  try {
    Y.applyUpdate(scratch, Y.encodeStateAsUpdate(doc));
    scratch.on('update', (u: Uint8Array) => made.push(u));
    scratch.transact(() => {
      for (const edit of planned) {
        if (edit.kind === 'config') writeConfig(scratch, edit.data as Record<string, unknown>);
        else if (edit.kind === 'root') replaceRootFrom(scratch, edit.path, edit.from);
        else writeFiles(scratch, edit);
      }
    });
  } finally {
    scratch.destroy();
  }
  return made.length === 1 ? made[0] : made.length > 1 ? Y.mergeUpdates(made) : null;
}

function writeFiles(target: Y.Doc, edit: Extract<RoomEdit, { kind: 'files' }>): void {
  if (edit.tree) writeTree(target, edit.tree, edit.under);
  for (const path of edit.remove ?? []) removePath(target, path);
  for (const entry of edit.put ?? []) writeEntry(target, entry);
}

function replaceRootFrom(target: Y.Doc, path: string, state: Uint8Array): void {
  const root = rootNamedByPath(path);
  if (!root) throw new Error(`the layout has no root at "${path}"`);
  const source = new Y.Doc();
  try {
    Y.applyUpdate(source, state);
    replaceRoot(target, source, root);
  } finally {
    source.destroy();
  }
}
