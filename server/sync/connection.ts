import { randomUUID } from 'node:crypto';

/**
 * One client connection, independent of the transport: anything with `send` and `close` will do
 * (a `ws` socket through Hono's helper in production, an in-memory pair in unit tests).
 */

export interface SyncSocket {
  send(data: Uint8Array): void;
  close(code: number, reason: string): void;
}

import type { Action, Role } from '../../shared/roles.ts';
import { DOC_LAYOUT, writeActions, writeActionsFor, type RootDeclaration } from '../../shared/doc-layout.ts';
import { allows, type MemberPrincipal, type ShareLinkGuestPrincipal } from '../access/policy.ts';

export type { Role };

/** Who holds a connection and what the access policy grants them there now. */
export interface ConnectionPrincipal {
  /** Who, typed (a member's session, or a link guest): what live re-checks decide again. */
  who: MemberPrincipal | ShareLinkGuestPrincipal;
  /** The id presence and the change log show: the user id, or `guest:<id>` for a link guest
   * (`personIdOf`; a wire format, unchanged for clients). */
  userId: string;
  name: string;
  color: string;
  /** Mutable: the grant's role, lowered or raised live when access changes. */
  role: Role;
  /** Mutable: the share link that grants the role, if it is a link (its limits count this
   * connection; revoking it ends the connection unless a membership still grants a role). */
  linkId: string | null;
  /** Mutable: epoch ms when the grant ends by itself (the earlier of session and link). */
  expiresAt?: number;
}

/** The actions that write some root of the main document's layout (fixed at load, like the layout). */
const WRITE_ACTIONS: readonly Action[] = [...writeActions()];

export class Connection {
  /** See `id`. */
  private logId: string | undefined;
  /** Awareness client ids this connection has announced; removed when it closes. */
  readonly awarenessIds = new Set<number>();
  /** Document messages received from this connection (sync step 2 and updates). */
  received = 0;
  /** The access re-check run that last selected this connection (access-revalidation.ts). */
  accessRun = 0;
  /** The last access re-check run that read this connection's facts and decided on them. */
  accessRead = 0;
  closed = false;
  /** Set once we told a read-only client that its edits are dropped (we tell it only once). */
  toldReadOnly = false;
  /** The origin of this connection's transactions on the room's document (room-contract.ts,
   * `DocOrigin`): one object per connection, so comparing origins compares connections. */
  readonly origin: { readonly kind: 'client'; readonly connection: Connection } = { kind: 'client', connection: this };

  constructor(
    readonly socket: SyncSocket,
    readonly principal: ConnectionPrincipal,
    /** Wants extension messages (type ≥ 100). The stock provider must never get one. */
    readonly ext: boolean,
  ) {}

  /** The id log lines name this connection by, made on first use: only log lines read it, and
   * most connections never log. A UUID held by every one of them cost about 0.5 KB each (Node
   * builds it by concatenation, so it lives as a tree of string pieces): 7 MB at 15,000 idle
   * connections. randomUUID draws from a cached pool of random bytes; randomBytes would make a
   * system call each time. */
  get id(): string {
    return (this.logId ??= randomUUID());
  }

  /** May write some root at all? Asked for every document message before it is decoded (a
   * read-only connection's updates are dropped unread): the role table, no I/O. `actions`: the
   * write actions of the room's document (`Room.writeActions`; default the main document's). */
  canWriteAny(actions: readonly Action[] = WRITE_ACTIONS): boolean {
    for (const action of actions) if (allows(this.principal, action)) return true;
    return false;
  }

  get canWrite(): boolean {
    return this.canWriteAny();
  }

  /** May write under every one of `roots` (an update's, from the update check): each root's own
   * write action (shared/doc-layout.ts), decided by the role table without I/O. */
  mayWrite(roots: Iterable<string>, layout: readonly RootDeclaration[] = DOC_LAYOUT): boolean {
    for (const action of writeActionsFor(roots, layout)) if (!allows(this.principal, action)) return false;
    return true;
  }

  send(data: Uint8Array): void {
    if (this.closed) return;
    this.socket.send(data);
  }

  close(close: { code: number; reason: string }): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close(close.code, close.reason);
  }
}
