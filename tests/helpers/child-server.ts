/**
 * The real server entry point (`server/main.ts`) as a child process, for crash and signal tests.
 */
import { afterAll } from 'vitest';
import type { TestClient } from './clients.ts';
import { createTestDatabase, type TestDatabase } from './postgres.ts';
import { startChildServer, type ChildServer } from './spawn-server.ts';
export { startChildProcess, type ChildProcessRun, type LogEntry } from './spawn-server.ts';

export { startChildServer, type ChildServer };

/**
 * For crash tests: a child server on a database of its own, and the clients the test opens, all
 * torn down after the file's tests. `start()` starts a process (again, after a kill) on the same
 * database; `kill()` is SIGKILL and waits for the exit.
 */
export function useChildServer(label: string) {
  const rig = {
    db: null as TestDatabase | null,
    server: null as ChildServer | null,
    clients: [] as TestClient[],
    async start(): Promise<ChildServer> {
      rig.db ??= await createTestDatabase(label, { migrated: true });
      rig.server = await startChildServer({ DATABASE_URL: rig.db.url });
      return rig.server;
    },
    async kill(): Promise<void> {
      rig.server?.child.kill('SIGKILL');
      await rig.server?.exited;
    },
  };
  afterAll(async () => {
    for (const c of rig.clients) c.destroy();
    rig.server?.child.kill('SIGKILL');
    await rig.db?.drop();
  });
  return rig;
}
