/**
 * "Saving… / Saved" from the server's acknowledgements, counted the way the server counts a
 * connection's document messages (sync step 2 and updates).
 */
import { describe, expect, it } from 'vitest';
import { createSaveTracker } from '../client/session/save-tracker.ts';

describe('save tracker', () => {
  it('is saving until the message carrying the edit is acknowledged', () => {
    const t = createSaveTracker();
    t.connected();
    t.sentSyncStep2(); // message 1: the answer to the server's step 1
    expect(t.state).toBe('saved');
    t.localEdit(true); // message 2
    t.localEdit(true); // message 3
    expect(t.state).toBe('saving');
    t.acked(2);
    expect(t.state).toBe('saving');
    t.acked(3);
    expect(t.state).toBe('saved');
  });

  it('covers edits that only delete (no clock moves): they are messages too', () => {
    const t = createSaveTracker();
    t.connected();
    t.sentSyncStep2();
    t.localEdit(true);
    t.acked(2);
    t.localEdit(true); // a deletion
    expect(t.state).toBe('saving');
    t.acked(3);
    expect(t.state).toBe('saved');
  });

  it('keeps offline edits unsaved until the sync step 2 after reconnecting is acknowledged', () => {
    const t = createSaveTracker();
    const states: string[] = [];
    t.onChange((s) => states.push(s));
    t.connected();
    t.sentSyncStep2();
    t.disconnected();
    t.localEdit(false);
    expect(t.state).toBe('unsaved');
    t.connected();
    t.sentSyncStep2(); // carries the offline edit: message 1 of the new connection
    expect(t.state).toBe('saving');
    t.acked(1);
    expect(t.state).toBe('saved');
    expect(states).toEqual(['unsaved', 'saving', 'saved']);
  });

  it('treats unacknowledged edits of a dropped connection as unsent', () => {
    const t = createSaveTracker();
    t.connected();
    t.sentSyncStep2();
    t.localEdit(true);
    t.disconnected();
    expect(t.state).toBe('unsaved');
    t.connected();
    t.acked(5); // an ack of the old connection's numbering must not count
    expect(t.state).toBe('unsaved');
    t.sentSyncStep2();
    t.acked(1);
    expect(t.state).toBe('saved');
  });
});
