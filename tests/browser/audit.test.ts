/**
 * The organisation page's audit log, in Chromium: an admin sees who did what, when and from
 * where; filters by action and sees only that entry; "Load more" is there only while older
 * entries are; "Export JSON lines" downloads every entry the filters match. A member of the
 * organisation does not get the section.
 */
import { readFile } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrgStore } from '../../server/orgs/org-store.ts';
import { configs } from '../../shared/node/db/schema.ts';
import { signUp, type TestUser } from '../helpers/auth.ts';
import { createConfig } from '../helpers/server.ts';
import { startHarness, type Harness } from './browser-harness.ts';

let h: Harness;
let orgId: string;
let admin: TestUser;
let member: TestUser;
const errors: string[][] = [];

beforeAll(async () => {
  h = await startHarness('audit');
  const api = h.server.api;
  orgId = ((await (await api('/api/orgs', { method: 'POST', body: JSON.stringify({ name: 'Acme Boards' }) })).json()) as { id: string }).id;
  admin = await signUp(h.server.url, 'Grace Admin');
  member = await signUp(h.server.url, 'Mo Member');
  const orgs = createOrgStore(h.server.database.db);
  await orgs.setMember(orgId, admin.user.id, 'admin');
  await orgs.setMember(orgId, member.user.id, 'member');
  const configId = await createConfig(h.server, { name: 'Rock 5B image' });
  await h.server.database.db.update(configs).set({ orgId }).where(eq(configs.id, configId));
  const post = (path: string, body: unknown) => api(path, { method: 'POST', body: JSON.stringify(body) });
  expect((await post(`/api/configs/${configId}/shares`, { role: 'viewer', label: 'for the vendor' })).status).toBe(201);
  expect((await post(`/api/configs/${configId}/members`, { email: member.user.email, role: 'viewer' })).status).toBe(201);
  expect((await api(`/api/configs/${configId}/secrets/rootPassword`, { method: 'PUT', body: JSON.stringify({ value: 'Sw0rdfish-42' }) })).status).toBe(200);
}, 120_000);

afterAll(async () => {
  await h?.close();
  expect(errors.flat()).toEqual([]);
});

describe('organisation page: audit log', () => {
  it('an admin filters by action, sees the entry, and exports JSON lines', async () => {
    const o = await h.open(admin, `/orgs/${orgId}`);
    errors.push(o.errors);
    const { page } = o;
    const section = page.getByTestId('audit-section');
    const rows = section.getByTestId('audit-row');
    await rows.first().waitFor();
    // The organisation's creation, the link, the invitation and the secret: newest first.
    await expect(rows.evaluateAll((all) => all.map((r) => r.getAttribute('data-action')))).resolves.toEqual([
      'secret.set',
      'invitation.created',
      'link.created',
      'org.created',
    ]);
    await expect(rows.first().textContent()).resolves.toMatch(/Owner.*Set a first-boot secret.*Rock 5B image.*rootPassword.*127\.0\.0\.1/);
    expect(await page.content()).not.toContain('Sw0rdfish-42');
    await expect(section.getByRole('button', { name: 'Load more' }).count()).resolves.toBe(0);
    await h.screenshot(page, 'audit-all');

    await section.getByLabel('Action').selectOption({ label: 'Created a share link' });
    await expect.poll(() => rows.count()).toBe(1);
    await expect(rows.first().textContent()).resolves.toMatch(/Created a share link.*live link · role viewer · “for the vendor”/);
    await h.screenshot(page, 'audit-filtered');

    // The export takes the same filter.
    const [download] = await Promise.all([page.waitForEvent('download'), section.getByRole('link', { name: 'Export JSON lines' }).click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^audit-${orgId}-\\d{4}-\\d{2}-\\d{2}\\.jsonl$`));
    const lines = (await readFile((await download.path())!, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as { action: string; target: { label: string } });
    expect(lines).toEqual([expect.objectContaining({ action: 'link.created', target: expect.objectContaining({ label: 'for the vendor' }) })]);

    // Back to every action: the export has every entry.
    await section.getByLabel('Action').selectOption({ label: 'Any action' });
    await expect.poll(() => rows.count()).toBe(4);
    const [all] = await Promise.all([page.waitForEvent('download'), section.getByRole('link', { name: 'Export JSON lines' }).click()]);
    expect((await readFile((await all.path())!, 'utf8')).trimEnd().split('\n')).toHaveLength(4);
  });

  it('is not shown to a member', async () => {
    const o = await h.open(member, `/orgs/${orgId}`);
    errors.push(o.errors);
    await o.page.getByTestId('org-role').waitFor();
    await expect(o.page.getByTestId('audit-section').count()).resolves.toBe(0);
  });
});
