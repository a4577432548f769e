/**
 * Sharing from the browser: the owner's Share dialog makes a view-only link (shown once, copied
 * from the dialog); a guest in another browser opens it, sees the owner's edits live and cannot
 * change anything; the owner revokes the link and the guest is told at once that access ended,
 * without reconnect attempts. Members are invited, re-roled and removed from the same dialog.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp } from '../helpers/auth.ts';
import { createConfig } from '../helpers/server.ts';
import { field, formReady, inputValue, startHarness, type Harness } from './browser-harness.ts';

/** The issue asks for revocation to reach open sessions "within a second or two". */
const REVOKE_DEADLINE_MS = 2_000;
/** Long enough for y-websocket to have retried several times if it were still reconnecting
 * (its backoff starts at 200 ms). */
const NO_RECONNECT_WINDOW_MS = 1_200;

let h: Harness;
let configId: string;
const errors: string[][] = [];

beforeAll(async () => {
  h = await startHarness('share');
  configId = await createConfig(h.server, { name: 'Kiosk image', data: { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie' } });
}, 120_000);

afterAll(async () => {
  await h?.close();
  expect(errors.flat()).toEqual([]);
});

async function openShareDialog(owner: Page) {
  await owner.getByTestId('share-button').click();
  const dialog = owner.getByTestId('share-dialog');
  await dialog.getByRole('heading', { name: 'Links', exact: true }).waitFor();
  return dialog;
}

describe('the Share dialog', () => {
  it('makes a viewer link the guest follows live, read-only, until the owner revokes it', async () => {
    const a = await h.open(h.owner, `/c/${configId}`);
    errors.push(a.errors);
    const owner = a.page;
    await formReady(owner);
    await a.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: h.server.url });

    // A viewer link, labelled, for 7 days; its address is shown once, with a note saying so.
    let dialog = await openShareDialog(owner);
    await dialog.getByLabel('Label (optional)').fill('Hardware team');
    await dialog.getByLabel('Expires').selectOption('7d');
    await dialog.getByRole('button', { name: 'Create link' }).click();
    const url = await dialog.getByTestId('new-link-url').inputValue();
    expect(url).toMatch(new RegExp(`^${h.server.url}/s/[^/]+$`));
    expect(await dialog.getByTestId('new-link').textContent()).toContain('Copy this link now');
    await dialog.getByRole('button', { name: 'Copy link' }).click();
    await dialog.getByRole('button', { name: 'Copied link' }).waitFor();
    expect(await owner.evaluate(() => navigator.clipboard.readText())).toBe(url);
    const row = dialog.locator('[data-testid=share-links] .share-row', { hasText: 'Hardware team' });
    await row.waitFor();
    expect(await row.getByRole('combobox').inputValue()).toBe('viewer');
    expect(await row.getByTestId('share-usage').textContent()).toMatch(/expires in 7 days · never used/);
    await h.screenshot(owner, 'share-dialog-new-link');
    await owner.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    // The guest (another browser, no account) opens the link: read-only, and live.
    const b = await h.open(null, new URL(url).pathname);
    errors.push(b.errors);
    const guest = b.page;
    await formReady(guest);
    await guest.getByText('You are a viewer here: the form is read-only.').waitFor();
    expect(await guest.getByTestId('status-role').textContent()).toBe('· viewer');
    expect(await guest.getByTestId('share-button').count()).toBe(0);
    expect(await field(guest, 'VENDOR').locator('input').isDisabled()).toBe(true);
    expect(await guest.locator('.notes-editor').getAttribute('contenteditable')).toBe('false');
    await field(owner, 'VENDOR').locator('input').fill('Kiosk Co');
    await field(owner, 'VENDOR').locator('input').press('Tab');
    await expect.poll(() => inputValue(guest, 'VENDOR')).toBe('Kiosk Co');
    // Typing into the form does nothing.
    await field(guest, 'VENDOR').locator('input').click({ force: true });
    await guest.keyboard.type('xyz');
    expect(await inputValue(guest, 'VENDOR')).toBe('Kiosk Co');
    await h.screenshot(guest, 'guest-viewer-live');

    // Reopened, the dialog counts the guest's use; the owner revokes the link.
    dialog = await openShareDialog(owner);
    const link = dialog.locator('[data-testid=share-links] .share-row', { hasText: 'Hardware team' });
    await expect.poll(() => link.getByTestId('share-usage').textContent()).toMatch(/1 use, last just now/);
    const sockets: string[] = [];
    guest.on('websocket', (ws) => sockets.push(ws.url()));
    await link.getByRole('button', { name: 'Revoke Hardware team' }).click();
    await h.screenshot(owner, 'share-dialog-confirm-revoke');
    const revokedAt = Date.now();
    await link.getByRole('button', { name: 'Revoke now' }).click();

    const ended = guest.getByTestId('access-ended');
    await ended.waitFor({ timeout: REVOKE_DEADLINE_MS + 1_000 });
    expect(Date.now() - revokedAt).toBeLessThan(REVOKE_DEADLINE_MS);
    expect(await ended.getAttribute('data-code')).toBe('4431');
    expect(await ended.getByRole('heading').textContent()).toBe('Access ended');
    await expect.poll(() => dialog.locator('[data-testid=share-links] .share-row', { hasText: 'Hardware team' }).count()).toBe(0);
    // Access is over for good: no reconnect attempts, and the status line says why.
    await new Promise((resolve) => setTimeout(resolve, NO_RECONNECT_WINDOW_MS));
    expect(sockets).toEqual([]);
    expect(await guest.getByTestId('connection-status').getAttribute('data-state')).toBe('closed');
    expect(await guest.getByTestId('connection-status').textContent()).toContain('Access ended');
    await h.screenshot(guest, 'guest-access-ended');
    await h.screenshot(owner, 'share-dialog-revoked');
  });

  it('keeps every new link address visible and copyable until dismissed; the list shows label, role, expiry and last use', async () => {
    const id = await createConfig(h.server, { name: 'Two links', data: { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie' } });
    const a = await h.open(h.owner, `/c/${id}`);
    errors.push(a.errors);
    const owner = a.page;
    await formReady(owner);
    await a.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: h.server.url });
    const dialog = await openShareDialog(owner);

    await dialog.getByLabel('Label (optional)').fill('Lab bench');
    await dialog.getByLabel('Expires').selectOption('7d');
    await dialog.getByRole('button', { name: 'Create link' }).click();
    const first = dialog.locator('[data-testid=new-link]', { hasText: 'Lab bench' });
    const firstUrl = await first.getByTestId('new-link-url').inputValue();

    // A second link before anyone copied the first: both addresses are on screen.
    await dialog.getByLabel('Label (optional)').fill('Reviewers');
    await dialog.locator('form[aria-label="New link"] .share-field select').first().selectOption('commenter');
    await dialog.getByLabel('Expires').selectOption('never');
    await dialog.getByRole('button', { name: 'Create link' }).click();
    const second = dialog.locator('[data-testid=new-link]', { hasText: 'Reviewers' });
    const secondUrl = await second.getByTestId('new-link-url').inputValue();
    expect(secondUrl).toMatch(new RegExp(`^${h.server.url}/s/[^/]+$`));
    expect(secondUrl).not.toBe(firstUrl);
    expect(await dialog.getByTestId('new-link').count()).toBe(2);
    expect(await first.getByTestId('new-link-url').inputValue()).toBe(firstUrl);

    // The first one is still copyable on its own.
    await first.getByRole('button', { name: 'Copy link' }).click();
    await first.getByRole('button', { name: 'Copied link' }).waitFor();
    expect(await owner.evaluate(() => navigator.clipboard.readText())).toBe(firstUrl);

    // The list: label, role, expiry and last use of each.
    const rows = dialog.locator('[data-testid=share-links] .share-row');
    const bench = rows.filter({ hasText: 'Lab bench' });
    const reviewers = rows.filter({ hasText: 'Reviewers' });
    await expect.poll(() => rows.count()).toBe(2);
    expect(await bench.getByRole('combobox').inputValue()).toBe('viewer');
    expect(await reviewers.getByRole('combobox').inputValue()).toBe('commenter');
    expect(await bench.getByTestId('share-usage').textContent()).toMatch(/expires in 7 days · never used/);
    expect(await reviewers.getByTestId('share-usage').textContent()).toMatch(/never expires · never used/);
    await h.screenshot(owner, 'share-dialog-two-new-links');

    // Someone uses the first link: its row says so.
    const guest = await h.open(null, new URL(firstUrl).pathname);
    errors.push(guest.errors);
    await formReady(guest.page);
    await guest.context.close();
    await dialog.getByLabel('Label (optional)').fill('Third');
    await dialog.getByRole('button', { name: 'Create link' }).click(); // refreshes the list
    await expect.poll(() => bench.getByTestId('share-usage').textContent()).toMatch(/1 use, last just now/);
    expect(await dialog.getByTestId('new-link').count()).toBe(3);

    // Dismissing one leaves the others.
    await second.getByRole('button', { name: 'Done with Reviewers' }).click();
    await expect.poll(() => dialog.getByTestId('new-link').count()).toBe(2);
    expect(await first.getByTestId('new-link-url').inputValue()).toBe(firstUrl);
    await h.screenshot(owner, 'share-dialog-one-dismissed');
  });

  it('invites people by a link the invitee accepts, changes their role and revokes invitations', async () => {
    const bea = await signUp(h.server.url, 'Bea Member');
    const { page: owner, errors: pageErrors } = await h.open(h.owner, `/c/${configId}`);
    errors.push(pageErrors);
    await formReady(owner);
    let dialog = await openShareDialog(owner);
    let people = dialog.getByTestId('members');
    await people.locator('.share-row', { hasText: 'Owner' }).waitFor();

    // Inviting Bea gives a link to pass on (no mail configured); she is not a member yet.
    await dialog.getByLabel('Invite by email').fill(bea.user.email);
    await dialog.getByLabel('Role', { exact: true }).first().selectOption('commenter');
    await dialog.getByRole('button', { name: 'Invite' }).click();
    const link = await dialog.getByTestId('invitation-url').inputValue();
    expect(link).toMatch(new RegExp(`^${h.server.url}/i/[A-Za-z0-9_-]{43}$`));
    expect(await dialog.getByTestId('new-invitation').textContent()).toContain('shown only this once');
    await dialog.getByRole('button', { name: /Copy invitation link/ }).waitFor();
    await expect.poll(() => people.locator(`[data-member="${bea.user.email}"]`).textContent()).toContain('invited');
    await h.screenshot(owner, 'share-dialog-invitation-link');

    // Bea opens the link signed in, sees what it offers, and accepts: the configuration opens.
    const invitee = await h.open(bea, new URL(link).pathname);
    errors.push(invitee.errors);
    const card = invitee.page.getByTestId('invitation');
    await expect.poll(() => card.textContent()).toContain('Commenter'.toLowerCase());
    await h.screenshot(invitee.page, 'invitation-page');
    await invitee.page.getByTestId('accept-invitation').click();
    await invitee.page.waitForURL(`${h.server.url}/c/${configId}`);
    await formReady(invitee.page);

    // The owner sees her as a member now, and changes her role.
    await owner.keyboard.press('Escape');
    dialog = await openShareDialog(owner);
    people = dialog.getByTestId('members');
    const beaRow = people.locator(`[data-member="${bea.user.email}"]`);
    await expect.poll(() => beaRow.getByRole('combobox').inputValue()).toBe('commenter');
    await beaRow.getByRole('combobox').selectOption('editor');
    await expect.poll(async () => {
      const list = (await (await h.server.api(`/api/configs/${configId}/members`)).json()) as Array<{ email: string; role: string; pending: boolean }>;
      return list.find((m) => m.email === bea.user.email && !m.pending)?.role;
    }).toBe('editor');

    // A pending invitation can be revoked; its link then no longer works.
    await dialog.getByLabel('Invite by email').fill('not.yet@example.test');
    await dialog.getByRole('button', { name: 'Invite' }).click();
    const second = new URL(await dialog.getByTestId('invitation-url').inputValue()).pathname.slice(3);
    const pending = people.locator('[data-member="not.yet@example.test"]');
    await expect.poll(() => pending.textContent()).toContain('invited');
    await h.screenshot(owner, 'share-dialog-people');
    await pending.getByRole('button', { name: 'Revoke the invitation of not.yet@example.test' }).click();
    await expect.poll(() => pending.count()).toBe(0);
    const lookup = await fetch(`${h.server.url}/api/invitations/lookup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: second }) });
    expect(lookup.status).toBe(404);
  });
});
