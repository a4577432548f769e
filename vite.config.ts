/**
 * Builds the browser client (`client/`) into `dist/client`, which the server serves with a strict
 * CSP (no inline scripts, no eval). `npm run build:client`; tests build into their own folder.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import solid from 'vite-plugin-solid';
import { precompressDir } from './scripts/precompress.ts';

const root = fileURLToPath(new URL('./client', import.meta.url));

/** Brotli and gzip copies of every text asset, written after the bundle (server/static-client.ts
 * serves them by Accept-Encoding). */
function precompress(): Plugin {
  return {
    name: 'boardroom-precompress',
    apply: 'build',
    writeBundle(options) {
      if (options.dir) precompressDir(options.dir);
    },
  };
}

export default defineConfig({
  root,
  plugins: [solid(), precompress()],
  publicDir: 'public',
  // Two copies of Yjs in one page break \`instanceof\` checks and updates between them: the
  // sync provider, y-indexeddb and the editor bindings must share one.
  resolve: { dedupe: ['yjs'] },
  build: {
    outDir: fileURLToPath(new URL('./dist/client', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // The polyfill would be an inline-free module too, but every supported browser has modulepreload.
    modulePreload: { polyfill: false },
    sourcemap: true,
    // The board facts inside the validator module make one chunk large by design.
    chunkSizeWarningLimit: 700,
  },
  server: {
    // `vite` in dev: the API and sync endpoint come from a running server (npm start).
    proxy: {
      '/api': 'http://127.0.0.1:8080',
      '/sync': { target: 'ws://127.0.0.1:8080', ws: true },
    },
    fs: { allow: [fileURLToPath(new URL('.', import.meta.url))] },
  },
});
