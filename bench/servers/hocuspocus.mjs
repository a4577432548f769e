/**
 * `@hocuspocus/server` 4.x in memory, no extensions: the comparison point of `npm run bench:sync`.
 * Prints `{"msg":"server listening","port":N}` like Boardroom does.
 */
import { Server } from '@hocuspocus/server';

/** Hocuspocus closes a connection that sent nothing for `timeout` ms (60 s by default; its
 * provider keeps it alive with awareness renewals the light bench clients do not send). The idle
 * scenario holds quiet connections for longer than that, so the window is widened; it only sets
 * a timer's period and changes nothing else. */
const IDLE_TIMEOUT_MS = 30 * 60_000;

const server = new Server({
  port: Number(process.env.PORT ?? 0),
  address: '127.0.0.1',
  quiet: true,
  timeout: IDLE_TIMEOUT_MS,
});
await server.listen();
console.log(JSON.stringify({ msg: 'server listening', port: server.address.port }));
