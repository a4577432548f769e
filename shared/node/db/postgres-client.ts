/**
 * postgres.js clients that heal by themselves after any kind of Postgres outage (refused, reset,
 * black-holed, failed over). Server and builder both open their pools here.
 *
 * Three things make a postgres.js client wedge, and each has its answer below:
 * - A socket factory that fails asynchronously: postgres.js then never marks the connection
 *   closed, so every later query waits forever. Our factory hands back the socket at once and lets
 *   postgres.js see its errors and its close like those of its own sockets.
 * - A connection that stops answering (a partition, a vanished primary): TCP reports nothing for
 *   many minutes. Each socket here is destroyed when a reply is owed and nothing at all has come
 *   back for `replyTimeoutMs`; `statement_timeout` makes Postgres itself answer sooner than that,
 *   so only dead connections reach it.
 * - A query sent between a socket's error and its close is never settled by postgres.js; our
 *   sockets report their close so that postgres.js rejects it (see `WatchedSocket.emit`).
 * - postgres.js' reconnect backoff grows to 20 s per connection during a long outage; ours stays
 *   at 25–50 ms, so a pool reconnects within moments of Postgres answering again.
 */
import net from 'node:net';
import postgres from 'postgres';

export type PostgresClient = postgres.Sql;

export interface PostgresClientTuning {
  /** Connections in the pool. */
  max: number;
  /** A connection whose start-up has not finished in this long is given up (seconds). */
  connectTimeoutS: number;
  /** A connection owed a reply that has heard nothing for this long is destroyed (ms); 0: never. */
  replyTimeoutMs: number;
  /** Postgres cancels a statement running longer than this (ms); 0: no limit. */
  statementTimeoutMs: number;
  /** Ask Postgres for its array types on every new connection (postgres.js' default); a client
   * that never sends or reads arrays skips that round trip when it reconnects. */
  fetchTypes?: boolean;
}

/** The shared pool (REST, loads, compaction, builder): Postgres answers within 5 s or cancels the
 * statement (nothing in the product legitimately runs longer; loads and compactions take
 * milliseconds); a connection silent for 2 s past that is dead, not slow. Connecting takes
 * milliseconds even across a datacenter; 3 s means the address is black-holed or failing over. */
export const POOL_TUNING: Omit<PostgresClientTuning, 'max'> = {
  connectTimeoutS: 3,
  replyTimeoutMs: 7_000,
  statementTimeoutMs: 5_000,
  // Arrays are sent as text literals (`'{a,b}'::uuid[]`) and the few array columns (an access
  // token's scopes and configurations) come back as text that drizzle's array columns parse, so the
  // pool needs no array types. Asking for them is also a fourth wedge: postgres.js runs that query on
  // every new connection without handling its failure, so a connection that dies during it (a
  // failover) becomes an unhandled rejection in the process.
  fetchTypes: false,
};

/** The group committer's own connection: a commit is one small INSERT (milliseconds, a few tens at
 * 5,000 rows), and every user waits for it. A commit that has not answered in 1.5 s is taken to be
 * on a dead connection: it is destroyed and the commit retried on a fresh one, so saving resumes
 * within about 2 s of Postgres answering again even when the old connection never says anything
 * (a failover). A Postgres that is merely that slow costs a reconnect and a retry; the retried rows
 * may already be stored, which is harmless (Yjs updates apply idempotently). */
export const COMMIT_TUNING: Omit<PostgresClientTuning, 'max'> = {
  connectTimeoutS: 1,
  replyTimeoutMs: 1_500,
  statementTimeoutMs: 1_500,
  fetchTypes: false,
};

/** Migrations: one connection that may wait on the migration lock for as long as another process
 * migrates, so no statement or reply limit; connecting is still bounded. */
export const MIGRATE_TUNING: Omit<PostgresClientTuning, 'max'> = {
  connectTimeoutS: 5,
  replyTimeoutMs: 0,
  statementTimeoutMs: 0,
};

