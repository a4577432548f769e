/**
 * The History panel in Chromium after two people worked together: each person's typing in the
 * same single-line field at the same time is one entry that says what they inserted and where,
 * a choice reads as before → after, and a notes edit as the text typed.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../helpers/auth.ts';
import { createConfig } from '../helpers/server.ts';
import { field, formReady, startHarness, type Harness } from './browser-harness.ts';

let h: Harness;
let configId: string;
let bob: TestUser;
let alice: Page;
let bobPage: Page;
const errors: string[][] = [];

async function showTab(page: Page, title: string): Promise<void> {
  await page.locator('.lm_tab', { hasText: title }).first().click();
}

beforeAll(async () => {
  h = await startHarness('history');
  configId = await createConfig(h.server, {
    name: 'Kiosk fleet',
    data: { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie', BUILD_DESKTOP: 'no', VENDOR: 'Kiosk' },
  });
  bob = await h.member('Bob', configId, 'editor');
  const a = await h.open(h.owner, `/c/${configId}`);
  const b = await h.open(bob, `/c/${configId}`);
  alice = a.page;
  bobPage = b.page;
  errors.push(a.errors, b.errors);
  await Promise.all([formReady(alice), formReady(bobPage)]);
}, 120_000);

afterAll(async () => {
  await h?.close();
  expect(errors.flat()).toEqual([]);
});

describe('History panel', () => {
  it('shows what each person typed, a choice changed and the notes edited', async () => {
    const vendorA = field(alice, 'VENDOR').locator('input');
    const vendorB = field(bobPage, 'VENDOR').locator('input');
    await vendorA.click();
    await alice.keyboard.press('End');
    await vendorB.click();
    await bobPage.keyboard.press('Home');
    // Both type into Vendor name at the same time: the owner appends, Bob types at the start.
    await Promise.all([alice.keyboard.type('-Works', { delay: 40 }), bobPage.keyboard.type('Acme-', { delay: 50 })]);
    await expect.poll(() => vendorA.inputValue()).toBe('Acme-Kiosk-Works');
    await expect.poll(() => vendorB.inputValue()).toBe('Acme-Kiosk-Works');

    // A choice from a list.
    const release = field(alice, 'RELEASE').locator('select');
    const options = await release.locator('option').evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value).filter((v) => v && v !== 'trixie'));
    await release.selectOption(options[0]);

    // Bob writes a line in the notes.
    await showTab(bobPage, 'Notes');
    await bobPage.click('.notes-editor');
    await bobPage.keyboard.type('Flash with balenaEtcher');

    await showTab(alice, 'History');
    const timeline = alice.getByTestId('history-timeline');
    const vendorRows = timeline.locator('.change[data-path="/VENDOR"]');
    // Bursts end after a pause; then each shows its edits instead of "editing…".
    await expect.poll(() => vendorRows.locator('.text-edit').allTextContents(), { timeout: 20_000 }).toEqual(expect.arrayContaining(['+"-Works"at 10', '+"Acme-"']));
    expect(await vendorRows.count()).toBe(2);
    expect((await vendorRows.locator('.change-author').allTextContents()).sort()).toEqual(['Bob', 'Owner']);
    const releaseRow = timeline.locator('.change[data-path="/RELEASE"]');
    await expect.poll(() => releaseRow.locator('.value--before').textContent()).toBe('trixie');
    expect(await releaseRow.locator('.value--after').textContent()).toBe(options[0]);
    const notesRow = timeline.locator('.change[data-path="#notes"]');
    await expect.poll(() => notesRow.locator('.text-edit ins').textContent(), { timeout: 20_000 }).toBe('+"Flash with balenaEtcher"');
    await h.screenshot(alice, 'history-panel');
    await timeline.screenshot({ path: `${h.shotsDir}/history-timeline.png` });
  });
});
