/**
 * Reviewing together in Chromium: two people (two browser contexts, two accounts) in the Review
 * panel. The reviewer follows the author across three fields; a comment on a field shows up live
 * with its count badge on the other side; an approval is flipped to "changed since approval" by
 * the next edit, and restoring the approved value from a saved version flips it back.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConfig } from '../helpers/server.ts';
import type { TestUser } from '../helpers/auth.ts';
import { field, formReady, inputValue, startHarness, type Harness } from './browser-harness.ts';

let h: Harness;
let configId: string;
let reviewer: TestUser;
/** The owner: edits, comments, opens the review. */
let ada: Page;
/** A commenter: follows, comments, approves. */
let bea: Page;
const errors: string[][] = [];

async function showTab(page: Page, title: string): Promise<void> {
  await page.locator('.lm_tab', { hasText: title }).click();
}

/** The row is highlighted and lies inside the visible part of the form panel. */
function followedInView(page: Page, property: string): Promise<boolean> {
  return page.evaluate((pointer) => {
    const row = document.querySelector(`[data-pointer="${pointer}"]`);
    const frame = row?.closest('.panel-frame');
    if (!row || !frame || !row.classList.contains('field--followed')) return false;
    const r = row.getBoundingClientRect();
    const f = frame.getBoundingClientRect();
    return r.top >= f.top && r.bottom <= f.bottom;
  }, `/${property}`);
}

const reviewCard = (page: Page) => page.getByTestId('review-card');

