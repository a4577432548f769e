/**
 * One container per open configuration (client/session/config-container.ts): the document
 * connection, presence, validation, live events, history/reviews and builds are created together
 * and one `dispose()` leaves nothing behind. Opened and closed five times against a real server
 * (a child process, so every socket, timer and listener in this process is the client's), and
 * counted after each round: WebSockets open here and on the server, online/offline listeners,
 * intervals, pending timeouts made by the client code, and observers on the document.
 *
 * Runs the browser build of solid-js (the Node build has no reactivity), with Node's `ws` as the
 * WebSocket class and a fetch that carries the account's token: the same client code as the page.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import type { Api } from '../client/app/api.ts';
import { signUp, type TestUser } from './helpers/auth.ts';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.ts';
import { createConfig, TEST_METRICS_TOKEN } from './helpers/server.ts';
import { startChildServer, type ChildServer } from './helpers/spawn-server.ts';
import { eventually } from './helpers/wait.ts';

vi.mock('solid-js', async () => {
  // @ts-expect-error -- the browser build's file has no types beside it; its API is 'solid-js'.
  return (await import('../node_modules/solid-js/dist/solid.js')) as object;
});

const { createApi } = await import('../client/app/api.ts');
const { openConfigContainer } = await import('../client/session/config-container.ts');
type ConfigContainer = import('../client/session/config-container.ts').ConfigContainer;

/** Open-and-close rounds: a leak of one socket or timer per round shows as a count that grows. */
const ROUNDS = 5;

let db: TestDatabase;
let server: ChildServer;
let owner: TestUser;
let configs: string[];

// --- What the client leaves running, counted -------------------------------------------------

/** Where a timer was made: only timers made by the client code (or the Yjs libraries it drives)
 * count; vitest and fetch have timers of their own. */
const CLIENT_FRAMES = ['/client/', 'y-websocket', 'y-protocols', 'y-indexeddb', '/lib0/'];
const madeByClient = (): boolean => {
  const stack = new Error().stack ?? '';
  return CLIENT_FRAMES.some((frame) => stack.includes(frame));
};

const live = { intervals: new Set<unknown>(), timeouts: new Set<unknown>() };
const real = { setInterval, clearInterval, setTimeout, clearTimeout };
function countTimers(): void {
  globalThis.setInterval = ((fn: () => void, ms?: number, ...args: unknown[]) => {
    const id = real.setInterval(fn, ms, ...args);
    if (madeByClient()) live.intervals.add(id);
    return id;
  }) as typeof setInterval;
  globalThis.clearInterval = ((id: Parameters<typeof clearInterval>[0]) => {
    live.intervals.delete(id);
    real.clearInterval(id);
  }) as typeof clearInterval;
  globalThis.setTimeout = ((fn: (...a: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const tracked = madeByClient();
    const id: unknown = real.setTimeout(
      (...a: unknown[]) => {
        live.timeouts.delete(id);
        fn(...a);
      },
      ms,
      ...args,
    );
    if (tracked) live.timeouts.add(id);
    return id;
  }) as typeof setTimeout;
  globalThis.clearTimeout = ((id: Parameters<typeof clearTimeout>[0]) => {
    live.timeouts.delete(id);
    real.clearTimeout(id);
  }) as typeof clearTimeout;
}
function restoreTimers(): void {
  Object.assign(globalThis, real);
}

/** Every socket the provider opened, so we can see which are still open. */
const sockets: WebSocket[] = [];
const openSockets = () => sockets.filter((s) => s.readyState !== WebSocket.CLOSED).length;
let networkListeners = 0;

function network() {
  class CountedSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      // The page's session cookie, from the page's origin.
      super(url, protocols, { headers: { cookie: `br_session=${owner.token}`, origin: server.url } });
      sockets.push(this);
    }
  }
  return {
    online: () => true,
    onOnlineChange() {
      networkListeners += 1;
      return () => {
        networkListeners -= 1;
      };
    },
    WebSocket: CountedSocket as unknown as typeof globalThis.WebSocket,
  };
}

/** The REST API as the page uses it, signed in by the account's bearer token. */
function api(): Api {
  const realFetch = globalThis.fetch;
  vi.stubGlobal('fetch', (url: string, init: RequestInit = {}) =>
    realFetch(url, { ...init, headers: { authorization: `Bearer ${owner.token}`, ...(init.headers as Record<string, string>) } }),
  );
  return createApi(server.url);
}

