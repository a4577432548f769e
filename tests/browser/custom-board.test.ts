/**
 * A custom board in Chromium: a board file created in the Files panel (config/boards/<id>.csc,
 * typed into the code editor) appears in the board picker of the same configuration, marked as
 * the configuration's own; choosing it narrows the kernel branches to the file's KERNEL_TARGET and
 * its family's; deleting the file takes it out of the picker and the form says BOARD is unknown.
 * Screenshot: test-artifacts/…/custom-board-picker.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createConfig } from '../helpers/server.ts';
import { field, formReady, startHarness, type Harness } from './browser-harness.ts';

let h: Harness;
let configId: string;
let page: Page;
const errors: string[][] = [];
const BOARD_FILE = 'config/boards/acme-one.csc';

beforeAll(async () => {
  h = await startHarness('custom-board');
  configId = await createConfig(h.server, { name: 'Acme board', data: { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie' } });
  const opened = await h.open(h.owner, `/c/${configId}`);
  page = opened.page;
  errors.push(opened.errors);
  await formReady(page);
}, 400_000);

afterAll(async () => {
  await h?.close();
  expect(errors.flat()).toEqual([]);
});

async function showForm(): Promise<void> {
  const tab = page.locator('.lm_tab', { hasText: /^Form/ }).first();
  if (await tab.count()) await tab.click();
  await field(page, 'BOARD').locator('input').waitFor({ state: 'visible' });
}

describe('a custom board', () => {
  it('appears in the picker once its board file exists in Files, and leaves with it', async () => {
    await page.getByRole('button', { name: 'Panels ▾' }).click();
    await page.getByRole('menu').getByText('Files').click();
    await page.locator('.files-tree').waitFor();
    page.once('dialog', (dialog) => void dialog.accept(BOARD_FILE));
    await page.getByRole('button', { name: 'New file' }).click();
    await page.locator('.files-editor .cm-content').click();
    await page.keyboard.type('# Acme One\nBOARD_NAME="Acme One"\nBOARD_VENDOR="acme"\nBOARDFAMILY="rockchip-rk3588"\nKERNEL_TARGET="vendor,edge"\n');
    await expect.poll(async () => (await (await h.server.api(`/api/configs/${configId}/files/raw?path=${BOARD_FILE}`)).text())).toContain('KERNEL_TARGET="vendor,edge"');

    // Under the file: what the framework will make of it.
    await expect.poll(() => page.getByTestId('board-file-status').innerText()).toMatch(/Board acme-one in the picker: Acme One, rockchip-rk3588, arm64, branches vendor, edge/);
    await h.screenshot(page, 'custom-board-file');
    // The Files panel opened over the form: back to the form's tab.
    await showForm();
    await field(page, 'BOARD').locator('input').click();
    await page.keyboard.type('acme');
    const option = page.locator('[role=listbox] [data-board="acme-one"]');
    await option.waitFor();
    expect(await option.getAttribute('data-custom')).toBe('yes');
    expect(await option.innerText()).toMatch(/Acme One[\s\S]*acme-one[\s\S]*arm64[\s\S]*community[\s\S]*your file/);
    await h.screenshot(page, 'custom-board-picker');
    await page.keyboard.press('Enter');
    await expect.poll(() => field(page, 'BOARD').locator('input').inputValue()).toBe('Acme One');
    await expect.poll(() => page.getByTestId('board-facts').innerText()).toMatch(/rockchip-rk3588[\s\S]*your file[\s\S]*branches: vendor, edge/);
    const branches = await field(page, 'BRANCH').locator('option').allTextContents();
    expect(branches.slice(0, 3).join('|')).toMatch(/vendor.*\|edge/);
    await expect.poll(async () => ((await (await h.server.api(`/api/configs/${configId}`)).json()) as { validation: { errors: Array<{ path: string }> } }).validation.errors.filter((e) => e.path === '/BOARD')).toEqual([]);

    // Deleted: the picker no longer offers it, and the form says why BOARD is wrong.
    await page.locator('.lm_tab', { hasText: 'Files' }).click();
    await page.locator('.files-row__name', { hasText: 'acme-one.csc' }).click();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('toolbar', { name: 'Files' }).getByRole('button', { name: 'Delete' }).click();
    await showForm();
    await expect.poll(() => field(page, 'BOARD').innerText()).toMatch(/not an Armbian board, and this configuration has no board file for it/);
    await field(page, 'BOARD').locator('input').click();
    await page.keyboard.type('acme');
    await page.locator('[role=listbox] .listbox-empty').waitFor();
  });
});
