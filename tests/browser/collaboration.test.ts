/**
 * Two people (two browser contexts, two accounts) edit one configuration in Chromium: changes,
 * focus markers, notes, the customize script and single-line fields merge; going offline, editing and coming back
 * merges too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createConfig } from '../helpers/server.ts';
import { field, formReady, inputValue, startHarness, type Harness } from './browser-harness.ts';

/** The notes' text without the name labels of remote carets. */
function notesText(page: Page): Promise<string> {
  return page.locator('.notes-editor').evaluate((el) => {
    const copy = el.cloneNode(true) as HTMLElement;
    for (const caret of copy.querySelectorAll('.collaboration-carets__caret')) caret.remove();
    return copy.textContent ?? '';
  });
}

let h: Harness;
let configId: string;
let alice: Page;
let bob: Page;
const errors: string[][] = [];

beforeAll(async () => {
  h = await startHarness('collaboration');
  configId = await createConfig(h.server, {
    name: 'Orange Pi 5 kiosk',
    data: { BOARD: 'orangepi5', BRANCH: 'vendor', RELEASE: 'noble', customizeScript: '#!/bin/bash\n' },
  });
  const bobUser = await h.member('Bob Builder', configId);
  const a = await h.open(h.owner, `/c/${configId}`);
  const b = await h.open(bobUser, `/c/${configId}`);
  alice = a.page;
  bob = b.page;
  errors.push(a.errors, b.errors);
  await Promise.all([formReady(alice), formReady(bob)]);
}, 120_000);

afterAll(async () => {
  await h?.close();
  expect(errors.flat()).toEqual([]);
});

