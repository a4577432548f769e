#!/usr/bin/env node
/**
 * Compiles the server and the builder to JavaScript for production (`npm run build:server`, part
 * of `npm run build`): `dist/app/server.js`, `dist/app/builder.js`, `dist/app/migrate.js` and `dist/app/admin.js`, run with plain `node`, no
 * tsx and no TypeScript at run time (architecture.md, "Production build").
 *
 * - ESM with code splitting: what the entry files load with `await import()` (the cluster bus,
 *   the build queue, PGlite's driver, the inline builder) becomes chunks of its own, loaded only
 *   when used, so an idle server does not hold the code of features it does not run.
 * - Packages stay external: the image installs production dependencies with `npm ci --omit=dev`,
 *   native and WASM packages (msgpackr-extract, PGlite) keep their own files.
 * - Everything lands flat in one folder, so a module's `import.meta.url` can be rewritten to its
 *   source file's place relative to that folder: `new URL('../../../migrations', import.meta.url)` in
 *   shared/node/db/migrate.ts still finds `migrations/` beside `dist/`.
 */
import { build } from 'esbuild';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const OUT_DIR = path.join(ROOT, 'dist', 'app');

/** Source files' `import.meta.url`, as it would be at run time under tsx. */
const sourceUrlPlugin = {
  name: 'source-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta.url')) return undefined;
      const rel = path.relative(OUT_DIR, args.path).split(path.sep).join('/');
      return {
        contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`),
        loader: 'ts',
      };
    });
  },
};

await rm(OUT_DIR, { recursive: true, force: true });
const result = await build({
  absWorkingDir: ROOT,
  entryPoints: { server: 'server/main.ts', builder: 'builder/main.ts', migrate: 'scripts/migrate.ts', admin: 'scripts/admin.ts', cli: 'cli/main.ts' },
  outdir: OUT_DIR,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  chunkNames: '[name]-[hash]',
  metafile: true,
  logLevel: 'warning',
  plugins: [sourceUrlPlugin],
});
const outputs = Object.entries(result.metafile.outputs).filter(([file]) => file.endsWith('.js'));
const bytes = outputs.reduce((sum, [, o]) => sum + o.bytes, 0);
console.log(`[build] ${outputs.length} files, ${(bytes / 1024).toFixed(0)} KiB of JavaScript in ${path.relative(ROOT, OUT_DIR)}/`);
