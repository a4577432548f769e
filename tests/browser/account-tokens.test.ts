/**
 * The account page's access tokens, in Chromium: make one restricted to a configuration, see its
 * secret once (and use it from a script), see its last use after a reload without the secret,
 * revoke it with a confirmation, after which the script is refused at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConfig } from '../helpers/server.ts';
import { startHarness, type Harness } from './browser-harness.ts';

let h: Harness;
let configId: string;
const errors: string[][] = [];

beforeAll(async () => {
  h = await startHarness('account-tokens');
  configId = await createConfig(h.server, { name: 'CI board' });
  await createConfig(h.server, { name: 'Not for scripts' });
}, 120_000);

afterAll(async () => {
  await h?.close();
  expect(errors.flat()).toEqual([]);
});

describe('account page: access tokens', () => {
  it('makes a token shown once, lists its last use and revokes it', async () => {
    const o = await h.open(h.owner, '/account');
    errors.push(o.errors);
    const { page } = o;
    const section = page.getByTestId('tokens-section');
    await section.getByText('No tokens yet.').waitFor();

    await section.getByLabel('Name').fill('nightly build');
    await section.getByRole('checkbox', { name: /^build/ }).check();
    await section.getByRole('radio', { name: 'Only these:' }).check();
    await section.getByRole('checkbox', { name: 'CI board' }).check();
    await section.getByRole('button', { name: 'Create token' }).click();
    const secret = (await page.getByTestId('token-secret').textContent()) ?? '';
    expect(secret).toMatch(/^brt_[0-9a-f]{24}_/);
    await expect(page.getByRole('button', { name: /Copy.*access token/ }).count()).resolves.toBe(1);
    await h.screenshot(page, 'token-created');

    // A script uses it: the configuration it names, and nothing else.
    const script = (path: string) => fetch(`${h.server.url}${path}`, { headers: { authorization: `Bearer ${secret}` } });
    expect((await script(`/api/configs/${configId}`)).status).toBe(200);
    expect(((await (await script('/api/configs')).json()) as Array<{ name: string }>).map((c) => c.name)).toEqual(['CI board']);

    // After a reload: listed with scopes, restriction and last use, and the secret is gone.
    await page.reload();
    const row = page.getByTestId('token-row');
    await row.waitFor();
    // The configuration's name comes with the list of configurations, which loads beside the tokens.
    await expect.poll(() => row.textContent()).toMatch(/nightly build.*read, build.*CI board.*from 127\.0\.0\.1/);
    expect(await page.content()).not.toContain(secret.slice(-43));
    await h.screenshot(page, 'token-listed');

    // When the list of configurations cannot be read, the row does not claim the access is gone.
    await page.route('**/api/configs', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":{"code":"unavailable","message":"down"}}' }));
    await page.reload();
    await row.waitFor();
    await expect.poll(() => row.textContent()).toContain('its name could not be loaded');
    expect(await row.textContent()).not.toContain('no longer reach');
    await page.unroute('**/api/configs');
    await page.reload();
    await expect.poll(() => row.textContent()).toContain('CI board');

    await row.getByRole('button', { name: 'Revoke nightly build' }).click();
    await row.getByRole('button', { name: 'Revoke', exact: true }).click();
    await page.getByTestId('no-tokens').waitFor();
    const refused = await script(`/api/configs/${configId}`);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('token_revoked');
  });
});
