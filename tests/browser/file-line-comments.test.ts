/**
 * Comments on a line of a file in Chromium: Alice clicks beside line 2 of a script in the code
 * editor and comments; the thread shows beside the editor and a marker sits in the gutter, for
 * Bob too. Bob adds lines above it: the thread and the marker move down with the line, in both
 * tabs. Alice renames the file: the thread is on the same line of the renamed file, for both.
 * Screenshot: test-artifacts/…/file-line-comments.png.
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
const SCRIPT = 'customize-image-host.sh';
const RENAMED = 'host/prepare.sh';

async function openFile(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Panels ▾' }).click();
  await page.getByRole('menu').getByText('Files').click();
  await page.locator('.files-row__name', { hasText: name }).click();
  await page.locator('.files-editor .cm-content').waitFor();
}

/** Clicks the comment gutter beside the editor's `line` (1-based), as a person would. */
async function clickGutter(page: Page, line: number): Promise<void> {
  const row = await page.locator('.files-editor .cm-line').nth(line - 1).boundingBox();
  const gutter = await page.locator('.files-editor .cm-comment-gutter').boundingBox();
  await page.mouse.click(gutter!.x + gutter!.width / 2, row!.y + row!.height / 2);
}

/** The lines the gutter marks, in order. */
const markedLines = (page: Page) => page.getByTestId('comment-marker').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-line'))));
const threadLines = (page: Page) => page.getByTestId('file-comments').locator('.file-thread__line').allTextContents();

beforeAll(async () => {
  h = await startHarness('file_line_comments');
  configId = await createConfig(h.server, { name: 'Line comments', data: { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie' } });
  const res = await h.server.api(`/api/configs/${configId}/files/upload`, { method: 'POST', body: JSON.stringify({ path: SCRIPT, text: 'set -e\napt-get install -y foo\necho done\n', executable: true }) });
  expect(res.status).toBe(201);
  const bobUser = await h.member('Bob Builder', configId);
  const a = await h.open(h.owner, `/c/${configId}`);
  const b = await h.open(bobUser, `/c/${configId}`);
  alice = a.page;
  bob = b.page;
  errors.push(a.errors, b.errors);
  await Promise.all([formReady(alice), formReady(bob)]);
  await Promise.all([openFile(alice, SCRIPT), openFile(bob, SCRIPT)]);
}, 400_000);

afterAll(async () => {
  await h?.close();
  expect(errors.flat()).toEqual([]);
});

describe('comments on a line of a file', () => {
  it('starts a thread from the gutter; it shows beside the editor and in the gutter, for both', async () => {
    await clickGutter(alice, 2);
    const composer = alice.getByTestId('file-comment-composer');
    await composer.getByRole('textbox').fill('Pin the version of foo?');
    await composer.getByRole('button', { name: 'Comment' }).click();
    for (const page of [alice, bob]) {
      await expect.poll(() => threadLines(page)).toEqual(['Line 2']);
      await expect.poll(() => markedLines(page)).toEqual([2]);
      await expect.poll(() => page.getByTestId('file-comments').innerText()).toContain('Pin the version of foo?');
    }
  });

  it('follows its line when Bob adds lines above it', async () => {
    await bob.locator('.files-editor .cm-line').nth(0).click();
    await bob.keyboard.press('Home');
    await bob.keyboard.type('# prepared by Bob\n# second line\n', { delay: 10 });
    for (const page of [alice, bob]) {
      await expect.poll(() => markedLines(page)).toEqual([4]);
      await expect.poll(() => threadLines(page)).toEqual(['Line 4']);
    }
    // The marked line is still the one commented on.
    expect(await alice.locator('.files-editor .cm-line').nth(3).innerText()).toBe('apt-get install -y foo');
  });

  it('stays on its line when Alice renames the file', async () => {
    alice.once('dialog', (dialog) => void dialog.accept(RENAMED));
    await alice.getByRole('button', { name: 'Rename/move' }).click();
    await alice.locator('.files-row__name', { hasText: 'prepare.sh' }).waitFor();
    await expect.poll(() => markedLines(alice)).toEqual([4]);
    await expect.poll(() => threadLines(alice)).toEqual(['Line 4']);
    // The server has moved it too: a fresh read lists it on the new path, attached.
    await expect
      .poll(async () => {
        const threads = (await (await h.server.api(`/api/configs/${configId}/comments`)).json()) as Array<{ anchor: { path: string }; detached: boolean; line?: number }>;
        return threads.map((t) => ({ path: t.anchor.path, detached: t.detached, line: t.line }));
      })
      .toEqual([{ path: `#files/${RENAMED}`, detached: false, line: 4 }]);
    await bob.locator('.files-row__name', { hasText: 'prepare.sh' }).click();
    await expect.poll(() => markedLines(bob)).toEqual([4]);
    await expect.poll(() => threadLines(bob)).toEqual(['Line 4']);
    await h.screenshot(alice, 'file-line-comments');
  });
});
