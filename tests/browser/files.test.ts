/**
 * The Files panel in Chromium: two people edit one file of the userpatches tree at once in the
 * code editor and both see both edits; a binary upload shows its progress and lands as a blob the
 * server serves back byte for byte. Screenshot: test-artifacts/…/files-panel.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { createConfig } from '../helpers/server.ts';
import { formReady, startHarness, type Harness } from './browser-harness.ts';

let h: Harness;
let configId: string;
let alice: Page;
let bob: Page;
const errors: string[][] = [];

async function openFiles(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Panels ▾' }).click();
  await page.getByRole('menu').getByText('Files').click();
  await page.locator('.files-tree').waitFor();
}

const editorText = (page: Page) => page.locator('.files-editor .cm-content').innerText();

beforeAll(async () => {
  h = await startHarness('files');
  configId = await createConfig(h.server, { name: 'Custom board', data: { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie' } });
  for (const [path, text] of [['customize-image-host.sh', 'echo one\necho two\n'], ['kernel/archive/rockchip64-6.18/0001-dts.patch', '--- a/x.dts\n+++ b/x.dts\n@@ -1 +1 @@\n-status = "disabled";\n+status = "okay";\n'], ['linux-rockchip64-current.config', '# extra\nCONFIG_USB_SERIAL=y\n']]) {
    const res = await h.server.api(`/api/configs/${configId}/files/upload`, { method: 'POST', body: JSON.stringify({ path, text, executable: path.endsWith('.sh') }) });
    expect(res.status).toBe(201);
  }
  const bobUser = await h.member('Bob Builder', configId);
  const a = await h.open(h.owner, `/c/${configId}`);
  const b = await h.open(bobUser, `/c/${configId}`);
  alice = a.page;
  bob = b.page;
  errors.push(a.errors, b.errors);
  await Promise.all([formReady(alice), formReady(bob)]);
  await Promise.all([openFiles(alice), openFiles(bob)]);
}, 400_000);

afterAll(async () => {
  await h?.close();
  expect(errors.flat()).toEqual([]);
});

describe('the Files panel', () => {
  it('lets two people edit one file at once; both see both edits', async () => {
    for (const page of [alice, bob]) await page.locator('.files-row__name', { hasText: 'customize-image-host.sh' }).click();
    await expect.poll(() => editorText(alice)).toContain('echo two');
    await expect.poll(() => editorText(bob)).toContain('echo two');
    // Alice at the end of line 1, Bob at the end of line 2, typing at the same time.
    await alice.locator('.files-editor .cm-line').nth(0).click();
    await alice.keyboard.press('End');
    await bob.locator('.files-editor .cm-line').nth(1).click();
    await bob.keyboard.press('End');
    await Promise.all([alice.keyboard.type(' # alice', { delay: 20 }), bob.keyboard.type(' # bob', { delay: 20 })]);
    for (const page of [alice, bob]) {
      await expect.poll(() => editorText(page)).toContain('echo one # alice');
      await expect.poll(() => editorText(page)).toContain('echo two # bob');
    }
    // Bob's caret shows in Alice's editor with his name.
    await expect.poll(() => alice.locator('.cm-ySelectionInfo').allTextContents()).toContain('Bob Builder');
    const raw = await h.server.api(`/api/configs/${configId}/files/raw?path=customize-image-host.sh`);
    await expect.poll(async () => (await (await h.server.api(`/api/configs/${configId}/files/raw?path=customize-image-host.sh`)).text())).toBe('echo one # alice\necho two # bob\n');
    expect(raw.headers.get('x-file-mode')).toBe('755');
  });

  it('uploads a binary file with progress; the server serves it back byte for byte', async () => {
    const bytes = Buffer.from(Array.from({ length: 900_000 }, (_, i) => (i * 31 + 7) % 256));
    // Record whether a progress bar was ever shown (the upload may finish between two polls).
    await alice.evaluate(() => {
      const w = window as unknown as { sawProgress: boolean };
      w.sawProgress = false;
      new MutationObserver(() => {
        if (document.querySelector('.files-upload progress')) w.sawProgress = true;
      }).observe(document.body, { childList: true, subtree: true });
    });
    await alice.locator('.files-row__name', { hasText: 'kernel' }).first().click();
    await alice.getByTestId('files-upload').setInputFiles({ name: 'logo.bmp', mimeType: 'application/octet-stream', buffer: bytes });
    await bob.locator('.files-row__name', { hasText: 'logo.bmp' }).waitFor();
    expect(await alice.evaluate(() => (window as unknown as { sawProgress: boolean }).sawProgress)).toBe(true);
    const raw = await h.server.api(`/api/configs/${configId}/files/raw?path=kernel/logo.bmp`);
    expect(Buffer.from(await raw.arrayBuffer())).toEqual(bytes);
    await alice.locator('.files-row__name', { hasText: 'linux-rockchip64-current.config' }).click();
    await expect.poll(() => editorText(alice)).toContain('CONFIG_USB_SERIAL=y');
    await h.screenshot(alice, 'files-panel');
  });
});
