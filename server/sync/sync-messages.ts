/**
 * The y-protocols messages a room speaks with its clients, decoded and answered here: sync step 1
 * and 2, updates, awareness, the query for awareness, and the read-only refusal. The stock
 * y-websocket provider speaks exactly this; extension messages (type ≥ 100) only go out, to
 * clients that asked (`?ext=`).
 *
 * Nothing here decides durability: a sync step 2 reply waits for `room.whenDurable` and an
 * accepted update goes to `room.applyClientUpdate` (room.ts, docs/architecture.md "Durability").
 * Before that an update passes the update check (update-check.ts), the document and backlog
 * limits and the features' veto hooks (server/features/hook-runner.ts).
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { AuthMessage, CloseCode, Limits, MessageType, SyncStep } from '../../shared/protocol.ts';
import type { Connection } from './connection.ts';
import { stampAwarenessUpdate } from './presence.ts';
import type { Room } from './room.ts';
import { checkClientUpdate } from './update-check.ts';

/** What a newly joined client is sent first: sync step 1 (ask for what the server lacks) and
 * the awareness states present. */
export function greet(room: Room, conn: Connection): void {
  conn.send(room.encoded.step1(() => {
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MessageType.sync);
    syncProtocol.writeSyncStep1(encoder, room.doc);
    return encoding.toUint8Array(encoder);
  }));
  const states = room.awareness.getStates();
  if (states.size > 0) {
    conn.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(room.awareness, [...states.keys()])));
  }
}

/** Every frame a client sends. Never throws: bad input closes that connection. */
export function handleMessage(room: Room, conn: Connection, data: Uint8Array): void {
  if (conn.closed) return;
  if (data.length > (room.deps.limits ?? Limits).maxMessageBytes) {
    reject(room, conn, 'messageTooLarge', CloseCode.messageTooLarge);
    return;
  }
  try {
    const decoder = decoding.createDecoder(data);
    const type = decoding.readVarUint(decoder);
    switch (type) {
      case MessageType.sync:
        handleSync(room, conn, decoder);
        break;
      case MessageType.awareness:
        handleAwareness(room, conn, decoding.readVarUint8Array(decoder));
        break;
      case MessageType.queryAwareness:
        conn.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(room.awareness, [...room.awareness.getStates().keys()])));
        break;
      case MessageType.auth:
        // Clients have nothing to say on this channel; permission is decided by the server.
        break;
      default:
        reject(room, conn, 'malformed', CloseCode.malformed);
    }
  } catch (error) {
    // Only the client's bytes get here: features' hooks never throw (their runner catches).
    room.deps.logger.warn({ err: error, conn: conn.id, configId: room.configId }, 'malformed message');
    reject(room, conn, 'malformed', CloseCode.malformed);
  }
}

function reject(room: Room, conn: Connection, reason: string, close: { code: number; reason: string }): void {
  room.deps.observer?.rejected(reason);
  conn.close(close);
}

function handleSync(room: Room, conn: Connection, decoder: decoding.Decoder): void {
  const step = decoding.readVarUint(decoder);
  if (step === SyncStep.step1) {
    const stateVector = decoding.readVarUint8Array(decoder);
    const reply = room.encoded.step2(stateVector, () => {
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MessageType.sync);
      encoding.writeVarUint(encoder, SyncStep.step2);
      encoding.writeVarUint8Array(encoder, Y.encodeStateAsUpdate(room.doc, stateVector));
      return encoding.toUint8Array(encoder);
    });
    // The state may hold changes still being committed: hold the reply until they are durable.
    room.whenDurable(() => conn.send(reply));
    return;
  }
  if (step !== SyncStep.step2 && step !== SyncStep.update) {
    reject(room, conn, 'malformed', CloseCode.malformed);
    return;
  }
  const update = decoding.readVarUint8Array(decoder);
  if (!conn.canWriteAny(room.writeActions)) {
    refuseReadOnly(room, conn);
    return;
  }
  const check = checkClientUpdate(update, room.doc, room.roots);
  if (!check.ok) {
    room.deps.logger.warn({ conn: conn.id, configId: room.configId, reason: check.reason }, 'update refused');
    if (check.retry) {
      // What it builds on may be stored already (a peer's publication lost): read it back so
      // the client's retry finds it.
      room.deps.onBehind?.(room, 'pending');
      reject(room, conn, 'notYetKnown', CloseCode.notYetKnown);
    } else reject(room, conn, 'malformed', { code: CloseCode.malformed.code, reason: check.reason });
    return;
  }
  // Each root the update touches needs its own write action (docs/architecture.md, "Document layout").
  if (!conn.mayWrite(check.roots, room.layout)) {
    refuseReadOnly(room, conn, `your role (${conn.principal.role}) may not change ${[...check.roots].join(', ')}`);
    return;
  }
  const limits = room.deps.limits ?? Limits;
  if (room.approxBytes + update.length > limits.maxDocumentBytes) {
    reject(room, conn, 'documentTooLarge', CloseCode.documentTooLarge);
    return;
  }
  if (room.unsaved >= limits.maxUnsavedUpdatesPerRoom) {
    reject(room, conn, 'unsavedBacklog', CloseCode.unsavedBacklog);
    return;
  }
  const refused = room.deps.hooks.beforeClientUpdate(room, conn, { bytes: update });
  if (refused) {
    reject(room, conn, 'refusedByFeature', refused);
    return;
  }
  room.applyClientUpdate(conn, update, check.clocks);
}

function refuseReadOnly(room: Room, conn: Connection, why = `read-only: your role is ${conn.principal.role}`): void {
  room.deps.observer?.rejected('readOnly');
  if (conn.toldReadOnly) return;
  conn.toldReadOnly = true;
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.auth);
  encoding.writeVarUint(encoder, AuthMessage.permissionDenied);
  encoding.writeVarString(encoder, why);
  conn.send(encoding.toUint8Array(encoder));
}

function handleAwareness(room: Room, conn: Connection, payload: Uint8Array): void {
  if (payload.length > Limits.maxAwarenessBytes) {
    reject(room, conn, 'messageTooLarge', CloseCode.messageTooLarge);
    return;
  }
  const stamped = stampAwarenessUpdate(payload, conn, room.awarenessOwners.ownerOf);
  if (stamped) awarenessProtocol.applyAwarenessUpdate(room.awareness, stamped, conn);
}

export function encodeSyncUpdate(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.sync);
  syncProtocol.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
}

export function encodeAwareness(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, MessageType.awareness);
  encoding.writeVarUint8Array(encoder, update);
  return encoding.toUint8Array(encoder);
}
