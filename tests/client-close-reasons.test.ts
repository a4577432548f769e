/**
 * What the page does when a feature's veto hook closes the connection (docs/architecture.md,
 * "Features"): 4422 is final and says the feature's reason; 4522 reconnects quietly and resends.
 */
import { describe, expect, it } from 'vitest';
import { describeClose, shouldReconnect } from '../client/session/close-reasons.ts';
import { CloseCode } from '../shared/protocol.ts';

describe('veto close codes', () => {
  it('4422: does not reconnect, and tells the person the feature\'s reason', () => {
    const end = describeClose(CloseCode.changeRefused.code, 'files: a path that is both a file and a folder');
    expect(end).toMatchObject({ title: 'Change refused', reconnect: 'never', blocking: false, actions: ['reload'] });
    expect(end.detail).toContain('files: a path that is both a file and a folder');
    expect(shouldReconnect(CloseCode.changeRefused.code)).toBe(false);
    // Without a reason of its own, still a sentence.
    expect(describeClose(CloseCode.changeRefused.code, CloseCode.changeRefused.reason).detail).toContain('a server-side check refused it');
  });

  it('4522: reconnects quietly (the provider resends the change)', () => {
    expect(describeClose(CloseCode.changeRefusedForNow.code, CloseCode.changeRefusedForNow.reason)).toMatchObject({ reconnect: 'quiet', blocking: false });
    expect(shouldReconnect(CloseCode.changeRefusedForNow.code)).toBe(true);
  });
});
