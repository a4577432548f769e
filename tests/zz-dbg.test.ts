import { it } from 'vitest';
import net from 'node:net';
import { COMMIT_TUNING, openPostgresClient } from '../shared/db/postgres-client.ts';
import { startTcpProxy } from './helpers/tcp-proxy.ts';
it('dbg', async () => {
  const proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
  const socks = new Set<net.Socket>();
  const seen = new Set<net.Socket>();
  const sql = openPostgresClient(`postgres://postgres@127.0.0.1:${proxy.port}/postgres`, { max: 1, ...COMMIT_TUNING }, socks);
  await sql`select 1`;
  const t = performance.now();
  const iv = setInterval(() => { for (const so of socks) if (!seen.has(so)) { seen.add(so); const id = seen.size; console.log('new sock', id, (performance.now()-t).toFixed(0)); so.prependListener('error', (e) => console.log('sock', id, 'error', (e as any).code, (performance.now() - t).toFixed(0))); so.prependListener('close', () => console.log('sock', id, 'close', (performance.now() - t).toFixed(0), so.bytesWritten, so.bytesRead)); so.on('data', (d) => console.log('sock', id, 'data', d.length, JSON.stringify(d.toString('latin1').slice(0,20)))); } }, 1);
  proxy.reset();
  const first = sql`select 2`;
  const retried = first.then(() => sql`select 3`, () => sql`select 3`);
  await first.catch((e) => console.log('first', e.code, (performance.now()-t).toFixed(0)));
  await retried.catch((e) => console.log('retried', e.code, (performance.now()-t).toFixed(0)));
  for (let i = 0; i < 3; i++) { try { await sql`select 4`; console.log('ok4', (performance.now() - t).toFixed(0)); break; } catch (e) { console.log('err4', (e as any).code, (performance.now() - t).toFixed(0), proxy.openConnections); } }
  clearInterval(iv);
  await sql.end({ timeout: 1 }); await proxy.close();
});
