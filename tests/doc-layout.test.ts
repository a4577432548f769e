/**
 * The declared document layout (shared/doc-layout.ts): the content hash covers exactly the
 * build-input roots, so a root added for files is in every approval by adding one line, while the
 * notes (not build input) never change what a review approved; and the current documents keep
 * the hashes builds and reviews were keyed by.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { contentHash, documentContentHash } from '../shared/node/content-hash.ts';
import { configToJson, defaultConfig, writeConfig } from '../shared/doc-binding.ts';
import {
  buildInputOf,
  configRoot,
  DOC_LAYOUT,
  isRootPath,
  layoutProblem,
  notesRoot,
  type RootDeclaration,
} from '../shared/doc-layout.ts';
import { checkClientUpdate, type UpdateCheck } from '../server/sync/update-check.ts';
import { Connection, type ConnectionPrincipal } from '../server/sync/connection.ts';
import { diffRootTexts, replaceRoot, rootTexts, rootTextsOfState } from '../shared/notes-text.ts';

function configuredDoc(): Y.Doc {
  const doc = new Y.Doc();
  writeConfig(doc, { ...defaultConfig(), BOARD: 'rock-5b', VENDOR: 'Acme' });
  return doc;
}

function paragraph(text: string): Y.XmlElement {
  const p = new Y.XmlElement('paragraph');
  p.insert(0, [new Y.XmlText(text)]);
  return p;
}

/** A layout of the future: the current roots plus a build-input map and a scratch map that is not. */
const FILES: RootDeclaration = { name: 'future', kind: 'map', write: 'edit', checks: 'none', capture: 'none', buildInput: true, path: '#future' };
const SCRATCH: RootDeclaration = { name: 'scratch', kind: 'map', write: 'edit', checks: 'none', capture: 'none', buildInput: false, path: '#scratch' };
const FUTURE_LAYOUT: readonly RootDeclaration[] = [...DOC_LAYOUT, FILES, SCRATCH];

describe('content hash over the layout', () => {
  it('is the hash of the configuration JSON for current documents, notes or not', () => {
    const doc = configuredDoc();
    const before = documentContentHash(doc);
    expect(before).toBe(contentHash(configToJson(doc)));
    // Notes never reach the build: writing them leaves what a review approved unchanged.
    notesRoot(doc).insert(0, [paragraph('remember to flash the SPI')]);
    expect(documentContentHash(doc)).toBe(before);
    configRoot(doc).set('BRANCH', 'edge');
    expect(documentContentHash(doc)).not.toBe(before);
  });

  it('covers a new build-input root once it holds something, and never a root that is not build input', () => {
    const doc = configuredDoc();
    const current = documentContentHash(doc);
    // Declared but empty: a document that never used the new root keeps its hash (and approvals).
    expect(documentContentHash(doc, FUTURE_LAYOUT)).toBe(current);

    doc.getMap(SCRATCH.name).set('draft', 'anything');
    expect(documentContentHash(doc, FUTURE_LAYOUT)).toBe(current);

    doc.getMap(FILES.name).set('userpatches/customize-image.sh', 'echo hi');
    const withFile = documentContentHash(doc, FUTURE_LAYOUT);
    expect(withFile).not.toBe(current);
    expect(buildInputOf(doc, FUTURE_LAYOUT)['#future']).toEqual({ 'userpatches/customize-image.sh': 'echo hi' });

    doc.getMap(FILES.name).set('userpatches/customize-image.sh', 'echo bye');
    expect(documentContentHash(doc, FUTURE_LAYOUT)).not.toBe(withFile);
    // The current layout does not know the root: its hash is still the configuration's.
    expect(documentContentHash(doc)).toBe(current);
  });
});

describe('layout declarations', () => {
  it('declares the notes as not build input and addressed as #notes, the userpatches tree as build input', () => {
    expect(DOC_LAYOUT.filter((r) => r.buildInput).map((r) => r.name)).toEqual(['config', 'files', 'fileModes']);
    expect(isRootPath('#notes')).toBe(true);
    expect(isRootPath('#files')).toBe(true);
    expect(isRootPath('#future')).toBe(false);
    expect(isRootPath('')).toBe(false);
    expect(layoutProblem(DOC_LAYOUT)).toBeUndefined();
    expect(layoutProblem(FUTURE_LAYOUT)).toBeUndefined();
  });

  it('finds inconsistent layouts', () => {
    expect(layoutProblem([...DOC_LAYOUT, { ...FILES, name: 'notes' }])).toMatch(/declared twice/);
    expect(layoutProblem([...DOC_LAYOUT, { ...FILES, path: '#notes' }])).toMatch(/path "#notes"/);
    expect(layoutProblem([...DOC_LAYOUT, { ...FILES, path: '/future' }])).toMatch(/"#name"/);
    expect(layoutProblem([...DOC_LAYOUT, { ...FILES, kind: 'xmlFragment', capture: 'fields' }])).toMatch(/only a map has fields/);
    expect(layoutProblem([...DOC_LAYOUT, { ...FILES, capture: 'text' }])).toMatch(/captured as text/);
  });

});

describe('update check against the layout', () => {
  it('accepts writes under every declared root and refuses a root the layout does not declare', () => {
    const room = new Y.Doc();
    const client = new Y.Doc();
    const updates: Uint8Array[] = [];
    client.on('update', (u: Uint8Array) => updates.push(u));
    configRoot(client).set('BOARD', 'rock-5b');
    notesRoot(client).insert(0, [paragraph('hi')]);
    for (const u of updates) {
      expect(checkClientUpdate(u, room)).toMatchObject({ ok: true });
      Y.applyUpdate(room, u);
    }
    const stray = new Y.Doc();
    const strayUpdates: Uint8Array[] = [];
    stray.on('update', (u: Uint8Array) => strayUpdates.push(u));
    stray.getMap(FILES.name).set('a', 'b');
    expect(checkClientUpdate(strayUpdates[0], room)).toEqual({ ok: false, reason: 'update writes to unknown root "future"' });
  });
});

