/**
 * The few bytes of the two wire dialects a light load client needs, and the update markers.
 *
 * A receiver never decodes Yjs: it reads at most the document-name prefix (Hocuspocus), the
 * message type and the sync sub-type, then looks for marker bytes in the raw frame. Yjs writes a
 * string it inserts as contiguous UTF-8 (also after the server merged several updates into one),
 * so a marker written by a sender shows up byte for byte in every frame that carries it.
 */

/** `y-websocket`: the stock protocol (Boardroom, the reference server). `hocuspocus`: the same
 * messages, each prefixed with the document name (varString), plus an auth handshake. */
export type Dialect = 'y-websocket' | 'hocuspocus';

const MESSAGE_SYNC = 0;
const MESSAGE_AUTH = 2;
const SYNC_STEP1 = 0;
const SYNC_STEP2 = 1;
const SYNC_UPDATE = 2;
const AUTH_TOKEN = 0;

/** Marker layout: 0x01 'B' 'M' <8 lowercase hex digits: update id> 0x02 — 12 bytes. */
const MARKER_START = 0x01;
const MARKER_B = 0x42;
const MARKER_M = 0x4d;
const MARKER_END = 0x02;
const MARKER_ID_DIGITS = 8;
export const MARKER_BYTES = 3 + MARKER_ID_DIGITS + 1;
export const MAX_MARKER_ID = 0xffffffff;

export function markerText(id: number): string {
  return `\u0001BM${id.toString(16).padStart(MARKER_ID_DIGITS, '0')}\u0002`;
}

function varUint(out: number[], n: number): void {
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
}

function varBytes(out: number[], bytes: Uint8Array): void {
  varUint(out, bytes.length);
  for (const b of bytes) out.push(b);
}

function prefix(dialect: Dialect, doc: string): number[] {
  const out: number[] = [];
  if (dialect === 'hocuspocus') varBytes(out, Buffer.from(doc, 'utf8'));
  return out;
}

/** Frames a client sends first: Hocuspocus' auth (any token: the bench server has no auth hook),
 * then sync step 1 with an empty state vector ("send me everything"). */
export function openingFrames(dialect: Dialect, doc: string): Buffer[] {
  const frames: Buffer[] = [];
  if (dialect === 'hocuspocus') {
    const auth = prefix(dialect, doc);
    auth.push(MESSAGE_AUTH, AUTH_TOKEN);
    varBytes(auth, Buffer.from('bench', 'utf8'));
    frames.push(Buffer.from(auth));
  }
  const step1 = prefix(dialect, doc);
  // An empty state vector encodes as varUint(0); as a varUint8Array that is [1, 0].
  step1.push(MESSAGE_SYNC, SYNC_STEP1, 1, 0);
  frames.push(Buffer.from(step1));
  return frames;
}

/** A Yjs update framed as a sync "update" message. */
export function updateFrame(dialect: Dialect, doc: string, update: Uint8Array): Buffer {
  const out = prefix(dialect, doc);
  out.push(MESSAGE_SYNC, SYNC_UPDATE);
  varBytes(out, update);
  return Buffer.from(out);
}

export const FrameKind = { other: 0, syncStep2: 1, update: 2 } as const;
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

/** Classifies a received frame from its first bytes; `body` is where the sync payload begins. */
export function classify(dialect: Dialect, frame: Buffer): { kind: FrameKind; body: number } {
  let at = 0;
  if (dialect === 'hocuspocus') {
    // Skip the varString document name: length (varUint), then the bytes.
    let len = 0;
    let shift = 0;
    for (;;) {
      const b = frame[at++];
      if (b === undefined) return { kind: FrameKind.other, body: 0 };
      len += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) break;
      shift += 7;
    }
    at += len;
  }
  if (frame[at] !== MESSAGE_SYNC) return { kind: FrameKind.other, body: 0 };
  const sub = frame[at + 1];
  if (sub === SYNC_STEP2) return { kind: FrameKind.syncStep2, body: at + 2 };
  if (sub === SYNC_UPDATE) return { kind: FrameKind.update, body: at + 2 };
  return { kind: FrameKind.other, body: 0 };
}

/** Calls `found` with the id of every marker in `frame` from `from` on. */
export function scanMarkers(frame: Buffer, from: number, found: (id: number) => void): void {
  const last = frame.length - MARKER_BYTES;
  let i = frame.indexOf(MARKER_START, from);
  while (i !== -1 && i <= last) {
    if (frame[i + 1] === MARKER_B && frame[i + 2] === MARKER_M && frame[i + MARKER_BYTES - 1] === MARKER_END) {
      const id = parseHex(frame, i + 3);
      if (id >= 0) {
        found(id);
        i = frame.indexOf(MARKER_START, i + MARKER_BYTES);
        continue;
      }
    }
    i = frame.indexOf(MARKER_START, i + 1);
  }
}

function parseHex(frame: Buffer, at: number): number {
  let n = 0;
  for (let k = 0; k < MARKER_ID_DIGITS; k++) {
    const c = frame[at + k];
    let d: number;
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (c >= 0x61 && c <= 0x66) d = c - 0x57;
    else return -1;
    n = n * 16 + d;
  }
  return n;
}
