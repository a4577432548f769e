/**
 * Browser tests: the production client build served by a real server (port 0, fresh Postgres),
 * driven in Debian's Chromium through playwright-core. One build per source state, shared by
 * every browser test file (cached under test-artifacts/, keyed by a hash of the sources).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { signUp, type TestUser } from '../helpers/auth.ts';
import { addMember, startTestServer, type TestServer } from '../helpers/server.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const BUILD_CACHE = path.join(ARTIFACTS, 'client-build');

/** Chromium flags for a quiet headless run in containers and CI. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Builds kept in the cache: the current one and a couple of recent ones (other branches). */
const KEEP_BUILDS = 3;

/** Waiting for something a person would see: sync round trips are milliseconds, CI is slow. */
export const UI_TIMEOUT_MS = 15_000;

function hashSources(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const full = path.join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (!full.includes(`${path.sep}data${path.sep}`)) hash.update(full).update(readFileSync(full));
    }
  };
  walk(path.join(ROOT, 'client'));
  walk(path.join(ROOT, 'shared'));
  hash.update(readFileSync(path.join(ROOT, 'vite.config.ts')));
  hash.update(readFileSync(path.join(ROOT, 'scripts/precompress.ts')));
  return hash.digest('hex').slice(0, 16);
}

function pruneBuilds(current: string): void {
  const builds = readdirSync(BUILD_CACHE)
    .map((name) => path.join(BUILD_CACHE, name))
    .filter((full) => full !== current && !full.includes('.tmp-'))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  for (const old of builds.slice(KEEP_BUILDS - 1)) rmSync(old, { recursive: true, force: true });
}

/** The production build of the client for the current sources; built once, then reused. */
export async function builtClient(): Promise<string> {
  const dir = path.join(BUILD_CACHE, hashSources());
  if (existsSync(path.join(dir, 'index.html'))) return dir;
  mkdirSync(BUILD_CACHE, { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}`;
  await build({
    configFile: path.join(ROOT, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: tmp, emptyOutDir: true, sourcemap: false },
  });
  try {
    renameSync(tmp, dir);
  } catch {
    // Another test file finished the same build first: use theirs.
    rmSync(tmp, { recursive: true, force: true });
  }
  pruneBuilds(dir);
  return dir;
}

export interface Harness {
  server: TestServer;
  browser: Browser;
  owner: TestUser;
  /** Makes another account and gives it `role` on `configId`. */
  member(name: string, configId: string, role?: 'editor' | 'viewer' | 'commenter'): Promise<TestUser>;
  /** A fresh browser context signed in as `user` (a separate person: own cookies and storage). */
  open(user: TestUser | null, pathname: string): Promise<{ context: BrowserContext; page: Page; errors: string[] }>;
  screenshot(page: Page, name: string): Promise<void>;
  /** Where `screenshot` writes (for screenshots of one element). */
  shotsDir: string;
  /** Stops the server, keeping its database (an outage). */
  stopServer(): Promise<void>;
  /** Starts the server again on the same port and database; `server` is the new one after. */
  restartServer(): Promise<void>;
  close(): Promise<void>;
}

/** `serverOptions`: extra settings for the test server (Redis and artifacts for build tests). */
export async function startHarness(suite: string, serverOptions: Omit<Parameters<typeof startTestServer>[0] & object, 'clientDir'> = {}): Promise<Harness> {
  const clientDir = await builtClient();
  const server = await startTestServer({ ...serverOptions, clientDir });
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  const shots = path.join(ARTIFACTS, 'browser', suite);
  mkdirSync(shots, { recursive: true });
  const contexts: BrowserContext[] = [];
  let current = server;
  const startOptions = { ...serverOptions, clientDir, testDb: server.testDb, owner: server.owner };
  return {
    get server() {
      return current;
    },
    browser,
    owner: server.owner,
    async member(name, configId, role = 'editor') {
      const user = await signUp(server.url, name);
      await addMember(server, configId, user, role);
      return user;
    },
    async open(user, pathname) {
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      contexts.push(context);
      if (user) await context.addCookies([{ name: 'br_session', value: user.token, url: server.url }]);
      const page = await context.newPage();
      page.setDefaultTimeout(UI_TIMEOUT_MS);
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e.stack ?? e)));
      await page.goto(server.url + pathname);
      return { context, page, errors };
    },
    async screenshot(page, name) {
      await page.screenshot({ path: path.join(shots, `${name}.png`) });
    },
    shotsDir: shots,
    stopServer: () => current.stop(),
    async restartServer() {
      await current.stop();
      current = await startTestServer({ ...startOptions, port: Number(new URL(current.url).port) });
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => {});
      await browser.close();
      await current.cleanup();
    },
  };
}

/** The form of the open configuration has rendered with its synced data. */
export async function formReady(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid=config-form][data-ready=true]');
}

export function field(page: Page, property: string) {
  return page.locator(`[data-pointer="/${property}"]`);
}

export async function inputValue(page: Page, property: string): Promise<string> {
  return field(page, property).locator('input, select, textarea').first().inputValue();
}
