/**
 * Every free-text field is collaborative text (docs/architecture.md, "Document layout"):
 * - two stock y-websocket clients typing into the same single-line field at once, at the end and
 *   in the middle, both keep every character and converge, and the stored document says so;
 * - a document stored in the old layout (single-line strings as plain values) is migrated on its
 *   first load, durably and once; its old versions still read and restore.
 */
import { count, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { bindTextArea } from '../client/form/text-binding.ts';
import { FakeTextArea } from './helpers/fake-textarea.ts';
import { contentHash } from '../shared/node/content-hash.ts';
import { configMap, configToJson } from '../shared/doc-binding.ts';
import { configVersions } from '../shared/node/db/review-schema.ts';
import { docUpdates } from '../shared/node/db/schema.ts';
import { SCHEMA_VERSION } from '../shared/schema/version.ts';
import { connectClient, synced } from './helpers/clients.ts';
import { useTestServer } from './helpers/rig.ts';
import { createConfig } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';
import { readStored } from '../server/storage/stored-doc.ts';
import { mainDoc } from '../server/storage/doc-key.ts';

const rig = useTestServer();
const { server, clients } = rig;

async function storedJson(configId: string): Promise<Record<string, unknown>> {
  return readStored(await server.storage.loadDoc(mainDoc(configId)), configToJson);
}

describe('a single-line field typed into by two people at once', () => {
  it('keeps both persons’ characters and converges', async () => {
    const configId = await createConfig(server, { name: 'two typists', data: { VENDOR: 'Acme' } });
    const alice = connectClient(server, configId);
    const bob = connectClient(server, configId);
    clients.push(alice, bob);
    await Promise.all([synced(alice), synced(bob)]);
    const textA = configMap(alice.doc).get('VENDOR');
    const textB = configMap(bob.doc).get('VENDOR');
    expect(textA).toBeInstanceOf(Y.Text);
    expect(textB).toBeInstanceOf(Y.Text);

    const inputA = new FakeTextArea();
    const inputB = new FakeTextArea();
    bindTextArea(textA as Y.Text, inputA, 'alice');
    bindTextArea(textB as Y.Text, inputB, 'bob');
    inputA.setSelectionRange(4, 4); // Alice types at the end
    inputB.setSelectionRange(2, 2); // Bob types in the middle: "Ac|me"
    const alices = ' Labs 3A';
    const bobs = 'XYZ';
    // Interleaved keystrokes with no waiting: each is sent before the other's arrives.
    for (let i = 0; i < Math.max(alices.length, bobs.length); i++) {
      if (i < alices.length) inputA.type(alices[i]);
      if (i < bobs.length) inputB.type(bobs[i]);
    }
    const expected = 'AcXYZme Labs 3A';
    await eventually(() => {
      expect(textA!.toString()).toBe(expected);
      expect(textB!.toString()).toBe(expected);
      expect(inputA.value).toBe(expected);
      expect(inputB.value).toBe(expected);
    });
    // Carets stayed where each person was typing.
    expect(inputA.selectionEnd).toBe(expected.length);
    expect(inputB.selectionEnd).toBe(5);
    await eventually(async () => expect((await storedJson(configId)).VENDOR).toBe(expected));
    const res = await server.api(`/api/configs/${configId}`);
    expect(((await res.json()) as { data: Record<string, unknown> }).data.VENDOR).toBe(expected);
  });
});

describe('a document stored in the old layout', () => {
  /** What earlier versions wrote: single-line strings and list items as plain values. */
  function oldLayoutState(): { state: Uint8Array; json: Record<string, unknown> } {
    const doc = new Y.Doc();
    doc.transact(() => {
      const map = configMap(doc);
      map.set('BOARD', 'rock-5b');
      map.set('BRANCH', 'current');
      map.set('RELEASE', 'noble');
      map.set('VENDOR', 'OldCo');
      map.set('timezone', 'Europe/Berlin');
      const packages = new Y.Array<unknown>();
      packages.insert(0, ['htop', 'vim']);
      map.set('extraPackages', packages);
      map.set('customizeScript', new Y.Text('echo old\n'));
    });
    const json = configToJson(doc);
    const state = Y.encodeStateAsUpdate(doc);
    doc.destroy();
    return { state, json };
  }

  async function logRows(configId: string): Promise<number> {
    const [row] = await server.database.db.select({ n: count() }).from(docUpdates).where(eq(docUpdates.configId, configId));
    return row.n;
  }

  it('is migrated on first load, once, durably; old versions still read and restore', async () => {
    const { state, json } = oldLayoutState();
    const record = await server.storage.createConfig({ name: 'old layout', initialState: state, ownerId: server.owner.user.id });
    const configId = record.id;
    // A version frozen in the old layout, as earlier servers stored it.
    const [version] = await server.database.db
      .insert(configVersions)
      .values({
        configId,
        kind: 'manual',
        label: 'before the migration',
        createdById: server.owner.user.id,
        createdByName: 'Owner',
        createdAt: new Date(),
        contentHash: contentHash(json),
        schemaVersion: SCHEMA_VERSION,
        configJson: json,
        yjsState: state,
      })
      .returning({ id: configVersions.id });
    const rowsBefore = await logRows(configId);

    const first = connectClient(server, configId);
    clients.push(first);
    await synced(first);
    // The first client's very first sync already has the new layout.
    const map = configMap(first.doc);
    for (const key of ['VENDOR', 'timezone']) expect(map.get(key)).toBeInstanceOf(Y.Text);
    const packages = map.get('extraPackages') as Y.Array<unknown>;
    expect(packages.toArray().every((item) => item instanceof Y.Text)).toBe(true);
    expect(configToJson(first.doc)).toEqual(json);
    // Persisted in one transaction before the room served anyone.
    expect(await logRows(configId)).toBe(rowsBefore + 1);
    first.destroy();

    // A restart and a second load: nothing left to migrate, nothing written.
    await rig.restart();
    const rowsAfterMigration = await logRows(configId);
    const second = connectClient(server, configId);
    clients.push(second);
    await synced(second);
    expect(configMap(second.doc).get('VENDOR')).toBeInstanceOf(Y.Text);
    expect(await logRows(configId)).toBe(rowsAfterMigration);

    // The old version still reads, and restoring it edits the texts in place.
    const read = await server.api(`/api/configs/${configId}/versions/${version.id}?state=1`);
    expect(read.status).toBe(200);
    const body = (await read.json()) as { data: Record<string, unknown>; yjsState: string };
    expect(body.data).toEqual(json);
    const frozen = new Y.Doc();
    Y.applyUpdate(frozen, Buffer.from(body.yjsState, 'base64'));
    expect(configToJson(frozen)).toEqual(json);
    frozen.destroy();
    const vendor = configMap(second.doc).get('VENDOR') as Y.Text;
    vendor.insert(vendor.length, ' Ltd');
    await eventually(() => expect(server.manager.peek(mainDoc(configId)) && configToJson(server.manager.peek(mainDoc(configId))!.doc).VENDOR).toBe('OldCo Ltd'));
    const restored = await server.api(`/api/configs/${configId}/versions/${version.id}/restore`, { method: 'POST', body: '{}' });
    expect(restored.status).toBeLessThan(300);
    await eventually(() => expect(configToJson(second.doc).VENDOR).toBe('OldCo'));
    // The same Y.Text, edited by a diff: a concurrent typist's position stays valid.
    expect(configMap(second.doc).get('VENDOR')).toBe(vendor);
    const history = await server.api(`/api/configs/${configId}/history`);
    expect(history.status).toBe(200);
    const { entries } = (await history.json()) as { entries: Array<{ path: string; before: unknown; after: unknown; edits?: unknown[] }> };
    // The migration changed no value, so history shows no change for it.
    expect(entries.filter((e) => (e.edits ? e.edits.length === 0 : e.before === e.after))).toEqual([]);
  });
});
