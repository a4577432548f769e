import { randomUUID } from 'node:crypto';

/**
 * One client connection, independent of the transport: anything with `send` and `close` will do
 * (a `ws` socket through Hono's helper in production, an in-memory pair in unit tests).
 */

export interface SyncSocket {
  send(data: Uint8Array): void;
  close(code: number, reason: string): void;
}

import type { Role } from '../../shared/roles.ts';

export type { Role };

export interface Principal {
  /** Stable id of the person (user id, or `guest:<id>` for link visitors). */
  userId: string;
  name: string;
  color: string;
  /** Mutable: lowered or raised live when a link's or membership's role changes. */
  role: Role;
  /** Share link this session came through, if any (revoking it ends the session). */
  shareId?: string;
  /** Session this connection authenticated with (signing out ends the connection). */
  sessionId?: string;
  /** Epoch ms after which the credential (link or session) is no longer valid. */
  expiresAt?: number;
}

export class Connection {
  readonly id: string;
  /** Awareness client ids this connection has announced; removed when it closes. */
  readonly awarenessIds = new Set<number>();
  /** Document messages received from this connection (sync step 2 and updates). */
  received = 0;
  closed = false;
  /** Set once we told a read-only client that its edits are dropped (we tell it only once). */
  toldReadOnly = false;

  constructor(
    readonly socket: SyncSocket,
    readonly principal: Principal,
    /** Wants extension messages (type ≥ 100). The stock provider must never get one. */
    readonly ext: boolean,
  ) {
    // randomUUID draws from a cached pool of random bytes; randomBytes would make a system call
    // for every connection, which a reconnect storm of thousands per second notices.
    this.id = randomUUID();
  }

  get canWrite(): boolean {
    return this.principal.role === 'owner' || this.principal.role === 'editor';
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
