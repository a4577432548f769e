/**
 * Setup file of the unit tier (tests/tiers.ts): a test there that reaches for Postgres or Redis,
 * or starts a child process (a server, a builder, Chromium, redis-server), fails at once with the
 * reason, instead of passing on a developer's machine and failing where those are absent.
 */
import childProcess from 'node:child_process';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

/** The ports of the services the unit tier promises not to need (their defaults and the env's). */
const SERVICE_PORTS = new Set(
  ['5432', '6379', process.env.DATABASE_URL, process.env.REDIS_URL]
    .map((value) => (value && /^\d+$/.test(value) ? value : portOf(value)))
    .filter((port): port is string => Boolean(port)),
);

function portOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).port || null;
  } catch {
    return null;
  }
}

function refuse(what: string): never {
  throw new Error(`unit tier: ${what}; this test needs the integration tier (remove it from tests/tiers.ts)`);
}

/** The unit tier shares worker processes between files (`--isolate=false`, package.json) and
 * this file runs before each: install the guards once per process, not one layer per file. */
const INSTALLED = Symbol.for('boardroom.unitTierGuard');
const host = globalThis as { [INSTALLED]?: boolean };
if (!host[INSTALLED]) {
  host[INSTALLED] = true;
  install();
}

function install(): void {
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    // net.connect()/createConnection() (ioredis) pass their arguments already normalized, as one
    // array whose first element is the options object; socket.connect(port, host) (postgres.js) not.
    const first = (Array.isArray(args[0]) ? args[0][0] : args[0]) as { port?: unknown } | number | string | undefined;
    const port = typeof first === 'object' && first !== null ? first.port : first;
    if (port !== undefined && SERVICE_PORTS.has(String(port))) refuse(`connection to port ${String(port)} (Postgres/Redis)`);
    return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof connect;

  /** Tools, not services: Vite's CSS and TS transforms run esbuild as a child process. */
  const ALLOWED_CHILDREN = /(^|[/\\])esbuild(\.exe)?$/;

  const processes = childProcess as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of ['spawn', 'spawnSync', 'fork', 'exec', 'execSync', 'execFile', 'execFileSync'] as const) {
    const original = processes[name]!;
    processes[name] = function (this: unknown, ...args: unknown[]) {
      const command = String(args[0]).split(' ')[0]!;
      if (!ALLOWED_CHILDREN.test(command)) refuse(`child_process.${name}(${command})`);
      return original.apply(this, args);
    };
  }
  syncBuiltinESMExports();
}
