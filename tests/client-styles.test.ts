/**
 * The client's style sheets are bundled one after another (client/main.tsx), so a rule left open
 * in one file swallows every later file as rules nested inside it: the browser then applies none
 * of them. Vite only prints esbuild's warning and builds anyway, so this test reads each sheet the
 * way the build does and refuses any warning.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { transformWithEsbuild } from 'vite';
import { describe, expect, it } from 'vitest';

const STYLES = path.join(import.meta.dirname, '..', 'client', 'styles');
const sheets = readdirSync(STYLES).filter((name) => name.endsWith('.css'));

describe('client style sheets', () => {
  it('finds the sheets', () => {
    expect(sheets).toContain('review.css');
  });

  it.each(sheets)('%s parses without a warning', async (name) => {
    const file = path.join(STYLES, name);
    const result = await transformWithEsbuild(readFileSync(file, 'utf8'), file, { loader: 'css', minify: true });
    expect(result.warnings.map((w) => `${w.location?.line}: ${w.text}`)).toEqual([]);
  });
});
