/**
 * Panels with their own state in Chromium: two Form panels of one configuration stay on two
 * sections, two History panels on two fields, and a reload brings both pairs back as they were
 * (golden-layout componentState, saved with the layout). Opening and closing configurations
 * leaves one socket, in the page and on the server.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formSections } from '../../client/form/form-model.ts';
import { configSchema } from '../../shared/validation/index.ts';
import { createConfig, scrapeMetrics, TEST_METRICS_TOKEN } from '../helpers/server.ts';
import { formReady, startHarness, UI_TIMEOUT_MS, type Harness } from './browser-harness.ts';

/** Waits for what a person would see, on a loaded machine (expect.poll gives up after 1 s). */
const poll = <T,>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: UI_TIMEOUT_MS });

let h: Harness;
let configId: string;
let otherId: string;
const errors: string[][] = [];

/** The saved layout's panels with their state, in layout order. */
async function savedPanels(): Promise<{ type: string; state: Record<string, unknown> | undefined }[]> {
  const res = await h.server.api('/api/layout');
  const found: { type: string; state: Record<string, unknown> | undefined }[] = [];
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const item = node as { componentType?: unknown; componentState?: unknown; content?: unknown; root?: unknown };
    if (typeof item.componentType === 'string') found.push({ type: item.componentType, state: item.componentState as Record<string, unknown> | undefined });
    if (item.root) walk(item.root);
    if (Array.isArray(item.content)) item.content.forEach(walk);
  };
  walk(((await res.json()) as { layout: unknown }).layout);
  return found;
}
const savedOf = async (type: string) => (await savedPanels()).filter((p) => p.type === type).map((p) => p.state ?? {});

/** The section each Form panel shows at its top, in DOM order. */
function sectionsShown(page: Page): Promise<(string | null)[]> {
  return page.locator('[data-panel=form]').evaluateAll((frames) =>
    frames.map((frame) => {
      const top = frame.getBoundingClientRect().top;
      let shown: string | null = null;
      for (const s of frame.querySelectorAll<HTMLElement>('[data-section]')) {
        if (s.getBoundingClientRect().top - top <= 24) shown = s.dataset.section ?? null;
      }
      // Above the first section (the name, a notice): the first one, as the panel records it.
      return shown ?? frame.querySelector<HTMLElement>('[data-section]')?.dataset.section ?? null;
    }),
  );
}

const historyFilters = (page: Page) => page.locator('[data-panel=history] [data-testid=history-filter]').evaluateAll((els) => els.map((e) => (e as HTMLSelectElement).value));
const historyTitles = (page: Page) => page.locator('.lm_tab', { hasText: 'History' }).locator('.lm_title').allTextContents();

