/**
 * `npm run bench:files`: opening a configuration whose userpatches tree holds 200 text files of
 * 50 KB each (issue 17), in Debian's Chromium against the production client build served by a
 * real server (in-process, PGlite in memory — nothing to set up):
 *
 * 1. document size: bytes of the Y.Doc's full update (`Y.encodeStateAsUpdate`), what a joining
 *    client downloads, against the 200 × 50 KB of text it holds;
 * 2. time to interactive: navigation start → the form rendered with the synced document (the
 *    app's `boardroom:form-interactive` mark), each run in a fresh browser context;
 * 3. Files panel: opening it from the Panels menu until all 200 files are listed, then a click
 *    on a file until the code editor shows its text.
 *
 * The server runs with the default limits (MAX_DOCUMENT_BYTES holds a tree this size; it says so
 * if it ever does not). Prints a table and MET/MISSED per target; exits non-zero when any target
 * is missed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { openDatabase } from '../server/db/connect.ts';
import { startServer } from '../server/server.ts';
import { readTree } from '../shared/files/file-tree.ts';
import { Limits } from '../shared/protocol.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const FILES = 200;
const FILE_BYTES = 50 * 1024;
/** Cold loads measured (after one warm-up); each moves 10 MB, so a few give a stable median. */
const LOAD_RUNS = Number(process.env.BENCH_LOAD_RUNS ?? 5);
/** How long one page may take to show the 10 MB tree before the run counts it as failed. */
const WAIT_MS = 60_000;

const TARGETS = {
  /** Yjs' per-file overhead: the document may be at most this much bigger than the text it holds. */
  docOverhead: 1.2,
  /** Cold load of a 10 MB document to an interactive form, p95. */
  interactiveMs: 3_000,
  /** Files panel listing 200 files, p95. */
  filesPanelMs: 1_000,
  /** A click on a 50 KB file until its text shows, p95. */
  openFileMs: 500,
};

/** 50 KB of kernel-config-like text, different per file (no two files compress alike). */
function fileText(i: number): string {
  const lines: string[] = [];
  let size = 0;
  for (let n = 0; size < FILE_BYTES; n++) {
    const line = n % 10 === 0 ? `# section ${i}.${n}\n` : `CONFIG_BENCH_${i}_${n}=${(n * 7919 + i) % 3 === 0 ? 'y' : 'm'}\n`;
    lines.push(line);
    size += line.length;
  }
  return lines.join('').slice(0, FILE_BYTES);
}
const pathOf = (i: number) => `kernel/bench/linux-bench-${String(i).padStart(3, '0')}.config`;

function stats(values: number[]): { p50: number; p95: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5), p95: at(0.95) };
}

async function measureLoad(page: Page, url: string): Promise<{ interactive: number; filesPanel: number; openFile: number }> {
  await page.goto(url);
  await page.waitForSelector('[data-testid=config-form][data-ready=true]');
  const interactive = await page.evaluate(() => performance.getEntriesByName('boardroom:form-interactive')[0]?.startTime ?? NaN);
  await page.getByRole('button', { name: 'Panels ▾' }).click();
  let started = Date.now();
  await page.getByRole('menu').getByText('Files').click();
  await page.locator('.files-row__name', { hasText: 'bench/' }).click();
  await page.locator('.files-row__name', { hasText: 'linux-bench-199.config' }).waitFor();
  const filesPanel = Date.now() - started;
  started = Date.now();
  await page.locator('.files-row__name', { hasText: 'linux-bench-100.config' }).click();
  await page.locator('.files-editor .cm-content', { hasText: '# section 100.0' }).waitFor();
  const openFile = Date.now() - started;
  // The next run starts from the default layout, with the Files panel closed.
  await page.getByRole('button', { name: 'Reset layout' }).click();
  return { interactive, filesPanel, openFile };
}

