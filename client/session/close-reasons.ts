/**
 * What each WebSocket close code means to a person, and whether to reconnect. The codes are the
 * server's (shared/protocol.ts); the words are ours. Three outcomes:
 *
 * - `quiet`: reconnect without fuss (a server restart or deploy: 1001, 1006, 45xx).
 * - `later`: reconnect with backoff, saying why (rate limited: the connection resumes by itself).
 * - `ended`: do not reconnect; tell the person what happened and what they can do. With
 *   `blocking`, the configuration is hidden behind a page that says so (access is gone); without,
 *   a banner sits above the read-only workspace (a limit was reached; "Try again" may work).
 */
import { CloseCode } from '../../shared/protocol.ts';

export type CloseAction = 'sign-in' | 'home' | 'retry' | 'reload';

export interface ConnectionEnd {
  code: number;
  /** Short, for the status line. */
  title: string;
  /** What happened and what to do, for the banner or page. */
  detail: string;
  reconnect: 'quiet' | 'later' | 'never';
  /** Hide the configuration: the person no longer has (or never had) access to it. */
  blocking: boolean;
  actions: CloseAction[];
}

type Words = Omit<ConnectionEnd, 'code'>;

const ENDED = (title: string, detail: string, actions: CloseAction[], blocking = false): Words => ({
  title,
  detail,
  reconnect: 'never',
  blocking,
  actions,
});

const BY_CODE: ReadonlyMap<number, Words> = new Map<number, Words>([
  [CloseCode.goingAway.code, { title: 'Reconnecting…', detail: 'The server is restarting; your edits are kept and sent when it is back.', reconnect: 'quiet', blocking: false, actions: [] }],
  [
    CloseCode.unauthorized.code,
    ENDED('Signed out', 'Your sign-in has ended (signed out elsewhere, or it expired). Sign in again to keep working on this configuration.', ['sign-in'], true),
  ],
  [
    CloseCode.forbidden.code,
    ENDED('No access', 'You do not have access to this configuration. Ask its owner to invite you or to send you a link.', ['home'], true),
  ],
  [
    CloseCode.notFound.code,
    // The server answers this for "no such configuration" and "not yours" alike (no existence oracle).
    ENDED(
      'Configuration not available',
      'This configuration does not exist, was deleted, or you have no access to it. Ask its owner to invite you or to send you a link.',
      ['home'],
      true,
    ),
  ],
  [
    CloseCode.accessRevoked.code,
    ENDED(
      'Access ended',
      'Your access to this configuration has ended: the owner revoked the link or your membership, or it expired. Ask the owner for a new link if you still need it.',
      ['home'],
      true,
    ),
  ],
  [
    CloseCode.rateLimited.code,
    {
      title: 'Paused: too many changes at once',
      detail: 'You sent changes faster than the server accepts. Reconnecting in a moment; nothing you typed is lost.',
      reconnect: 'later',
      blocking: false,
      actions: [],
    },
  ],
  [
    CloseCode.tooManyConnections.code,
    ENDED('Too many open tabs', 'You have too many Boardroom tabs or windows open. Close some of them, then try again.', ['retry']),
  ],
  [
    CloseCode.configMoved.code,
    { title: 'Reconnecting…', detail: 'This configuration moved to another organisation; reconnecting to it there.', reconnect: 'quiet', blocking: false, actions: [] },
  ],
  [CloseCode.linkBusy.code, ENDED('Link busy', 'Too many people are using this share link right now. Try again in a little while.', ['retry'])],
  [
    CloseCode.crossOrigin.code,
    ENDED('Connection refused', 'This page is not on an address the server accepts for your sign-in. Open Boardroom at its own address.', ['home'], true),
  ],
  [CloseCode.roomFull.code, ENDED('Configuration full', 'Too many people have this configuration open right now. Try again in a little while.', ['retry'])],
  [
    CloseCode.documentTooLarge.code,
    ENDED('Size limit reached', 'This configuration reached its size limit, so your last change was not saved. Reload to continue from the saved state.', ['reload']),
  ],
  [
    CloseCode.messageTooLarge.code,
    ENDED('Change too large', 'Your last change is larger than the server accepts, so it was not saved. Reload to continue from the saved state.', ['reload']),
  ],
  [
    CloseCode.clientTooOld.code,
    // The page was loaded before a deploy; the new server no longer speaks its protocol.
    ENDED('Boardroom was updated', 'The server runs a newer version of Boardroom than this page. Reload the page to continue.', ['reload']),
  ],
  [
    CloseCode.malformed.code,
    ENDED('Connection refused', 'The server could not read a message from this page. Reload the page to reconnect.', ['reload']),
  ],
]);

/** What a close means. Unknown codes: 44xx are final (y-websocket's own rule), the rest are quiet. */
export function describeClose(code: number, reason: string): ConnectionEnd {
  if (code === CloseCode.changeRefused.code) {
    // A feature refused the change for good; its reason (the close reason) is what to fix.
    const why = reason && reason !== CloseCode.changeRefused.reason ? reason : 'a server-side check refused it';
    return { code, ...ENDED('Change refused', `Your last change was not saved: ${why}. Reload to continue from the saved state.`, ['reload']) };
  }
  const known = BY_CODE.get(code);
  if (known) return { code, ...known };
  if (code >= 4400 && code < 4500) {
    return { code, ...ENDED('Disconnected', `The server ended the connection: ${reason || 'no reason given'}. Reload to try again.`, ['reload']) };
  }
  return { code, title: 'Reconnecting…', detail: reason, reconnect: 'quiet', blocking: false, actions: [] };
}

/** For the provider's `shouldReconnect`. */
export function shouldReconnect(code: number, reason = ''): boolean {
  return describeClose(code, reason).reconnect !== 'never';
}
