/**
 * The write-only first-boot secret controls under the form, in Chromium: set a secret (typed into
 * a password input), see "set" with who and when, never the value (not in the page, not after a
 * reload), replace and clear it. A viewer does not get the controls.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConfig } from '../helpers/server.ts';
import { formReady, startHarness, type Harness } from './browser-harness.ts';

let h: Harness;
let configId: string;
const errors: string[][] = [];
const VALUE = 'browser-secret-Xq7';

beforeAll(async () => {
  h = await startHarness('firstboot-secrets');
  configId = await createConfig(h.server, { name: 'Secrets board' });
}, 120_000);

afterAll(async () => {
  await h?.close();
  expect(errors.flat()).toEqual([]);
});

describe('first-boot secrets in the form', () => {
  it('sets, shows as set (never the value), replaces and clears', async () => {
    const o = await h.open(h.owner, `/c/${configId}`);
    errors.push(o.errors);
    const { page } = o;
    await formReady(page);
    const root = page.locator('[data-secret=rootPassword]');
    await root.scrollIntoViewIfNeeded();
    await expect(root.textContent()).resolves.toContain('not set');
    await root.getByRole('button', { name: 'Set' }).click();
    const input = root.getByLabel(/Root password/);
    await expect(input.getAttribute('type')).resolves.toBe('password');
    await input.fill(VALUE);
    await root.getByRole('button', { name: 'Save' }).click();
    await root.getByText('set', { exact: true }).waitFor();
    await expect(root.textContent()).resolves.toMatch(/by Owner/);
    await root.getByRole('button', { name: 'Replace' }).waitFor();
    expect(await page.content()).not.toContain(VALUE);
    await h.screenshot(page, 'secret-set');

    await page.reload();
    await formReady(page);
    await root.getByRole('button', { name: 'Clear' }).waitFor();
    expect(await page.content()).not.toContain(VALUE);
    await root.getByRole('button', { name: 'Clear' }).click();
    await root.getByText('not set').waitFor();

    // The change log says which secret changed and how, never the value.
    await page.getByRole('tab', { name: 'History' }).click();
    const timeline = page.getByTestId('history-timeline');
    await timeline.locator('[data-path="#secrets/rootPassword"]').first().waitFor();
    await expect(timeline.textContent()).resolves.toMatch(/Secret: Root password\s*cleared[\s\S]*Secret: Root password\s*set/);
    expect(await page.content()).not.toContain(VALUE);
    await h.screenshot(page, 'secret-history');
  });

  it('is not offered to a viewer', async () => {
    const vera = await h.member('Vera', configId, 'viewer');
    const o = await h.open(vera, `/c/${configId}`);
    errors.push(o.errors);
    await formReady(o.page);
    await expect(o.page.getByTestId('firstboot-secrets').count()).resolves.toBe(0);
  });
});
