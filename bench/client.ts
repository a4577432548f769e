/**
 * `npm run bench:client`: what the browser client costs, measured in Debian's Chromium against
 * the production build served by a real server (in-process, PGlite in memory — nothing to set up):
 *
 * 1. initial JavaScript: gzip size of the entry script and its modulepreloads (what the browser
 *    must fetch before the app runs), plus the lazily loaded chunks and the CSS for reference;
 * 2. time to an interactive form: navigation start → the form rendered with the synced
 *    configuration (the app's `boardroom:form-interactive` performance mark), each run in a fresh
 *    browser context (cold cache, new WebSocket);
 * 3. remote change → DOM: another client (Node, stock y-websocket) changes a field; in the page,
 *    from the WebSocket message's arrival to the end of its handler with the field's DOM value
 *    updated (Solid updates synchronously), and to the next animation frame.
 *
 * Figures are printed as a table; add them to docs/benchmarks.md under "bench:client".
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import pino from 'pino';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { openDatabase } from '../server/db/connect.ts';
import { startServer } from '../server/server.ts';
import { configMap } from '../shared/doc-binding.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Cold loads measured; each is a fresh context, so a handful gives a stable median. */
const LOAD_RUNS = Number(process.env.BENCH_LOAD_RUNS ?? 12);
/** Remote changes measured per field. */
const CHANGE_RUNS = Number(process.env.BENCH_CHANGE_RUNS ?? 150);
/** Upper bound for any single wait in the page; a sync round trip is milliseconds. */
const WAIT_MS = 15_000;

const TARGETS = { initialJsKb: 300, interactiveMs: 1000, remoteChangeMs: 50 };

const CONFIG = {
  BOARD: 'orangepi5',
  BRANCH: 'vendor',
  RELEASE: 'noble',
  BUILD_DESKTOP: 'yes',
  DESKTOP_ENVIRONMENT: 'xfce',
  DESKTOP_TIER: 'mid',
  ENABLE_EXTENSIONS: ['docker-ce'],
  extraPackages: ['htop', 'vim', 'curl', 'git', 'chromium'],
  customizeScript: '#!/bin/bash\nset -e\n' + 'echo "step"\n'.repeat(120),
  description: 'Kiosk image for the lobby screens.',
};

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

function stats(values: number[]): { p50: number; p95: number; min: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { p50: at(0.5), p95: at(0.95), min: sorted[0], max: sorted[sorted.length - 1] };
}

function bundleSizes(dir: string) {
  const html = readFileSync(path.join(dir, 'index.html'), 'utf8');
  const initial = [...html.matchAll(/<script[^>]+src="([^"]+)"|<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g)].map((m) => m[1] ?? m[2]);
  const css = [...html.matchAll(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g)].map((m) => m[1]);
  const gz = (file: string) => gzipSync(readFileSync(path.join(dir, file))).length;
  const assets = path.join(dir, 'assets');
  const allJs = readdirSync(assets).filter((f) => f.endsWith('.js')).map((f) => `/assets/${f}`);
  const lazy = allJs.filter((f) => !initial.includes(f));
  return {
    initialJs: initial.reduce((n, f) => n + gz(f), 0),
    initialFiles: initial,
    lazyJs: lazy.reduce((n, f) => n + gz(f), 0),
    lazyFiles: lazy,
    css: css.reduce((n, f) => n + gz(f), 0),
  };
}

/** Wraps every WebSocket's onmessage to time messages and the DOM value of two fields after each. */
const PAGE_PROBE = `(() => {
  const samples = (window.__benchSamples = []);
  const last = {};
  const read = () => ({
    VENDOR: document.querySelector('[data-pointer="/VENDOR"] input')?.value,
    BOARD: document.querySelector('[data-pointer="/BOARD"] input')?.value,
  });
  const desc = Object.getOwnPropertyDescriptor(WebSocket.prototype, 'onmessage');
  Object.defineProperty(WebSocket.prototype, 'onmessage', {
    configurable: true,
    get() { return desc.get.call(this); },
    set(handler) {
      if (typeof handler !== 'function') return desc.set.call(this, handler);
      desc.set.call(this, function (event) {
        const arrived = performance.now();
        const result = handler.call(this, event);
        const handled = performance.now();
        const now = read();
        for (const key of Object.keys(now)) {
          if (now[key] !== undefined && last[key] !== undefined && now[key] !== last[key]) {
            const sample = { field: key, value: now[key], arrived, handled, frame: null };
            samples.push(sample);
            requestAnimationFrame(() => { sample.frame = performance.now(); });
          }
          last[key] = now[key];
        }
        return result;
      });
    },
  });
})();`;

interface Sample {
  field: string;
  value: string;
  arrived: number;
  handled: number;
  frame: number | null;
}

async function openPage(browser: Browser, url: string, token: string): Promise<{ page: Page; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addCookies([{ name: 'br_session', value: token, url }]);
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  return { page, close: () => context.close() };
}