/** A pool connection unused this long is closed (seconds): servers idle at night hold nothing, and
 * a connection that silently died while idle is not the one a query finds in the morning. */
const IDLE_TIMEOUT_S = 60;
/** Connections are replaced after 30 to 60 minutes (seconds; spread so they do not all reconnect
 * at once): after a failover or a pgbouncer change every connection ends up on the new target. */
const MAX_LIFETIME_S = 30 * 60;
/** Reconnect delay of a connection after it closed (seconds, jittered down to half). Short, because
 * every user waits on the reconnect, and safe, because a connection reconnects only when a query
 * asks for it (the committer retries at most twice a second, the pool on demand). */
const RECONNECT_DELAY_S = 0.05;
/** TCP keepalive probes on idle connections (seconds; postgres.js' default). */
const KEEP_ALIVE_S = 60;

/** What postgres.js hands a socket factory (its parsed connection options). */
export interface SocketTarget {
  host: string[];
  port: number[];
  path?: string | false;
}

/**
 * A socket for postgres.js with TCP_NODELAY (postgres.js leaves Nagle on, which makes a pipelined
 * INSERT wait for the reply to the one before it) and a reply watchdog. It is returned before it
 * connects, like postgres.js' own: connect errors and the close reach postgres.js' listeners, so a
 * failed connect is retried, never left pending.
 */
export class WatchedSocket extends net.Socket {
  private owedSince: NodeJS.Timeout | null = null;
  private connectedOnce = false;
  private wroteOnce = false;
  /** postgres.js reads these (TLS server name, error messages) from the sockets it opens itself. */
  host?: string;
  port?: number;

  /** `onStuck` is told when this socket connected but closed without postgres.js ever writing
   * to it: the connection object that owns it can no longer send anything (see
   * openPostgresClient). */
  constructor(
    private readonly replyTimeoutMs: number,
    onStuck?: () => void,
  ) {
    super();
    this.setNoDelay(true);
    this.on('data', () => this.disarm());
    this.once('connect', () => (this.connectedOnce = true));
    this.on('close', () => {
      this.disarm();
      if (this.connectedOnce && !this.wroteOnce) onStuck?.();
    });
  }

  /** Connects to `target`, then starts watching writes. The watch is installed after `connect()`
   * because net.Socket's connect resets an instance's `write` to its own. */
  open(target: SocketTarget): this {
    if (target.path) this.connect({ path: target.path });
    else {
      this.host = target.host[0];
      this.port = target.port[0];
      this.connect({ host: this.host, port: this.port });
    }
    const write = net.Socket.prototype.write as (...args: unknown[]) => boolean;
    this.write = ((...args: unknown[]) => {
      this.wroteOnce = true;
      this.arm();
      return write.apply(this, args);
    }) as net.Socket['write'];
    return this;
  }

  /** Armed by the first unanswered write, not pushed back by later ones: a query pipelined
   * behind a dead one must not keep the connection alive. */
  private arm(): void {
    if (this.replyTimeoutMs <= 0 || this.owedSince || this.destroyed) return;
    this.owedSince = setTimeout(() => {
      this.owedSince = null;
      this.destroy(Object.assign(new Error(`Postgres sent nothing for ${this.replyTimeoutMs} ms while a reply was owed`), { code: 'REPLY_TIMEOUT' }));
    }, this.replyTimeoutMs);
    this.owedSince.unref();
  }

