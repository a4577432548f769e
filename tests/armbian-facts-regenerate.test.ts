/**
 * The facts are regenerated, not hand-kept: `npm run armbian:facts` run on the framework beside
 * the repository (`../shared/armbian-build`, the framework at the facts' commit) gives exactly
 * the committed files under shared/data/ (403 boards, 74 families with kernel versions per branch,
 * extensions, command words, releases, the commit), and the schema's branch list, extensions and
 * release facts come from them.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { frameworkCommit } from '../builder/framework-check/framework-commit.ts';
import { extractArmbianFacts } from '../scripts/armbian-facts/extract.ts';
import { factsFiles } from '../scripts/armbian-facts/write-facts.ts';
import { buildConfigSchema } from '../shared/schema/config-schema.ts';
import { FRAMEWORK_DIR } from './framework/framework-rig.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DATA = path.join(ROOT, 'shared', 'data');

describe('armbian facts', () => {
  const bundle = extractArmbianFacts(FRAMEWORK_DIR);

  it('regenerate to exactly the committed files', () => {
    for (const [name, content] of Object.entries(factsFiles(bundle))) {
      expect(content, `${name} is stale: run npm run armbian:facts -- ../shared/armbian-build`).toBe(readFileSync(path.join(DATA, name), 'utf8'));
    }
  });

  it('cover what the framework has', () => {
    expect(bundle.boards).toHaveLength(403);
    expect(bundle.families).toHaveLength(74);
    expect(bundle.framework.extensions).toHaveLength(86);
    expect(bundle.framework.extensions).toContain('net-network-manager'); // found in a subfolder, as enable_extension does
    expect(bundle.framework.commands).toEqual(expect.arrayContaining(['build', 'config-dump-json', 'kernel', 'uboot', 'rootfs']));
    expect(bundle.framework.branches).toContain('oldlts');
    expect(bundle.framework.releases.map((r) => r.release)).toHaveLength(13);
    expect(bundle.boards.find((b) => b.board === 'wdk2023')!.kernelOverrides).toEqual({ wdk2023: '6.7' });
    // The trimmed copy has no .git: its SOURCE.md names the commit, the same the data's SOURCE names.
    expect(bundle.framework.commit).toBe(frameworkCommit(FRAMEWORK_DIR));
    expect(readFileSync(path.join(DATA, 'armbian-boards.SOURCE.md'), 'utf8')).toContain(bundle.framework.commit!);
  });

  it('feed the schema: branches, extensions and releases', () => {
    const schema = buildConfigSchema();
    expect(schema.properties.BRANCH!.enum).toEqual(bundle.framework.branches);
    expect(schema['x-extensions']).toEqual(bundle.framework.extensions);
    for (const release of bundle.framework.releases) {
      const fact = schema['x-releases'].find((r) => r.release === release.release);
      expect(fact, release.release).toBeDefined();
      expect(fact!.support).toBe(release.support);
      expect([...fact!.architectures].sort()).toEqual([...release.architectures].sort());
    }
  });

  it('the script checks and writes through npm run armbian:facts', async () => {
    const { stdout } = await promisify(execFile)('npx', ['tsx', 'scripts/armbian-facts.ts', FRAMEWORK_DIR, '--check'], { cwd: ROOT });
    expect(stdout).toMatch(/403 boards, 74 families, 86 extensions, 13 releases at [0-9a-f]{40} \(26\.08\.0-trunk\); 0 file\(s\) stale/);
  }, 60_000);
});
