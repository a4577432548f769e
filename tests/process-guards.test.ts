/**
 * The entry files' last resorts (shared/node/process-guards.ts), in a real child process: an unhandled
 * rejection is logged and counted and the process keeps running; an uncaught exception is logged
 * and counted, then the process drains and exits with the code its shutdown chooses.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

it('a stray rejection is survived and counted; an uncaught exception drains and exits', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/fixtures/process-guards-child.ts'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += String(d)));
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  const lines = out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { msg: string; err?: { message: string }; metrics?: string });
  const msgs = lines.map((l) => l.msg);
  const byMsg = (msg: string) => lines.find((l) => l.msg === msg);
  // The rejection was logged first (100 ms before anything else). "still alive" proves the
  // process went on after it: the throw is only scheduled from that line's timer. Lines written
  // that close together may reach the pipe in any order (pino's stdout stream can hold one back
  // while the fatal path writes directly; seen in CI), so the rest is compared as a set.
  expect(msgs[0]).toBe('unhandled promise rejection (the process keeps running)');
  expect([...msgs.slice(1)].sort()).toEqual(['draining', 'still alive', 'uncaught exception: shutting down cleanly']);
  expect(byMsg('unhandled promise rejection (the process keeps running)')?.err?.message).toBe('nobody awaited me');
  expect(byMsg('uncaught exception: shutting down cleanly')?.err?.message).toBe('sync boom');
  const metrics = byMsg('draining')?.metrics ?? '';
  expect(metrics).toContain('process_errors_total{kind="unhandledRejection"} 1');
  expect(metrics).toContain('process_errors_total{kind="uncaughtException"} 1');
  expect(code).toBe(3);
});
