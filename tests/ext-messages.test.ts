/**
 * The client's side of the extension protocol, without a server: a live event is checked against
 * `ExtPayloads` before any handler sees it, and a frame that cannot be read is dropped with a
 * warning instead of breaking the provider's message loop.
 */
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import { describe, expect, it } from 'vitest';
import { decodeExt, encodeExtEvent, installExtHandlers, parseExtVersion, readExtEvent } from '../shared/ext-messages.ts';
import { MessageType } from '../shared/protocol.ts';

describe('live event guard', () => {
  it('reads what the server encodes, kind and payload', () => {
    const frame = encodeExtEvent('build/status', { buildId: 'b1', status: 'running', error: null, attempts: 1, at: '2026-01-01T00:00:00.000Z' });
    const decoded = decodeExt(frame);
    expect(decoded?.type).toBe(MessageType.event);
    const read = readExtEvent(decoded?.payload);
    expect(read).toEqual({ ok: true, event: { type: 'build/status', buildId: 'b1', status: 'running', error: null, attempts: 1, at: '2026-01-01T00:00:00.000Z' } });
  });

  it('refuses unknown kinds and payloads of the wrong shape, with the reason', () => {
    expect(readExtEvent(null)).toEqual({ ok: false, reason: 'an event without a type' });
    expect(readExtEvent({ type: 'toString' })).toEqual({ ok: false, reason: 'unknown event kind "toString"' });
    expect(readExtEvent({ type: 'build/teleported', buildId: 'b1' })).toMatchObject({ ok: false, reason: 'unknown event kind "build/teleported"' });
    expect(readExtEvent({ type: 'build/status', buildId: 'b1', status: 'exploded', error: null, attempts: 1, at: 'x' })).toEqual({
      ok: false,
      reason: 'malformed build/status event',
    });
    expect(readExtEvent({ type: 'comment', action: 'created' })).toEqual({ ok: false, reason: 'malformed comment event' });
    expect(readExtEvent({ type: 'change', action: 'retracted' })).toEqual({ ok: false, reason: 'malformed change event' });
    expect(readExtEvent({ type: 'settings', requireApproval: 'yes' })).toEqual({ ok: false, reason: 'malformed settings event' });
    expect(readExtEvent({ type: 'build/progress', buildId: 'b1', stage: 'plan', pct: 40 })).toMatchObject({ ok: true });
  });

  it('drops an unreadable frame with a warning and keeps handling the next one', () => {
    const handlers: Array<(encoder: encoding.Encoder, decoder: decoding.Decoder, p: unknown, s: boolean, t: number) => void> = [];
    const received: unknown[] = [];
    const warnings: string[] = [];
    installExtHandlers({ messageHandlers: handlers }, (_type, payload) => received.push(payload), (message) => warnings.push(message));
    const frame = (json: string): decoding.Decoder => {
      const encoder = encoding.createEncoder();
      encoding.writeVarString(encoder, json);
      return decoding.createDecoder(encoding.toUint8Array(encoder));
    };
    const handle = handlers[MessageType.event];
    expect(() => handle(encoding.createEncoder(), frame('{"type":'), null, false, MessageType.event)).not.toThrow();
    handle(encoding.createEncoder(), frame('{"type":"settings","requireApproval":true}'), null, false, MessageType.event);
    expect(warnings).toEqual([`ignored an unreadable extension message (type ${MessageType.event})`]);
    expect(received).toEqual([{ type: 'settings', requireApproval: true }]);
  });
});

describe('ext query parameter', () => {
  it('is absent for a stock client, a number for ours, malformed otherwise', () => {
    expect(parseExtVersion(null)).toBeNull();
    expect(parseExtVersion('2')).toBe(2);
    expect(parseExtVersion('0')).toBe(0);
    for (const bad of ['', 'x', '1e3', ' 1', '9999999']) expect(parseExtVersion(bad)).toBe('malformed');
  });
});
