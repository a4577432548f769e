/**
 * Server-authoritative presence: every awareness entry a client sends has its `user` field
 * replaced by the identity the server knows from the session (id, name, colour, role), and a
 * client may only speak for awareness ids it announced first. A client cannot impersonate anyone.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import type { Connection, ConnectionPrincipal } from './connection.ts';

export interface StampedUser {
  id: string;
  name: string;
  color: string;
  role: ConnectionPrincipal['role'];
  guest?: boolean;
}

export function stampOf(principal: ConnectionPrincipal): StampedUser {
  return {
    id: principal.userId,
    name: principal.name,
    color: principal.color,
    role: principal.role,
    ...(principal.who.kind === 'shareLinkGuest' ? { guest: true } : {}),
  };
}

/**
 * Rewrites an awareness update from `conn`: entries for ids owned by another connection are
 * dropped, and every non-null state gets the server's `user`. Returns null if nothing remains.
 */
export function stampAwarenessUpdate(
  update: Uint8Array,
  conn: Connection,
  ownerOf: (clientId: number) => Connection | undefined,
): Uint8Array | null {
  const decoder = decoding.createDecoder(update);
  const count = decoding.readVarUint(decoder);
  const entries: Array<{ clientId: number; clock: number; state: string }> = [];
  for (let i = 0; i < count; i++) {
    const clientId = decoding.readVarUint(decoder);
    const clock = decoding.readVarUint(decoder);
    const raw = decoding.readVarString(decoder);
    const owner = ownerOf(clientId);
    if (owner && owner !== conn) continue;
    const state = JSON.parse(raw) as unknown;
    if (state === null) {
      entries.push({ clientId, clock, state: 'null' });
      continue;
    }
    const object = typeof state === 'object' && !Array.isArray(state) ? (state as Record<string, unknown>) : {};
    entries.push({ clientId, clock, state: JSON.stringify({ ...object, user: stampOf(conn.principal) }) });
  }
  if (entries.length === 0) return null;
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const e of entries) {
    encoding.writeVarUint(encoder, e.clientId);
    encoding.writeVarUint(encoder, e.clock);
    encoding.writeVarString(encoder, e.state);
  }
  return encoding.toUint8Array(encoder);
}

/** Re-applies the server stamp to a connection's entries (after its role changed). */
export function restampConnection(awareness: awarenessProtocol.Awareness, conn: Connection): void {
  const ids = [...conn.awarenessIds].filter((id) => awareness.getStates().has(id));
  if (ids.length === 0) return;
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, ids.length);
  for (const id of ids) {
    const meta = awareness.meta.get(id);
    const state = awareness.getStates().get(id) ?? {};
    encoding.writeVarUint(encoder, id);
    encoding.writeVarUint(encoder, (meta?.clock ?? 0) + 1);
    encoding.writeVarString(encoder, JSON.stringify({ ...state, user: stampOf(conn.principal) }));
  }
  awarenessProtocol.applyAwarenessUpdate(awareness, encoding.toUint8Array(encoder), conn);
}

/**
 * Which connection announced each awareness client id in one room: only it may update that entry
 * (stampAwarenessUpdate), and its entries go when it leaves.
 */
export class AwarenessOwners {
  private readonly owners = new Map<number, Connection>();

  readonly ownerOf = (clientId: number): Connection | undefined => this.owners.get(clientId);

  /** Records a change `conn` made to its own entries. */
  record(conn: Connection, announced: readonly number[], removed: readonly number[]): void {
    for (const id of announced) {
      conn.awarenessIds.add(id);
      this.owners.set(id, conn);
    }
    for (const id of removed) {
      conn.awarenessIds.delete(id);
      this.owners.delete(id);
    }
  }

  /** Forgets a leaving connection's entries and returns their ids, for removal from the awareness. */
  release(conn: Connection): number[] {
    const ids = [...conn.awarenessIds];
    for (const id of ids) this.owners.delete(id);
    return ids;
  }
}