describe('two people on one configuration', () => {
  it('shows a change made in one browser in the other, with narrowed choices', async () => {
    // Alice picks a board with the keyboard: type, move, Enter.
    await field(alice, 'BOARD').locator('input').click();
    await alice.keyboard.type('rock 5b');
    await alice.waitForSelector('[role=listbox] [data-board="rock-5b"]');
    await alice.keyboard.press('Enter');
    await expect.poll(() => inputValue(bob, 'BOARD')).toBe('Rock 5B');
    // Bob's branch choices are now Rock 5B's: the branches the board lists first, then the other
    // branches its family builds, which the framework allows with a warning and the form says so.
    const schema = (await (await fetch(`${h.server.url}/api/schema`)).json()) as {
      'x-boards': { board: string; kernelTargets: string[]; kernels: Record<string, string> }[];
    };
    const facts = schema['x-boards'].find((b) => b.board === 'rock-5b')!;
    const targets = facts.kernelTargets.filter((b) => b in facts.kernels);
    const untested = Object.keys(facts.kernels).filter((b) => !facts.kernelTargets.includes(b));
    const offered = await field(bob, 'BRANCH').locator('option:not([disabled])').evaluateAll((options) =>
      options.map((o) => ({ value: (o as HTMLOptionElement).value, text: o.textContent ?? '' })).filter((o) => o.value),
    );
    expect(offered.map((o) => o.value)).toEqual([...targets, ...untested]);
    for (const o of offered) expect({ branch: o.value, warned: o.text.includes('not tested on this board') }).toEqual({ branch: o.value, warned: untested.includes(o.value) });
    await field(bob, 'BRANCH').locator('select').selectOption(targets[0]);
    await expect.poll(() => inputValue(alice, 'BRANCH')).toBe(targets[0]);
    await h.screenshot(alice, 'remote-change');
  });

  it('shows the other person’s marker on the field they have focused', async () => {
    await field(bob, 'VENDOR').locator('input').click();
    const marker = field(alice, 'VENDOR').locator('.focus-marker');
    await marker.waitFor();
    expect(await marker.textContent()).toBe('Bob Builder');
    await field(alice, 'VENDOR').scrollIntoViewIfNeeded();
    await h.screenshot(alice, 'focus-marker');
    // Moving on moves the marker.
    await field(bob, 'DEST_LANG').locator('input').click();
    await field(alice, 'DEST_LANG').locator('.focus-marker').waitFor();
    expect(await field(alice, 'VENDOR').locator('.focus-marker').count()).toBe(0);
  });

  it('merges notes typed in both browsers at once', async () => {
    await alice.click('.notes-editor');
    await bob.click('.notes-editor');
    await Promise.all([alice.keyboard.type('Alice: flash with balenaEtcher. '), bob.keyboard.type('Bob: needs a 5V 4A supply. ')]);
    for (const page of [alice, bob]) {
      await expect
        .poll(() => notesText(page))
        .toMatch(/(?=.*Alice: flash with balenaEtcher\.)(?=.*Bob: needs a 5V 4A supply\.)/);
    }
    expect(await notesText(alice)).toBe(await notesText(bob));
    // The other person's caret shows in the notes, with their name.
    await alice.locator('.collaboration-carets__label', { hasText: 'Bob Builder' }).waitFor();
    await h.screenshot(alice, 'notes-merged');
  });

  it('merges concurrent typing in the customize script', async () => {
    const scriptA = field(alice, 'customizeScript').locator('textarea');
    const scriptB = field(bob, 'customizeScript').locator('textarea');
    await scriptA.click();
    await alice.keyboard.press('Control+End');
    await scriptB.click();
    await bob.keyboard.press('Control+Home');
    await Promise.all([alice.keyboard.type('apt-get install -y htop\n'), bob.keyboard.type('# kiosk setup\n')]);
    const expected = '# kiosk setup\n#!/bin/bash\napt-get install -y htop\n';
    await expect.poll(() => scriptA.inputValue()).toBe(expected);
    await expect.poll(() => scriptB.inputValue()).toBe(expected);
  });

  it('merges concurrent typing in a single-line field', async () => {
    const vendorA = field(alice, 'VENDOR').locator('input');
    const vendorB = field(bob, 'VENDOR').locator('input');
    await vendorA.fill('Acme');
    await expect.poll(() => vendorB.inputValue()).toBe('Acme');
    // Alice types at the end, Bob in the middle ("Ac|me"), at the same time.
    await vendorA.click();
    await alice.keyboard.press('End');
    await vendorB.click();
    await bob.keyboard.press('Home');
    await bob.keyboard.press('ArrowRight');
    await bob.keyboard.press('ArrowRight');
    await Promise.all([alice.keyboard.type('-Labs.3A', { delay: 15 }), bob.keyboard.type('XYZ', { delay: 25 })]);
    const expected = 'AcXYZme-Labs.3A';
    await expect.poll(() => vendorA.inputValue()).toBe(expected);
    await expect.poll(() => vendorB.inputValue()).toBe(expected);
    // Bob's caret stayed after his own text while Alice's arrived.
    expect(await vendorB.evaluate((el) => (el as HTMLInputElement).selectionEnd)).toBe(5);
    await expect
      .poll(async () => ((await (await h.server.api(`/api/configs/${configId}`)).json()) as { data: Record<string, unknown> }).data.VENDOR)
      .toBe(expected);
    await h.screenshot(bob, 'single-line-merged');
  });

  it('says Saved once the server has acknowledged the edits', async () => {
    await field(alice, 'timezone').locator('input').fill('Europe/Berlin');
    await alice.waitForSelector('[data-testid=save-status][data-state=saved]');
    const res = await h.server.api(`/api/configs/${configId}`);
    expect(((await res.json()) as { data: Record<string, unknown> }).data.timezone).toBe('Europe/Berlin');
  });

  it('keeps edits made offline and merges them when the network is back', async () => {
    const context = bob.context();
    await context.setOffline(true);
    await bob.waitForSelector('[data-testid=connection-status][data-state=offline]');
    // Bob edits offline; Alice edits something else meanwhile.
    await field(bob, 'VENDOR').locator('input').fill('KioskCo');
    await field(bob, 'extraPackages').locator('input').fill('chromium');
    await bob.keyboard.press('Enter');
    expect(await bob.getAttribute('[data-testid=save-status]', 'data-state')).toBe('unsaved');
    await field(alice, 'DEST_LANG').locator('input').fill('de_DE.UTF-8');
    await h.screenshot(bob, 'offline-edit');
    await context.setOffline(false);
    await bob.waitForSelector('[data-testid=save-status][data-state=saved]');
    await expect.poll(() => inputValue(alice, 'VENDOR')).toBe('KioskCo');
    await expect.poll(() => field(alice, 'extraPackages').locator('.tag-text').allTextContents()).toEqual(['chromium']);
    await expect.poll(() => inputValue(bob, 'DEST_LANG')).toBe('de_DE.UTF-8');
    await h.screenshot(alice, 'after-reconnect');
  });

  it('lists problems and focuses the field when one is chosen', async () => {
    await field(alice, 'BUILD_DESKTOP').locator('label', { hasText: 'yes' }).click();
    const problem = alice.locator('.problem[data-path="/DESKTOP_ENVIRONMENT"]');
    await problem.waitFor();
    await problem.click();
    await expect.poll(() => alice.evaluate(() => document.activeElement?.closest('[data-pointer]')?.getAttribute('data-pointer'))).toBe('/DESKTOP_ENVIRONMENT');
    // The server's authoritative result replaces the local one.
    await alice.waitForSelector('[data-testid=validation-source]:has-text("checked by the server")');
    await h.screenshot(alice, 'problems');
  });
});
