/**
 * The server as schema authority over live sync: shape violations are reverted by a server
 * transaction the author is told about (and nobody else ever holds), rule violations are reported
 * and kept, and validation results are pushed to ext clients.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { configToJson } from '../shared/doc-binding.ts';
import { installExtHandlers } from '../shared/ext-messages.ts';
import { MessageType } from '../shared/protocol.ts';
import { checkShape, type ValidationResult } from '../shared/validation/index.ts';
import { connectClient, synced, type TestClient } from './helpers/clients.ts';
import { useTestServer } from './helpers/rig.ts';
import { createConfig, type TestServer } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';

interface ExtLog {
  repaired: Array<{ issues: Array<{ path: string; keyword: string; message: string }> }>;
  validation: ValidationResult[];
}

function extClient(server: TestServer, id: string): TestClient & { log: ExtLog } {
  const client = connectClient(server, id, { ext: '1' });
  const log: ExtLog = { repaired: [], validation: [] };
  installExtHandlers(client.provider as never, (type, payload) => {
    if (type === MessageType.repaired) log.repaired.push(payload as ExtLog['repaired'][number]);
    if (type === MessageType.validation) log.validation.push(payload as ValidationResult);
  });
  return Object.assign(client, { log });
}

describe('schema authority over sync', () => {
  const { server, clients } = useTestServer();

  it('reverts wrong types, unknown keys and over-size values; others never hold them', async () => {
    const id = await createConfig(server, { name: 'shape', data: { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'bookworm' } });
    const author = extClient(server, id);
    const other = connectClient(server, id);
    clients.push(author, other);
    await Promise.all([synced(author), synced(other)]);

    // Record the shape of the other client's document after every change it receives.
    const seenShapes: string[][] = [];
    other.doc.on('afterTransaction', () => {
      seenShapes.push(checkShape(configToJson(other.doc)).map((i) => i.path));
    });

    const config = author.doc.getMap('config');
    config.set('BOARD', 42 as unknown as string); // wrong type
    config.set('notAnOption', 'x'); // unknown key
    config.set('VENDOR', 'v'.repeat(5000)); // over-size
    config.set('RELEASE', 'trixie'); // a fine edit in between

    await eventually(() => {
      const paths = author.log.repaired.flatMap((r) => r.issues.map((i) => i.path));
      expect(paths).toEqual(expect.arrayContaining(['/BOARD', '/notAnOption', '/VENDOR']));
    });
    await eventually(() => {
      expect(checkShape(configToJson(author.doc))).toEqual([]);
      expect(author.doc.getMap('config').has('notAnOption')).toBe(false);
      expect(other.doc.getMap('config').get('RELEASE')).toBe('trixie');
    });
    for (const message of author.log.repaired.flatMap((r) => r.issues)) expect(message.message.length).toBeGreaterThan(5);
    expect(typeof author.doc.getMap('config').get('BOARD')).not.toBe('number');
    expect(seenShapes.length).toBeGreaterThan(0);
    expect(seenShapes.every((paths) => paths.length === 0)).toBe(true);

    // And the stored state is the repaired one.
    const res = await server.api(`/api/configs/${id}`);
    const body = (await res.json()) as { data: Record<string, unknown> };
    expect(body.data.notAnOption).toBeUndefined();
    expect(typeof body.data.VENDOR === 'string' ? (body.data.VENDOR as string).length : 0).toBeLessThanOrEqual(128);
  });

  it('reports rule violations without reverting them, and pushes validation changes', async () => {
    const id = await createConfig(server, { name: 'rules', data: { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'bookworm' } });
    const client = extClient(server, id);
    clients.push(client);
    await synced(client);
    await eventually(() => expect(client.log.validation.length).toBeGreaterThan(0));
    expect(client.log.validation.at(-1)!.valid).toBe(true);

    client.doc.getMap('config').set('BRANCH', 'ddk'); // rock-5b's family has no ddk kernel
    await eventually(() => {
      const last = client.log.validation.at(-1)!;
      expect(last.valid).toBe(false);
      expect(last.errors.map((e) => e.path)).toContain('/BRANCH');
    });
    expect(client.doc.getMap('config').get('BRANCH')).toBe('ddk');
    expect(client.log.repaired).toEqual([]);

    const res = (await (await server.api(`/api/configs/${id}`)).json()) as {
      validation: ValidationResult;
      data: Record<string, unknown>;
    };
    expect(res.data.BRANCH).toBe('ddk');
    expect(res.validation.valid).toBe(false);
    expect(res.validation.errors.find((e) => e.path === '/BRANCH')?.severity).toBe('error');
  });

  it('bursts of edits are validated once settled, ending with the right result', async () => {
    const id = await createConfig(server, { name: 'burst', data: { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'bookworm' } });
    const client = extClient(server, id);
    clients.push(client);
    await synced(client);
    const script = client.doc.getMap('config').get('customizeScript');
    expect(script).toBeInstanceOf(Y.Text);
    for (let i = 0; i < 200; i++) (script as Y.Text).insert((script as Y.Text).length, 'x');
    client.doc.getMap('config').set('ROOTFS_TYPE', 'f2fs'); // f2fs needs FIXED_IMAGE_SIZE
    await eventually(() => expect(client.log.validation.at(-1)!.errors.map((e) => e.path)).toContain('/FIXED_IMAGE_SIZE'));
    // 201 edits did not produce anywhere near 201 validation messages.
    expect(client.log.validation.length).toBeLessThan(20);
  });
});
