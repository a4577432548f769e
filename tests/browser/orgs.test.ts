/**
 * Organisations in Chromium: create one from the top bar's workspace switcher, switch to it,
 * create a configuration there, invite a member from the organisation page (the link shown
 * once), who accepts in a second browser context and then sees the configuration in the
 * organisation's workspace.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp } from '../helpers/auth.ts';
import { startHarness, type Harness } from './browser-harness.ts';

let h: Harness;
const errors: string[][] = [];

beforeAll(async () => {
  h = await startHarness('orgs');
}, 180_000);

afterAll(async () => {
  await h?.close();
  expect(errors.flat()).toEqual([]);
});

describe('organisations in the browser', () => {
  it('creates an organisation, a configuration in it, and a member who accepts and sees it', async () => {
    const o = await h.open(h.owner, '/');
    errors.push(o.errors);
    const { page } = o;
    await page.getByTestId('workspace-menu').click();
    await page.getByRole('menuitem', { name: 'New organisation…' }).click();
    await page.getByTestId('new-org-name').fill('Pine Labs');
    await h.screenshot(page, 'new-org-dialog');
    await page.getByTestId('create-org').click();
    await page.getByTestId('workspace-menu').getByText('Pine Labs').first().waitFor();

    await page.getByLabel('New configuration name').fill('Pine board');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.waitForURL(/\/c\//);
    const configId = decodeURIComponent(new URL(page.url()).pathname.split('/')[2]);
    const listed = (await (await h.server.api('/api/configs')).json()) as Array<{ id: string; orgId: string | null }>;
    const orgId = listed.find((c) => c.id === configId)!.orgId;
    expect(orgId).toBeTruthy();
    await h.screenshot(page, 'workspace-switcher');

    // Invite from the organisation page.
    await page.getByTestId('org-page-link').click();
    const members = page.getByTestId('org-members');
    await members.getByTestId('org-invite-email').fill('new.person@example.test');
    await members.getByTestId('org-invite').click();
    const url = await page.getByTestId('org-invitation-url').inputValue();
    expect(url).toContain('/oi/');
    await h.screenshot(page, 'org-members');

    // A second person accepts in their own browser context.
    const bea = await signUp(h.server.url, 'Bea');
    const b = await h.open(bea, new URL(url).pathname);
    errors.push(b.errors);
    await b.page.getByRole('heading', { name: /Pine Labs/ }).waitFor();
    await h.screenshot(b.page, 'org-invitation');
    await b.page.getByTestId('accept-org-invitation').click();
    await b.page.getByTestId('org-member-list').getByText('Bea (you)').waitFor();

    // Back to the workbench: switch to the organisation and find the configuration.
    await b.page.goto(`${h.server.url}/`);
    await b.page.getByTestId('workspace-menu').click();
    await b.page.getByRole('menuitemcheckbox', { name: /Pine Labs/ }).click();
    await b.page.getByRole('list', { name: 'Configurations' }).getByText('Pine board').waitFor();
    await h.screenshot(b.page, 'member-sees-config');
    expect(orgId).not.toBeNull();
  });
});
