/**
 * Versions and the Notes in Chromium: comparing a version with now shows a Notes section, line by
 * line, and "Restore the notes" brings the version's notes back for everyone while the fields
 * stay as they are.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { notesText } from '../../shared/notes-text.ts';
import { connectClient, synced, type TestClient } from '../helpers/clients.ts';
import { createConfig } from '../helpers/server.ts';
import { eventually } from '../helpers/wait.ts';
import { formReady, inputValue, startHarness, type Harness } from './browser-harness.ts';

const DRAFT = ['Flash with balenaEtcher', 'Boot from SD', 'Check the serial console'];
const NOW = ['Flash with balenaEtcher', 'Boot from eMMC', 'Check the serial console', 'Set the MAC address'];

describe('notes in versions (Chromium)', () => {
  let h: Harness;
  let writer: TestClient;
  let configId: string;

  beforeAll(async () => {
    h = await startHarness('versions-notes');
    configId = await createConfig(h.server, { name: 'notes versions', data: { BOARD: 'rock-5b', VENDOR: 'Acme' } });
    writer = connectClient({ url: h.server.url, token: h.owner.token }, configId);
    await synced(writer);
  });
  afterAll(async () => {
    writer?.destroy();
    await h?.close();
  });

  const writeNotes = (lines: string[]) => {
    const notes = writer.doc.getXmlFragment('notes');
    writer.doc.transact(() => {
      notes.delete(0, notes.length);
      notes.insert(
        0,
        lines.map((line) => {
          const p = new Y.XmlElement('paragraph');
          p.insert(0, [new Y.XmlText(line)]);
          return p;
        }),
      );
    });
  };
  const saveVersion = async (label: string) => {
    const res = await h.server.api(`/api/configs/${configId}/versions`, { method: 'POST', body: JSON.stringify({ label }) });
    expect(res.status).toBe(201);
  };

  it('compares the notes line by line and restores only them', async () => {
    writeNotes(DRAFT);
    await saveVersion('Draft notes');
    const version = (await (await h.server.api(`/api/configs/${configId}/versions`)).json()) as Array<{ label: string; contentHash: string }>;
    expect(version[0].label).toBe('Draft notes');
    writeNotes(NOW);
    writer.doc.getMap('config').set('BRANCH', 'edge');

    const { page, errors } = await h.open(h.owner, `/c/${configId}`);
    await formReady(page);
    await page.locator('.lm_tab', { hasText: 'History' }).click();
    await page.getByTestId('history-tab-versions').click();
    await page.locator('.version', { hasText: 'Draft notes' }).getByRole('button', { name: 'Compare with now' }).click();
    const notes = page.getByTestId('notes-diff');
    await notes.waitFor();
    expect(await notes.locator('.notes-line--removed').allTextContents()).toEqual(['−Removed: Boot from SD']);
    expect(await notes.locator('.notes-line--added').allTextContents()).toEqual(['+Added: Boot from eMMC', '+Added: Set the MAC address']);
    // The field change is listed above, as before.
    await page.getByTestId('version-diff').locator('[data-path="/BRANCH"]').waitFor();
    await h.screenshot(page, 'notes-diff');

    await notes.getByRole('button', { name: "Restore the notes to the version's notes" }).click();
    await eventually(() => expect(notesText(writer.doc)).toBe(DRAFT.join('\n')));
    // Only the notes: the branch keeps its value from now.
    expect(await inputValue(page, 'BRANCH')).toBe('edge');
    await page.getByText('Restored Notes from “Draft notes”.').waitFor();
    await expect.poll(() => notes.count()).toBe(0);
    await h.screenshot(page, 'notes-restored');
    expect(errors).toEqual([]);
  });
});
