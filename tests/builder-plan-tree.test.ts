/**
 * The plan writes the configuration's userpatches tree (docs/architecture.md, "Document layout",
 * the files root): the plan executor stores it as `userpatches.tar` with exact bytes and modes,
 * `SHA256SUMS` and the manifest cover every file, binary files come from the configuration's blobs
 * and are verified; the armbian executor's workspace has the same files when the stand-in
 * compile.sh runs.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { contentHash } from '../shared/node/content-hash.ts';
import { enqueueBuild } from '../shared/node/builds/build-service.ts';
import { getArtifact, getBuild, readBuildLog } from '../shared/node/builds/read.ts';
import { fileBlobs } from '../shared/node/db/files-schema.ts';
import { putBlobFile, putTextFile, setExecutable } from '../shared/files/file-tree.ts';
import {
  armbianExecutor,
  createBuildsEnv,
  fakeArmbianCheckout,
  insertConfig,
  planExecutor,
  readStream,
  startTestBuilder,
  VALID_CONFIG,
  type BuildsEnv,
} from './builder-harness.ts';
import { testLogger } from './helpers/logger.ts';
import { eventually } from './helpers/wait.ts';

const WAIT_MS = 60_000;
const sha = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');
const firmware = Buffer.from(Array.from({ length: 700 }, (_, i) => (i * 13) % 256));
const hostScript = '#!/bin/bash\necho host side\n';
const patch = '--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n';

let env: BuildsEnv;
beforeAll(async () => {
  env = await createBuildsEnv(testLogger(), 'builder_tree');
});
afterAll(async () => {
  await env?.cleanup();
});

/** A configuration with a tree in its Yjs state and the firmware stored as its blob. */
async function configWithTree(name: string, stored: Uint8Array = firmware) {
  const configId = await insertConfig(env.db, name);
  await env.db.insert(fileBlobs).values({ configId, sha256: sha(firmware), size: firmware.length, content: stored });
  const doc = new Y.Doc();
  putTextFile(doc, 'customize-image-host.sh', hostScript);
  setExecutable(doc, 'customize-image-host.sh', true);
  putTextFile(doc, 'kernel/archive/rockchip64-6.18/0001-x.patch', patch);
  putBlobFile(doc, 'overlay/lib/firmware/fw.bin', { sha256: sha(firmware), size: firmware.length });
  const config = { ...VALID_CONFIG };
  return { configId, configName: name, configJson: config, yjsState: Y.encodeStateAsUpdate(doc), schemaVersion: '1', contentHash: contentHash(config) };
}

const finished = (id: string, status: string) =>
  eventually(
    async () => {
      const b = await getBuild(env.db, id);
      expect(b?.status).toBe(status);
      return b!;
    },
    { timeoutMs: WAIT_MS },
  );

async function artifact(buildId: string, name: string): Promise<Buffer> {
  const stored = await getArtifact(env.db, buildId, name);
  expect(stored, name).not.toBeNull();
  return readStream(await env.storage.get(stored!.storageKey));
}

describe('the plan and the userpatches tree', () => {
  it('stores the tree with exact bytes and modes; SHA256SUMS and the manifest cover every file', async () => {
    const builder = startTestBuilder(env, planExecutor());
    try {
      const queued = await enqueueBuild(env.service, await configWithTree('plan tree'));
      await builder.start();
      await finished(queued.id, 'succeeded');
      const dir = await mkdtemp(path.join(env.tmp, 'tree-'));
      try {
        await writeFile(path.join(dir, 'userpatches.tar'), await artifact(queued.id, 'userpatches.tar'));
        execFileSync('tar', ['-xf', 'userpatches.tar'], { cwd: dir });
        expect(await readFile(path.join(dir, 'userpatches/overlay/lib/firmware/fw.bin'))).toEqual(firmware);
        expect(await readFile(path.join(dir, 'userpatches/kernel/archive/rockchip64-6.18/0001-x.patch'), 'utf8')).toBe(patch);
        expect((await stat(path.join(dir, 'userpatches/customize-image-host.sh'))).mode & 0o777).toBe(0o755);
        expect((await stat(path.join(dir, 'userpatches/overlay/lib/firmware/fw.bin'))).mode & 0o777).toBe(0o644);
        // Every file of the tree is checked by the plan's SHA256SUMS, as `sha256sum -c` reads it.
        const sums = (await artifact(queued.id, 'SHA256SUMS')).toString('utf8');
        for (const [p, bytes] of [['customize-image-host.sh', hostScript], ['kernel/archive/rockchip64-6.18/0001-x.patch', patch], ['overlay/lib/firmware/fw.bin', firmware]] as const) {
          expect(sums).toContain(`${sha(bytes)}  userpatches/${p}\n`);
        }
        const treeSums = sums.split('\n').filter((l) => l.includes('  userpatches/')).join('\n') + '\n';
        await writeFile(path.join(dir, 'tree.sums'), treeSums);
        execFileSync('sha256sum', ['-c', '--quiet', 'tree.sums'], { cwd: dir });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      const manifest = JSON.parse((await artifact(queued.id, 'manifest.json')).toString('utf8')) as { userpatches: unknown[] };
      expect(manifest.userpatches).toEqual([
        { path: 'customize-image-host.sh', sha256: sha(hostScript), size: hostScript.length, mode: '755' },
        { path: 'kernel/archive/rockchip64-6.18/0001-x.patch', sha256: sha(patch), size: patch.length, mode: '644' },
        { path: 'overlay/lib/firmware/fw.bin', sha256: sha(firmware), size: firmware.length, mode: '644' },
      ]);
    } finally {
      await builder.close();
    }
  });

  it('fails the build, saying which file, when a blob does not match its sha256', async () => {
    const builder = startTestBuilder(env, planExecutor());
    try {
      const tampered = Buffer.from(firmware);
      tampered[0] ^= 1;
      const queued = await enqueueBuild(env.service, await configWithTree('tampered', tampered));
      await builder.start();
      const build = await finished(queued.id, 'failed');
      expect(build.error).toMatch(/overlay\/lib\/firmware\/fw\.bin: the stored content does not match/);
    } finally {
      await builder.close();
    }
  });

  it('gives the armbian executor\'s workspace the same tree when compile.sh runs', async () => {
    const checkout = await fakeArmbianCheckout(env.tmp);
    const builder = startTestBuilder(env, armbianExecutor(checkout, { FAKE_ARMBIAN_LIST_USERPATCHES: '1' }));
    try {
      const queued = await enqueueBuild(env.service, await configWithTree('armbian tree'));
      await builder.start();
      await finished(queued.id, 'succeeded');
      const listed = (await readBuildLog(env.db, queued.id)).map((l) => l.line).filter((l) => l.startsWith('userpatches '));
      expect(listed).toEqual(
        expect.arrayContaining([
          `userpatches 755 ${sha(hostScript)} customize-image-host.sh`,
          `userpatches 644 ${sha(patch)} kernel/archive/rockchip64-6.18/0001-x.patch`,
          `userpatches 644 ${sha(firmware)} overlay/lib/firmware/fw.bin`,
        ]),
      );
    } finally {
      await builder.close();
    }
  });
});