beforeAll(async () => {
  h = await startHarness('review');
  configId = await createConfig(h.server, {
    name: 'Rock 5B kiosk',
    data: { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie', BUILD_DESKTOP: 'no', VENDOR: 'Armbian-unofficial', timezone: 'Europe/Berlin' },
  });
  reviewer = await h.member('Bea Reviewer', configId, 'commenter');
  const a = await h.open(h.owner, `/c/${configId}`);
  const b = await h.open(reviewer, `/c/${configId}`);
  ada = a.page;
  bea = b.page;
  errors.push(a.errors, b.errors);
  await Promise.all([formReady(ada), formReady(bea)]);
  await Promise.all([showTab(ada, 'Review'), showTab(bea, 'Review')]);
}, 120_000);

afterAll(async () => {
  await h?.close();
  expect(errors.flat()).toEqual([]);
});

describe('reviewing together', () => {
  it('lets the reviewer follow the author across fields until she stops it', async () => {
    const adaRow = bea.getByTestId('review-people').locator(`[data-user="${h.owner.user.id}"]`);
    await adaRow.getByTestId('follow-button').click();
    await bea.getByTestId('follow-bar').waitFor();

    // Far down the form, further down, then back at the top: Bea's form goes along each time.
    for (const property of ['VENDOR', 'timezone', 'BOARD']) {
      await field(ada, property).locator('input').first().click();
      await expect.poll(() => followedInView(bea, property)).toBe(true);
      await expect.poll(() => adaRow.getByTestId('person-where').textContent()).toContain('on ');
    }
    // Ada sees who follows her.
    await expect
      .poll(() => ada.getByTestId('review-people').locator(`[data-user="${reviewer.user.id}"]`).getByTestId('person-where').textContent())
      .toContain('following you');
    await h.screenshot(bea, 'following');
    await ada.keyboard.press('Escape'); // the board picker's list

    // A click in her (read-only) form is reading, not taking over; Escape there ends it.
    const row = (await field(bea, 'RELEASE').boundingBox())!;
    await bea.mouse.click(row.x + 40, row.y + row.height / 2);
    expect(await bea.getByTestId('follow-bar').isVisible()).toBe(true);
    await field(bea, 'RELEASE').getByTestId('field-history').focus();
    await bea.keyboard.press('Escape');
    await bea.getByTestId('follow-bar').waitFor({ state: 'detached' });
    await bea.getByText('Stopped following Owner.').waitFor();
    expect(await bea.locator('.field--followed').count()).toBe(0);

    // Ada turns following off: Bea's Follow button is disabled for her.
    await ada.getByTestId('followable-toggle').uncheck();
    await expect.poll(() => adaRow.getByTestId('follow-button').isDisabled()).toBe(true);
    await ada.getByTestId('followable-toggle').check();
    await expect.poll(() => adaRow.getByTestId('follow-button').isDisabled()).toBe(false);

    // Ada hides her presence: she is gone from Bea's list until she shows herself again.
    await ada.getByTestId('hide-presence-toggle').check();
    await adaRow.waitFor({ state: 'detached' });
    await ada.getByTestId('hide-presence-toggle').uncheck();
    await adaRow.waitFor();
  });

  it('shows a comment on a field to the other person live, with its count badge', async () => {
    await field(ada, 'RELEASE').hover();
    await field(ada, 'RELEASE').getByTestId('comment-badge').click();
    const popover = ada.getByTestId('comments-popover');
    await popover.getByTestId('new-field-comment').locator('textarea').fill('Should this be noble for the kiosk browser?');
    await popover.getByRole('button', { name: 'Comment', exact: true }).click();
    await popover.getByText('Should this be noble').waitFor();

    const badge = field(bea, 'RELEASE').getByTestId('comment-badge');
    await expect.poll(() => badge.getAttribute('data-count')).toBe('1');
    expect(await badge.textContent()).toBe('1');
    // The thread is in Bea's Review panel as well, with the field it is on.
    const thread = bea.getByTestId('thread-list').getByTestId('comment-thread').first();
    await thread.getByText('Should this be noble for the kiosk browser?').waitFor();
    expect(await thread.locator('.thread-anchor').textContent()).toBe('Release');

    // Bea answers from the field's popover; Ada's open popover shows it.
    await badge.click();
    const beaPopover = bea.getByTestId('comments-popover');
    await beaPopover.getByRole('button', { name: 'Reply' }).click();
    await beaPopover.getByRole('textbox', { name: /Reply on/ }).fill('Trixie is fine, Chromium is recent enough there.');
    await beaPopover.getByRole('button', { name: 'Reply', exact: true }).click();
    await popover.getByText('Trixie is fine').waitFor();
    await h.screenshot(ada, 'comment-thread');
    await h.screenshot(bea, 'comment-badge');

    // Resolving clears the badge on both sides.
    await beaPopover.getByRole('button', { name: 'Resolve' }).click();
    await bea.keyboard.press('Escape');
    await expect.poll(() => field(ada, 'RELEASE').getByTestId('comment-badge').getAttribute('data-count')).toBe('0');
    await expect.poll(() => badge.getAttribute('data-count')).toBe('0');
  });

  it('flips an approved review to "changed since approval" on the next edit, and back on restore', async () => {
    // Ada keeps the state under a name first (History → Versions).
    await showTab(ada, 'History');
    await ada.getByTestId('history-tab-versions').click();
    await ada.getByLabel('Version name').fill('Before review');
    await ada.getByRole('button', { name: 'Save version' }).click();
    await ada.locator('.version-label', { hasText: 'Before review' }).waitFor();

    await ada.getByTestId('open-review').click();
    await ada.getByLabel('Review title').fill('Kiosk image v1');
    await ada.getByTestId('open-review-submit').click();
    await expect.poll(() => reviewCard(bea).getAttribute('data-status')).toBe('open');
    // A first review has nothing to compare with: its contents are there, folded.
    await bea.getByTestId('review-diff').locator('[data-path="/BOARD"]').waitFor({ state: 'attached' });

    // Ada opened the review: her own approval is shown with why it does not count.
    await ada.getByTestId('approve-button').click();
    const notCounted = reviewCard(ada).getByTestId('approval-not-counted');
    await expect.poll(() => notCounted.getAttribute('data-code')).toBe('opener');
    expect(await notCounted.textContent()).toContain('opened this review; someone else must approve it');
    expect(await reviewCard(ada).getAttribute('data-status')).toBe('open');
    expect(await reviewCard(ada).getByTestId('review-approvals').textContent()).toContain('0 of 1 approval counted');
    await h.screenshot(ada, 'approval-not-counted');

    await bea.getByTestId('approve-button').click();
    await expect.poll(() => reviewCard(ada).getAttribute('data-status')).toBe('approved');
    expect(await reviewCard(bea).getAttribute('data-changed-since-approval')).toBe('false');

    await field(ada, 'VENDOR').locator('input').fill('AcmeKiosks');
    await expect.poll(() => reviewCard(bea).getAttribute('data-changed-since-approval'), { timeout: 10_000 }).toBe('true');
    const changes = bea.getByTestId('changes-since-approval');
    await changes.locator('[data-path="/VENDOR"]').waitFor();
    expect(await changes.locator('[data-path="/VENDOR"] .value--after').textContent()).toBe('AcmeKiosks');
    await h.screenshot(bea, 'changed-since-approval');

    // With approval required, the Build button's reason says the approval no longer holds.
    await ada.getByTestId('require-approval').check();
    await expect.poll(() => ada.getByTestId('approval-state').textContent()).toContain('changed since it was approved');
    await h.screenshot(ada, 'approval-required');
    await bea.getByText('Builds need an approved review of the exact state.').waitFor();

    // Who changed it, on hovering the field's label.
    await field(bea, 'VENDOR').locator('.field-label').hover();
    await expect.poll(() => field(bea, 'VENDOR').getByTestId('field-last-change').textContent()).toMatch(/^Last changed by Owner/);
    await h.screenshot(bea, 'last-changed-hover');

    // Compare the saved version with now, and restore just that field: the approval holds again.
    await ada.locator('.version', { hasText: 'Before review' }).getByRole('button', { name: 'Compare with now' }).click();
    const diff = ada.getByTestId('version-diff');
    await diff.locator('[data-path="/VENDOR"]').waitFor();
    await h.screenshot(ada, 'version-compare');
    await diff.locator('[data-path="/VENDOR"]').getByRole('button', { name: /Restore/ }).click();
    await expect.poll(() => inputValue(bea, 'VENDOR')).toBe('Armbian-unofficial');
    await expect.poll(() => reviewCard(bea).getAttribute('data-changed-since-approval'), { timeout: 10_000 }).toBe('false');
    await ada.getByText('No differences: the configuration and its notes are as they were in this version.').waitFor();
    await expect.poll(() => ada.getByTestId('approval-state').textContent()).toContain('This exact state is approved');

    // The field's history button shows its changes in the History panel.
    await field(bea, 'VENDOR').getByTestId('field-history').click();
    const timeline = bea.getByTestId('history-timeline');
    // Vendor name is collaborative text: the history shows what was typed (−"Armbian-unofficial" +"AcmeKiosks").
    await timeline.locator('.value--after', { hasText: 'Kiosks' }).waitFor();
    expect(await bea.getByTestId('history-filter').inputValue()).toBe('/VENDOR');
    await h.screenshot(bea, 'field-history');
  });
});
