/**
 * Deleting from the browser: the owner deletes the open configuration from the Configurations
 * panel after a confirmation, it leaves the list (and an editor's open page loses it), the Trash
 * lists it with the day it goes for good, and Restore brings it back whole and opens it. Members
 * who do not own it are not offered Delete.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConfig } from '../helpers/server.ts';
import { formReady, inputValue, startHarness, type Harness } from './browser-harness.ts';

let h: Harness;
let configId: string;
const errors: string[][] = [];

beforeAll(async () => {
  h = await startHarness('trash');
  configId = await createConfig(h.server, { name: 'Old kiosk', data: { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie', VENDOR: 'Acme' } });
}, 120_000);

afterAll(async () => {
  await h?.close();
  expect(errors.flat()).toEqual([]);
});

describe('deleting a configuration', () => {
  it('asks first, moves it to the trash, and restores it whole from there', async () => {
    const editor = await h.member('Eddie', configId, 'editor');
    const e = await h.open(editor, `/c/${configId}`);
    errors.push(e.errors);
    await formReady(e.page);
    const configs = (page: typeof e.page) => page.getByRole('list', { name: 'Configurations' });
    await configs(e.page).getByText('Old kiosk').waitFor();
    expect(await e.page.getByRole('button', { name: 'Delete Old kiosk' }).count()).toBe(0);

    const o = await h.open(h.owner, `/c/${configId}`);
    errors.push(o.errors);
    const owner = o.page;
    await formReady(owner);

    // The first click only asks; Keep leaves everything as it was.
    await owner.getByRole('button', { name: 'Delete Old kiosk' }).click();
    const confirm = owner.getByTestId('confirm-delete');
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain('Move to the trash?');
    await h.screenshot(owner, 'confirm-delete');
    await confirm.getByRole('button', { name: 'Keep' }).click();
    await confirm.waitFor({ state: 'detached' });
    expect((await h.server.api(`/api/configs/${configId}`)).status).toBe(200);

    // Confirmed: gone from the list, the owner is taken home, the editor's page loses it.
    await owner.getByRole('button', { name: 'Delete Old kiosk' }).click();
    await confirm.getByRole('button', { name: 'Move to trash' }).click();
    await owner.waitForURL(`${h.server.url}/`);
    await expect.poll(() => configs(owner).getByText('Old kiosk').count()).toBe(0);
    expect((await h.server.api(`/api/configs/${configId}`)).status).toBe(404);
    await expect.poll(() => e.page.getByTestId('connection-status').getAttribute('data-state')).toBe('closed');

    // The trash lists it; Restore brings it back with its content and opens it.
    await owner.getByText(/^Trash/).click();
    const trashed = owner.locator(`[data-trashed="${configId}"]`);
    await trashed.waitFor();
    expect(await trashed.textContent()).toMatch(/Old kiosk.*deleted .* · gone for good /);
    await h.screenshot(owner, 'trash');
    await trashed.getByRole('button', { name: 'Restore Old kiosk' }).click();
    await owner.waitForURL(`${h.server.url}/c/${configId}`);
    await formReady(owner);
    expect(await inputValue(owner, 'VENDOR')).toBe('Acme');
    await configs(owner).getByText('Old kiosk').waitFor();
    await expect.poll(() => trashed.count()).toBe(0);
    await h.screenshot(owner, 'restored');
  });
});
