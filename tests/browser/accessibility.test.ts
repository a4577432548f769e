/**
 * Accessibility in Chromium: an automated axe-core pass over the editor (form, panels, the Panels
 * menu open, a field's comments popover, the Share dialog) finds nothing serious or critical; the
 * keyboard reaches everything with one Tab stop per form field (its actions behind Shift+F10 and
 * the arrow keys), one per panel tab strip (arrows move and bring tabs to the front), menus that
 * open with Enter/↓, move with the arrows and close with Escape; a group of panels is maximised,
 * restored and closed by keyboard; the notes toolbar is one Tab stop; and following someone survives
 * putting the caret in a field, ending only on an edit or Escape.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestUser } from '../helpers/auth.ts';
import { createConfig } from '../helpers/server.ts';
import { field, formReady, startHarness, type Harness } from './browser-harness.ts';
import { MULTI_INSTANCE_PANELS, PANEL_TITLES } from '../../client/workspace/panel-types.ts';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(path.join(path.dirname(require.resolve('axe-core')), 'axe.min.js'), 'utf8');

/** Impacts that fail the pass; "minor" and "moderate" findings are printed, not failed. */
const FAILING_IMPACTS = new Set(['serious', 'critical']);

/** Upper bound on Tab presses while walking the form: far more than its fields, so a loop ends. */
const MAX_TABS = 400;

let h: Harness;
let configId: string;
let editor: TestUser;
let owner: Page;
const errors: string[][] = [];

interface Finding {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** axe-core over the whole page (injected through the debugger, which the page's CSP allows). */
async function axeFindings(page: Page): Promise<Finding[]> {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[]; failureSummary?: string }[] }[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      // One line per kind of element (ids of fields differ, the problem does not).
      nodes: [...new Set(v.nodes.map((n) => `${n.target.join(' ').replace(/#f-[\w-]+?-([A-Za-z_]+)-/g, '#f-…-')}${n.failureSummary ? ` — ${n.failureSummary.split('\n').slice(1, 2).join('').trim()}` : ''}`))].slice(0, 12),
    }));
  });
}

async function expectNoSeriousFindings(page: Page, state: string): Promise<void> {
  const findings = await axeFindings(page);
  const failing = findings.filter((f) => FAILING_IMPACTS.has(f.impact ?? ''));
  const report = (list: Finding[]) => list.map((f) => `[${f.impact}] ${f.id}: ${f.help}\n    ${f.nodes.join('\n    ')}`).join('\n');
  if (findings.length > failing.length) console.log(`axe (${state}), not failing:\n${report(findings.filter((f) => !failing.includes(f)))}`);
  expect(failing, `axe (${state}) found:\n${report(failing)}`).toEqual([]);
}

/** What has focus, in words a test can compare: a field pointer, a tab title, a role and name. */
function focused(page: Page): Promise<{ pointer: string | null; role: string | null; text: string; testId: string | null; inForm: boolean }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return {
      pointer: el?.closest('[data-pointer]')?.getAttribute('data-pointer') ?? null,
      role: el?.getAttribute('role') ?? el?.tagName.toLowerCase() ?? null,
      text: (el?.getAttribute('aria-label') ?? el?.textContent ?? '').trim(),
      testId: el?.getAttribute('data-testid') ?? null,
      inForm: !!el?.closest('[data-testid=config-form]'),
    };
  });
}

