/**
 * The room's encoded sync messages (server/sync/encoded-state.ts) are reused only while the
 * document is unchanged, and a sync step 2 only for the same state vector; a real room drops them
 * on every change, so a client joining after an edit gets the edit.
 */
import { describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { ENCODED_REPLY_KEEP_MS, EncodedState } from '../server/sync/encoded-state.ts';

describe('EncodedState', () => {
  it('encodes sync step 1 once until invalidated', () => {
    const cache = new EncodedState();
    let calls = 0;
    const encode = () => new Uint8Array([++calls]);
    expect(cache.step1(encode)).toEqual(new Uint8Array([1]));
    expect(cache.step1(encode)).toEqual(new Uint8Array([1]));
    cache.invalidate();
    expect(cache.step1(encode)).toEqual(new Uint8Array([2]));
  });

  it('reuses a sync step 2 only for an equal state vector, and not after a change', () => {
    const cache = new EncodedState();
    let calls = 0;
    const encode = () => new Uint8Array([++calls]);
    const frame = new Uint8Array([9, 0, 1, 2]);
    const empty = frame.subarray(1, 2);
    expect(cache.step2(empty, encode)).toEqual(new Uint8Array([1]));
    // The vector was a view into the client's frame: reusing the frame must not change the key.
    frame[1] = 7;
    expect(cache.step2(new Uint8Array([0]), encode)).toEqual(new Uint8Array([1]));
    expect(cache.step2(new Uint8Array([1, 5, 3]), encode)).toEqual(new Uint8Array([2]));
    cache.invalidate();
    expect(cache.step2(new Uint8Array([1, 5, 3]), encode)).toEqual(new Uint8Array([3]));
  });

  it('answers a real document\'s empty state vector with its whole state', () => {
    const doc = new Y.Doc();
    doc.getMap('config').set('BOARD', 'rock-5b');
    const cache = new EncodedState();
    const vector = Y.encodeStateVector(new Y.Doc());
    const reply = cache.step2(vector, () => Y.encodeStateAsUpdate(doc, vector));
    const copy = new Y.Doc();
    Y.applyUpdate(copy, reply);
    expect(copy.getMap('config').get('BOARD')).toBe('rock-5b');
  });

  it('lets an idle room drop its encoded state after a while', () => {
    vi.useFakeTimers();
    try {
      const cache = new EncodedState();
      let calls = 0;
      const encode = () => new Uint8Array([++calls]);
      cache.step2(new Uint8Array([0]), encode);
      vi.advanceTimersByTime(ENCODED_REPLY_KEEP_MS - 1);
      expect(cache.step2(new Uint8Array([0]), encode)).toEqual(new Uint8Array([1]));
      vi.advanceTimersByTime(1);
      expect(cache.step2(new Uint8Array([0]), encode)).toEqual(new Uint8Array([2]));
    } finally {
      vi.useRealTimers();
    }
  });
});
