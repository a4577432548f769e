/**
 * Checks a client's Yjs update before it touches the room's document: it must decode completely
 * (a truncated or garbled frame is refused whole, never half-applied), depend only on changes the
 * server has, and put every struct where the document layout has a visible place for it
 * (`update-placement.ts`). A refused update is never applied, stored or fanned out.
 *
 * The check decodes with `Y.decodeUpdate`, the same V1 decoder `Y.applyUpdate` uses, so it sees
 * exactly the structs the room would integrate.
 */
import * as Y from 'yjs';
import { FILES_ROOT } from '../../shared/doc-layout.ts';
import { treeProblem } from '../../shared/files/file-path.ts';
import type { RootsByName } from './placement-rules.ts';
import { MISSING_DEPENDENCY, PlacementResolver } from './update-placement.ts';

export type UpdateCheck =
  /** `roots`: the names of the layout's roots the update writes or deletes under
   * (shared/doc-layout.ts); each needs its own write action. */
  | { ok: true; clocks: Record<string, number>; roots: Set<string> }
  /** `retry`: the update may become acceptable once the server has the changes it builds on. */
  | { ok: false; reason: string; retry?: boolean };

/** `roots`: the roots of the room's document (`Room.roots`; default the main document's). */
export function checkClientUpdate(update: Uint8Array, doc: Y.Doc, layoutRoots?: RootsByName): UpdateCheck {
  let decoded: ReturnType<typeof Y.decodeUpdate>;
  try {
    decoded = Y.decodeUpdate(update);
  } catch {
    return { ok: false, reason: 'undecodable update' };
  }
  const resolver = new PlacementResolver(doc, decoded.structs, layoutRoots);
  const listing = resolver.listing();
  if (listing) return { ok: false, ...listing };
  const deletions = resolver.deletions(decoded.ds);
  if (deletions) return { ok: false, reason: deletions, retry: true };
  const clocks: Record<string, number> = {};
  const roots = resolver.deletedRoots(decoded.ds);
  for (const struct of decoded.structs) {
    // Structs the document already has are checked too: Yjs still resolves their dependencies and
    // would keep one with a forged, missing origin pending (and hand it out in sync step 2).
    if (struct instanceof Y.Item) {
      const refusal = resolver.refusal(struct);
      if (refusal) return { ok: false, reason: refusal, retry: refusal === MISSING_DEPENDENCY || undefined };
      const root = resolver.rootOf(struct);
      if (root !== undefined) roots.add(root);
    }
    const client = String(struct.id.client);
    const end = struct.id.clock + struct.length;
    if ((clocks[client] ?? 0) < end) clocks[client] = end;
  }
  const tree = treeAfter(doc, decoded.structs, decoded.ds, resolver);
  if (tree) return { ok: false, reason: tree };
  return { ok: true, clocks, roots };
}

type DeleteSet = { clients: Map<number, Array<{ clock: number; len: number }>> };

function deletedBy(ds: DeleteSet, id: Y.ID): boolean {
  return ds.clients.get(id.client)?.some((r) => id.clock >= r.clock && id.clock < r.clock + r.len) ?? false;
}

/**
 * Why the userpatches tree would not fit a disk once the update is applied (`treeProblem`: too
 * many files, a path that is a file and a folder), or undefined. Only an update that adds a path
 * is judged, against the paths the document keeps (less those this update deletes: a rename of
 * `a` to `a/b` is one update). Paths are single keys, so this is decided before applying, like
 * every other placement rule.
 */
function treeAfter(doc: Y.Doc, structs: readonly (Y.Item | Y.GC | Y.Skip)[], ds: DeleteSet, resolver: PlacementResolver): string | undefined {
  const added = new Set<string>();
  for (const struct of structs) {
    if (!(struct instanceof Y.Item) || struct.content instanceof Y.ContentDeleted || deletedBy(ds, struct.id)) continue;
    const entry = resolver.rootEntry(struct);
    if (entry?.root === FILES_ROOT.name) added.add(entry.key);
  }
  if (added.size === 0) return undefined;
  const files = doc.getMap(FILES_ROOT.name);
  const paths = new Set(added);
  for (const [key, item] of files._map) {
    if (!item.deleted && !deletedBy(ds, item.id)) paths.add(key);
  }
  return treeProblem(paths);
}