beforeAll(async () => {
  h = await startHarness('multi-panels', { metricsToken: TEST_METRICS_TOKEN });
  configId = await createConfig(h.server, { name: 'Side by side', data: { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie' } });
  otherId = await createConfig(h.server, { name: 'The other one', data: { BOARD: 'orangepi5' } });
}, 120_000);

afterAll(async () => {
  await h?.close();
  expect(errors.flat()).toEqual([]);
});

describe('panels of one kind side by side', () => {
  it('keeps two Form panels on two sections and two History panels on two fields, across a reload', async () => {
    const { context, page, errors: pageErrors } = await h.open(h.owner, `/c/${configId}`);
    errors.push(pageErrors);
    // Its socket would count in the next test: closed however this one ends.
    try {
      await formReady(page);

      // A second Form panel, beside the first, scrolled to the last section.
      await page.getByRole('button', { name: 'Panels ▾' }).click();
      await page.getByRole('menuitem', { name: 'Another Form panel' }).click();
      await poll(() => page.locator('[data-panel=form] [data-testid=config-form][data-ready=true]').count()).toBe(2);
      const sections = formSections(configSchema).map((s) => s.info.id);
      const last = sections[sections.length - 1];
      const second = page.locator('[data-panel=form]').nth(1);
      await second.evaluate((frame, id) => {
        const section = frame.querySelector<HTMLElement>(`[data-section="${id}"]`)!;
        frame.scrollTop += section.getBoundingClientRect().top - frame.getBoundingClientRect().top;
      }, last);
      await poll(() => sectionsShown(page)).toEqual([sections[0], last]);
      await poll(() => savedOf('form')).toEqual([{}, { section: last }]);
      // Each form's labels point at its own controls (ids apart per panel).
      const ids = await page.locator('[data-panel=form] [data-pointer="/VENDOR"] input').evaluateAll((els) => els.map((e) => e.id));
      expect(new Set(ids).size).toBe(2);

      // The Board field's history button fills the History panel; a second one shows Release.
      await page.locator('[data-panel=form]').first().locator('[data-pointer="/BOARD"] .field-history').click();
      await poll(() => historyFilters(page)).toEqual(['/BOARD']);
      await page.getByRole('button', { name: 'Panels ▾' }).click();
      await page.getByRole('menuitem', { name: 'Another History panel' }).click();
      await poll(() => historyFilters(page)).toEqual(['/BOARD', '']);
      await page.locator('[data-panel=history] [data-testid=history-filter]').nth(1).selectOption('/RELEASE');
      await poll(() => historyFilters(page)).toEqual(['/BOARD', '/RELEASE']);
      await poll(() => historyTitles(page)).toEqual(['History · Board', 'History · Release']);
      await poll(() => savedOf('history')).toEqual([
        { path: '/BOARD', view: 'changes' },
        { path: '/RELEASE' },
      ]);
      // The history button goes to the History panel used last (the second), not to both.
      await page.locator('[data-panel=form]').first().locator('[data-pointer="/BRANCH"] .field-history').click();
      await poll(() => historyFilters(page)).toEqual(['/BOARD', '/BRANCH']);
      await h.screenshot(page, 'two-forms-two-histories');
      // Stored before the reload, so this is about the panels' own state; a reload inside the
      // save debounce (the leaving save and its tab copy) is tests/browser/layout*.test.ts's.
      await poll(async () => ((await savedOf('history')) as Array<{ path: string }>).map((s) => s.path)).toEqual(['/BOARD', '/BRANCH']);

      await page.reload();
      await formReady(page);
      await poll(() => page.locator('[data-panel=form] [data-testid=config-form][data-ready=true]').count()).toBe(2);
      await poll(() => sectionsShown(page)).toEqual([sections[0], last]);
      await poll(() => historyFilters(page)).toEqual(['/BOARD', '/BRANCH']);
      await poll(() => historyTitles(page)).toEqual(['History · Board', 'History · Kernel branch']);
      await h.screenshot(page, 'after-reload');

      // Back to one of each for the next test.
      await page.getByTestId('reset-layout').click();
      await poll(() => page.locator('[data-panel=form]').count()).toBe(1);
      await poll(async () => (await savedPanels()).filter((p) => p.type === 'history' || p.type === 'form').length).toBe(2);
    } finally {
      await context.close();
    }
  }, 180_000);

  it('leaves one socket after opening and closing configurations five times', async () => {
    const { page, errors: pageErrors } = await h.open(h.owner, `/c/${configId}`);
    errors.push(pageErrors);
    // Count every WebSocket the page makes (from before its scripts run); the open ones are those not closed.
    await page.addInitScript(() => {
      const Native = window.WebSocket;
      const made: WebSocket[] = [];
      (window as unknown as { boardroomSockets: WebSocket[] }).boardroomSockets = made;
      window.WebSocket = class extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          made.push(this);
        }
      };
    });
    await page.reload();
    await formReady(page);
    // One Form panel, whatever the test before left.
    await page.getByTestId('reset-layout').click();
    await poll(() => page.locator('[data-panel=form]').count()).toBe(1);
    const openSockets = () =>
      page.evaluate(() => (window as unknown as { boardroomSockets: WebSocket[] }).boardroomSockets.filter((s) => s.readyState !== WebSocket.CLOSED).length);
    const serverConnections = async () => {
      const text = await (await scrapeMetrics(h.server.url)).text();
      return Number(/^boardroom_connections (\d+)/m.exec(text)?.[1]);
    };
    const top = page.getByTestId('top-config-name');
    for (let round = 0; round < 5; round++) {
      await page.locator('.config-item-name', { hasText: 'The other one' }).click();
      await poll(() => top.textContent()).toBe('The other one');
      await formReady(page);
      await page.locator('.config-item-name', { hasText: 'Side by side' }).click();
      await poll(() => top.textContent()).toBe('Side by side');
      await formReady(page);
    }
    await poll(openSockets).toBe(1);
    await poll(serverConnections).toBe(1);
    expect(await page.evaluate(() => (window as unknown as { boardroomSockets: WebSocket[] }).boardroomSockets.length)).toBe(11);
    // And the one left is the open configuration's, working: an edit is saved.
    await page.locator('[data-pointer="/VENDOR"] input').fill('Acme');
    await poll(() => page.getByTestId('save-status').textContent()).toBe('Saved');
    expect(otherId).not.toBe(configId);
  }, 180_000);
});
