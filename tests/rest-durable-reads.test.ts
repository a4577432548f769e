/**
 * REST reads and writes keep the durability rule (docs/architecture.md, "Durability"): a read
 * never returns an edit that is not committed yet, a freeze (a version) waits for what was typed
 * before it, and a REST write meets the same limits as a client's update. Commits are held back
 * by a gate in front of the real Postgres INSERT of the group committer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { openDatabase, type Database } from '../server/db/connect.ts';
import { startServer, type RunningServer } from '../server/server.ts';
import { authed, signUp, type TestUser } from './helpers/auth.ts';
import { connectClient, synced, type TestClient } from './helpers/clients.ts';
import { testLogger } from './helpers/logger.ts';
import { createTestDatabase, type TestDatabase } from './helpers/postgres.ts';
import { createConfig } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';

/** Unsaved updates a room takes before REST writes are refused (small, to reach it in a test). */
const UNSAVED_LIMIT = 3;
/** A document limit a customize script of the schema's largest size passes. */
const DOCUMENT_LIMIT = 32 * 1024;

/** Holds every commit while closed; the INSERTs run once it opens. */
function commitGate(database: Database) {
  const append = database.appendUpdates!;
  let open = true;
  let waiting: Array<() => void> = [];
  const gate = {
    held: 0,
    close() {
      open = false;
    },
    open() {
      open = true;
      const run = waiting;
      waiting = [];
      gate.held = 0;
      for (const go of run) go();
    },
  };
  database.appendUpdates = async (batch) => {
    if (!open) {
      gate.held += batch.length;
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
    return append(batch);
  };
  return gate;
}

describe('REST and the durability rule', () => {
  let testDb: TestDatabase;
  let database: Database;
  let server: RunningServer;
  let owner: TestUser;
  let gate: ReturnType<typeof commitGate>;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    testDb = await createTestDatabase('durable', { migrated: true });
    database = await openDatabase({ databaseUrl: testDb.url, dataDir: 'memory://' });
    gate = commitGate(database);
    server = await startServer({ database, logger: testLogger(), port: 0, limits: { maxUnsavedUpdatesPerRoom: UNSAVED_LIMIT, maxDocumentBytes: DOCUMENT_LIMIT } });
    owner = await signUp(server.url, 'Owner');
  });
  afterAll(async () => {
    gate?.open();
    for (const c of clients) c.destroy();
    await server.close();
    await database.close();
    await testDb.drop();
  });

  const api = (path: string, init?: RequestInit) => authed(server.url, owner.token)(path, init);
  const json = async <T,>(res: Response | Promise<Response>): Promise<T> => (await (await res).json()) as T;
  const vendorOf = (c: TestClient) => String(c.doc.getMap('config').get('VENDOR'));
  const typeVendor = (c: TestClient, text: string) => {
    const vendor = c.doc.getMap('config').get('VENDOR') as Y.Text;
    c.doc.transact(() => vendor.insert(vendor.length, text));
  };
  const open = async (name: string) => {
    const id = await createConfig({ url: server.url, token: owner.token }, { name, data: { BOARD: 'rock-5b', VENDOR: 'Acme' } });
    const writer = connectClient({ url: server.url, token: owner.token }, id);
    clients.push(writer);
    await synced(writer);
    return { id, writer };
  };

  it('serves only committed edits: GET, export, diff and a version made meanwhile', async () => {
    const { id, writer } = await open('reads');
    const before = await json<{ data: Record<string, unknown> }>(api(`/api/configs/${id}`));
    const v1 = await json<{ id: string }>(api(`/api/configs/${id}/versions`, { method: 'POST', body: JSON.stringify({ label: 'v1' }) }));

    gate.close();
    typeVendor(writer, ' Unsaved');
    // The edit reached the server and waits for its commit.
    await eventually(() => expect(gate.held).toBeGreaterThan(0));

    const during = await json<{ data: Record<string, unknown> }>(api(`/api/configs/${id}`));
    expect(during.data.VENDOR).toBe('Acme');
    expect(during.data).toEqual(before.data);
    const exported = await json<{ data: Record<string, unknown> }>(api(`/api/configs/${id}/export?format=json`));
    expect(exported.data.VENDOR).toBe('Acme');
    expect(await json<unknown[]>(api(`/api/configs/${id}/diff?from=${v1.id}`))).toEqual([]);
    // A version asked for now waits for the edit typed before it, and holds it.
    let versionDone = false;
    const version = api(`/api/configs/${id}/versions`, { method: 'POST', body: JSON.stringify({ label: 'after typing' }) }).then((r) => {
      versionDone = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(versionDone).toBe(false);

    gate.open();
    const v2 = await json<{ id: string; contentHash: string }>(version);
    const after = await json<{ data: Record<string, unknown> }>(api(`/api/configs/${id}`));
    expect(after.data.VENDOR).toBe('Acme Unsaved');
    const frozen = await json<{ data: Record<string, unknown>; contentHash: string }>(api(`/api/configs/${id}/versions/${v2.id}`));
    expect(frozen.data.VENDOR).toBe('Acme Unsaved');
    expect(frozen.contentHash).toBe(v2.contentHash);
  });

  it('answers a REST write once it is durable, and reads meanwhile show the state before it', async () => {
    const { id, writer } = await open('writes');
    const current = (await json<{ data: Record<string, unknown> }>(api(`/api/configs/${id}`))).data;
    gate.close();
    let answered = false;
    const put = api(`/api/configs/${id}/data`, { method: 'PUT', body: JSON.stringify({ ...current, VENDOR: 'Written' }) }).then((r) => {
      answered = true;
      return r;
    });
    // Applied live (collaborators see it once committed), not yet durable: not served, not answered.
    await eventually(() => expect(gate.held).toBeGreaterThan(0));
    expect((await json<{ data: Record<string, unknown> }>(api(`/api/configs/${id}`))).data.VENDOR).toBe('Acme');
    expect(vendorOf(writer)).toBe('Acme');
    expect(answered).toBe(false);
    gate.open();
    const res = await put;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: Record<string, unknown> }).data.VENDOR).toBe('Written');
    await eventually(() => expect(vendorOf(writer)).toBe('Written'));
  });

  it('refuses a REST write past the unsaved backlog or the document size, changing nothing', async () => {
    const { id, writer } = await open('limits');
    const current = (await json<{ data: Record<string, unknown> }>(api(`/api/configs/${id}`))).data;
    gate.close();
    for (let i = 0; i < UNSAVED_LIMIT; i++) typeVendor(writer, String(i));
    await eventually(() => expect(gate.held).toBeGreaterThanOrEqual(UNSAVED_LIMIT));
    const busy = await api(`/api/configs/${id}/data`, { method: 'PUT', body: JSON.stringify({ ...current, BRANCH: 'edge' }) });
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('1');
    expect(((await busy.json()) as { error: { code: string } }).error.code).toBe('unsaved_backlog');
    gate.open();
    await eventually(async () => expect((await json<{ data: Record<string, unknown> }>(api(`/api/configs/${id}`))).data.VENDOR).toBe('Acme012'));

    const huge = await api(`/api/configs/${id}/data`, { method: 'PUT', body: JSON.stringify({ ...current, customizeScript: 'echo hi\n'.repeat(6_000) }) });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { error: { code: string } }).error.code).toBe('document_too_large');
    const after = (await json<{ data: Record<string, unknown> }>(api(`/api/configs/${id}`))).data;
    expect(after.customizeScript ?? '').toBe(current.customizeScript ?? '');
    expect(String(writer.doc.getMap('config').get('customizeScript') ?? '')).toBe(String(current.customizeScript ?? ''));
  });
});
