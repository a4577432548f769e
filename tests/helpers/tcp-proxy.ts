/**
 * A TCP proxy in front of a real server that a test can break in the ways networks and databases
 * break, to make Postgres (or Redis) misbehave for one server under test without touching the
 * server everyone else uses:
 *
 * - `refuse()`: the port stops listening (ECONNREFUSED) and open connections are closed, as when
 *   Postgres is stopped.
 * - `reset()`: every open connection gets a TCP RST at once; new ones work (a restart, a NAT or
 *   load-balancer flush).
 * - `blackhole()`: connections are accepted but nothing is forwarded either way, and connections
 *   that were open stay open but swallow everything, forever (a partition, or a failover to a new
 *   primary: the old connections never answer again, the client must notice on its own).
 * - `cut()`: open connections are closed and new ones are accepted then closed at once.
 *
 * `restore()` makes new connections work again; black-holed ones stay dead.
 *
 * `latencyMs` delays every reply (in order) by that much: a slow network or a slow disk, which
 * keeps each commit in flight long enough for a test to act while it is.
 */
import net from 'node:net';

export type ProxyMode = 'forward' | 'refuse' | 'blackhole' | 'cut';

export interface TcpProxy {
  port: number;
  readonly mode: ProxyMode;
  /** Drops every open connection and refuses new ones (accepts and closes them). */
  cut(): void;
  /** Stops listening (connection refused) and closes every open connection. */
  refuse(): Promise<void>;
  /** Resets (RST) every open connection; new connections keep working. */
  reset(): void;
  /** Accepts but never forwards; open connections swallow everything from now on. */
  blackhole(): void;
  /** New connections are forwarded again. */
  restore(): Promise<void>;
  /** Connections currently open through the proxy (client side). */
  readonly openConnections: number;
  close(): Promise<void>;
}

interface Pair {
  client: net.Socket;
  upstream: net.Socket | null;
  /** Once black-holed, a pair never forwards again. */
  dead: boolean;
}

export async function startTcpProxy(target: { host: string; port: number }, options: { latencyMs?: number } = {}): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let mode: ProxyMode = 'forward';

  const server = net.createServer((client) => {
    client.on('error', () => client.destroy());
    if (mode === 'cut' || mode === 'refuse') {
      client.destroy();
      return;
    }
    const pair: Pair = { client, upstream: null, dead: mode === 'blackhole' };
    pairs.add(pair);
    client.on('close', () => {
      pairs.delete(pair);
      pair.upstream?.destroy();
    });
    if (pair.dead) {
      // Read and drop, so the client's writes never block and it sees nothing wrong at TCP level.
      client.on('data', () => {});
      return;
    }
    const upstream = net.connect(target.port, target.host);
    pair.upstream = upstream;
    upstream.on('error', () => upstream.destroy());
    upstream.on('close', () => {
      if (!pair.dead) client.destroy();
    });
    client.on('data', (chunk) => {
      if (!pair.dead) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      // Timers of one delay fire in the order they were set: replies stay in order.
      if (options.latencyMs) setTimeout(() => !pair.dead && client.write(chunk), options.latencyMs);
      else if (!pair.dead) client.write(chunk);
    });
  });

  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(0);
  const port = (server.address() as net.AddressInfo).port;

  const destroyAll = () => {
    for (const p of pairs) {
      p.client.destroy();
      p.upstream?.destroy();
    }
  };

  return {
    port,
    get mode() {
      return mode;
    },
    get openConnections() {
      return pairs.size;
    },
    cut() {
      mode = 'cut';
      destroyAll();
    },
    async refuse() {
      mode = 'refuse';
      // Stop listening first so nothing new slips in, then close what is open.
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        destroyAll();
      });
    },
    reset() {
      for (const p of pairs) {
        p.client.resetAndDestroy();
        p.upstream?.resetAndDestroy();
      }
    },
    blackhole() {
      mode = 'blackhole';
      for (const p of pairs) {
        p.dead = true;
        // The upstream side is dropped quietly; the client side stays open and answers nothing.
        p.upstream?.destroy();
      }
    },
    async restore() {
      if (!server.listening) await listen(port);
      mode = 'forward';
    },
    close: () =>
      new Promise<void>((resolve) => {
        destroyAll();
        if (!server.listening) return resolve();
        server.close(() => resolve());
      }),
  };
}