beforeAll(async () => {
  h = await startHarness('accessibility');
  configId = await createConfig(h.server, {
    name: 'Rock 5B NAS',
    data: { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie', BUILD_DESKTOP: 'no', VENDOR: 'Armbian-unofficial', timezone: 'Europe/Berlin', extraPackages: ['htop', 'samba'] },
  });
  editor = await h.member('Bea Editor', configId, 'editor');
  const o = await h.open(h.owner, `/c/${configId}`);
  owner = o.page;
  errors.push(o.errors);
  await formReady(owner);
}, 120_000);

afterAll(async () => {
  await h?.close();
  expect(errors.flat()).toEqual([]);
});

describe('automated accessibility pass', () => {
  it('finds nothing serious in the editor, with a menu, a comments popover and the Share dialog open', async () => {
    await expectNoSeriousFindings(owner, 'editor');

    await owner.getByRole('button', { name: 'Panels ▾' }).click();
    await owner.getByRole('menu').waitFor();
    await expectNoSeriousFindings(owner, 'Panels menu open');
    await owner.keyboard.press('Escape');

    await field(owner, 'RELEASE').getByTestId('comment-badge').click();
    await owner.getByTestId('comments-popover').waitFor();
    await expectNoSeriousFindings(owner, 'comments popover open');
    await owner.keyboard.press('Escape');
    await owner.getByTestId('comments-popover').waitFor({ state: 'detached' });

    await owner.getByTestId('share-button').click();
    await owner.getByTestId('share-dialog').getByRole('heading', { level: 2 }).waitFor();
    await h.screenshot(owner, 'share-dialog');
    await expectNoSeriousFindings(owner, 'Share dialog open');
    await owner.keyboard.press('Escape');
    await owner.getByTestId('share-dialog').waitFor({ state: 'detached' });
    await h.screenshot(owner, 'editor');
  });
});

describe('keyboard', () => {
  it('costs one Tab stop per form field; the field actions are behind Shift+F10 and the arrow keys', async () => {
    const rows = await owner.locator('[data-testid=config-form] [data-pointer]').evaluateAll((els) => els.map((e) => e.getAttribute('data-pointer')));
    expect(rows.length).toBeGreaterThan(20);

    await field(owner, rows[0]!.slice(1)).locator('input, select, textarea').first().focus();
    const stops: string[] = [];
    for (let i = 0; i < MAX_TABS; i++) {
      const now = await focused(owner);
      if (!now.inForm) break;
      stops.push(now.pointer ?? `(outside a field: ${now.role} ${now.text})`);
      await owner.keyboard.press('Tab');
    }
    // Every field once, in the form's order, and nothing else.
    expect(stops).toEqual(rows);

    // The field's actions: Shift+F10 from the control, → to history, Enter shows it, Escape returns.
    const vendor = field(owner, 'VENDOR').locator('input');
    await vendor.focus();
    await owner.keyboard.press('Shift+F10');
    expect(await focused(owner)).toMatchObject({ pointer: '/VENDOR', testId: 'comment-badge' });
    await owner.keyboard.press('ArrowRight');
    expect(await focused(owner)).toMatchObject({ pointer: '/VENDOR', testId: 'field-history' });
    await h.screenshot(owner, 'keyboard-field-actions');
    await owner.keyboard.press('Escape');
    expect(await vendor.evaluate((el) => el === document.activeElement)).toBe(true);
    await owner.keyboard.press('Shift+F10');
    await owner.keyboard.press('ArrowRight');
    await owner.keyboard.press('Enter');
    await expect.poll(() => owner.getByTestId('history-filter').inputValue()).toBe('/VENDOR');

    // A list field is one stop too: ← at the start of its box walks into the items.
    const packages = field(owner, 'extraPackages');
    await packages.locator('input').focus();
    await owner.keyboard.press('ArrowLeft');
    expect(await focused(owner)).toMatchObject({ pointer: '/extraPackages', text: 'samba' });
    await owner.keyboard.press('ArrowLeft');
    expect(await focused(owner)).toMatchObject({ text: 'htop' });
    await owner.keyboard.press('ArrowRight');
    await owner.keyboard.press('ArrowRight');
    expect(await packages.locator('input').evaluate((el) => el === document.activeElement)).toBe(true);
  });

  it('gives a read-only form one Tab stop per field as well: its first action', async () => {
    const viewer = await h.member('Val Viewer', configId, 'viewer');
    const v = await h.open(viewer, `/c/${configId}`);
    errors.push(v.errors);
    await formReady(v.page);
    await v.page.getByText('You are a viewer here: the form is read-only.').waitFor();
    const rows = await v.page.locator('[data-testid=config-form] [data-pointer]').evaluateAll((els) => els.map((e) => e.getAttribute('data-pointer')));
    await v.page.locator(`[data-pointer="${rows[0]}"] [tabindex="0"]`).focus();
    const stops: string[] = [];
    for (let i = 0; i < MAX_TABS; i++) {
      const now = await focused(v.page);
      if (!now.inForm) break;
      stops.push(now.pointer ?? `(outside a field: ${now.role} ${now.text})`);
      await v.page.keyboard.press('Tab');
    }
    expect(stops).toEqual(rows);
    // Enter on it shows the field's history (a viewer may not comment: history is first).
    await field(v.page, 'VENDOR').getByTestId('field-history').focus();
    await v.page.keyboard.press('Enter');
    await expect.poll(() => v.page.getByTestId('history-filter').inputValue()).toBe('/VENDOR');
    await v.context.close();
  });

  it('reaches each panel tab strip with one Tab stop; arrows move between tabs and bring them to the front', async () => {
    const strips = await owner.locator('[role=tablist].lm_tabs').count();
    expect(strips).toBeGreaterThanOrEqual(4);
    // From the top bar, Tab reaches one tab per strip: the one in front.
    await owner.getByTestId('reset-layout').focus();
    const reached: string[] = [];
    for (let i = 0; i < MAX_TABS && reached.length < strips; i++) {
      await owner.keyboard.press('Tab');
      const now = await focused(owner);
      if (now.role === 'tab' && (await owner.evaluate(() => document.activeElement?.classList.contains('lm_tab')))) {
        expect(await owner.evaluate(() => document.activeElement?.getAttribute('aria-selected'))).toBe('true');
        reached.push(now.text);
      }
    }
    expect(new Set(reached).size).toBe(strips);
    expect(reached).toContain('Form');

    // The checks' stack: Problems · JSON · Builds · Review.
    const problems = owner.locator('.lm_tab', { hasText: 'Problems' });
    await problems.click();
    await problems.focus();
    await owner.keyboard.press('ArrowRight');
    const json = owner.locator('.lm_tab', { hasText: 'JSON' });
    expect(await json.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await json.getAttribute('aria-selected')).toBe('true');
    expect(await json.getAttribute('tabindex')).toBe('0');
    expect(await problems.getAttribute('tabindex')).toBe('-1');
    await owner.locator('[data-panel=json]').waitFor({ state: 'visible' });
    await h.screenshot(owner, 'keyboard-panel-tab');
    await owner.keyboard.press('End');
    await owner.locator('[data-panel=review]').waitFor({ state: 'visible' });
    await owner.keyboard.press('ArrowRight'); // wraps to the first
    await owner.locator('[data-panel=problems]').waitFor({ state: 'visible' });
    expect(await owner.locator('[data-panel=review]').isVisible()).toBe(false);
    await owner.keyboard.press('ArrowLeft');
    await owner.locator('[data-panel=review]').waitFor({ state: 'visible' });
    // The panel is named by its tab.
    expect(await owner.getByRole('tabpanel', { name: 'Review' }).count()).toBe(1);
  });

  it('opens the Panels menu with Enter or ↓, moves with the arrows, closes with Escape back on the button', async () => {
    const button = owner.getByRole('button', { name: 'Panels ▾' });
    await button.focus();
    await owner.keyboard.press('Enter');
    const items = owner.getByRole('menu').locator('[role^=menuitem]');
    const names = await items.allTextContents();
    // Every panel, and another Form or History panel.
    expect(names.length).toBe(Object.keys(PANEL_TITLES).length + MULTI_INSTANCE_PANELS.length);
    const focusedItem = () => owner.evaluate(() => document.activeElement?.closest('[role=menu]') ? document.activeElement?.textContent?.replace('✓', '') ?? null : null);
    expect(await focusedItem()).toBe(names[0].replace('✓', ''));
    await owner.keyboard.press('ArrowDown');
    expect(await focusedItem()).toBe(names[1].replace('✓', ''));
    await h.screenshot(owner, 'keyboard-menu');
    await owner.keyboard.press('ArrowUp');
    await owner.keyboard.press('ArrowUp'); // wraps to the last
    expect(await focusedItem()).toBe(names[names.length - 1].replace('✓', ''));
    await owner.keyboard.press('Escape');
    await owner.getByRole('menu').waitFor({ state: 'detached' });
    expect(await button.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await button.getAttribute('aria-expanded')).toBe('false');

    // ↓ opens it too; Enter on an item chooses it: the JSON panel comes to the front.
    await owner.keyboard.press('ArrowDown');
    await owner.getByRole('menu').waitFor();
    while ((await focusedItem()) !== 'JSON') await owner.keyboard.press('ArrowDown');
    await owner.keyboard.press('Enter');
    await owner.getByRole('menu').waitFor({ state: 'detached' });
    await owner.locator('[data-panel=json]').waitFor({ state: 'visible' });
    expect(await button.evaluate((el) => el === document.activeElement)).toBe(true);
  });

  it('maximises, restores and closes a group of panels from the keyboard', async () => {
    const label = () => owner.evaluate(() => document.activeElement?.getAttribute('aria-label') ?? null);
    const problems = owner.locator('.lm_tab', { hasText: 'Problems' });
    await problems.click();
    await problems.focus();
    // After the strip come its group's controls, named buttons.
    await owner.keyboard.press('Tab');
    expect(await label()).toBe('Maximise Problems');
    expect(await owner.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('button');
    await owner.keyboard.press('Enter');
    await owner.locator('.lm_stack.lm_maximised').waitFor();
    expect(await label()).toBe('Restore Problems to its place');
    // The group covers the workspace (the others stay mounted beneath it).
    expect((await owner.locator('[data-panel=problems]').boundingBox())!.width).toBeGreaterThan(1200);
    await h.screenshot(owner, 'keyboard-maximised');
    await owner.keyboard.press(' ');
    await owner.locator('.lm_stack.lm_maximised').waitFor({ state: 'detached' });
    await expect.poll(async () => (await owner.locator('[data-panel=problems]').boundingBox())!.width).toBeLessThan(700);

    // Closing the Participants group: its panel goes, and the focus lands on a tab, not on <body>.
    const participants = owner.locator('.lm_tab', { hasText: 'Participants' });
    await participants.focus();
    await owner.keyboard.press('Tab');
    await owner.keyboard.press('Tab');
    expect(await label()).toBe('Close the panels Participants');
    await owner.keyboard.press('Enter');
    await owner.locator('[data-panel=participants]').waitFor({ state: 'detached' });
    await expect.poll(() => owner.evaluate(() => document.activeElement?.getAttribute('role'))).toBe('tab');
    await owner.getByTestId('reset-layout').click();
    await owner.locator('[data-panel=participants]').waitFor();
  });

  it('makes the notes toolbar one Tab stop, with the arrow keys between its buttons', async () => {
    await owner.locator('.lm_tab', { hasText: 'Notes' }).click();
    const buttons = owner.locator('.notes-toolbar button');
    await expect.poll(() => buttons.evaluateAll((els) => els.filter((e) => !(e as HTMLButtonElement).disabled).length)).toBe(6);
    const stops = () => buttons.evaluateAll((els) => els.map((e) => (e as HTMLElement).tabIndex));
    expect(await stops()).toEqual([0, -1, -1, -1, -1, -1]);
    await buttons.first().focus();
    const focusedTitle = () => owner.evaluate(() => document.activeElement?.getAttribute('title') ?? null);
    await owner.keyboard.press('ArrowRight');
    expect(await focusedTitle()).toBe('Italic (Ctrl+I)');
    expect(await stops()).toEqual([-1, 0, -1, -1, -1, -1]);
    await owner.keyboard.press('End');
    expect(await focusedTitle()).toBe('Code block');
    await owner.keyboard.press('ArrowRight'); // wraps to the first
    expect(await focusedTitle()).toBe('Bold (Ctrl+B)');
    await owner.keyboard.press('ArrowLeft');
    expect(await focusedTitle()).toBe('Code block');
    // Tab leaves the toolbar at once, into the editor.
    await owner.keyboard.press('Tab');
    expect(await owner.evaluate(() => document.activeElement?.closest('.notes-toolbar') === null)).toBe(true);
  });
});

describe('following', () => {
  it('survives the follower putting the caret in a field and tabbing; an edit or Escape ends it', async () => {
    const b = await h.open(editor, `/c/${configId}`);
    const bea = b.page;
    errors.push(b.errors);
    await formReady(bea);
    await bea.locator('.lm_tab', { hasText: 'Review' }).click();
    const follow = bea.getByTestId('review-people').locator(`[data-user="${h.owner.user.id}"]`).getByTestId('follow-button');
    const followed = (page: Page, property: string) => page.locator(`[data-pointer="/${property}"].field--followed`);

    await field(owner, 'VENDOR').locator('input').click();
    await follow.click();
    await bea.getByTestId('follow-bar').waitFor();
    await followed(bea, 'VENDOR').waitFor();

    // Bea clicks into a field, tabs on, scrolls with the keys: still following.
    await field(bea, 'RELEASE').locator('select, input').first().focus();
    await field(bea, 'timezone').locator('input').click();
    await bea.keyboard.press('Tab');
    await bea.keyboard.press('Shift+Tab');
    await bea.keyboard.press('ArrowLeft');
    // Owner moves on: Bea's form goes along although her caret is in Time zone.
    await field(owner, 'BRANCH').locator('select, input').first().focus();
    await followed(bea, 'BRANCH').waitFor();
    expect(await bea.getByTestId('follow-bar').isVisible()).toBe(true);
    await h.screenshot(bea, 'following-with-caret-in-field');

    // Escape in the form stops it.
    await bea.keyboard.press('Escape');
    await bea.getByTestId('follow-bar').waitFor({ state: 'detached' });
    await bea.getByText('Stopped following Owner.').waitFor();

    // Typing is taking over.
    await follow.click();
    await bea.getByTestId('follow-bar').waitFor();
    await field(bea, 'timezone').locator('input').click();
    expect(await bea.getByTestId('follow-bar').isVisible()).toBe(true);
    await bea.keyboard.type('x');
    await bea.getByText('Stopped following Owner: you took over.').waitFor();
    expect(await bea.locator('.field--followed').count()).toBe(0);
    await bea.keyboard.press('Backspace');
  });
});
