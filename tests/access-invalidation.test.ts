/**
 * How access changes travel between processes, without Redis: two processes' access control
 * joined by an in-memory bus that delivers what Redis pub/sub would (JSON, not to the sender).
 * A change is re-decided where it was made before the route answers, and announced to the other
 * process as the same scope, never as a decided role. The re-decision itself, against Postgres,
 * is in tests/access-live-decisions.test.ts and tests/cluster-revocation.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { createAccessControl, type AccessEventBus, type AccessScope } from '../server/access/access-control.ts';
import type { ShareLink } from '../server/auth/access-store.ts';
import { affects } from '../server/auth/access-revalidation.ts';
import { connectionPrincipal } from '../server/auth/sync-authorizer.ts';
import { Connection } from '../server/sync/connection.ts';
import { ConnectionRegistry } from '../server/ws-transport.ts';

const CONFIG = '11111111-1111-4111-8111-111111111111';

/** Pub/sub between processes: every subscriber but the publisher gets a JSON copy. */
function memoryBus() {
  const subscribers: Array<{ from: number; handler: (message: unknown) => void }> = [];
  let next = 0;
  return {
    /** What a process publishes on (raw, to inject what an older process would send). */
    deliver(from: number, message: unknown) {
      for (const s of subscribers) if (s.from !== from) s.handler(JSON.parse(JSON.stringify(message)));
    },
    forProcess(): AccessEventBus & { id: number } {
      const id = next++;
      const bus = this;
      return {
        id,
        publish: (message) => bus.deliver(id, message),
        subscribe: (handler) => void subscribers.push({ from: id, handler }),
      };
    },
  };
}

function serverProcess(bus: ReturnType<ReturnType<typeof memoryBus>['forProcess']>) {
  const rechecks: Array<AccessScope | 'all'> = [];
  const forgotten: string[] = [];
  let finish!: () => void;
  const control = createAccessControl({
    registry: new ConnectionRegistry(),
    roomsOf: () => [],
    bus,
    recheck: (scope) => {
      rechecks.push(scope ?? 'all');
      return new Promise<void>((resolve) => (finish = resolve));
    },
    forgetSession: (id) => forgotten.push(id),
  });
  return { control, rechecks, forgotten, finishRecheck: () => finish() };
}

describe('access invalidations between processes', () => {
  it('a change is re-decided here before the route goes on, and the same scope reaches the other process', async () => {
    const bus = memoryBus();
    const a = serverProcess(bus.forProcess());
    const b = serverProcess(bus.forProcess());
    let answered = false;
    const done = a.control.events.invalidate({ configId: CONFIG, linkId: 'link-1' }).then(() => (answered = true));
    expect(a.rechecks).toEqual([{ configId: CONFIG, linkId: 'link-1' }]);
    expect(b.rechecks).toEqual([{ configId: CONFIG, userId: undefined, linkId: 'link-1' }]);
    // The route waits for this process's re-decision.
    await Promise.resolve();
    expect(answered).toBe(false);
    a.finishRecheck();
    await done;
    expect(answered).toBe(true);
    a.control.close();
    b.control.close();
  });

  it('a session that ended is forgotten from every process\'s session cache and re-decided there', () => {
    const bus = memoryBus();
    const a = serverProcess(bus.forProcess());
    const b = serverProcess(bus.forProcess());
    void a.control.events.invalidate({ sessionId: 'session-1' });
    expect(a.forgotten).toEqual(['session-1']);
    expect(b.forgotten).toEqual(['session-1']);
    expect(b.rechecks).toEqual([{ sessionId: 'session-1' }]);
    a.control.close();
    b.control.close();
  });

  it('an event from an older process (a decided role) makes the receiver re-check everything', () => {
    const bus = memoryBus();
    const older = bus.forProcess();
    const b = serverProcess(bus.forProcess());
    bus.deliver(older.id, { type: 'shareRoleChanged', args: [CONFIG, 'link-1', 'viewer', null] });
    expect(b.rechecks).toEqual(['all']);
    b.control.close();
  });
});

describe('which connections a change affects', () => {
  const link = { id: 'link-1', configId: CONFIG, role: 'editor', kind: 'live', label: null, expiresAt: null, createdAt: new Date(), lastUsedAt: null, uses: 0, revokedAt: null } as ShareLink;
  const socket = { send() {}, close() {} };
  const grant = { role: 'editor' as const, linkId: null, expiresAt: undefined };
  const member = new Connection(
    socket,
    connectionPrincipal({ kind: 'member', userId: 'user-1', name: 'Ada', isAdmin: false, sessionId: 'session-1', sessionExpiresAt: Date.now() + 60_000, link: null }, grant),
    false,
  );
  const guest = new Connection(socket, connectionPrincipal({ kind: 'shareLinkGuest', link, guestId: 'g1', guestName: 'Robin' }, grant), false);

  it('a configuration scope covers everyone there; a user or link scope only them; a session scope only its member', () => {
    expect([member, guest].map((c) => affects({ configId: CONFIG }, CONFIG, c))).toEqual([true, true]);
    expect([member, guest].map((c) => affects({ configId: 'other' }, CONFIG, c))).toEqual([false, false]);
    expect([member, guest].map((c) => affects({ configId: CONFIG, userId: 'user-1' }, CONFIG, c))).toEqual([true, false]);
    expect([member, guest].map((c) => affects({ configId: CONFIG, linkId: 'link-1' }, CONFIG, c))).toEqual([false, true]);
    expect([member, guest].map((c) => affects({ sessionId: 'session-1' }, CONFIG, c))).toEqual([true, false]);
  });

  it('an account scope (organisation or team membership) covers that member on every configuration, never a guest', () => {
    expect([member, guest].map((c) => affects({ accountId: 'user-1' }, CONFIG, c))).toEqual([true, false]);
    expect([member, guest].map((c) => affects({ accountId: 'user-1' }, 'another-config', c))).toEqual([true, false]);
    expect([member, guest].map((c) => affects({ accountId: 'user-2' }, CONFIG, c))).toEqual([false, false]);
  });

  it('a guest connection is shown as guest:<id>, a member by user id (the wire format is unchanged)', () => {
    expect(guest.principal.userId).toBe('guest:g1');
    expect(guest.principal.name).toBe('Robin (guest)');
    expect(member.principal.userId).toBe('user-1');
  });
});
