/**
 * What the page shows is what the document holds (issue 14, item 3): every state the status bar
 * can show (connecting, connected and saved, saving, offline with unsaved edits, closed with the
 * reason), the Build button after switching configuration inside the app, and a number the schema
 * refuses (shown as not kept, with the stored value back in the box).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createConfig } from '../helpers/server.ts';
import { field, formReady, inputValue, startHarness, type Harness } from './browser-harness.ts';

let h: Harness;
let first: string;
let second: string;
let page: Page;
const errors: string[][] = [];

const VALID = { BOARD: 'orangepi5', BRANCH: 'vendor', RELEASE: 'noble' };

async function statusShot(name: string, on: Page = page): Promise<void> {
  await on.locator('.status-bar').screenshot({ path: `${h.shotsDir}/${name}.png` });
}

const connection = (on: Page, state: string) => on.waitForSelector(`[data-testid=connection-status][data-state=${state}]`);
const saved = (on: Page) => on.waitForSelector('[data-testid=save-status][data-state=saved]');

beforeAll(async () => {
  h = await startHarness('status-truth');
  first = await createConfig(h.server, { name: 'First board', data: VALID });
  second = await createConfig(h.server, { name: 'Second board', data: VALID });
  const opened = await h.open(h.owner, `/c/${first}`);
  page = opened.page;
  errors.push(opened.errors);
  await formReady(page);
}, 120_000);

afterAll(async () => {
  await h?.close();
  expect(errors.flat()).toEqual([]);
});

describe('the status bar', () => {
  it('shows connected and saved, then saving while an edit awaits its acknowledgement', async () => {
    await connection(page, 'connected');
    await saved(page);
    expect(await page.getByTestId('connection-status').textContent()).toBe('Connected');
    expect(await page.getByTestId('save-status').textContent()).toBe('Saved');
    await statusShot('connected-saved');
    // "Saving…" lasts one commit round trip: record every state the element goes through.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { seenSaveStates: string[] }).seenSaveStates = seen;
      const el = document.querySelector('[data-testid=save-status]')!;
      new MutationObserver(() => seen.push(`${el.getAttribute('data-state')}:${el.textContent}`)).observe(el, {
        attributes: true,
        childList: true,
        subtree: true,
        characterData: true,
      });
    });
    await field(page, 'VENDOR').locator('input').fill('SavingCo');
    await saved(page);
    const seen = await page.evaluate(() => (window as unknown as { seenSaveStates: string[] }).seenSaveStates);
    expect(seen).toContain('saving:Saving…');
    expect(seen.at(-1)).toBe('saved:Saved');
  });

  it('shows offline with edits kept in the browser, then saved once back', async () => {
    await page.context().setOffline(true);
    await connection(page, 'offline');
    await field(page, 'VENDOR').locator('input').fill('OfflineCo');
    await page.waitForSelector('[data-testid=save-status][data-state=unsaved][data-kept=true]');
    expect(await page.getByTestId('save-status').textContent()).toBe('Not saved yet — kept in this browser');
    expect(await page.getByTestId('connection-status').textContent()).toContain('Offline');
    await statusShot('offline-unsaved');
    await page.context().setOffline(false);
    await connection(page, 'connected');
    await saved(page);
  });

  it('shows connecting while the server is away, then connected again', async () => {
    await h.stopServer();
    await connection(page, 'connecting');
    expect(await page.getByTestId('connection-status').textContent()).toMatch(/Reconnecting…|Connecting…/);
    await statusShot('connecting');
    await h.restartServer();
    await connection(page, 'connected');
    await saved(page);
  });

  it('shows closed with the reason when access ends', async () => {
    const bob = await h.member('Bob Builder', first);
    const opened = await h.open(bob, `/c/${first}`);
    errors.push(opened.errors);
    await formReady(opened.page);
    await connection(opened.page, 'connected');
    const res = await h.server.api(`/api/configs/${first}/members/${bob.user.id}`, { method: 'DELETE' });
    expect(res.status).toBeLessThan(300);
    await connection(opened.page, 'closed');
    expect(await opened.page.getByTestId('connection-status').textContent()).toBe('Disconnected: Access ended');
    await statusShot('closed-access-ended', opened.page);
    await opened.context.close();
  });
});

describe('after switching configuration inside the app', () => {
  it('the Build button reads the same connection as the status bar', async () => {
    await page.locator('.config-link', { hasText: 'Second board' }).click();
    await page.waitForURL(new RegExp(`/c/${second}$`));
    await page.waitForSelector('[data-testid=top-config-name]:has-text("Second board")');
    await formReady(page);
    await connection(page, 'connected');
    await saved(page);
    // This server has no build queue, so the button may only say that — never "Not connected".
    const reason = page.locator('.top-bar [data-testid=build-blocked-reason]');
    await expect.poll(() => reason.textContent()).toMatch(/^Builds are not available/);
    expect(await reason.textContent()).not.toMatch(/connect/i);
    await h.screenshot(page, 'after-switch');
  });
});

describe('a number the schema refuses', () => {
  it('is shown as not kept, with the stored value, and the box shows the stored value after', async () => {
    const box = field(page, 'BOOTSIZE').locator('input');
    const before = await inputValue(page, 'BOOTSIZE');
    expect(before).toMatch(/^\d+$/);
    await box.fill('99999999');
    const note = field(page, 'BOOTSIZE').getByTestId('number-refused');
    await note.waitFor();
    expect(await note.textContent()).toBe(`Not kept: 99999999 is not between 1 and 4096. The configuration holds ${before} MiB.`);
    await field(page, 'BOOTSIZE').scrollIntoViewIfNeeded();
    await h.screenshot(page, 'number-refused');
    // Leaving the box puts back what the document holds; nothing was written.
    await field(page, 'VENDOR').locator('input').click();
    expect(await inputValue(page, 'BOOTSIZE')).toBe(before);
    const res = await h.server.api(`/api/configs/${second}`);
    expect(String(((await res.json()) as { data: Record<string, unknown> }).data.BOOTSIZE)).toBe(before);
    expect(await page.getByTestId('save-status').getAttribute('data-state')).toBe('saved');
  });
});
