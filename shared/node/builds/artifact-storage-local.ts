/**
 * Artifacts on local disk: `<root>/<buildId>/<name>`. Writes go to a temporary file in the same
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
import { ArtifactStorageError, type ArtifactStorage, type StoredObject } from './artifact-storage.ts';

export function createLocalArtifactStorage(rootDir: string): ArtifactStorage {
  const root = path.resolve(rootDir);

  const fileOf = (buildId: string, name: string): string => {
    if (!isUuid(buildId)) throw new ArtifactStorageError('invalid_key', `not a build id: ${buildId}`);
    const check = checkArtifactName(name);
    if (!check.ok) throw new ArtifactStorageError('invalid_name', `bad artifact name: ${check.message}`);
    const file = path.join(root, buildId, name);
    // Belt and braces: the checks above already make escaping impossible.
    if (path.dirname(path.dirname(file)) !== root) throw new ArtifactStorageError('invalid_key', 'path escapes root');
    return file;
  };

  const parseKey = (key: string): string => {
    const slash = key.indexOf('/');
    if (slash < 0) throw new ArtifactStorageError('invalid_key', `bad storage key: ${key}`);
    return fileOf(key.slice(0, slash), key.slice(slash + 1));
  };

  return {
    async put(buildId, name, source): Promise<StoredObject> {
      const file = fileOf(buildId, name);
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
      return { key: `${buildId}/${name}`, size, sha256: hash.digest('hex') };
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