async function main(): Promise<void> {
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'boardroom-client-'));
  console.log('building the client (production)…');
  await build({ configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true, sourcemap: false } });
  const sizes = bundleSizes(outDir);

  const database = await openDatabase({ dataDir: 'memory://' });
  const server = await startServer({ database, logger: pino({ level: 'silent' }), port: 0, clientDir: outDir });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  let remote: { provider: WebsocketProvider; doc: Y.Doc } | null = null;
  try {
    const signup = await fetch(`${server.url}/api/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bench@example.test', name: 'Bench', password: 'correct horse battery' }),
    });
    const { token } = (await signup.json()) as { token: string };
    const created = await fetch(`${server.url}/api/configs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ name: 'Bench kiosk', data: CONFIG }),
    });
    const { id } = (await created.json()) as { id: string };
    const configUrl = `${server.url}/c/${id}`;

    // 2. time to an interactive form, cold
    const loads: number[] = [];
    for (let i = 0; i < LOAD_RUNS + 1; i++) {
      const { page, close } = await openPage(browser, server.url, token);
      await page.goto(configUrl);
      await page.waitForSelector('[data-testid=config-form][data-ready=true]');
      const ms = await page.evaluate(() => performance.getEntriesByName('boardroom:form-interactive')[0]?.startTime ?? NaN);
      if (i > 0) loads.push(ms); // the first run warms the server's room and the OS file cache
      await close();
    }

    // 3. remote change → DOM
    const { page, close } = await openPage(browser, server.url, token);
    await page.addInitScript(PAGE_PROBE);
    await page.goto(configUrl);
    await page.waitForSelector('[data-testid=config-form][data-ready=true]');
    const doc = new Y.Doc();
    const provider = new WebsocketProvider(server.url.replace(/^http/, 'ws') + '/sync', id, doc, {
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      params: { token },
      disableBc: true,
    });
    remote = { provider, doc };
    await new Promise<void>((resolve) => provider.once('sync', () => resolve()));
    const boards = [['rock-5b', 'Rock 5B'], ['orangepi5', 'Orange Pi 5']] as const;
    for (let i = 0; i < CHANGE_RUNS; i++) {
      const vendor = `Bench-${i}`;
      configMap(doc).set('VENDOR', vendor);
      await page.waitForFunction((v) => (window as unknown as { __benchSamples: Sample[] }).__benchSamples.some((s) => s.value === v && s.frame !== null), vendor);
      const [board, name] = boards[i % 2];
      configMap(doc).set('BOARD', board);
      await page.waitForFunction(
        ([n, count]) => (window as unknown as { __benchSamples: Sample[] }).__benchSamples.filter((s) => s.field === 'BOARD' && s.value === n && s.frame !== null).length >= count,
        [name, Math.floor(i / 2) + 1] as const,
      );
    }
    const samples = await page.evaluate(() => (window as unknown as { __benchSamples: Sample[] }).__benchSamples);
    await close();

    report(sizes, loads, samples);
  } finally {
    remote?.provider.destroy();
    remote?.doc.destroy();
    await browser.close();
    await server.close();
    await database.close();
    rmSync(outDir, { recursive: true, force: true });
  }
}

function report(sizes: ReturnType<typeof bundleSizes>, loads: number[], samples: Sample[]): void {
  const load = stats(loads);
  const rows: string[][] = [
    ['initial JavaScript (gzip)', kb(sizes.initialJs), `< ${TARGETS.initialJsKb} KB`, sizes.initialJs / 1024 < TARGETS.initialJsKb ? 'met' : 'MISSED'],
    ['lazy JavaScript (gzip, notes editor)', kb(sizes.lazyJs), '', ''],
    ['CSS (gzip)', kb(sizes.css), '', ''],
    [
      `form interactive, cold (p50 / p95 of ${loads.length})`,
      `${load.p50.toFixed(0)} / ${load.p95.toFixed(0)} ms`,
      `< ${TARGETS.interactiveMs} ms`,
      load.p95 < TARGETS.interactiveMs ? 'met' : 'MISSED',
    ],
  ];
  for (const fieldName of ['VENDOR', 'BOARD']) {
    const mine = samples.filter((s) => s.field === fieldName && s.frame !== null);
    const dom = stats(mine.map((s) => s.handled - s.arrived));
    const frame = stats(mine.map((s) => (s.frame as number) - s.arrived));
    const label = fieldName === 'VENDOR' ? 'text field' : 'board (re-narrows branch and release)';
    rows.push([
      `remote change → DOM, ${label} (p50 / p95 / max of ${mine.length})`,
      `${dom.p50.toFixed(2)} / ${dom.p95.toFixed(2)} / ${dom.max.toFixed(2)} ms`,
      `< ${TARGETS.remoteChangeMs} ms`,
      dom.p95 < TARGETS.remoteChangeMs ? 'met' : 'MISSED',
    ]);
    rows.push([`remote change → next frame, ${label} (p50 / p95)`, `${frame.p50.toFixed(1)} / ${frame.p95.toFixed(1)} ms`, '', '']);
  }
  console.log(`\ninitial files: ${sizes.initialFiles.join(', ')}; lazy: ${sizes.lazyFiles.join(', ')}`);
  console.log(`machine: ${os.cpus().length} cores, Node ${process.version}, ${os.platform()}/${os.arch()}\n`);
  console.log('| measure | value | target | |');
  console.log('|---|---|---|---|');
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