async function serverConnections(): Promise<number> {
  const res = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } });
  const line = (await res.text()).split('\n').find((l) => l.startsWith('boardroom_connections '));
  return Number(line?.split(' ')[1]);
}

/** Observers a Y.Doc holds (lib0 Observable): the container's listeners on its document. */
function docObservers(container: ConfigContainer): number {
  const observers = (container.session.doc as unknown as { _observers: Map<string, Set<unknown>> })._observers;
  return [...observers.values()].reduce((n, set) => n + set.size, 0);
}

beforeAll(async () => {
  db = await createTestDatabase('client_container', { migrated: true });
  server = await startChildServer({ DATABASE_URL: db.url, METRICS_TOKEN: TEST_METRICS_TOKEN });
  owner = await signUp(server.url, 'Owner');
  configs = [
    await createConfig({ url: server.url, token: owner.token }, { name: 'First', data: { BOARD: 'rock-5b' } }),
    await createConfig({ url: server.url, token: owner.token }, { name: 'Second', data: { BOARD: 'orangepi5' } }),
  ];
  countTimers();
}, 60_000);

/** Every container a test opened: a failed test must not leave its socket to the next one. */
const opened: ConfigContainer[] = [];
function open(configId: string, rest: Api): ConfigContainer {
  const container = openConfigContainer({
    configId,
    wsUrl: `${server.url.replace('http', 'ws')}/sync`,
    identity: { name: 'Owner', color: '#1971c2' },
    api: rest,
    network: network(),
  });
  opened.push(container);
  return container;
}
afterEach(() => {
  for (const container of opened.splice(0)) container.dispose();
});

afterAll(async () => {
  restoreTimers();
  vi.unstubAllGlobals();
  server?.child.kill('SIGKILL');
  await server?.exited;
  await db?.drop();
});

describe('the configuration container', () => {
  it(`leaves no socket, timer or listener behind after ${ROUNDS} opens and closes`, async () => {
    const rest = api();
    const baseline = { intervals: live.intervals.size, timeouts: live.timeouts.size };
    for (let round = 0; round < ROUNDS; round++) {
      const configId = configs[round % configs.length];
      const container = open(configId, rest);
      // Open: one socket here and on the server, the document loaded, the parts working.
      await eventually(() => expect(container.session.synced()).toBe(true));
      await eventually(() => expect(container.session.name()).toBe(round % 2 === 0 ? 'First' : 'Second'));
      // A Builds panel watching: the list is read (and would be polled while reconnecting).
      container.builds.watch();
      await eventually(() => expect(container.builds.loaded()).toBe(true));
      expect(container.session.connection()).toBe('connected');
      expect(container.may('edit')).toBe(true);
      expect(openSockets()).toBe(1);
      expect(networkListeners).toBe(1);
      await eventually(async () => expect(await serverConnections()).toBe(1));
      expect(live.intervals.size).toBeGreaterThan(baseline.intervals);
      expect(docObservers(container)).toBeGreaterThan(0);

      container.dispose();
      container.dispose(); // twice is harmless

      // Closed: nothing of it is left running, here or on the server.
      expect(container.disposed).toBe(true);
      expect(networkListeners).toBe(0);
      expect(live.intervals.size).toBe(baseline.intervals);
      expect(docObservers(container)).toBe(0);
      await eventually(() => expect(openSockets()).toBe(0));
      await eventually(async () => expect(await serverConnections()).toBe(0));
      // The provider's reconnect timer (set when its socket closed) fires once and opens nothing.
      await eventually(() => expect(live.timeouts.size).toBe(baseline.timeouts), { timeoutMs: 5_000 });
      expect(openSockets()).toBe(0);
    }
    expect(sockets).toHaveLength(ROUNDS);
  });

  it('does not act on an answer that arrives after it was disposed', async () => {
    const rest = api();
    const container = open(configs[0], rest);
    // Disposed before the REST answers (name, builds) and the sync arrive.
    container.dispose();
    await eventually(() => expect(openSockets()).toBe(0));
    await new Promise((resolve) => real.setTimeout(resolve, 300));
    expect(container.session.name()).toBe('');
    expect(container.builds.loaded()).toBe(false);
    expect(container.session.synced()).toBe(false);
    await eventually(async () => expect(await serverConnections()).toBe(0));
  });
});
