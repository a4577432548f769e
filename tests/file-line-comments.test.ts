/**
 * Comment threads on a line of a file, on the server (real Postgres, real WebSocket clients): a
 * thread started on a line is stored with its position and line, and the line it reports
 * follows edits above it; an anchor that is not a place in a text file of the configuration is
 * refused with the reason; moving a thread (what a rename does) is for editors, not commenters;
 * a thread whose file is deleted is listed as detached.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { encodeLinePosition } from '../shared/files/file-line-anchor.ts';
import { filesRoot, movePath, removePath } from '../shared/files/file-tree.ts';
import type { ThreadView } from '../shared/history-types.ts';
import { authed, signUp, type TestUser } from './helpers/auth.ts';
import { connectClient, synced, type TestClient } from './helpers/clients.ts';
import { useTestServer } from './helpers/rig.ts';
import { addMember, createConfig } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';

const post = (body: unknown) => ({ method: 'POST', body: JSON.stringify(body) });
const patch = (body: unknown) => ({ method: 'PATCH', body: JSON.stringify(body) });

describe('comments on a line of a file', () => {
  const { server, clients } = useTestServer();
  let id: string;
  let peer: TestClient;
  let commenter: TestUser;
  let editor: TestUser;
  const text = (path: string) => filesRoot(peer.doc).get(path) as Y.Text;
  const threads = async () => (await (await server.api(`/api/configs/${id}/comments`)).json()) as ThreadView[];

  beforeAll(async () => {
    id = await createConfig(server, { name: 'line comments' });
    for (const [path, content] of [['customize-image-host.sh', 'set -e\napt-get install -y foo\necho done\n'], ['extensions/other.sh', 'echo other\n']]) {
      expect((await server.api(`/api/configs/${id}/files/upload`, post({ path, text: content }))).status).toBe(201);
    }
    commenter = await signUp(server.url, 'Commenter');
    editor = await signUp(server.url, 'Editor');
    await addMember(server, id, commenter, 'commenter');
    await addMember(server, id, editor, 'editor');
    peer = connectClient(server, id);
    clients.push(peer);
    await synced(peer);
  });

  it('stores a thread on a line; the line it reports follows edits above it', async () => {
    const position = encodeLinePosition(text('customize-image-host.sh'), 2);
    const res = await authed(server.url, commenter.token)(`/api/configs/${id}/comments`, post({ body: 'Pin foo?', anchor: { path: '#files/customize-image-host.sh', position, line: 99 } }));
    expect(res.status).toBe(201);
    // The line is worked out from the position, not taken from the client.
    expect(await res.json()).toMatchObject({ anchor: { path: '#files/customize-image-host.sh', position, line: 2 }, line: 2, detached: false });
    text('customize-image-host.sh').insert(0, '# one\n# two\n');
    await eventually(async () => expect((await threads())[0]).toMatchObject({ line: 4, detached: false }));
  });

  it('refuses an anchor that is not a place in a text file of the configuration, saying why', async () => {
    const other = encodeLinePosition(text('extensions/other.sh'), 1);
    const good = encodeLinePosition(text('customize-image-host.sh'), 1);
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ path: '#files/customize-image-host.sh' }, /needs anchor.position/],
      [{ path: '#files/customize-image-host.sh', position: 'bm90IGEgcG9zaXRpb24=' }, /not a place in customize-image-host.sh/],
      [{ path: '#files/customize-image-host.sh', position: other }, /not a place in customize-image-host.sh/],
      [{ path: '#files/missing.sh', position: good }, /no text file at missing.sh/],
      [{ path: '#files/../etc/passwd', position: good }, /invalid file path/],
      [{ path: '#files/customize-image-host.sh', position: 'A'.repeat(5000) }, /not a place/],
    ];
    for (const [anchor, why] of cases) {
      const res = await server.api(`/api/configs/${id}/comments`, post({ body: 'x', anchor }));
      expect(res.status, JSON.stringify(anchor).slice(0, 80)).toBe(422);
      expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(why);
    }
  });

  it('moves a thread to the renamed file for editors; a commenter may not move threads', async () => {
    const [thread] = await threads();
    peer.doc.transact(() => movePath(peer.doc, 'customize-image-host.sh', 'host/prepare.sh'));
    const position = encodeLinePosition(text('host/prepare.sh'), 4);
    const anchor = { path: '#files/host/prepare.sh', position };
    const asCommenter = await authed(server.url, commenter.token)(`/api/configs/${id}/comments/${thread.id}`, patch({ anchor }));
    expect(asCommenter.status).toBe(403);
    await eventually(async () => {
      const moved = await authed(server.url, editor.token)(`/api/configs/${id}/comments/${thread.id}`, patch({ anchor }));
      expect(moved.status).toBe(200);
      expect(await moved.json()).toMatchObject({ anchor: { path: '#files/host/prepare.sh', line: 4 }, line: 4, detached: false });
    });
    // A field thread is not moved to a file.
    const field = (await (await server.api(`/api/configs/${id}/comments`, post({ body: 'board?', anchor: { path: '/BOARD' } }))).json()) as ThreadView;
    expect((await server.api(`/api/configs/${id}/comments/${field.id}`, patch({ anchor }))).status).toBe(422);
  });

  it('lists a thread whose file was deleted as detached', async () => {
    peer.doc.transact(() => removePath(peer.doc, 'host/prepare.sh'));
    await eventually(async () => {
      const thread = (await threads()).find((t) => t.anchor?.path === '#files/host/prepare.sh');
      expect(thread).toMatchObject({ detached: true, detachedReason: 'removed' });
    });
  });
});
