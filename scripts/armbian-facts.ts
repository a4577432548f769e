/**
 * `npm run armbian:facts -- <armbian-build-dir> [--check]`: rebuilds the project's Armbian facts
 * (shared/data/armbian-boards.json, armbian-families.json, armbian-framework.json) from a checkout
 * of the build framework and records its commit. With --check it writes nothing and exits 1 when
 * the committed files differ from what the checkout gives.
 *
 * Afterwards run `npm run gen:validators`: the schema embeds these facts.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractArmbianFacts } from './armbian-facts/extract.ts';
import { factsFiles } from './armbian-facts/write-facts.ts';

const dataDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'shared', 'data');
const args = process.argv.slice(2);
const check = args.includes('--check');
const dir = args.find((a) => !a.startsWith('--'));
if (!dir) {
  console.error('usage: npm run armbian:facts -- <armbian-build-dir> [--check]');
  process.exit(2);
}
const bundle = extractArmbianFacts(path.resolve(dir));
let stale = 0;
for (const [name, content] of Object.entries(factsFiles(bundle))) {
  const target = path.join(dataDir, name);
  let current: string | null = null;
  try {
    current = readFileSync(target, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (current === content) continue;
  stale += 1;
  if (check) console.error(`${name} differs from ${dir}`);
  else writeFileSync(target, content, 'utf8');
}
console.log(
  `${bundle.boards.length} boards, ${bundle.families.length} families, ${bundle.framework.extensions.length} extensions, ` +
    `${bundle.framework.releases.length} releases at ${bundle.framework.commit ?? 'an unknown commit'} (${bundle.framework.version}); ` +
    `${stale} file(s) ${check ? 'stale' : 'written'}`,
);
if (check && stale > 0) process.exit(1);
