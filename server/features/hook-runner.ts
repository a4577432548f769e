/**
 * The one hook runner (docs/architecture.md, "Features"): every feature's room hooks, called in
 * the declared order under their policy, so a bug in a feature stays that feature's bug.
 *
 * - Observer hooks (`afterClientChange`, `afterCommit`, `onJoin`, `afterTransaction`): a throw or
 *   a rejected promise is logged with the feature's name and the hook, and the next feature runs.
 *   The client's change is committed and fanned out as if nothing happened; the client is never
 *   closed for it (before this runner, a throw in `afterClientChange` closed the client with 4400
 *   "malformed", which the stock provider treats as final, and one in `onJoin` was an unhandled
 *   rejection).
 * - Veto hooks (`beforeClientUpdate`): the first refusal wins and closes the connection with the
 *   code the feature chose on purpose (final 4422, retryable 4522) and its reason. A veto hook
 *   that throws refuses retryably: letting an unchecked change in could be what the veto exists
 *   to prevent, and the failure is the server's, not something the client can fix, so the
 *   provider keeps its edits and retries with backoff.
 */
import type * as Y from 'yjs';
import type { Logger } from 'pino';
import { CloseCode } from '../../shared/protocol.ts';
import type { ClientUpdate, DocChange, Refusal, RoomHookCalls, RoomHooks } from '../sync/room-contract.ts';
import type { Connection } from '../sync/connection.ts';
import type { Room } from '../sync/room.ts';

/** A WebSocket close reason is at most 123 bytes (RFC 6455): a feature's reason is cut to fit. */
const MAX_CLOSE_REASON_BYTES = 123;

type ObserverHook = 'afterClientChange' | 'afterCommit' | 'onJoin' | 'afterTransaction';

export interface HookRunnerDeps {
  logger: Logger;
  /** Counts a failed hook (metrics). */
  onFailure?: (feature: string, hook: string) => void;
}

interface Named<F> {
  feature: string;
  fn: F;
}

export function createHookRunner(features: ReadonlyArray<{ name: string; roomHooks?: RoomHooks }>, deps: HookRunnerDeps): RoomHookCalls {
  const failed = (feature: string, hook: string, room: Room, error: unknown): void => {
    deps.logger.error({ err: error, feature, hook, configId: room.configId }, 'feature hook failed; the room goes on');
    deps.onFailure?.(feature, hook);
  };
  const hooksOf = <K extends keyof RoomHooks>(hook: K): Array<Named<NonNullable<RoomHooks[K]>>> =>
    features.flatMap((f) => {
      const fn = f.roomHooks?.[hook];
      return fn ? [{ feature: f.name, fn: fn.bind(f.roomHooks) as NonNullable<RoomHooks[K]> }] : [];
    });

  /** Calls every feature's observer; a throw or a rejection is that feature's failure only. */
  const observe = <A extends unknown[]>(hook: ObserverHook, list: Array<Named<(room: Room, ...args: A) => unknown>>) =>
    (room: Room, ...args: A): void => {
      for (const { feature, fn } of list) {
        try {
          const result = fn(room, ...args);
          if (result instanceof Promise) result.catch((error: unknown) => failed(feature, hook, room, error));
        } catch (error) {
          failed(feature, hook, room, error);
        }
      }
    };

  const vetoes = hooksOf('beforeClientUpdate');
  return {
    afterClientChange: observe<[Connection, DocChange]>('afterClientChange', hooksOf('afterClientChange')),
    afterCommit: observe<[DocChange]>('afterCommit', hooksOf('afterCommit')),
    onJoin: observe<[Connection]>('onJoin', hooksOf('onJoin')),
    afterTransaction: observe<[Y.Transaction]>('afterTransaction', hooksOf('afterTransaction')),
    beforeClientUpdate(room: Room, author: Connection, update: ClientUpdate) {
      for (const { feature, fn } of vetoes) {
        let refusal: Refusal | null | undefined | void;
        try {
          refusal = fn(room, author, update);
        } catch (error) {
          failed(feature, 'beforeClientUpdate', room, error);
          return { code: CloseCode.changeRefusedForNow.code, reason: CloseCode.changeRefusedForNow.reason };
        }
        if (refusal) {
          const close = refusal.retryable ? CloseCode.changeRefusedForNow : CloseCode.changeRefused;
          deps.logger.info({ feature, configId: room.configId, conn: author.id, reason: refusal.reason, retryable: refusal.retryable }, 'change refused by a feature');
          return { code: close.code, reason: closeReason(`${feature}: ${refusal.reason}`) };
        }
      }
      return null;
    },
  };
}

/** `text` cut to fit a close frame, on a character boundary. */
function closeReason(text: string): string {
  const encoder = new TextEncoder();
  if (encoder.encode(text).length <= MAX_CLOSE_REASON_BYTES) return text;
  let cut = text;
  while (encoder.encode(cut + '…').length > MAX_CLOSE_REASON_BYTES) cut = [...cut].slice(0, -1).join('');
  return cut + '…';
}
