/**
 * Edits survive reloads, outages and closed tabs (issue 14, item 2): each open configuration's
 * document is kept in IndexedDB (y-indexeddb) per signed-in user and merged on the next open, so
 * an edit made while the server is down reaches everyone once it is back, even if the page was
 * reloaded or closed meanwhile. Signing out deletes the local copies.
 *
 * The page itself comes from the server: a reload during the outage shows Chromium's error page
 * (no service worker); the edit comes back when the page is opened again with the server up.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import type { TestUser } from '../helpers/auth.ts';
import { createConfig } from '../helpers/server.ts';
import { field, formReady, inputValue, startHarness, type Harness } from './browser-harness.ts';

let h: Harness;
let configId: string;
let bob: TestUser;
let alice: { context: BrowserContext; page: Page; errors: string[] };
const errors: string[][] = [];

async function storedValue(property: string): Promise<unknown> {
  const res = await h.server.api(`/api/configs/${configId}`);
  return ((await res.json()) as { data: Record<string, unknown> }).data[property];
}

/** The status bar says the edit is in the local copy (written to IndexedDB), not on the server. */
async function keptLocallyOnly(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid=save-status][data-state=unsaved][data-kept=true]');
}

beforeAll(async () => {
  h = await startHarness('offline-edits');
  configId = await createConfig(h.server, { name: 'Outage board', data: { BOARD: 'orangepi5', BRANCH: 'vendor', RELEASE: 'noble' } });
  bob = await h.member('Bob Builder', configId);
  alice = await h.open(h.owner, `/c/${configId}`);
  errors.push(alice.errors);
  await formReady(alice.page);
}, 120_000);

afterAll(async () => {
  await h?.close();
  expect(errors.flat()).toEqual([]);
});

describe('edits made during an outage', () => {
  it('survive a reload while the server is down and reach another person once it is back', async () => {
    const page = alice.page;
    await h.stopServer();
    await page.waitForSelector('[data-testid=connection-status]:not([data-state=connected])');
    await field(page, 'VENDOR').locator('input').fill('OutageCo');
    await keptLocallyOnly(page);
    await h.screenshot(page, 'kept-in-browser');
    // The reload fails: the page comes from the server, which is down.
    await expect(page.reload()).rejects.toThrow();
    await h.restartServer();
    await gotoPastErrorPage(page, `${h.server.url}/c/${configId}`);
    await formReady(page);
    expect(await inputValue(page, 'VENDOR')).toBe('OutageCo');
    await page.waitForSelector('[data-testid=save-status][data-state=saved]');
    await expect.poll(() => storedValue('VENDOR')).toBe('OutageCo');
    const second = await h.open(bob, `/c/${configId}`);
    errors.push(second.errors);
    await formReady(second.page);
    await expect.poll(() => inputValue(second.page, 'VENDOR')).toBe('OutageCo');
    await second.context.close();
  });

  it('survive closing the tab before they were saved', async () => {
    await h.stopServer();
    await alice.page.waitForSelector('[data-testid=connection-status]:not([data-state=connected])');
    await field(alice.page, 'DEST_LANG').locator('input').fill('fr_FR.UTF-8');
    await keptLocallyOnly(alice.page);
    await alice.page.close();
    await h.restartServer();
    const reopened = await alice.context.newPage();
    reopened.on('pageerror', (e) => alice.errors.push(String(e.stack ?? e)));
    await reopened.goto(`${h.server.url}/c/${configId}`);
    await formReady(reopened);
    expect(await inputValue(reopened, 'DEST_LANG')).toBe('fr_FR.UTF-8');
    await reopened.waitForSelector('[data-testid=save-status][data-state=saved]');
    const second = await h.open(bob, `/c/${configId}`);
    errors.push(second.errors);
    await formReady(second.page);
    await expect.poll(() => inputValue(second.page, 'DEST_LANG')).toBe('fr_FR.UTF-8');
    await second.context.close();
    alice.page = reopened;
  });

  it('asks before leaving while edits are neither saved nor kept (a guest has no local copy)', async () => {
    const res = await h.server.api(`/api/configs/${configId}/shares`, { method: 'POST', body: JSON.stringify({ role: 'editor' }) });
    expect(res.status).toBe(201);
    const { token } = (await res.json()) as { token: string };
    const guest = await h.open(null, `/s/${token}`);
    errors.push(guest.errors);
    await formReady(guest.page);
    await guest.page.waitForSelector('[data-testid=save-status][data-state=saved]');
    /** Whether leaving now would ask: the page's beforeunload handlers cancel the event. */
    const wouldAsk = () =>
      guest.page.evaluate(() => {
        const event = new Event('beforeunload', { cancelable: true });
        window.dispatchEvent(event);
        return event.defaultPrevented;
      });
    expect(await wouldAsk()).toBe(false);
    await guest.context.setOffline(true);
    await guest.page.waitForSelector('[data-testid=connection-status][data-state=offline]');
    await field(guest.page, 'VENDOR').locator('input').fill('GuestCo');
    await guest.page.waitForSelector('[data-testid=save-status][data-state=unsaved][data-kept=false]');
    expect(await guest.page.getByTestId('save-status').textContent()).toBe('Unsaved changes');
    expect(await wouldAsk()).toBe(true);
    await guest.context.setOffline(false);
    await guest.page.waitForSelector('[data-testid=save-status][data-state=saved]');
    expect(await wouldAsk()).toBe(false);
    expect(await guest.page.evaluate(async () => (await indexedDB.databases()).length)).toBe(0);
    await guest.context.close();
  });

  it('keeps the local copy under the signed-in user and deletes it on sign-out', async () => {
    const page = alice.page;
    const names = () => page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name));
    expect(await names()).toEqual([`boardroom-doc:${h.owner.user.id}:${configId}`]);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/login/);
    await expect.poll(names).toEqual([]);
    expect(await page.evaluate(() => localStorage.getItem('boardroom.localCopies'))).toBeNull();
  });
});

/** Chromium's error page for the failed reload may commit late, or reload by itself once the
 * network answers; either can interrupt our navigation. An interrupted navigation counts when the
 * page still arrives at `url`; otherwise it is tried again. */
async function gotoPastErrorPage(page: import('playwright-core').Page, url: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await page.goto(url);
      return;
    } catch (error) {
      if (!String(error).includes('interrupted by another navigation')) throw error;
      const arrived = await page.waitForURL(url, { waitUntil: 'load', timeout: 5_000 }).then(() => true, () => false);
      if (arrived) return;
    }
  }
  await page.goto(url);
}
