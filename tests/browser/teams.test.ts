/**
 * Teams from the browser: an organisation owner makes team "kernel" on the organisation page and
 * puts a member in it; in a configuration's Share dialog they give the team a role, and the member
 * appears with "via team kernel"; removing the team's role there removes the member's access,
 * in the list and on the server.
 */
import { eq } from 'drizzle-orm';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { organisations } from '../../shared/node/db/orgs-schema.ts';
import { configs } from '../../shared/node/db/schema.ts';
import { createOrgStore } from '../../server/orgs/org-store.ts';
import { authed, signUp, type TestUser } from '../helpers/auth.ts';
import { addMember, createConfig } from '../helpers/server.ts';
import { formReady, startHarness, type Harness } from './browser-harness.ts';

const AXE_SOURCE = readFileSync(path.join(path.dirname(createRequire(import.meta.url).resolve('axe-core')), 'axe.min.js'), 'utf8');

/** axe-core's serious and critical findings on the page (the bar tests/browser/accessibility.test.ts sets). */
async function seriousFindings(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(d: Document, o: object): Promise<{ violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: string[] }> }> }> } }).axe;
    const { violations } = await axe.run(document, { resultTypes: ['violations'] });
    return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

let h: Harness;
let orgId: string;
let configId: string;
let kim: TestUser;
const errors: string[][] = [];

beforeAll(async () => {
  h = await startHarness('teams');
  const made = await h.server.api('/api/orgs', { method: 'POST', body: JSON.stringify({ name: 'Rockchip Works' }) });
  orgId = ((await made.json()) as { id: string }).id;
  // No organisation-wide role: what Kim holds comes from the team alone.
  await h.server.database.db.update(organisations).set({ memberRole: null }).where(eq(organisations.id, orgId));
  kim = await signUp(h.server.url, 'Kim Kernel');
  await createOrgStore(h.server.database.db).setMember(orgId, kim.user.id, 'member');
  configId = await createConfig(h.server, { name: 'Rock 5B server', data: { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie' } });
  await h.server.database.db.update(configs).set({ orgId }).where(eq(configs.id, configId));
}, 120_000);

afterAll(async () => {
  await h?.close();
  expect(errors.flat()).toEqual([]);
});

describe('teams', () => {
  it('are made on the organisation page, given a role in the Share dialog, and removed from it', async () => {
    const a = await h.open(h.owner, `/orgs/${orgId}`);
    errors.push(a.errors);
    const page = a.page;
    const section = page.locator('section[aria-labelledby=org-teams]');
    await section.getByText('No teams yet.').waitFor();
    await section.getByLabel('New team', { exact: true }).fill('kernel');
    await section.getByRole('button', { name: 'Create team' }).click();
    const card = section.locator('.team-card[data-team=kernel]');
    await card.getByText('Nobody in this team yet.').waitFor();
    // The picker offers the organisation's members who are not in the team.
    const picker = card.getByLabel('Person to add to team kernel');
    expect(await picker.locator('option').allTextContents()).toContain(`Kim Kernel (${kim.user.email})`);
    await picker.selectOption({ label: `Kim Kernel (${kim.user.email})` });
    await card.getByRole('button', { name: 'Add to team' }).click();
    await card.getByRole('list', { name: 'Members of team kernel' }).getByText('Kim Kernel').waitFor();
    expect(await card.locator('.team-count').textContent()).toContain('1 member');
    await h.screenshot(page, 'org-teams');
    expect(await seriousFindings(page)).toEqual([]);

    // The Share dialog of a configuration of the organisation, where Kim is also a direct viewer.
    await addMember(h.server, configId, kim, 'viewer');
    const b = await h.open(h.owner, `/c/${configId}`);
    errors.push(b.errors);
    const owner = b.page;
    await formReady(owner);
    await owner.getByTestId('share-button').click();
    const dialog = owner.getByTestId('share-dialog');
    const sources = dialog.getByTestId('access-sources');
    await sources.waitFor();
    expect(await dialog.getByTestId('team-grants').textContent()).toContain('No team has a role on this configuration.');
    const kimRow = sources.locator(`[data-person="${kim.user.email}"]`);
    expect(await kimRow.locator('.access-source').allTextContents()).toEqual(['direct: Viewer×']);

    await dialog.getByLabel('Team', { exact: true }).selectOption({ label: 'kernel' });
    await dialog.getByLabel('Team role').selectOption('editor');
    await dialog.getByRole('button', { name: 'Give role' }).click();
    await expect.poll(() => kimRow.locator('.access-source').allTextContents()).toEqual(['via team kernel: Editor×', 'direct: Viewer×']);
    expect(await kimRow.getByTestId('effective-role').textContent()).toBe('Editor');
    // The owner's own access: ownership and the organisation.
    const ownerRow = sources.locator(`[data-person="${h.owner.user.email}"]`);
    expect(await ownerRow.locator('.access-source').allTextContents()).toEqual(['owns it', 'organisation owner: Owner']);
    expect((await authed(h.server.url, kim.token)(`/api/configs/${configId}`)).status).toBe(200);
    await dialog.locator('[data-team=kernel]').scrollIntoViewIfNeeded();
    await h.screenshot(owner, 'share-dialog-team-sources');
    expect(await seriousFindings(owner)).toEqual([]);

    // Removing the direct grant on Kim's line: the team still makes Kim an editor; the People
    // list (direct members) no longer has Kim.
    await kimRow.getByRole('button', { name: 'Remove the direct grant of Kim Kernel' }).click();
    await expect.poll(() => kimRow.locator('.access-source').allTextContents()).toEqual(['via team kernel: Editor×']);
    await expect.poll(() => dialog.getByTestId('members').textContent()).not.toContain('Kim Kernel');
    expect(await kimRow.getByTestId('effective-role').textContent()).toBe('Editor');

    // Removing the team's role right on Kim's line: Kim is gone from the list, and from the server.
    await kimRow.getByRole('button', { name: 'Remove the role of team kernel' }).click();
    await kimRow.waitFor({ state: 'detached' });
    expect(await dialog.getByTestId('team-grants').textContent()).toContain('No team has a role on this configuration.');
    expect((await authed(h.server.url, kim.token)(`/api/configs/${configId}`)).status).toBe(404);
  });
});
