/**
 * "Move to…" in the browser (issue #20 item 7): the owner of a personal configuration moves it
 * into their organisation from the configurations list; it then shows in the organisation's
 * workspace and no longer in Personal, and the server holds it there. Someone who may edit the
 * configuration but does not own it is not offered the move.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConfig } from '../helpers/server.ts';
import { formReady, startHarness, type Harness } from './browser-harness.ts';

let h: Harness;
let orgId: string;
let configId: string;
const errors: string[][] = [];

beforeAll(async () => {
  h = await startHarness('orgs-move-config');
  const made = await h.server.api('/api/orgs', { method: 'POST', body: JSON.stringify({ name: 'Pine Labs' }) });
  orgId = ((await made.json()) as { id: string }).id;
  await createConfig(h.server, { name: 'Orange Pi 5 desktop', data: { BOARD: 'orangepi5', BRANCH: 'vendor', RELEASE: 'noble' } });
  configId = await createConfig(h.server, { name: 'Rock 5B server', data: { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie' } });
}, 180_000);

afterAll(async () => {
  await h?.close();
  expect(errors.flat()).toEqual([]);
});

describe('moving a configuration into an organisation', () => {
  it('the owner moves a personal configuration; it leaves Personal and shows in the organisation', async () => {
    const o = await h.open(h.owner, `/c/${configId}`);
    errors.push(o.errors);
    const { page } = o;
    await formReady(page);
    const list = page.getByRole('list', { name: 'Configurations' });
    await list.getByText('Rock 5B server').waitFor();
    await h.screenshot(page, 'move-offered');
    await page.getByRole('button', { name: 'Move Rock 5B server to…' }).click();
    const confirm = page.getByTestId('confirm-move');
    // Personal is where it is: only the organisation is offered.
    expect(await confirm.getByTestId('move-config').locator('option').allTextContents()).toEqual(['Pine Labs']);
    await confirm.getByText('the organisation’s members and teams get access').waitFor();
    await h.screenshot(page, 'move-asks');

    await confirm.getByRole('button', { name: 'Move', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Moved “Rock 5B server” to Pine Labs.' }).waitFor();
    await list.getByText('Rock 5B server').waitFor({ state: 'detached' });
    await list.getByText('Orange Pi 5 desktop').waitFor();
    await h.screenshot(page, 'moved-gone-from-personal');

    await page.getByRole('button', { name: 'Show Pine Labs' }).click();
    await list.getByText('Rock 5B server').waitFor();
    await page.getByTestId('workspace-menu').getByText('Pine Labs').waitFor();
    expect(await list.getByText('Orange Pi 5 desktop').count()).toBe(0);
    await h.screenshot(page, 'moved-shows-in-org');

    const listed = (await (await h.server.api('/api/configs')).json()) as Array<{ id: string; orgId: string | null }>;
    expect(listed.find((c) => c.id === configId)?.orgId).toBe(orgId);
  });

  it('is not offered to someone who may edit but does not own the configuration', async () => {
    const mine = await createConfig(h.server, { name: 'NanoPi R6S router', data: { BOARD: 'nanopi-r6s', BRANCH: 'current', RELEASE: 'bookworm' } });
    const editor = await h.member('Eddie Editor', mine, 'editor');
    const e = await h.open(editor, `/c/${mine}`);
    errors.push(e.errors);
    await formReady(e.page);
    const item = e.page.getByRole('list', { name: 'Configurations' }).getByRole('listitem').filter({ hasText: 'NanoPi R6S router' });
    await item.locator('.config-exports').waitFor();
    expect(await item.getByRole('button', { name: /^Move / }).count()).toBe(0);
    await h.screenshot(e.page, 'editor-not-offered');
  });
});
