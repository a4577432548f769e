/**
 * `shared/` is split by where code runs (docs/architecture.md, "Processes"): everything outside
 * `shared/node/` is safe for the browser bundle, `shared/node/` is server and builder only.
 * These checks read the import statements, so a Node-only import cannot slip into the browser's
 * half (or into client/) without a test saying which file and which import.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const NODE_FOLDER = resolve(root, 'shared/node');

/** Packages that need Node (sockets, files, native code) or only make sense on the server. */
const NODE_ONLY_PACKAGES = [
  '@electric-sql/pglite',
  '@hono/node-server',
  'bullmq',
  'drizzle-orm',
  'ioredis',
  'nodemailer',
  'pino',
  'postgres',
  'prom-client',
  'ws',
];
const BUILTINS = new Set(builtinModules);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

/** Every module specifier of a file: static and type imports, re-exports, dynamic imports. */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\(\s*)(['"])([^'"\n]+)\1/g;
  return [...text.matchAll(pattern)].map((match) => match[2]!);
}

function isNodeOnly(specifier: string): boolean {
  if (specifier.startsWith('node:') || BUILTINS.has(specifier.split('/')[0]!)) return true;
  return NODE_ONLY_PACKAGES.some((pkg) => specifier === pkg || specifier.startsWith(`${pkg}/`));
}

function inNodeFolder(file: string, specifier: string): boolean {
  if (!specifier.startsWith('.')) return false;
  const target = resolve(dirname(file), specifier);
  return target === NODE_FOLDER || target.startsWith(`${NODE_FOLDER}/`);
}

describe('shared/ split between the browser and Node', () => {
  it('no module outside shared/node imports node:* or a Node-only package, directly or through shared/node', () => {
    const browserSafe = sourceFiles(resolve(root, 'shared')).filter((file) => !file.startsWith(`${NODE_FOLDER}/`));
    expect(browserSafe.length).toBeGreaterThan(20);
    const offending = browserSafe.flatMap((file) =>
      specifiers(file)
        .filter((specifier) => isNodeOnly(specifier) || inNodeFolder(file, specifier))
        .map((specifier) => `${relative(root, file)} imports ${specifier}`),
    );
    expect(offending).toEqual([]);
  });

  it('nothing under client/ imports from shared/node or a Node-only package', () => {
    const clientFiles = sourceFiles(resolve(root, 'client'));
    expect(clientFiles.length).toBeGreaterThan(20);
    const offending = clientFiles.flatMap((file) =>
      specifiers(file)
        .filter((specifier) => isNodeOnly(specifier) || inNodeFolder(file, specifier))
        .map((specifier) => `${relative(root, file)} imports ${specifier}`),
    );
    expect(offending).toEqual([]);
  });

  it('recognises the imports it is meant to refuse', () => {
    const file = resolve(root, 'shared/example.ts');
    expect(isNodeOnly('node:crypto')).toBe(true);
    expect(isNodeOnly('crypto')).toBe(true);
    expect(isNodeOnly('drizzle-orm/pg-core')).toBe(true);
    expect(isNodeOnly('yjs')).toBe(false);
    expect(inNodeFolder(file, './node/db/schema.ts')).toBe(true);
    expect(inNodeFolder(file, './builds/status.ts')).toBe(false);
  });
});
