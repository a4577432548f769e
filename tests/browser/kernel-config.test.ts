/**
 * The Kernel panel in Chromium: it names the kernel config file the framework reads for the
 * board and branch, creates it, lists the options typed into it and flags a line Kconfig would
 * skip; once a review is approved, an edit shows per option ("CONFIG_WIREGUARD: y → m"). The form
 * says beside "Open kernel menuconfig" why a build refuses it. Screenshot:
 * test-artifacts/…/kernel-panel.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { authed } from '../helpers/auth.ts';
import { createConfig } from '../helpers/server.ts';
import { field, formReady, startHarness, type Harness } from './browser-harness.ts';

const FILE = 'linux-bcm2711-current.config';

let h: Harness;
let configId: string;
let page: Page;
let errors: string[] = [];

const editorText = (p: Page) => p.locator('.kernel-editor .cm-content').innerText();
const changes = (p: Page) => p.getByTestId('kernel-changes').locator('li').allTextContents();

beforeAll(async () => {
  h = await startHarness('kernel');
  configId = await createConfig(h.server, { name: 'Kiosk kernel', data: { BOARD: 'rpi4b', BRANCH: 'current', RELEASE: 'noble', KERNEL_CONFIGURE: 'yes' } });
  const opened = await h.open(h.owner, `/c/${configId}`);
  page = opened.page;
  errors = opened.errors;
  await formReady(page);
}, 400_000);

afterAll(async () => {
  await h?.close();
  expect(errors).toEqual([]);
});

describe('the Kernel panel', () => {
  it('says beside the field why a build refuses menuconfig, and which file to use', async () => {
    const issue = field(page, 'KERNEL_CONFIGURE').locator('.field-issue--error');
    await expect.poll(() => issue.textContent()).toMatch(/needs a terminal .* userpatches\/linux-bcm2711-current\.config \(the Kernel panel\)/);
  });

  it('creates the file the framework reads, lists its options and flags a bad line', async () => {
    await page.getByRole('button', { name: 'Panels ▾' }).click();
    await page.getByRole('menu').getByText('Kernel').click();
    const target = page.getByTestId('kernel-target');
    await expect.poll(() => target.textContent()).toContain(`the framework reads userpatches/${FILE}`);
    await expect.poll(() => target.textContent()).toContain('not in this configuration');
    await page.getByRole('button', { name: `Create ${FILE}` }).click();
    await expect.poll(() => target.textContent()).toContain('in this configuration');
    await expect.poll(() => editorText(page)).toContain('the whole config, not a fragment');

    await page.locator('.kernel-editor .cm-content').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('CONFIG_WIREGUARD=y\nCONFIG_USB_NET_DRIVERS=m\n# CONFIG_DEBUG_INFO is not set\nWIREGUARD=m\n', { delay: 5 });
    const options = page.getByTestId('kernel-options');
    await expect.poll(() => options.locator('tr').allInnerTexts()).toEqual([
      'CONFIG_WIREGUARD\ty\tline 3',
      'CONFIG_USB_NET_DRIVERS\tm\tline 4',
      'CONFIG_DEBUG_INFO\tis not set\tline 5',
    ]);
    await expect.poll(() => page.getByTestId('kernel-problems').textContent()).toContain('Line 6: "WIREGUARD=m" is not a kernel option: the name must start with CONFIG_');
    // Nothing approved yet: said, not an empty list.
    await expect.poll(() => page.locator('.kernel-review').textContent()).toContain('no review of this configuration has been approved yet');
    // The text reached the server (the file the build's userpatches/ gets).
    await expect.poll(async () => (await h.server.api(`/api/configs/${configId}/files/raw?path=${FILE}`)).text()).toContain('WIREGUARD=m\n');
  });

  it('shows what changed per option since the last approved review', async () => {
    await page.locator('.kernel-editor .cm-line', { hasText: 'WIREGUARD=m' }).last().click();
    await page.keyboard.press('End');
    for (let i = 0; i < 'WIREGUARD=m'.length; i++) await page.keyboard.press('Backspace');
    await expect.poll(async () => (await h.server.api(`/api/configs/${configId}/files/raw?path=${FILE}`)).text()).not.toContain('\nWIREGUARD=m');

    // Carol approves the state as it is now.
    const carol = await h.member('Carol Checker', configId, 'commenter');
    const opened = await h.server.api(`/api/configs/${configId}/reviews`, { method: 'POST', body: JSON.stringify({ title: 'Kiosk kernel' }) });
    expect(opened.status).toBe(201);
    const review = (await opened.json()) as { id: string; contentHash: string };
    const approved = await authed(h.server.url, carol.token)(`/api/configs/${configId}/reviews/${review.id}/decision`, {
      method: 'POST',
      body: JSON.stringify({ decision: 'approve', contentHash: review.contentHash }),
    });
    expect(approved.status).toBe(200);
    await expect.poll(() => page.locator('.kernel-caption').textContent()).toContain('Against the approved review “Kiosk kernel”: no option changed.');

    // y → m on the WireGuard line, and one option more.
    await page.locator('.kernel-editor .cm-line', { hasText: 'CONFIG_WIREGUARD=y' }).click();
    await page.keyboard.press('End');
    await page.keyboard.press('Backspace');
    await page.keyboard.type('m');
    await page.keyboard.press('Control+End');
    await page.keyboard.type('CONFIG_BTRFS_FS=y\n', { delay: 5 });
    await expect.poll(() => changes(page)).toEqual(['CONFIG_BTRFS_FS: added, y', 'CONFIG_WIREGUARD: y → m']);
    await expect.poll(() => page.locator('.kernel-caption').textContent()).toContain('2 options changed');
    await h.screenshot(page, 'kernel-panel');
  });
});
