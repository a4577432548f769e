/**
 * The organisation page's Members in the browser: the last owner is not offered "Leave" and is
 * told why in place; when a race still reaches the server (the other owner was demoted after
 * the page loaded), the server's refusal is said and the list catches up. An admin's view of a
 * populated organisation (members, teams, policies, audit) is photographed section by section.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../helpers/auth.ts';
import { createOrgFixture, type OrgFixture } from '../helpers/org-fixture.ts';
import { startHarness, type Harness } from './browser-harness.ts';

let h: Harness;
let org: OrgFixture;
let ada: TestUser;
let bob: TestUser;
const errors: string[][] = [];

beforeAll(async () => {
  h = await startHarness('orgs-members');
  org = await createOrgFixture(h.server, 'Pine Labs', 'viewer');
  ada = await org.member('Ada Admin', 'admin');
  bob = await org.member('Bob Builder', 'owner');
  const kim = await org.member('Kim Kernel');
  const rui = await org.member('Rui Release');
  const as = org.as(org.owner);
  const kernel = await org.team('kernel', 'editor');
  const release = await org.team('release', 'commenter');
  for (const [team, who] of [
    [kernel, kim],
    [release, rui],
    [release, ada],
  ] as const) {
    const added = await as(`/api/orgs/${org.orgId}/teams/${team}/members/${who.user.id}`, { method: 'PUT' });
    expect(added.status).toBe(204);
  }
  await org.config('Rock 5B server');
  const invited = await as(`/api/orgs/${org.orgId}/invitations`, { method: 'POST', body: JSON.stringify({ email: 'lena.lopez@example.test', role: 'member' }) });
  expect(invited.status).toBe(201);
  const policies = await as(`/api/orgs/${org.orgId}/policies`, { method: 'PUT', body: JSON.stringify({ requireApproval: true, requiredApprovals: 2, allowedLinkRoles: ['viewer', 'commenter'] }) });
  expect(policies.status).toBe(200);
}, 180_000);

afterAll(async () => {
  await h?.close();
  expect(errors.flat()).toEqual([]);
});

describe('organisation members in the browser', () => {
  it('says the server’s refusal when the other owner was demoted after the page loaded', async () => {
    const o = await h.open(org.owner, `/orgs/${org.orgId}`);
    errors.push(o.errors);
    const members = o.page.getByTestId('org-member-list');
    await members.getByText('Bob Builder').waitFor();
    // Two owners: leaving is offered.
    await o.page.getByRole('button', { name: 'Leave Pine Labs org' }).waitFor();
    const demoted = await org.as(org.owner)(`/api/orgs/${org.orgId}/members/${bob.user.id}`, { method: 'PATCH', body: JSON.stringify({ role: 'admin' }) });
    expect(demoted.status).toBe(200);

    await o.page.getByRole('button', { name: 'Leave Pine Labs org' }).click();
    await o.page.getByRole('group', { name: 'Leave Pine Labs org?' }).getByRole('button', { name: 'Leave', exact: true }).click();
    await o.page.getByTestId('org-members').getByRole('alert').filter({ hasText: 'an organisation keeps at least one owner' }).waitFor();
    // The list caught up: Bob is an admin now, and the last owner is told why instead.
    await members.getByTestId('last-owner-note').waitFor();
    expect(await o.page.getByRole('button', { name: 'Leave Pine Labs org' }).count()).toBe(0);
    await h.screenshot(o.page, 'leave-refused-by-server');
    const listed = (await (await org.as(org.owner)(`/api/orgs/${org.orgId}/members`)).json()) as Array<{ userId: string; role: string }>;
    expect(listed.find((m) => m.userId === org.owner.user.id)?.role).toBe('owner');
  });

  it('does not offer Leave to the last owner, and says why in place', async () => {
    const o = await h.open(org.owner, `/orgs/${org.orgId}`);
    errors.push(o.errors);
    const me = o.page.getByTestId('org-member-list').locator(`[data-member="${org.owner.user.email}"]`);
    await me.getByText('You are the last owner; make someone else owner first').waitFor();
    expect(await me.getByRole('button').count()).toBe(0);
    await o.page.getByTestId('org-members').screenshot({ path: `${h.shotsDir}/owner-members.png` });
  });

  it('shows an admin the organisation: people to manage, teams, policies and the audit log', async () => {
    const a = await h.open(ada, `/orgs/${org.orgId}`);
    errors.push(a.errors);
    const { page } = a;
    const members = page.getByTestId('org-member-list');
    await members.getByText('Rui Release').waitFor();
    // An admin manages members and admins, not owners; she may leave herself.
    await members.getByLabel('Role of Kim Kernel').waitFor();
    expect(await members.getByLabel('Role of Pine Labs owner').count()).toBe(0);
    expect(await members.getByLabel('Role of Kim Kernel').locator('option').allTextContents()).toEqual(['Member', 'Admin']);
    await page.getByRole('button', { name: 'Leave Pine Labs org' }).waitFor();
    await page.getByTestId('org-pending-invitations').getByText('lena.lopez@example.test').waitFor();
    await page.locator('.team-card[data-team=release]').getByText('Rui Release').waitFor();
    await page.getByTestId('audit-row').first().waitFor();

    await page.screenshot({ path: `${h.shotsDir}/admin-org-page.png`, fullPage: true });
    await page.getByTestId('org-members').screenshot({ path: `${h.shotsDir}/admin-members.png` });
    await page.locator('section[aria-labelledby=org-teams]').screenshot({ path: `${h.shotsDir}/admin-teams.png` });
    await page.getByTestId('policies-section').screenshot({ path: `${h.shotsDir}/admin-policies.png` });
    await page.getByTestId('audit-section').screenshot({ path: `${h.shotsDir}/admin-audit.png` });
  });
});
