/**
 * Where binary files' bytes live and when they go (docs/operations.md, "Object storage"): with
 * `OBJECT_STORE_URL` the bytes are in an S3-compatible bucket (s3rver, a real S3 server in this
 * process) and Postgres keeps only the index; downloads and builders read them back; a wrong
 * credential fails the upload and stores nothing. The garbage collection on a real Postgres
 * deletes bytes nothing references after the grace period, keeps those a version references, and
 * never deletes bytes uploaded again while their reference is on its way.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blobFetcherFor } from '../builder/blob-fetch.ts';
import { BLOB_GC_GRACE_MS } from '../server/files/blob-gc.ts';
import { createBlobStore, sha256Of } from '../server/files/blob-store.ts';
import { filesRoot } from '../shared/files/file-tree.ts';
import { createObjectStore, objectKeyOf, readObjectStoreSettings, type ObjectStoreSettings } from '../shared/node/blobs/object-store.ts';
import { fileBlobs } from '../shared/node/db/files-schema.ts';
import { connectClient, synced } from './helpers/clients.ts';
import { useTestServer } from './helpers/rig.ts';
import { createConfig, type TestServer } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';

const BUCKET = 'boardroom-blobs';
/** s3rver's built-in account. */
const S3_KEY = 'S3RVER';

const bytes = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * seed + 3) % 256));
const post = (body: Record<string, unknown>) => ({ method: 'POST', body: JSON.stringify(body) });
const uploadBlob = (server: TestServer, id: string, p: string, content: Buffer) => server.api(`/api/configs/${id}/files/upload`, post({ path: p, contentBase64: content.toString('base64') }));

async function rowsOf(server: TestServer, configId: string) {
  return server.database.db
    .select({ sha256: fileBlobs.sha256, inPostgres: sql<boolean>`${fileBlobs.content} is not null` })
    .from(fileBlobs)
    .where(eq(fileBlobs.configId, configId));
}

/** Makes every blob of the configuration look last uploaded longer ago than the grace period. */
async function ageBlobs(server: TestServer, configId: string, sha256?: string) {
  const old = new Date(Date.now() - BLOB_GC_GRACE_MS - 60_000);
  await server.database.db
    .update(fileBlobs)
    .set({ lastPutAt: old })
    .where(sha256 ? and(eq(fileBlobs.configId, configId), eq(fileBlobs.sha256, sha256)) : eq(fileBlobs.configId, configId));
}

/** Deletes a file as a collaborator would, and waits until the deletion is durable. */
async function deleteFile(server: TestServer, configId: string, p: string, clients: { destroy(): void }[]) {
  const peer = connectClient(server, configId);
  clients.push(peer);
  await synced(peer);
  filesRoot(peer.doc).delete(p);
  await eventually(async () => expect((await server.api(`/api/configs/${configId}/files/raw?path=${encodeURIComponent(p)}`)).status).toBe(404));
}

describe('object storage (OBJECT_STORE_URL)', () => {
  let s3: S3rver;
  let s3Dir: string;
  let settings: ObjectStoreSettings;
  const rig = useTestServer(async () => {
    s3Dir = mkdtempSync(path.join(tmpdir(), 'boardroom-s3-'));
    s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: s3Dir, configureBuckets: [{ name: BUCKET, configs: [] }] });
    const { port } = await s3.run();
    settings = readObjectStoreSettings({ url: `http://127.0.0.1:${port}`, bucket: BUCKET, accessKeyId: S3_KEY, secretAccessKey: S3_KEY })!;
    return { objectStore: settings };
  });
  const { server, clients } = rig;
  let id: string;
  afterAll(async () => {
    await s3?.close();
    if (s3Dir) rmSync(s3Dir, { recursive: true, force: true });
  });
  beforeAll(async () => {
    id = await createConfig(server, { name: 'bucket' });
  });

  it('keeps the bytes in the bucket, not in Postgres; downloads and builders read them back', async () => {
    const logo = bytes(2500, 7);
    const res = await uploadBlob(server, id, 'overlay/boot/logo.bmp', logo);
    expect(res.status).toBe(201);
    const sha = sha256Of(logo);
    expect(await rowsOf(server, id)).toEqual([{ sha256: sha, inPostgres: false }]);
    // Read straight from the bucket with a client of its own.
    expect(Buffer.from((await createObjectStore(settings).get(objectKeyOf(id, sha)))!)).toEqual(logo);
    const raw = await server.api(`/api/configs/${id}/files/raw?path=overlay/boot/logo.bmp`);
    expect(Buffer.from(await raw.arrayBuffer())).toEqual(logo);
    const tar = Buffer.from(await (await server.api(`/api/configs/${id}/files/tarball`)).arrayBuffer());
    expect(tar.includes(logo)).toBe(true);
    const fetchBlob = blobFetcherFor(server.database.db, id, createObjectStore(settings));
    expect(Buffer.from((await fetchBlob(sha))!)).toEqual(logo);
    // Without the object store, a builder finds no bytes rather than wrong ones.
    expect(await blobFetcherFor(server.database.db, id)(sha)).toBeNull();
  });

  it('refuses to start on a URL without bucket or credentials, naming the variable', () => {
    expect(readObjectStoreSettings({})).toBeNull();
    expect(() => readObjectStoreSettings({ url: 'http://minio:9000', accessKeyId: 'a', secretAccessKey: 'b' })).toThrow(/OBJECT_STORE_BUCKET/);
    expect(() => readObjectStoreSettings({ url: 'http://minio:9000', bucket: 'blobs' })).toThrow(/OBJECT_STORE_ACCESS_KEY_ID/);
    expect(() => readObjectStoreSettings({ url: 'ftp://minio', bucket: 'blobs', accessKeyId: 'a', secretAccessKey: 'b' })).toThrow(/OBJECT_STORE_URL/);
    expect(readObjectStoreSettings({ url: 'http://minio:9000/', bucket: 'blobs', accessKeyId: 'a', secretAccessKey: 'b' })).toMatchObject({ url: 'http://minio:9000', region: 'us-east-1' });
  });

  it('a store that refuses the write (unknown key) leaves no row pointing at nothing', async () => {
    const other = await rig.startAnother({ objectStore: { ...settings, accessKeyId: 'NOT-A-KEY', secretAccessKey: 'wrong' } });
    const before = await rowsOf(server, id);
    const res = await uploadBlob(other, id, 'overlay/boot/other.bmp', bytes(900, 11));
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: 'blob_store_unavailable' } });
    expect(await rowsOf(server, id)).toEqual(before);
    expect((await server.api(`/api/configs/${id}/files/raw?path=overlay/boot/other.bmp`)).status).toBe(404);
  });

  it('the sweep deletes an unreferenced blob from the bucket and its row together', async () => {
    const firmware = bytes(1200, 5);
    expect((await uploadBlob(server, id, 'overlay/lib/firmware/fw.bin', firmware)).status).toBe(201);
    const sha = sha256Of(firmware);
    await deleteFile(server, id, 'overlay/lib/firmware/fw.bin', clients);
    await ageBlobs(server, id);
    const { deleted } = await server.blobGc.runOnce();
    expect(deleted.get(id)).toEqual([sha]);
    expect(await createObjectStore(settings).get(objectKeyOf(id, sha))).toBeNull();
    // The logo is still in the document: kept.
    expect((await rowsOf(server, id)).map((r) => r.sha256)).toEqual([sha256Of(bytes(2500, 7))]);
    expect(await createObjectStore(settings).get(objectKeyOf(id, sha256Of(bytes(2500, 7))))).not.toBeNull();
  });
});