  /**
   * Reports every close to postgres.js as a close "without error". Node emits 'error' at once but
   * 'close' only after the handle is closed, a loop turn later; a query sent on the connection in
   * between (the caller retrying the one that just failed) is rejected by postgres.js only when
   * the close comes without error, and would otherwise wait forever. The error itself has already
   * been reported by the 'error' event.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override emit(event: string | symbol, ...args: any[]): boolean {
    if (event === 'close') return super.emit('close', false);
    return super.emit(event, ...args);
  }

  private disarm(): void {
    if (this.owedSince) clearTimeout(this.owedSince);
    this.owedSince = null;
  }
}

/** Returns a factory for postgres.js' `socket` option; `sockets` (if given) tracks the live ones. */
export function watchedSocketFactory(replyTimeoutMs: number, sockets?: Set<net.Socket>, onStuck?: () => void) {
  return (target: SocketTarget): net.Socket => {
    const socket = new WatchedSocket(replyTimeoutMs, onStuck);
    if (sockets) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    }
    socket.open(target);
    return socket;
  };
}

function backoff(): number {
  // postgres.js grows its own delay with every failed connect (to 20 s) and our sockets report
  // closes as clean ones (WatchedSocket.emit), so a fixed delay is what actually applies; jittered
  // so a fleet of servers does not reconnect in lockstep.
  return RECONNECT_DELAY_S * (0.5 + Math.random() / 2);
}

/**
 * Opens a postgres.js client with bounded connects, replies, statements and reconnects. Only the
 * first host of a URL is used (multi-host URLs are not supported here). `sockets` receives the
 * client's live sockets, so a caller with a deadline of its own can cut them.
 *
 * The returned client replaces the postgres.js instance behind it when one of its connection
 * objects is poisoned: in postgres.js 3.4.9 a connection whose socket closes while a write is
 * still buffered clears its write timer without resetting it, and never sends a byte again (every
 * later connect times out with nothing written). Our sockets notice exactly that (connected,
 * closed, nothing written) and a fresh instance takes over; the old one is ended, which rejects
 * what it still held, and callers retry as after any connection error. Parsers and serializers
 * set on the client (drizzle sets some) carry over.
 */
export function openPostgresClient(url: string, tuning: PostgresClientTuning, sockets?: Set<net.Socket>): PostgresClient {
  const connection: Record<string, string> = { application_name: 'boardroom' };
  if (tuning.statementTimeoutMs > 0) connection.statement_timeout = String(tuning.statementTimeoutMs);
  let current: PostgresClient;
  let replacing = false;
  const replace = () => {
    if (replacing) return;
    replacing = true;
    // After the socket's own close handling: postgres.js is still inside it.
    setImmediate(() => {
      replacing = false;
      const old = current;
      current = open();
      Object.assign(current.options.parsers, old.options.parsers);
      Object.assign(current.options.serializers, old.options.serializers);
      // No logger reaches this module; a process warning (stderr) tells operators it happened.
      process.emitWarning('a postgres.js connection could no longer write; its client was replaced', { code: 'BOARDROOM_PG_CLIENT_REPLACED' });
      old.end({ timeout: 0 }).catch((error: unknown) => {
        process.emitWarning(`closing a replaced postgres.js client failed: ${String(error)}`, { code: 'BOARDROOM_PG_CLIENT_REPLACED' });
      });
    });
  };
  const open = () => {
    const options = {
      max: tuning.max,
      connect_timeout: tuning.connectTimeoutS,
      idle_timeout: IDLE_TIMEOUT_S,
      max_lifetime: () => MAX_LIFETIME_S * (1 + Math.random()),
      keep_alive: KEEP_ALIVE_S,
      backoff,
      connection,
      fetch_types: tuning.fetchTypes ?? true,
      onnotice: () => {},
      socket: watchedSocketFactory(tuning.replyTimeoutMs, sockets, replace),
    };
    // `socket` and a function for `max_lifetime` are documented postgres.js options its types omit.
    return postgres(url, options as unknown as postgres.Options<Record<string, never>>);
  };
  current = open();
  // A function target, so the proxy is callable (tagged templates) like postgres.js' own client.
  return new Proxy(function client() {} as unknown as PostgresClient, {
    apply: (_target, _this, args: unknown[]) => (current as unknown as (...a: unknown[]) => unknown)(...args),
    get: (_target, property) => (current as unknown as Record<PropertyKey, unknown>)[property],
  });
}
