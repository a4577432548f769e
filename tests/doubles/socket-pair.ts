/**
 * A client joined to a room without a network, for the unit tier: the server end is a
 * `SyncSocket` (server/sync/connection.ts) handed to a real `Connection`, the client end a Y.Doc
 * that speaks the y-websocket sync protocol (step 1, step 2, updates) as the stock provider does.
 * Both directions deliver on a later turn, in order, like a socket. Joining goes through the
 * manager (`get` then `join`), as server/ws-transport.ts does.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { Connection, type ConnectionPrincipal, type SyncSocket } from '../../server/sync/connection.ts';
import type { Room } from '../../server/sync/room.ts';
import type { RoomManager } from '../../server/sync/room-manager.ts';
import { mainDoc, type DocKey } from '../../server/storage/doc-key.ts';
import { MessageType } from '../../shared/protocol.ts';
import type { Role } from '../../shared/roles.ts';

/** Marks the client doc's transactions that came from the server, so they are not sent back. */
const FROM_SERVER = Symbol('from server');

export interface PairedClient {
  doc: Y.Doc;
  conn: Connection;
  room: Room;
  /** The close code and reason the server sent, once it closed the connection. */
  closed: { code: number; reason: string } | null;
  /** Message types (shared/protocol.ts MessageType) received so far, in order. */
  received: number[];
  /** Resolves once the client holds everything the server had when it was called. */
  synced(): Promise<void>;
  /** The client goes away (what a socket close does on the server). */
  leave(): void;
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A principal for a member with `role`, enough for a room (the access policy decides from it). */
export function memberPrincipal(role: Role, userId = `user-${role}`): ConnectionPrincipal {
  return {
    who: { kind: 'member', userId, name: userId, sessionId: `session-${userId}`, isAdmin: false, sessionExpiresAt: Number.MAX_SAFE_INTEGER, link: null },
    userId,
    name: userId,
    color: '#336699',
    role,
    linkId: null,
  };
}

/** Joins the room of `target`: a configuration id (its main document) or a document's key. */
export async function joinRoom(manager: RoomManager, target: string | DocKey, principal: ConnectionPrincipal): Promise<PairedClient> {
  const doc = new Y.Doc();
  const room = await manager.get(typeof target === 'string' ? mainDoc(target) : target);
  let conn!: Connection;
  const client: PairedClient = {
    doc,
    get conn() {
      return conn;
    },
    room,
    closed: null,
    received: [],
    async synced() {
      // Three turns carry step 1 out, step 2 back and anything the server sent meanwhile.
      for (let i = 0; i < 3; i++) await turn();
    },
    leave() {
      conn.closed = true;
      manager.leave(room, conn);
    },
  };
  const toServer = (bytes: Uint8Array) =>
    setImmediate(() => {
      if (!conn.closed) room.handleMessage(conn, bytes);
    });
  const socket: SyncSocket = {
    send(data) {
      const bytes = new Uint8Array(data);
      setImmediate(() => receive(bytes));
    },
    close(code, reason) {
      client.closed = { code, reason };
    },
  };
  function receive(bytes: Uint8Array): void {
    if (client.closed) return;
    const decoder = decoding.createDecoder(bytes);
    const type = decoding.readVarUint(decoder);
    client.received.push(type);
    if (type !== MessageType.sync) return;
    const reply = encoding.createEncoder();
    encoding.writeVarUint(reply, MessageType.sync);
    syncProtocol.readSyncMessage(decoder, reply, doc, FROM_SERVER);
    // Only step 1 has an answer (step 2); updates and step 2 leave the encoder at its header.
    if (encoding.length(reply) > 1) toServer(encoding.toUint8Array(reply));
  }
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin === FROM_SERVER) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.sync);
    syncProtocol.writeUpdate(encoder, update);
    toServer(encoding.toUint8Array(encoder));
  });
  conn = new Connection(socket, principal, false);
  if (!manager.join(room, conn)) return client;
  // The provider opens with its own step 1, so the server sends what the client lacks.
  const hello = encoding.createEncoder();
  encoding.writeVarUint(hello, MessageType.sync);
  syncProtocol.writeSyncStep1(hello, doc);
  toServer(encoding.toUint8Array(hello));
  return client;
}
