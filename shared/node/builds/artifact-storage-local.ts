/**
 * Artifacts on local disk: `<root>/<tenant>/<buildId>/<name>` (`<root>/<buildId>/<name>` for
 * artifacts stored before tenants existed, still served and deleted by their stored keys). Writes go to a temporary file in the same
 * directory and are renamed into place, so a reader never sees half an artifact and a crash
 * leaves at most a temp file (dot-named, which no valid artifact name can be).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { isUuid } from '../../uuid.ts';
import { checkArtifactName } from '../../builds/artifact-name.ts';
import { ARTIFACT_PERSONAL_TENANT, ArtifactStorageError, type ArtifactStorage, type StoredObject } from './artifact-storage.ts';

export function createLocalArtifactStorage(rootDir: string): ArtifactStorage {
  const root = path.resolve(rootDir);

  const fileOf = (buildId: string, name: string, tenant?: string): string => {
    const check = checkArtifactName(name);
    if (!check.ok) throw new ArtifactStorageError('invalid_name', `bad artifact name: ${check.message}`);
    if (!isUuid(buildId)) throw new ArtifactStorageError('invalid_key', `not a build id: ${buildId}`);
    if (tenant !== undefined && tenant !== ARTIFACT_PERSONAL_TENANT && !isUuid(tenant)) throw new ArtifactStorageError('invalid_key', `not a tenant: ${tenant}`);
    const base = tenant === undefined ? root : path.join(root, tenant);
    const file = path.join(base, buildId, name);
    // Belt and braces: the checks above already make escaping impossible.
    if (path.dirname(path.dirname(file)) !== base) throw new ArtifactStorageError('invalid_key', 'path escapes root');
    return file;
  };

  /** `<tenant>/<buildId>/<name>`, or `<buildId>/<name>` (before tenants). A name never holds a
   * slash (checkArtifactName), so a second slash means the tenant form; fileOf checks each part. */
  const parseKey = (key: string): string => {
    const [head, ...rest] = key.split('/');
    if (rest.length === 0) throw new ArtifactStorageError('invalid_key', `bad storage key: ${key}`);
    if (rest.length === 1) return fileOf(head, rest[0]);
    const [buildId, ...name] = rest;
    return fileOf(buildId, name.join('/'), head);
  };

  return {
    async put(buildId, name, source, tenant): Promise<StoredObject> {
      const file = fileOf(buildId, name, tenant);
      await mkdir(path.dirname(file), { recursive: true });
      const temp = path.join(path.dirname(file), `.tmp-${randomUUID()}`);
      const hash = createHash('sha256');
      let size = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          hash.update(chunk);
          size += chunk.length;
          callback(null, chunk);
        },
      });
      const input = typeof source === 'string' ? createReadStream(source) : source;
      try {
        await pipeline(input, meter, createWriteStream(temp, { flags: 'wx' }));
        await rename(temp, file);
      } catch (err) {
        await rm(temp, { force: true });
        throw err;
      }
      return { key: tenant === undefined ? `${buildId}/${name}` : `${tenant}/${buildId}/${name}`, size, sha256: hash.digest('hex') };
    },

    async get(key): Promise<Readable> {
      const file = parseKey(key);
      try {
        await stat(file);
      } catch {
        throw new ArtifactStorageError('ENOENT', `artifact ${key} is gone`);
      }
      return createReadStream(file);
    },

    async delete(key): Promise<void> {
      const file = parseKey(key);
      await rm(file, { force: true });
      try {
        await rmdir(path.dirname(file));
      } catch (err) {
        // Other artifacts of the build are still there (ENOTEMPTY) or the directory is gone.
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'ENOENT' && code !== 'EEXIST') throw err;
      }
    },
  };
}

/** For callers holding bytes in memory (tests, small generated files). */
export function bufferSource(bytes: Uint8Array): Readable {
  return Readable.from([Buffer.from(bytes)]);
}
