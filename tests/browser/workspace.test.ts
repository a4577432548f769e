/**
 * The workspace in Chromium: the layout is saved per user on the server and restored on reload,
 * "Reset layout" brings the default back; a deep link works after signing in; configurations are
 * created and imported from their panel; a view-only share link opens the form read-only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConfig } from '../helpers/server.ts';
import { formReady, startHarness, type Harness } from './browser-harness.ts';

let h: Harness;
let configId: string;
const errors: string[][] = [];

async function savedPanels(): Promise<string[]> {
  const res = await h.server.api('/api/layout');
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const item = node as { componentType?: unknown; content?: unknown; root?: unknown };
    if (typeof item.componentType === 'string') found.push(item.componentType);
    if (item.root) walk(item.root);
    if (Array.isArray(item.content)) item.content.forEach(walk);
  };
  walk(((await res.json()) as { layout: unknown }).layout);
  return found.sort();
}

beforeAll(async () => {
  h = await startHarness('workspace');
  configId = await createConfig(h.server, { name: 'Layout check', data: { BOARD: 'rock-5b' } });
}, 120_000);

afterAll(async () => {
  await h?.close();
  expect(errors.flat()).toEqual([]);
});

describe('workspace layout', () => {
  it('restores the saved layout after a reload, and resets it to the default', async () => {
    const { page, errors: pageErrors } = await h.open(h.owner, `/c/${configId}`);
    errors.push(pageErrors);
    await formReady(page);
    const tabs = () => page.locator('.lm_tab .lm_title').allTextContents();
    expect((await tabs()).sort()).toEqual(['Builds', 'Configurations', 'Form', 'History', 'JSON', 'Notes', 'Participants', 'Problems', 'Review']);

    await page.locator('.lm_tab', { hasText: 'Participants' }).locator('.lm_close_tab').click();
    await expect.poll(savedPanels).toEqual(['builds', 'configurations', 'form', 'history', 'json', 'notes', 'problems', 'review']);

    await page.reload();
    await formReady(page);
    expect((await tabs()).sort()).toEqual(['Builds', 'Configurations', 'Form', 'History', 'JSON', 'Notes', 'Problems', 'Review']);
    expect(await page.locator('[data-panel=participants]').count()).toBe(0);
    await h.screenshot(page, 'restored-without-participants');

    // The Panels menu puts it back where golden-layout finds room.
    await page.getByRole('button', { name: 'Panels ▾' }).click();
    await page.getByRole('menuitemcheckbox', { name: /Participants/ }).click();
    await page.locator('[data-panel=participants]').waitFor();
    await expect.poll(savedPanels).toContain('participants');

    await page.locator('.lm_tab', { hasText: 'Notes' }).locator('.lm_close_tab').click();
    await page.getByTestId('reset-layout').click();
    await expect.poll(tabs).toHaveLength(9);
    await expect.poll(savedPanels).toEqual(['builds', 'configurations', 'form', 'history', 'json', 'notes', 'participants', 'problems', 'review']);
    await h.screenshot(page, 'reset');
  });

  it('sends a signed-out visitor of a deep link to sign in, then opens the configuration', async () => {
    const { page, errors: pageErrors } = await h.open(null, `/c/${configId}`);
    errors.push(pageErrors);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await h.screenshot(page, 'sign-in');
    await page.getByLabel('Email').fill(h.owner.user.email);
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await formReady(page);
    expect(new URL(page.url()).pathname).toBe(`/c/${configId}`);
    // A reload of the deep link comes straight back to the form (the session cookie is set).
    await page.reload();
    await formReady(page);
    expect(await page.getByTestId('top-config-name').textContent()).toBe('Layout check');
  });

  it('creates and imports configurations from the Configurations panel', async () => {
    const { page, errors: pageErrors } = await h.open(h.owner, '/');
    errors.push(pageErrors);
    await page.getByText('Open a configuration from the Configurations panel').first().waitFor();
    await page.getByLabel('New configuration name').fill('NanoPi R6S router');
    await page.keyboard.press('Enter');
    await formReady(page);
    expect(await page.getByTestId('top-config-name').textContent()).toBe('NanoPi R6S router');
    expect(new URL(page.url()).pathname).toMatch(/^\/c\/[^/]+$/);

    await page.locator('.panel--configs input[type=file]').setInputFiles({
      name: 'config-helios64.conf',
      mimeType: 'text/plain',
      buffer: Buffer.from('BOARD="helios64"\nBRANCH="current"\nRELEASE="trixie"\nBUILD_MINIMAL="yes"\n'),
    });
    await expect.poll(() => page.getByTestId('top-config-name').textContent()).toBe('helios64');
    await formReady(page);
    await expect.poll(() => page.locator('[data-pointer="/BOARD"] input').inputValue()).toBe('Helios64');
    await expect.poll(() => page.locator('.config-item-name').allTextContents()).toEqual(
      expect.arrayContaining(['NanoPi R6S router', 'helios64', 'Layout check']),
    );
    await h.screenshot(page, 'imported');
  });

  it('opens a view-only share link read-only, for a guest without an account', async () => {
    const res = await h.server.api(`/api/configs/${configId}/shares`, { method: 'POST', body: JSON.stringify({ role: 'viewer' }) });
    const { token } = (await res.json()) as { token: string };
    const { page, errors: pageErrors } = await h.open(null, `/s/${token}`);
    errors.push(pageErrors);
    await formReady(page);
    await page.getByText('You are a viewer here: the form is read-only.').waitFor();
    expect(await page.locator('[data-pointer="/VENDOR"] input').isDisabled()).toBe(true);
    expect(await page.locator('.notes-editor').getAttribute('contenteditable')).toBe('false');
    await page.getByText('You opened a shared configuration as a guest').waitFor();
    await h.screenshot(page, 'share-viewer');
  });
});