async function main(): Promise<void> {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'boardroom-files-'));
  console.log('building the client (production)…');
  await build({ configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true, sourcemap: false } });
  const database = await openDatabase({ dataDir: 'memory://' });
  const server = await startServer({ database, logger: pino({ level: 'silent' }), port: 0, clientDir: outDir });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  let provider: WebsocketProvider | null = null;
  try {
    const signup = await fetch(`${server.url}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bench@example.test', name: 'Bench', password: 'correct horse battery' }),
    });
    const { token } = (await signup.json()) as { token: string };
    const api = (p: string, body: unknown) => fetch(`${server.url}${p}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    const { id } = (await (await api('/api/configs', { name: 'Bench tree', data: { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie' } })).json()) as { id: string };
    console.log(`writing ${FILES} files of ${FILE_BYTES / 1024} KB…`);
    for (let i = 0; i < FILES; i++) {
      const res = await api(`/api/configs/${id}/files/upload`, { path: pathOf(i), text: fileText(i) });
      if (res.status !== 201) throw new Error(`upload ${i}: ${res.status} ${await res.text()}`);
    }

    // 1. document size, as a joining client receives it
    const doc = new Y.Doc();
    provider = new WebsocketProvider(server.url.replace(/^http/, 'ws') + '/sync', id, doc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      params: { token },
      disableBc: true,
    });
    await new Promise<void>((resolve) => provider!.once('sync', () => resolve()));
    const tree = readTree(doc);
    if (tree.length !== FILES) throw new Error(`the synced tree has ${tree.length} files, not ${FILES}`);
    const textBytes = tree.reduce((n, e) => n + (e.kind === 'text' ? Buffer.byteLength(e.text) : 0), 0);
    const docBytes = Y.encodeStateAsUpdate(doc).length;

    // 2, 3. cold loads
    const runs: Array<{ interactive: number; filesPanel: number; openFile: number }> = [];
    for (let i = 0; i < LOAD_RUNS + 1; i++) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      await context.addCookies([{ name: 'br_session', value: token, url: server.url }]);
      const page = await context.newPage();
      page.setDefaultTimeout(WAIT_MS);
      const run = await measureLoad(page, `${server.url}/c/${id}`);
      if (i > 0) runs.push(run); // the first run warms the server's room and the OS file cache
      await context.close();
    }
    report(textBytes, docBytes, runs);
  } finally {
    provider?.destroy();
    await browser.close();
    await server.close();
    await database.close();
    rmSync(outDir, { recursive: true, force: true });
  }
}

function report(textBytes: number, docBytes: number, runs: Array<{ interactive: number; filesPanel: number; openFile: number }>): void {
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MiB`;
  const interactive = stats(runs.map((r) => r.interactive));
  const panel = stats(runs.map((r) => r.filesPanel));
  const open = stats(runs.map((r) => r.openFile));
  const verdicts = [
    { measure: `document (Y.Doc update) for ${mb(textBytes)} of text`, value: `${mb(docBytes)} (× ${(docBytes / textBytes).toFixed(3)})`, target: `≤ × ${TARGETS.docOverhead}`, met: docBytes <= textBytes * TARGETS.docOverhead },
    { measure: `form interactive, cold (p50 / p95 of ${runs.length})`, value: `${interactive.p50.toFixed(0)} / ${interactive.p95.toFixed(0)} ms`, target: `p95 < ${TARGETS.interactiveMs} ms`, met: interactive.p95 < TARGETS.interactiveMs },
    { measure: `Files panel lists ${FILES} files (p50 / p95)`, value: `${panel.p50.toFixed(0)} / ${panel.p95.toFixed(0)} ms`, target: `p95 < ${TARGETS.filesPanelMs} ms`, met: panel.p95 < TARGETS.filesPanelMs },
    { measure: 'a 50 KB file opens in the editor (p50 / p95)', value: `${open.p50.toFixed(0)} / ${open.p95.toFixed(0)} ms`, target: `p95 < ${TARGETS.openFileMs} ms`, met: open.p95 < TARGETS.openFileMs },
  ];
  console.log(`\nmachine: ${os.cpus().length} cores, Node ${process.version}, ${os.platform()}/${os.arch()}, load average ${os.loadavg()[0].toFixed(1)}`);
  console.log(`default MAX_DOCUMENT_BYTES ${mb(Limits.maxDocumentBytes)}: ${docBytes > Limits.maxDocumentBytes ? 'REFUSES this tree' : 'holds this tree'}\n`);
  console.log('| measure | value | target | |');
  console.log('|---|---|---|---|');
  for (const v of verdicts) console.log(`| ${v.measure} | ${v.value} | ${v.target} | ${v.met ? 'MET' : 'MISSED'} |`);
  if (verdicts.some((v) => !v.met)) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
