/**
 * Comment threads: anchored to a field or to the whole configuration, with replies and
 * resolve/reopen; commenters write, viewers read; a thread whose field goes away stays, marked
 * detached, and re-attaches when the field comes back; every change is pushed live to ext clients.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { comments } from '../shared/node/db/review-schema.ts';
import { installExtHandlers } from '../shared/ext-messages.ts';
import { MessageType } from '../shared/protocol.ts';
import { authed, signUp, type TestUser } from './helpers/auth.ts';
import { connectClient, synced } from './helpers/clients.ts';
import { useTestServer } from './helpers/rig.ts';
import { addMember, createConfig } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';

interface Thread {
  id: string;
  anchor: { path: string; schemaVersion: string } | null;
  detached: boolean;
  detachedReason?: string;
  resolved: boolean;
  resolvedBy: { name: string } | null;
  comments: Array<{ id: string; author: { id: string; name: string }; body: string; editedAt: string | null }>;
}

describe('comments', () => {
  const { server, clients } = useTestServer();
  let carol: TestUser; // commenter
  let vera: TestUser; // viewer
  let eddie: TestUser; // editor

  beforeAll(async () => {
    [carol, vera, eddie] = await Promise.all(['Carol', 'Vera', 'Eddie'].map((n) => signUp(server.url, n)));
  });

  const as = (user: TestUser | null) => (user ? authed(server.url, user.token) : server.api);
  const setup = async (data: Record<string, unknown>) => {
    const id = await createConfig(server, { name: 'comments', data });
    for (const [user, role] of [[carol, 'commenter'], [vera, 'viewer'], [eddie, 'editor']] as const) {
      await addMember(server, id, user, role);
    }
    return id;
  };
  const comment = async (id: string, body: unknown, user: TestUser | null = carol) =>
    as(user)(`/api/configs/${id}/comments`, { method: 'POST', body: JSON.stringify(body) });
  const threads = async (id: string, query = '', user: TestUser | null = vera) => {
    const res = await as(user)(`/api/configs/${id}/comments${query}`);
    expect(res.status).toBe(200);
    return (await res.json()) as Thread[];
  };
  const patch = (id: string, commentId: string, body: unknown, user: TestUser | null = carol) =>
    as(user)(`/api/configs/${id}/comments/${commentId}`, { method: 'PATCH', body: JSON.stringify(body) });

  it('threads on a field and on the whole configuration, with replies, resolve and reopen', async () => {
    const id = await setup({ BOARD: 'rock-5b' });
    const created = await comment(id, { body: 'Is this the right vendor name?', anchor: { path: '/VENDOR' } });
    expect(created.status).toBe(201);
    const thread = (await created.json()) as Thread;
    expect(thread).toMatchObject({ anchor: { path: '/VENDOR', schemaVersion: '1' }, detached: false, resolved: false });
    expect(thread.comments[0]).toMatchObject({ body: 'Is this the right vendor name?', author: { id: carol.user.id, name: 'Carol' } });

    const reply = await comment(id, { body: 'Yes, it is.', threadId: thread.id }, null);
    expect(reply.status).toBe(201);
    const replied = (await reply.json()) as Thread;
    expect(replied.comments.map((c) => c.author.name)).toEqual(['Carol', 'Owner']);
    expect((await comment(id, { body: 'Looks good overall.', anchor: null })).status).toBe(201);

    // Viewers read; they may not write.
    const listed = await threads(id);
    expect(listed.map((t) => t.anchor?.path ?? null)).toEqual([null, '/VENDOR']);
    expect((await comment(id, { body: 'me too', anchor: null }, vera)).status).toBe(403);
    expect((await patch(id, thread.id, { resolved: true }, vera)).status).toBe(403);

    // The form's badge: open threads on one field.
    expect((await threads(id, `?path=${encodeURIComponent('/VENDOR')}&resolved=false`)).length).toBe(1);
    // Resolving through any comment of the thread (here the reply) resolves the thread.
    const resolved = await patch(id, replied.comments[1].id, { resolved: true });
    expect(resolved.status).toBe(200);
    expect((await resolved.json()) as Thread).toMatchObject({ id: thread.id, resolved: true, resolvedBy: { name: 'Carol' } });
    expect((await threads(id, `?path=${encodeURIComponent('/VENDOR')}&resolved=false`)).length).toBe(0);
    expect(((await (await patch(id, thread.id, { resolved: false }, eddie)).json()) as Thread).resolved).toBe(false);

    // Only its author edits a comment.
    expect((await patch(id, thread.id, { body: 'Is this the right vendor?' })).status).toBe(200);
    expect((await patch(id, thread.id, { body: 'hijacked' }, eddie)).status).toBe(403);
    const [, vendorThread] = await threads(id);
    expect(vendorThread.comments[0]).toMatchObject({ body: 'Is this the right vendor?', editedAt: expect.any(String) });
  });

  it('marks a thread detached when its field goes, and re-attaches it when it comes back', async () => {
    const id = await setup({ BOARD: 'rock-5b', BUILD_DESKTOP: 'yes', DESKTOP_TIER: 'full', extraPackages: ['htop', 'vim'] });
    const onEntry = (await (await comment(id, { body: 'why vim?', anchor: { path: '/extraPackages/1' } })).json()) as Thread;
    const onTier = (await (await comment(id, { body: 'full is large', anchor: { path: '/DESKTOP_TIER' } })).json()) as Thread;
    // A field without a value yet is still a field: "please fill this in" is a normal comment.
    const onEmpty = await comment(id, { body: 'which desktop?', anchor: { path: '/DESKTOP_ENVIRONMENT' } });
    expect(onEmpty.status).toBe(201);
    expect(((await onEmpty.json()) as Thread).detached).toBe(false);

    const editor = connectClient({ url: server.url, token: eddie.token }, id);
    clients.push(editor);
    await synced(editor);
    const config = editor.doc.getMap('config');
    (config.get('extraPackages') as Y.Array<string>).delete(1, 1);
    config.set('BUILD_DESKTOP', 'no');
    await eventually(async () => {
      const byId = new Map((await threads(id)).map((t) => [t.id, t]));
      expect(byId.get(onEntry.id)).toMatchObject({ detached: true, detachedReason: 'removed', comments: [expect.objectContaining({ body: 'why vim?' })] });
      expect(byId.get(onTier.id)).toMatchObject({ detached: true, detachedReason: 'not_applicable' });
    });
    config.set('BUILD_DESKTOP', 'yes');
    await eventually(async () => {
      const byId = new Map((await threads(id)).map((t) => [t.id, t]));
      expect(byId.get(onTier.id)?.detached).toBe(false);
      expect(byId.get(onEntry.id)?.detached).toBe(true);
    });

    // A thread from an older schema on a property this schema no longer has.
    const oldId = randomUUID();
    await server.database.db.insert(comments).values({
      id: oldId,
      configId: id,
      threadId: oldId,
      anchorPath: '/LEGACY_SWITCH',
      anchorSchemaVersion: '0',
      authorId: carol.user.id,
      authorName: 'Carol',
      body: 'from long ago',
      createdAt: new Date(0),
    });
    expect((await threads(id)).find((t) => t.id === oldId)).toMatchObject({ detached: true, detachedReason: 'removed', anchor: { schemaVersion: '0' } });
    // New threads must point at something that exists.
    expect((await comment(id, { body: 'x', anchor: { path: '/LEGACY_SWITCH' } })).status).toBe(422);
    expect((await comment(id, { body: 'x', anchor: { path: '/extraPackages/7' } })).status).toBe(422);
  });

  it('pushes new and changed threads live to ext clients', async () => {
    const id = await setup({ BOARD: 'rock-5b' });
    const watcher = connectClient({ url: server.url, token: vera.token }, id, { ext: '1' });
    clients.push(watcher);
    const events: Array<{ type: string; action: string; thread: Thread }> = [];
    installExtHandlers(watcher.provider as never, (type, payload) => {
      if (type === MessageType.event && (payload as { type: string }).type === 'comment') events.push(payload as (typeof events)[number]);
    });
    await synced(watcher);
    const thread = (await (await comment(id, { body: 'live?', anchor: { path: '/BOARD' } })).json()) as Thread;
    await eventually(() => expect(events).toContainEqual(expect.objectContaining({ action: 'created', thread: expect.objectContaining({ id: thread.id }) })));
    await patch(id, thread.id, { resolved: true });
    await eventually(() =>
      expect(events).toContainEqual(expect.objectContaining({ action: 'updated', thread: expect.objectContaining({ id: thread.id, resolved: true }) })),
    );
  });

  it('bounds every input and answers clearly', async () => {
    const id = await setup({ BOARD: 'rock-5b' });
    const tooLong = await comment(id, { body: 'x'.repeat(10_001), anchor: null });
    expect(tooLong.status).toBe(422);
    expect(((await tooLong.json()) as { error: { details: Array<{ path: string; keyword: string }> } }).error.details[0]).toMatchObject({
      path: '/body',
      keyword: 'maxLength',
    });
    expect((await comment(id, { body: '   ' })).status).toBe(422);
    expect((await comment(id, { body: 'x', anchor: { path: 'BOARD' } })).status).toBe(422);
    expect((await comment(id, { body: 'x', anchor: { path: '/' + 'A'.repeat(600) } })).status).toBe(422);
    expect((await comment(id, { body: 'x', threadId: randomUUID() })).status).toBe(404);
    expect((await comment(id, { body: 'x', reviewId: randomUUID() })).status).toBe(404);
    expect((await patch(id, randomUUID(), { resolved: true })).status).toBe(404);
    expect((await patch(id, 'nope', { resolved: true })).status).toBe(404);
    const t = (await (await comment(id, { body: 'ok' })).json()) as Thread;
    expect((await patch(id, t.id, { resolved: 'yes' })).status).toBe(422);
    expect((await patch(id, t.id, {})).status).toBe(422);
  });
});
