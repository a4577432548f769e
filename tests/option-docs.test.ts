/**
 * Option help says what the framework does: every Armbian option in the schema links to the
 * framework file that reads it (at the facts' commit, checked against ../shared/armbian-build) and,
 * where Armbian documents it, to its docs.armbian.com page; and the COMPRESS_OUTPUTIMAGE help
 * matches what the framework's own compression function does to a file.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '../shared/validation/index.ts';

const FRAMEWORK = fileURLToPath(new URL('../../shared/armbian-build/', import.meta.url));
const run = promisify(execFile);
const armbianOptions = Object.entries(configSchema.properties).filter(([name]) => /^[A-Z]/.test(name));

describe('option help links', () => {
  it.each(armbianOptions)('%s links to the framework file that reads it', async (name, property) => {
    const source = property['x-source'];
    expect(source).toBeDefined();
    const facts = await readFile(new URL('../shared/data/armbian-boards.SOURCE.md', import.meta.url), 'utf8');
    const commit = /commit ([0-9a-f]{40})/.exec(facts)![1]!;
    const prefix = `https://github.com/armbian/build/blob/${commit}/`;
    expect(source!.startsWith(prefix)).toBe(true);
    const text = await readFile(join(FRAMEWORK, source!.slice(prefix.length)), 'utf8');
    expect(text).toMatch(new RegExp(`\\b${name}\\b`));
  });

  it('links documented options to docs.armbian.com', () => {
    const documented = armbianOptions.filter(([, p]) => p['x-docs']);
    expect(documented.length).toBeGreaterThanOrEqual(15);
    for (const [, property] of documented) expect(property['x-docs']).toMatch(/^https:\/\/docs\.armbian\.com\/Developer-Guide_[A-Za-z-]+\/#[a-z-]+$/);
    expect(configSchema.properties.COMPRESS_OUTPUTIMAGE['x-docs']).toContain('Developer-Guide_Build-Switches/');
  });
});

describe('COMPRESS_OUTPUTIMAGE does what its help says', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'boardroom-compress-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Runs the framework's own output_images_compress_and_checksum on a small fake image. */
  async function outputsFor(value: string): Promise<string[]> {
    const work = await mkdtemp(join(dir, 'run-'));
    await writeFile(join(work, 'image.img'), Buffer.alloc(64 * 1024, 7));
    const script = `display_alert() { :; }; source "$1"; version=image; COMPRESS_OUTPUTIMAGE="$2"; output_images_compress_and_checksum "$3/image"`;
    await run('bash', ['-c', script, '_', join(FRAMEWORK, 'lib/functions/image/compress-checksum.sh'), value, work]);
    return (await readdir(work)).sort();
  }

  it('sha,img keeps the raw image with a checksum; img alone is not read', async () => {
    expect(await outputsFor('sha,img')).toEqual(['image.img', 'image.img.sha']);
    expect(await outputsFor('img')).toEqual(['image.img']);
    expect(configSchema.properties.COMPRESS_OUTPUTIMAGE.description).toContain('img is never read');
  });

  it('xz deletes the raw image; with xz and zst only xz runs; zstd counts as zst', async () => {
    expect(await outputsFor('xz')).toEqual(['image.img.xz']);
    expect(await outputsFor('sha,xz,zst')).toEqual(['image.img.xz', 'image.img.xz.sha']);
    expect(await outputsFor('zstd')).toEqual(['image.img.zst']);
    const help = configSchema.properties.COMPRESS_OUTPUTIMAGE.description;
    expect(help).toContain('deletes the raw .img');
    expect(help).toContain('you get xz only');
  });
});