describe('blob garbage collection (Postgres)', () => {
  const { server, clients } = useTestServer();

  it('deletes what nothing references once the grace period is over, keeps what the document or a version references', async () => {
    const id = await createConfig(server, { name: 'gc' });
    const kept = bytes(700, 3);
    const versioned = bytes(800, 9);
    const dropped = bytes(900, 13);
    expect((await uploadBlob(server, id, 'overlay/kept.bin', kept)).status).toBe(201);
    expect((await uploadBlob(server, id, 'overlay/versioned.bin', versioned)).status).toBe(201);
    expect((await server.api(`/api/configs/${id}/versions`, post({ label: 'with the versioned blob' }))).status).toBe(201);
    expect((await uploadBlob(server, id, 'overlay/dropped.bin', dropped)).status).toBe(201);
    await deleteFile(server, id, 'overlay/versioned.bin', clients);
    await deleteFile(server, id, 'overlay/dropped.bin', clients);

    // Within the grace period nothing goes, referenced or not.
    expect((await server.blobGc.runOnce()).deleted.get(id)).toBeUndefined();
    expect(await rowsOf(server, id)).toHaveLength(3);

    await ageBlobs(server, id);
    expect((await server.blobGc.runOnce()).deleted.get(id)).toEqual([sha256Of(dropped)]);
    expect((await rowsOf(server, id)).map((r) => r.sha256).sort()).toEqual([sha256Of(kept), sha256Of(versioned)].sort());
    // The versioned file can still be restored with its bytes.
    const versions = (await (await server.api(`/api/configs/${id}/versions`)).json()) as Array<{ id: string }>;
    expect((await server.api(`/api/configs/${id}/versions/${versions[0].id}/restore`, post({ path: '#files/overlay/versioned.bin' }))).status).toBe(200);
    await eventually(async () => {
      const raw = await server.api(`/api/configs/${id}/files/raw?path=overlay/versioned.bin`);
      expect(Buffer.from(await raw.arrayBuffer())).toEqual(versioned);
    });
  });

  it('never deletes bytes uploaded again while the sweep runs, before their reference arrives', async () => {
    const id = await createConfig(server, { name: 'race' });
    const blobs = createBlobStore(server.database.db);
    const logo = bytes(600, 17);
    // Stored long ago and unreferenced since: a candidate.
    await blobs.put(id, logo);
    await ageBlobs(server, id);
    const cutoff = new Date(Date.now() - BLOB_GC_GRACE_MS);
    // The sweep has read the references (none) when someone uploads the same bytes again; the
    // reference will reach the document a moment later.
    await blobs.put(id, logo);
    expect(await blobs.deleteStale(id, [sha256Of(logo)], cutoff)).toEqual([]);
    expect((await server.blobGc.runOnce()).deleted.get(id)).toBeUndefined();
    // The reference arrives: the file is whole.
    expect((await uploadBlob(server, id, 'overlay/boot/logo.bmp', logo)).status).toBe(201);
    await ageBlobs(server, id);
    expect((await server.blobGc.runOnce()).deleted.get(id)).toBeUndefined();
    const raw = await server.api(`/api/configs/${id}/files/raw?path=overlay/boot/logo.bmp`);
    expect(Buffer.from(await raw.arrayBuffer())).toEqual(logo);
  });
});
