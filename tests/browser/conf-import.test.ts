/**
 * Importing Armbian configs in Chromium: a pasted .conf (with a conditional, a hook and a
 * `$HOME` reference) or a `./compile.sh` line becomes a configuration, the panel lists what was
 * kept verbatim, the form shows it in Extra lines; option help links to Armbian's docs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { field, formReady, startHarness, UI_TIMEOUT_MS, type Harness } from './browser-harness.ts';

const poll = { timeout: UI_TIMEOUT_MS };

let h: Harness;
const errors: string[][] = [];

beforeAll(async () => {
  h = await startHarness('conf-import');
}, 120_000);

afterAll(async () => {
  await h?.close();
  expect(errors.flat()).toEqual([]);
});

const PASTED = [
  'BOARD=rock-5b',
  'BRANCH=current',
  'RELEASE=noble',
  'VENDOR="My # Images"',
  'enable_extension docker-ce',
  'CUSTOM_DIR="$HOME/armbian"',
  'if [[ "${BRANCH}" == edge ]]; then',
  '\tEXTRAWIFI=no',
  'fi',
].join('\n');

describe('import by pasting', () => {
  it('imports a pasted .conf, lists what it kept verbatim and shows it in Extra lines', async () => {
    const { page, errors: pageErrors } = await h.open(h.owner, '/');
    errors.push(pageErrors);
    await page.getByText('Paste a .conf or ./compile.sh line…').click();
    await page.getByLabel('Config file or compile.sh command to import').fill(PASTED);
    await page.getByLabel('Name of the imported configuration').fill('Pasted rock 5b');
    await page.locator('.import-paste-form button[type=submit]').click();
    await expect.poll(() => page.getByTestId('top-config-name').textContent(), poll).toBe('Pasted rock 5b');
    await formReady(page);
    const notes = page.locator('.import-notes');
    await expect.poll(() => notes.textContent(), poll).toContain('Line 6: CUSTOM_DIR uses $HOME');
    await expect.poll(() => field(page, 'VENDOR').locator('input').inputValue(), poll).toBe('My # Images');
    const extra = field(page, 'extraLines').locator('textarea');
    await expect.poll(() => extra.inputValue(), poll).toBe('CUSTOM_DIR="$HOME/armbian"\nif [[ "${BRANCH}" == edge ]]; then\n\tEXTRAWIFI=no\nfi');
    await field(page, 'extraLines').scrollIntoViewIfNeeded();
    await h.screenshot(page, 'pasted-conf-extra-lines');
  });

  it('imports a pasted ./compile.sh line named after its board', async () => {
    const { page, errors: pageErrors } = await h.open(h.owner, '/');
    errors.push(pageErrors);
    await page.getByText('Paste a .conf or ./compile.sh line…').click();
    await page
      .getByLabel('Config file or compile.sh command to import')
      .fill('./compile.sh build \\\n  BOARD=orangepi5 BRANCH=vendor RELEASE=noble BUILD_MINIMAL=no BUILD_DESKTOP=no \\\n  KERNEL_CONFIGURE=no ENABLE_EXTENSIONS=docker-ce');
    await page.locator('.import-paste-form button[type=submit]').click();
    await expect.poll(() => page.getByTestId('top-config-name').textContent(), poll).toBe('orangepi5');
    await formReady(page);
    await expect.poll(() => field(page, 'BRANCH').locator('select').inputValue(), poll).toBe('vendor');
  });
});

describe('option help', () => {
  it('links an option to its Armbian documentation and framework source', async () => {
    const { page, errors: pageErrors } = await h.open(h.owner, '/');
    errors.push(pageErrors);
    await page.getByLabel('New configuration name').fill('Help links');
    await page.keyboard.press('Enter');
    await formReady(page);
    const output = field(page, 'COMPRESS_OUTPUTIMAGE');
    await output.scrollIntoViewIfNeeded();
    const docs = output.getByRole('link', { name: 'Armbian docs' });
    expect(await docs.getAttribute('href')).toMatch(/^https:\/\/docs\.armbian\.com\/Developer-Guide_Build-Switches\/#/);
    expect(await output.getByRole('link', { name: 'framework source' }).getAttribute('href')).toMatch(
      /^https:\/\/github\.com\/armbian\/build\/blob\/[0-9a-f]{40}\/lib\/functions\/image\/compress-checksum\.sh$/,
    );
    expect(await output.locator('.field-help').textContent()).toContain('img is never read');
    await h.screenshot(page, 'option-help-links');
  });
});
