/**
 * Organisation policies in Chromium: an admin sets "no editor links", a 7-day link limit and two
 * required approvals on the organisation page; the new-link form of an organisation configuration
 * then offers neither editor nor "never" and says why, and the Review panel says what the
 * organisation requires and does not offer to switch it off. A plain member reads the policies.
 */
import { eq, sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configs } from '../../shared/node/db/schema.ts';
import { authed, signUp } from '../helpers/auth.ts';
import { createConfig } from '../helpers/server.ts';
import { formReady, startHarness, type Harness } from './browser-harness.ts';

let h: Harness;
let orgId: string;
let configId: string;
const errors: string[][] = [];

beforeAll(async () => {
  h = await startHarness('org-policies');
  const made = await authed(h.server.url, h.owner.token)('/api/orgs', { method: 'POST', body: JSON.stringify({ name: 'Acme Boards' }) });
  orgId = ((await made.json()) as { id: string }).id;
  configId = await createConfig(h.server, { name: 'Kiosk image', data: { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie' } });
  await h.server.database.db.update(configs).set({ orgId }).where(eq(configs.id, configId));
}, 120_000);

afterAll(async () => {
  await h?.close();
  expect(errors.flat()).toEqual([]);
});

const optionsOf = (page: Page, select: ReturnType<Page['getByLabel']>) => select.locator('option').evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));

describe('organisation policies', () => {
  it('an admin forbids editor links; the new-link form of an organisation configuration no longer offers editor, saying why', async () => {
    const a = await h.open(h.owner, `/orgs/${orgId}`);
    errors.push(a.errors);
    const page = a.page;
    const section = page.getByTestId('policies-section');
    await section.getByRole('heading', { name: 'Policies' }).waitFor();
    await h.screenshot(page, 'policies-defaults');

    await section.getByRole('checkbox', { name: /Editor/ }).uncheck();
    await section.getByLabel('Longest a share link may live').selectOption({ label: '7 days' });
    await section.getByRole('checkbox', { name: /Every build needs an approved review/ }).check();
    await section.locator('input[name=required-approvals]').fill('2');
    await section.locator('input[name=required-approvals]').press('Tab');
    await section.getByRole('button', { name: 'Save policies' }).click();
    await expect.poll(() => section.getByTestId('policies-saved').textContent()).toContain('Saved.');
    await h.screenshot(page, 'policies-saved');
    const stored = (await (await authed(h.server.url, h.owner.token)(`/api/orgs/${orgId}/policies`)).json()) as Record<string, unknown>;
    expect(stored).toMatchObject({ allowedLinkRoles: ['viewer', 'commenter'], maxLinkLifetimeMs: 7 * 86_400_000, requireApproval: true, requiredApprovals: 2 });

    // The configuration: the new-link form offers viewer and commenter, no "never", and says why.
    await page.goto(`${h.server.url}/c/${configId}`);
    await formReady(page);
    await page.getByTestId('share-button').click();
    const dialog = page.getByTestId('share-dialog');
    await dialog.getByRole('heading', { name: 'Links', exact: true }).waitFor();
    const form = dialog.getByRole('form', { name: 'New link' });
    await expect.poll(() => optionsOf(page, form.getByLabel('Role'))).toEqual(['viewer', 'commenter']);
    expect(await optionsOf(page, form.getByLabel('Expires'))).toEqual(['1d', '7d', 'custom']);
    expect(await dialog.getByTestId('link-policy-note').textContent()).toBe('The organisation Acme Boards does not allow editor links and limits links to 7 days.');
    await h.screenshot(page, 'policies-new-link-form');
    await form.getByLabel('Role').selectOption('commenter');
    await form.getByRole('button', { name: 'Create link' }).click();
    await dialog.getByTestId('new-link-url').waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });

    // The Review panel: what the organisation requires, and no way to switch it off.
    await page.locator('.lm_tab', { hasText: 'Review' }).click();
    await expect.poll(() => page.getByTestId('org-approval-rule').textContent()).toBe('Required by Acme Boards: at least 2 approvals before every build.');
    expect(await page.getByTestId('require-approval').isChecked()).toBe(true);
    expect(await page.getByTestId('require-approval').isDisabled()).toBe(true);
    expect(await page.getByTestId('required-approvals').getAttribute('min')).toBe('2');
    await h.screenshot(page, 'policies-review-panel');
  });

  it('a member reads the policies in words, with nothing to change', async () => {
    const mia = await signUp(h.server.url, 'Mia Member');
    await h.server.database.db.execute(sql`insert into org_members (org_id, user_id, role) values (${orgId}, ${mia.user.id}, 'member')`);
    const b = await h.open(mia, `/orgs/${orgId}`);
    errors.push(b.errors);
    const list = b.page.getByTestId('policies-read-only');
    await list.waitFor();
    const text = await list.textContent();
    expect(text).toContain('Viewer, Commenter');
    expect(text).toContain('7 days');
    expect(text).toContain('at least 2 approvals');
    expect(await b.page.getByRole('button', { name: 'Save policies' }).count()).toBe(0);
    await h.screenshot(b.page, 'policies-member');
  });
});
