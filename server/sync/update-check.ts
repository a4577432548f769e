/**
 * Checks a client's Yjs update before it touches the room's document: it must decode completely
 * (a truncated or garbled frame is refused whole, never half-applied) and may only write to the
 * two root types the document layout allows.
 */
import * as Y from 'yjs';

/** The only root types of a configuration document (DESIGN.md, "Document layout"). */
export const ALLOWED_ROOTS: ReadonlySet<string> = new Set(['config', 'notes']);

export type UpdateCheck =
  | { ok: true; clocks: Record<string, number> }
  | { ok: false; reason: string };

export function checkClientUpdate(update: Uint8Array): UpdateCheck {
  let decoded: ReturnType<typeof Y.decodeUpdate>;
  try {
    decoded = Y.decodeUpdate(update);
  } catch {
    return { ok: false, reason: 'undecodable update' };
  }
  const clocks: Record<string, number> = {};
  for (const struct of decoded.structs) {
    // Decoded items name their root type by string (the typings only know the integrated form).
    const parent: unknown = struct instanceof Y.Item ? struct.parent : null;
    if (typeof parent === 'string' && !ALLOWED_ROOTS.has(parent)) {
      return { ok: false, reason: `update writes to unknown root "${parent.slice(0, 40)}"` };
    }
    const client = String(struct.id.client);
    const end = struct.id.clock + struct.length;
    if ((clocks[client] ?? 0) < end) clocks[client] = end;
  }
  return { ok: true, clocks };
}
