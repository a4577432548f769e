/**
 * A page older than the server (loaded before a deploy that dropped its extension protocol
 * version) is told so once: a banner "Boardroom was updated" with a Reload button (the panels
 * under it do not repeat it), and no reconnect loop (the server saw exactly one refused connection).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXT_PROTOCOL_VERSION } from '../../shared/ext-messages.ts';
import { CloseCode } from '../../shared/protocol.ts';
import { createConfig, scrapeMetrics, TEST_METRICS_TOKEN } from '../helpers/server.ts';
import { startHarness, type Harness } from './browser-harness.ts';

let h: Harness;
const errors: string[][] = [];

beforeAll(async () => {
  // The server has moved on past the version this client build speaks.
  h = await startHarness('client-too-old', { minExtVersion: EXT_PROTOCOL_VERSION + 1, metricsToken: TEST_METRICS_TOKEN });
}, 120_000);

afterAll(async () => {
  await h?.close();
  expect(errors.flat()).toEqual([]);
});

describe('a page older than the server', () => {
  it('says the server was updated, offers Reload, and does not keep reconnecting', async () => {
    const configId = await createConfig(h.server, { name: 'After the deploy' });
    const { page, errors: pageErrors } = await h.open(h.owner, `/c/${configId}`);
    errors.push(pageErrors);
    const banner = page.locator(`[data-testid=connection-banner][data-code="${CloseCode.clientTooOld.code}"]`);
    await banner.waitFor();
    expect(await banner.textContent()).toContain('Boardroom was updated.');
    expect(await banner.textContent()).toContain('Reload the page to continue.');
    expect(await banner.getByRole('button', { name: 'Reload' }).isVisible()).toBe(true);
    // Nothing was loaded: the status bar neither claims "Saved" nor counts an empty document's problems.
    expect(await page.getByTestId('save-status').textContent()).toBe('Not loaded yet');
    expect(await page.getByTestId('problem-counts').isVisible()).toBe(false);
    // The banner says it once; the panels under it do not repeat it, each one only says it is empty.
    await page.getByTestId('panel-not-loaded').first().waitFor();
    expect(await page.getByText('Cannot open this configuration').count()).toBe(0);
    expect(await page.locator('[data-panel=form]').textContent()).toBe('Not loaded.');
    await h.screenshot(page, 'client-too-old-banner');
    // The banner shows only once the provider gave up: one refused connection, not a loop.
    const metrics = await (await scrapeMetrics(h.server.url)).text();
    expect(metrics).toMatch(new RegExp(`boardroom_rejected_messages_total\\{reason="auth:${CloseCode.clientTooOld.code}"\\} 1\\n`));
  });
});
