#!/usr/bin/env node
// `npx boardroom …` (docs/cli.md). In a checkout, the TypeScript source through tsx, so the CLI is
// never older than the code beside it; where only the compiled app exists (the image, which has
// no sources and no tsx), `dist/app/cli.js` from `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const source = fileURLToPath(new URL('../cli/main.ts', import.meta.url));
const compiled = fileURLToPath(new URL('../dist/app/cli.js', import.meta.url));
let cli;
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import(source);
} else {
  cli = await import(compiled);
}
await cli.main();
