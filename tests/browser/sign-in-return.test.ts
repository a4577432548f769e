/**
 * Where the sign-in page sends someone afterwards (`?next=`, `shared/safe-next.ts`): back to the
 * configuration they were asked to sign in for, and never to another site, whatever a link put in
 * `next` (the start page instead, signed in and working).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../helpers/auth.ts';
import { createConfig } from '../helpers/server.ts';
import { formReady, startHarness, type Harness } from './browser-harness.ts';

let h: Harness;
let configId: string;
let person: TestUser;
const errors: string[][] = [];

beforeAll(async () => {
  h = await startHarness('sign-in-return');
  configId = await createConfig(h.server, { name: 'Return trip', data: { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie', VENDOR: 'Acme' } });
  person = await h.member('Rita', configId, 'editor');
}, 120_000);

afterAll(async () => {
  await h?.close();
  expect(errors.flat()).toEqual([]);
});

async function signInWith(next: string) {
  const o = await h.open(null, `/login?next=${encodeURIComponent(next)}`);
  errors.push(o.errors);
  const { page } = o;
  await page.getByLabel('Email').fill(person.user.email);
  await page.getByLabel('Password').fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
  return page;
}

describe('signing in', () => {
  it('returns to the page that asked for it', async () => {
    const page = await signInWith(`/c/${configId}`);
    expect(new URL(page.url()).pathname).toBe(`/c/${configId}`);
    await formReady(page);
  });

  it('never leaves the site, whatever next says', async () => {
    for (const next of ['//evil.example/', '/\\evil.example/', 'https://evil.example/', '/%2F%2Fevil.example', '/\t/evil.example', 'javascript:alert(1)']) {
      const page = await signInWith(next);
      const url = new URL(page.url());
      expect(url.origin, next).toBe(h.server.url);
      expect(url.pathname, next).toBe('/');
      if (next === '/\\evil.example/') await h.screenshot(page, 'after-hostile-next');
      await page.close();
    }
  });
});
