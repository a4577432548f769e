/**
 * A custom board through the real server: a board file written into the configuration's tree
 * (over REST, then edited and deleted by a collaborator over sync) makes `BOARD=<its id>` valid in
 * the pushed validation, in `GET /api/configs/:id` and at the build gate; its BRANCH rules follow
 * the file; deleting the file makes the same BOARD an error that says which file is missing, and
 * the build is refused before it is queued.
 */
import { describe, expect, it } from 'vitest';
import { installExtHandlers } from '../shared/ext-messages.ts';
import { filesRoot, putTextFile } from '../shared/files/file-tree.ts';
import { MessageType } from '../shared/protocol.ts';
import type { ValidationResult } from '../shared/validation/index.ts';
import { connectClient, synced, type TestClient } from './helpers/clients.ts';
import { useTestServer } from './helpers/rig.ts';
import { createConfig, type TestServer } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';

const BOARD_FILE = 'config/boards/acme-one.csc';
const ACME = '# Acme One, our own RK3588 board\nBOARD_NAME="Acme One"\nBOARDFAMILY="rockchip-rk3588"\nBOARD_VENDOR="acme"\nKERNEL_TARGET="vendor"\n';

function extClient(server: TestServer, id: string): TestClient & { latest: () => ValidationResult | undefined } {
  const client = connectClient(server, id, { ext: '1' });
  const seen: ValidationResult[] = [];
  installExtHandlers(client.provider as never, (type, payload) => {
    if (type === MessageType.validation) seen.push(payload as ValidationResult);
  });
  return Object.assign(client, { latest: () => seen.at(-1) });
}

const boardErrors = (result: ValidationResult | undefined) => (result?.errors ?? []).filter((e) => e.path === '/BOARD' || e.path === '/BRANCH');

describe('custom boards over REST and sync', () => {
  // Redis: the build route answers 503 without a queue, before it would check anything.
  const { server, clients } = useTestServer({ redis: 'custom-boards' });

  it('a board file makes BOARD valid; removing it makes BOARD invalid again', async () => {
    const id = await createConfig(server, { name: 'acme', data: { BOARD: 'acme-one', BRANCH: 'vendor', RELEASE: 'bookworm', BUILD_MINIMAL: 'no', BUILD_DESKTOP: 'no' } });
    const peer = extClient(server, id);
    clients.push(peer);
    await synced(peer);
    const getValidation = async () => ((await (await server.api(`/api/configs/${id}`)).json()) as { validation: ValidationResult }).validation;

    // No file yet: an unknown board, said so.
    await eventually(() => expect(boardErrors(peer.latest()).map((e) => e.path)).toContain('/BOARD'));
    expect((await getValidation()).errors.find((e) => e.path === '/BOARD')!.message).toMatch(/no board file for it \(userpatches\/config\/boards\/acme-one\.conf/);

    const put = await server.api(`/api/configs/${id}/files/upload`, { method: 'POST', body: JSON.stringify({ path: BOARD_FILE, text: ACME }) });
    expect(put.status).toBe(201);
    await eventually(() => expect(boardErrors(peer.latest())).toEqual([]));
    const valid = await getValidation();
    expect(valid.errors).toEqual([]);
    expect(valid.warnings.find((w) => w.path === '/BOARD')?.message).toMatch(/Acme One is community supported/);

    // A collaborator moves the board to a family without a vendor kernel (bcm2711): BRANCH follows.
    peer.doc.transact(() => putTextFile(peer.doc, BOARD_FILE, ACME.replace('rockchip-rk3588', 'bcm2711').replace('"vendor"', '"current"')));
    await eventually(() => expect(boardErrors(peer.latest()).map((e) => e.message)).toEqual([expect.stringMatching(/Acme One has no kernel for branch 'vendor'.*bcm2711 family defines none; choose current/)]));
    peer.doc.transact(() => putTextFile(peer.doc, BOARD_FILE, ACME));
    await eventually(() => expect(boardErrors(peer.latest())).toEqual([]));

    // Deleted in the Files panel (a collaborator's sync update): invalid again, and no build.
    peer.doc.transact(() => filesRoot(peer.doc).delete(BOARD_FILE));
    await eventually(() => expect(boardErrors(peer.latest()).map((e) => e.keyword)).toEqual(['enum']));
    expect((await getValidation()).valid).toBe(false);
    const build = await server.api(`/api/configs/${id}/builds`, { method: 'POST', body: '{}' });
    expect(build.status).toBe(422);
    const body = (await build.json()) as { error: { details: Array<{ path: string; message: string }> } };
    expect(body.error.details.find((d) => d.path === '/BOARD')!.message).toMatch(/'acme-one' is not an Armbian board/);
  });

  it('a board file the framework would refuse is refused before a build, with the reason', async () => {
    const id = await createConfig(server, { name: 'acme-broken', data: { BOARD: 'acme-two', BRANCH: 'current', RELEASE: 'bookworm', BUILD_MINIMAL: 'no', BUILD_DESKTOP: 'no' } });
    const put = await server.api(`/api/configs/${id}/files/upload`, {
      method: 'POST',
      body: JSON.stringify({ path: 'config/boards/acme-two.conf', text: 'BOARD_NAME="Acme Two"\nBOARDFAMILY="acme-soc"\nKERNEL_TARGET="current"\n' }),
    });
    expect(put.status).toBe(201);
    const build = await server.api(`/api/configs/${id}/builds`, { method: 'POST', body: '{}' });
    expect(build.status).toBe(422);
    const body = (await build.json()) as { error: { details: Array<{ path: string; keyword: string; message: string }> } };
    expect(body.error.details.filter((d) => d.path === '/BOARD')).toEqual([
      { path: '/BOARD', keyword: 'board-file', message: expect.stringMatching(/userpatches\/config\/boards\/acme-two\.conf cannot be used: BOARDFAMILY 'acme-soc' is not an Armbian family/) },
    ]);
  });
});
