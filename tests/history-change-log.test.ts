/**
 * The change log ("who changed what"): concurrent live edits by two people are credited to the
 * right person and field, a burst of keystrokes is one entry, REST writes and repairs are credited
 * to their caller and to the server, the log survives a restart, and ext clients hear of changes.
 */
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { changeLog } from '../shared/node/db/review-schema.ts';
import { installExtHandlers } from '../shared/ext-messages.ts';
import { MessageType } from '../shared/protocol.ts';
import { authed, signUp, type TestUser } from './helpers/auth.ts';
import { connectClient, synced, type TestClient } from './helpers/clients.ts';
import { useTestServer } from './helpers/rig.ts';
import { addMember, createConfig } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';

interface Entry {
  id: string;
  seq: number;
  path: string;
  op: string;
  before: unknown;
  after: unknown;
  offset?: number;
  edits?: Array<{ at: number; insert?: string; delete?: string }>;
  author: { id: string | null; name: string; kind: string };
  coauthors?: Array<{ name: string }>;
  source: string;
  changes: number;
  at: string;
}

describe('change log', () => {
  const rig = useTestServer();
  const { server, clients } = rig;
  let alice: TestUser;
  let bob: TestUser;
  let vera: TestUser;

  beforeAll(async () => {
    alice = await signUp(server.url, 'Alice');
    bob = await signUp(server.url, 'Bob');
    vera = await signUp(server.url, 'Vera');
  });

  const invite = async (id: string, user: TestUser, role: string) => {
    await addMember(server, id, user, role);
  };
  const join = async (user: TestUser, id: string, params: Record<string, string> = {}) => {
    const client = connectClient({ url: server.url, token: user.token }, id, params);
    clients.push(client);
    await synced(client);
    return client;
  };
  const history = async (id: string, query = '', as: TestUser | null = null) => {
    const res = await (as ? authed(server.url, as.token) : server.api)(`/api/configs/${id}/history${query}`);
    expect(res.status).toBe(200);
    return (await res.json()) as { entries: Entry[]; next: number | null };
  };
  const type = (client: TestClient, field: string, text: string) => {
    const ytext = client.doc.getMap('config').get(field) as Y.Text;
    // One transaction per character, as keystrokes arrive.
    for (const ch of text) ytext.insert(ytext.length, ch);
  };
  const textOf = (client: TestClient, field: string) => String(client.doc.getMap('config').get(field));

  it('credits concurrent edits by two people to the right person and field, text as what was typed where', async () => {
    const id = await createConfig(server, { name: 'two authors', data: { BOARD: 'rock-5b' } });
    await invite(id, alice, 'editor');
    await invite(id, bob, 'editor');
    const a = await join(alice, id);
    const b = await join(bob, id);

    // At the same moment, each changes a different field: Alice retypes the vendor (as the form's
    // binding does, one transaction), Bob sets the locale as a plain value (an older client).
    const vendor = a.doc.getMap('config').get('VENDOR') as Y.Text;
    a.doc.transact(() => {
      vendor.delete(0, vendor.length);
      vendor.insert(0, 'Alice Corp');
    });
    b.doc.getMap('config').set('DEST_LANG', 'de_DE.UTF-8');
    // Then they take turns typing into the same script: Alice, Bob, Alice.
    type(a, 'customizeScript', 'abc');
    await eventually(() => expect(textOf(b, 'customizeScript')).toBe('abc'));
    type(b, 'customizeScript', 'xyz');
    await eventually(() => expect(textOf(a, 'customizeScript')).toBe('abcxyz'));
    type(a, 'customizeScript', 'def');
    await eventually(() => expect(textOf(b, 'customizeScript')).toBe('abcxyzdef'));
    await eventually(() => expect(String(b.doc.getMap('config').get('VENDOR'))).toBe('Alice Corp'));

    const { entries } = await history(id);
    const of = (path: string) => entries.filter((e) => e.path === path);
    expect(of('/VENDOR')).toEqual([
      expect.objectContaining({ op: 'edit', edits: [{ at: 0, delete: 'Armbian-unofficial', insert: 'Alice Corp' }], source: 'sync', author: { id: alice.user.id, name: 'Alice', kind: 'user' } }),
    ]);
    // A whole value replaced by a plain string still reads as the words that changed.
    expect(of('/DEST_LANG')).toEqual([
      expect.objectContaining({ op: 'edit', edits: [{ at: 0, delete: 'en_US', insert: 'de_DE' }], author: expect.objectContaining({ id: bob.user.id, name: 'Bob' }) }),
    ]);
    // Each person's keystrokes are one entry that says what they typed where; Alice's burst went
    // on while Bob typed (his text moved hers along, it did not cut her entry); newest first.
    expect(of('/customizeScript').map((e) => [e.author.name, e.edits, e.changes])).toEqual([
      [
        'Alice',
        [
          { at: 0, insert: 'abc' },
          { at: 6, insert: 'def' },
        ],
        6,
      ],
      ['Bob', [{ at: 3, insert: 'xyz' }], 3],
    ]);
    // Nothing else was touched, so nothing else is in the log.
    expect(new Set(entries.map((e) => e.path))).toEqual(new Set(['/VENDOR', '/DEST_LANG', '/customizeScript']));

    // Per field, and what the form shows on hover.
    const script = await history(id, `?path=${encodeURIComponent('/customizeScript')}&limit=1`);
    expect(script.entries.map((e) => e.author.name)).toEqual(['Alice']);
    const older = await history(id, `?path=${encodeURIComponent('/customizeScript')}&before=${script.next}`);
    expect(older.entries.map((e) => [e.author.name, e.edits])).toEqual([['Bob', [{ at: 3, insert: 'xyz' }]]]);
    const last = (await (await server.api(`/api/configs/${id}/history/last`)).json()) as Record<string, { author: { name: string }; at: string }>;
    expect(last['/VENDOR'].author.name).toBe('Alice');
    expect(last['/DEST_LANG'].author.name).toBe('Bob');
    expect(last['/customizeScript'].author.name).toBe('Alice');
    expect(Date.parse(last['/customizeScript'].at)).toBeGreaterThan(Date.now() - 60_000);

    // Vera (a third person) replaces Alice's "def": her entry holds the replacement; Alice's
    // still says what Alice typed.
    await invite(id, vera, 'editor');
    const v = await join(vera, id);
    const ytext = v.doc.getMap('config').get('customizeScript') as Y.Text;
    v.doc.transact(() => {
      ytext.delete(6, 3);
      ytext.insert(6, 'XY');
    });
    await eventually(() => expect(textOf(a, 'customizeScript')).toBe('abcxyzXY'));
    const [latest, previous] = (await history(id, `?path=${encodeURIComponent('/customizeScript')}&limit=2`)).entries;
    // "abcxyzdef" is one word: a replacement inside a word reads as the whole word.
    expect(latest).toMatchObject({ author: { name: 'Vera' }, edits: [{ at: 0, delete: 'abcxyzdef', insert: 'abcxyzXY' }] });
    expect(previous).toMatchObject({ author: { name: 'Alice' }, edits: [{ at: 0, insert: 'abc' }, { at: 6, insert: 'def' }] });
  });

  it('gives two people typing into one single-line field at the same time one entry each, not one per keystroke', async () => {
    const id = await createConfig(server, { name: 'typing at once', data: { VENDOR: 'Kiosk' } });
    await invite(id, alice, 'editor');
    await invite(id, bob, 'editor');
    const a = await join(alice, id);
    const b = await join(bob, id);
    const va = a.doc.getMap('config').get('VENDOR') as Y.Text;
    const vb = b.doc.getMap('config').get('VENDOR') as Y.Text;
    // Keystrokes sent without waiting for each other: Alice appends, Bob types at the start.
    const tail = '-Works';
    const head = 'Acme-';
    for (let i = 0; i < Math.max(tail.length, head.length); i++) {
      if (i < tail.length) va.insert(va.length, tail[i]);
      if (i < head.length) vb.insert(i, head[i]);
      await new Promise((r) => setTimeout(r, 5));
    }
    await eventually(() => {
      expect(String(va)).toBe('Acme-Kiosk-Works');
      expect(String(vb)).toBe('Acme-Kiosk-Works');
    });
    const entries = (await history(id, `?path=${encodeURIComponent('/VENDOR')}`)).entries;
    expect(entries.map((e) => [e.author.name, e.op, e.edits, e.changes]).sort()).toEqual([
      ['Alice', 'edit', [{ at: 10, insert: '-Works' }], tail.length],
      ['Bob', 'edit', [{ at: 0, insert: 'Acme-' }], head.length],
    ]);
    // What Postgres holds (checkpoints of the open bursts, then the closed entries) says the same.
    await eventually(async () => {
      const stored = await server.database.db.select().from(changeLog).where(eq(changeLog.configId, id));
      expect(stored.map((r) => [r.authorName, r.op, r.after]).sort()).toEqual([
        ['Alice', 'edit', { $edits: [{ at: 10, insert: '-Works' }] }],
        ['Bob', 'edit', { $edits: [{ at: 0, insert: 'Acme-' }] }],
      ]);
    });
  });

  it('credits a REST write to its caller and a shape repair to the server', async () => {
    const id = await createConfig(server, { name: 'rest and repair', data: { BOARD: 'rock-5b' } });
    await invite(id, alice, 'editor');
    const res = await authed(server.url, alice.token)(`/api/configs/${id}/data`, {
      method: 'PUT',
      body: JSON.stringify({ BOARD: 'orangepi5', VENDOR: 'Put Inc', BOOTSIZE: 512 }),
    });
    expect(res.status).toBe(200);
    const a = await join(alice, id);
    // A wrong type: the server puts it back.
    a.doc.getMap('config').set('BOOTSIZE', 'huge');
    await eventually(() => expect(typeof a.doc.getMap('config').get('BOOTSIZE')).not.toBe('string'));
    const repaired = a.doc.getMap('config').get('BOOTSIZE') ?? null;

    const { entries } = await history(id);
    const board = entries.find((e) => e.path === '/BOARD')!;
    expect(board).toMatchObject({ before: 'rock-5b', after: 'orangepi5', source: 'rest', author: { id: alice.user.id, name: 'Alice' } });
    // PUT replaced the whole configuration: what it dropped is logged as removed, by Alice.
    expect(entries.find((e) => e.path === '/DEST_LANG')).toMatchObject({ op: 'edit', edits: [{ at: 0, delete: 'en_US.UTF-8' }], source: 'rest' });
    const bootsize = entries.filter((e) => e.path === '/BOOTSIZE');
    expect(bootsize.map((e) => [e.author.kind, e.source, e.before, e.after])).toEqual([
      ['server', 'server', 'huge', repaired],
      ['user', 'sync', 512, 'huge'],
      ['user', 'rest', 256, 512],
    ]);
  });

  it('lets viewers read the log and hides it from people without access', async () => {
    const id = await createConfig(server, { name: 'readers' });
    await invite(id, vera, 'viewer');
    await server.api(`/api/configs/${id}/data`, { method: 'PUT', body: JSON.stringify({ BOARD: 'rock-5b' }) });
    const seen = await history(id, '', vera);
    expect(seen.entries.map((e) => e.path)).toContain('/BOARD');
    expect((await authed(server.url, bob.token)(`/api/configs/${id}/history`)).status).toBe(404);
    expect((await fetch(`${server.url}/api/configs/${id}/history`)).status).toBe(401);
    expect((await server.api(`/api/configs/${id}/history?limit=5000`)).status).toBe(400);
    expect((await server.api(`/api/configs/${id}/history?path=BOARD`)).status).toBe(400);
  });

  it('tells ext clients live who started changing which field', async () => {
    // ('closed', with the values, follows when the burst ends: COALESCE_IDLE_MS later.)
    const id = await createConfig(server, { name: 'live', data: { BOARD: 'rock-5b' } });
    await invite(id, alice, 'editor');
    await invite(id, vera, 'viewer');
    const watcher = connectClient({ url: server.url, token: vera.token }, id, { ext: '1' });
    clients.push(watcher);
    const events: Array<{ type: string; action: string; entry: Entry }> = [];
    installExtHandlers(watcher.provider as never, (t, payload) => {
      if (t === MessageType.event && (payload as { type: string }).type === 'change') events.push(payload as (typeof events)[number]);
    });
    await synced(watcher);
    const a = await join(alice, id);
    a.doc.getMap('config').set('VENDOR', 'Live Ltd');
    await eventually(() =>
      expect(events).toContainEqual(
        expect.objectContaining({ action: 'started', entry: expect.objectContaining({ path: '/VENDOR', source: 'sync', author: expect.objectContaining({ name: 'Alice' }) }) }),
      ),
    );
  });

  it('still reads entries stored before text was recorded as edits', async () => {
    const id = await createConfig(server, { name: 'old rows' });
    const at = new Date('2026-01-05T10:00:00Z');
    const old = { configId: id, authorId: alice.user.id, authorName: 'Alice', authorKind: 'user', source: 'sync', changes: 3, startedAt: at, at };
    await server.database.db.insert(changeLog).values([
      // Multi-line text: the changed part at an offset. A single-line text: a plain value.
      { ...old, id: crypto.randomUUID(), seq: at.getTime() * 1000, path: '/customizeScript', op: 'change', before: 'line2', after: 'LINE2', textOffset: 6 },
      { ...old, id: crypto.randomUUID(), seq: at.getTime() * 1000 + 1, path: '/VENDOR', op: 'change', before: 'acme3B', after: 'acme3A' },
    ]);
    const { entries } = await history(id);
    expect(entries.map((e) => [e.path, e.op, e.before, e.after, e.offset, e.edits])).toEqual([
      ['/VENDOR', 'change', 'acme3B', 'acme3A', undefined, undefined],
      ['/customizeScript', 'change', 'line2', 'LINE2', 6, undefined],
    ]);
  });

  it('keeps the log in Postgres across a restart', async () => {
    const id = await createConfig(server, { name: 'durable', data: { BOARD: 'rock-5b' } });
    await invite(id, bob, 'editor');
    const b = await join(bob, id);
    b.doc.getMap('config').set('VENDOR', 'Bob Builds');
    await eventually(async () => expect((await history(id)).entries.map((e) => e.path)).toContain('/VENDOR'));
    b.destroy();

    await rig.restart();
    const rows = await server.database.db.select().from(changeLog).where(eq(changeLog.configId, id));
    const edits = [{ at: 0, delete: 'Armbian-unofficial', insert: 'Bob Builds' }];
    expect(rows.find((r) => r.path === '/VENDOR')).toMatchObject({ authorId: bob.user.id, authorName: 'Bob', op: 'edit', after: { $edits: edits } });
    const { entries } = await history(id);
    expect(entries.find((e) => e.path === '/VENDOR')).toMatchObject({ author: { name: 'Bob' }, edits });
  });
});