describe('versions, diffs and restores read the layout', () => {
  /** A layout with a second text root beside the notes, and the files map. */
  const CHECKLIST: RootDeclaration = { name: 'checklist', kind: 'xmlFragment', write: 'edit', checks: 'none', capture: 'text', buildInput: false, path: '#checklist' };
  const WIDER: readonly RootDeclaration[] = [...DOC_LAYOUT, CHECKLIST, FILES];

  it('reads, diffs and copies every root besides the configuration, a declared one included', () => {
    const then = configuredDoc();
    notesRoot(then).insert(0, [paragraph('flash the SPI')]);
    then.getXmlFragment(CHECKLIST.name).insert(0, [paragraph('serial console works')]);
    then.getMap(FILES.name).set('userpatches/customize-image.sh', 'echo hi');
    const version = Y.encodeStateAsUpdate(then);
    expect(rootTextsOfState(version, WIDER)).toEqual({
      '#notes': 'flash the SPI',
      '#checklist': 'serial console works',
      '#future': '{\n  "userpatches/customize-image.sh": "echo hi"\n}',
    });
    // The current layout knows the notes only: a version is read through the layout it runs.
    expect(rootTextsOfState(version)).toEqual({ '#notes': 'flash the SPI' });

    const now = configuredDoc();
    now.getXmlFragment(CHECKLIST.name).insert(0, [paragraph('serial console works'), paragraph('HDMI works')]);
    expect(diffRootTexts(rootTexts(then, WIDER), rootTexts(now, WIDER), WIDER)).toEqual([
      { path: '#notes', op: 'remove', before: 'flash the SPI', after: null },
      { path: '#checklist', op: 'change', before: 'serial console works', after: 'serial console works\nHDMI works' },
      { path: '#future', op: 'remove', before: '{\n  "userpatches/customize-image.sh": "echo hi"\n}', after: null },
    ]);

    // A restore copies each root back as new content.
    for (const root of [CHECKLIST, FILES]) replaceRoot(now, then, root);
    expect(rootTexts(now, WIDER)).toEqual({ '#notes': '', '#checklist': 'serial console works', '#future': rootTexts(then, WIDER)['#future'] });
  });
});

describe('per-root write actions', () => {
  /** The roots an update makes on `client` would touch in `room`, as the update check reports them. */
  function rootsOf(room: Y.Doc, client: Y.Doc, change: () => void): string[] {
    const updates: Uint8Array[] = [];
    const listen = (u: Uint8Array) => updates.push(u);
    client.on('update', listen);
    client.transact(change);
    client.off('update', listen);
    const update = Y.mergeUpdates(updates);
    const check: UpdateCheck = checkClientUpdate(update, room);
    if (!check.ok) throw new Error(check.reason);
    Y.applyUpdate(room, update);
    return [...check.roots].sort();
  }

  it('the update check reports every root an update writes or deletes under, however deep', () => {
    const room = configuredDoc();
    const client = new Y.Doc();
    Y.applyUpdate(client, Y.encodeStateAsUpdate(room));
    expect(rootsOf(room, client, () => configRoot(client).set('BRANCH', 'edge'))).toEqual(['config']);
    // Typing into a Y.Text inside the configuration map.
    expect(rootsOf(room, client, () => (configRoot(client).get('VENDOR') as Y.Text).insert(0, 'New '))).toEqual(['config']);
    expect(rootsOf(room, client, () => notesRoot(client).insert(0, [paragraph('flash the SPI')]))).toEqual(['notes']);
    // Typing inside a notes paragraph (nested XML text), then deleting only.
    const text = (notesRoot(client).get(0) as Y.XmlElement).get(0) as Y.XmlText;
    expect(rootsOf(room, client, () => text.insert(0, 'Do '))).toEqual(['notes']);
    expect(rootsOf(room, client, () => text.delete(0, 3))).toEqual(['notes']);
    expect(rootsOf(room, client, () => (configRoot(client).get('VENDOR') as Y.Text).delete(0, 4))).toEqual(['config']);
    expect(rootsOf(room, client, () => {
      configRoot(client).set('BRANCH', 'current');
      notesRoot(client).delete(0, 1);
    })).toEqual(['config', 'notes']);
    // An awareness-free no-op (the client's state vector only) touches nothing.
    expect(rootsOf(room, client, () => {})).toEqual([]);
  });

  it('a connection needs each touched root\'s own action', () => {
    // A layout of the future where the notes take only `comment` to write.
    const layout: readonly RootDeclaration[] = DOC_LAYOUT.map((r) => (r.name === 'notes' ? { ...r, write: 'comment' as const } : r));
    const socket = { send() {}, close() {} };
    const as = (role: ConnectionPrincipal['role']) =>
      new Connection(socket, { role, userId: 'u', name: 'U', color: '#000', linkId: null, who: null as never }, false);
    expect(as('commenter').mayWrite(['notes'], layout)).toBe(true);
    expect(as('commenter').mayWrite(['config'], layout)).toBe(false);
    expect(as('commenter').mayWrite(['config', 'notes'], layout)).toBe(false);
    expect(as('editor').mayWrite(['config', 'notes'], layout)).toBe(true);
    expect(as('viewer').mayWrite(['notes'], layout)).toBe(false);
    // Today's layout: every root takes `edit`.
    expect(as('commenter').mayWrite(['notes'])).toBe(false);
    expect(as('viewer').canWrite).toBe(false);
    expect(as('editor').canWrite).toBe(true);
  });
});
