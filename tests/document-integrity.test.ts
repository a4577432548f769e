/**
 * Document integrity: an update that gives a root the wrong shape, or puts content where the
 * schema cannot see it, is refused whole (close 4400 with the reason) before anything is applied,
 * stored or fanned out. Attacks are built with raw Yjs, as an attacker would: other root types of
 * the same name, hand-made items with chosen parents, keys and origins.
 */
import { getSchema } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';
import { prosemirrorJSONToYXmlFragment } from '@tiptap/y-tiptap';
import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { configMap, defaultConfig, writeConfig } from '../shared/doc-binding.ts';
import { CloseCode, MessageType } from '../shared/protocol.ts';
import { checkClientUpdate } from '../server/sync/update-check.ts';
import { signUp } from './helpers/auth.ts';
import { connectClient, synced, type TestClient } from './helpers/clients.ts';
import { useTestServer } from './helpers/rig.ts';
import { addMember, createConfig } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';
import { applyStored } from '../server/storage/stored-doc.ts';
import { mainDoc } from '../server/storage/doc-key.ts';

const MARK = 'HIDDEN-PAYLOAD';
const ATTACKER = 4_242_424;
/** Client ids for honest copies, fresh each time (Yjs renames a client id it sees reused). */
let nextClient = 7_000_000;

/** A document shaped like a room's: both roots fixed, a configuration, and a Tiptap-style note. */
function roomLikeDoc(): Y.Doc {
  const doc = new Y.Doc();
  configMap(doc);
  const notes = doc.getXmlFragment('notes');
  writeConfig(doc, { ...defaultConfig(), BOARD: 'rock-5b', customizeScript: 'echo hi\n', ENABLE_EXTENSIONS: ['docker-ce'] });
  notes.insert(0, [tiptapParagraph('first note')]);
  return doc;
}

/** A paragraph the way y-prosemirror/Tiptap writes one: an element with attributes and marked text. */
function tiptapParagraph(text: string): Y.XmlElement {
  const p = new Y.XmlElement('paragraph');
  p.setAttribute('textAlign', 'left');
  const t = new Y.XmlText();
  t.applyDelta([{ insert: text, attributes: { bold: {} } }]);
  p.insert(0, [t]);
  return p;
}

/** The update an edit on a fresh document makes (root types chosen by the attacker). */
function freshEdit(edit: (doc: Y.Doc) => void): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = ATTACKER;
  edit(doc);
  return Y.encodeStateAsUpdate(doc);
}

/** The update an edit on a synced copy of `base` makes. */
function copyEdit(base: Y.Doc, edit: (doc: Y.Doc) => void): Uint8Array {
  const doc = new Y.Doc();
  doc.clientID = nextClient++;
  configMap(doc);
  doc.getXmlFragment('notes');
  Y.applyUpdate(doc, Y.encodeStateAsUpdate(base));
  const before = Y.encodeStateVector(base);
  edit(doc);
  return Y.encodeStateAsUpdate(doc, before);
}

interface RawItem {
  parent?: string | Y.ID;
  parentSub?: string;
  origin?: Y.ID;
  content: Y.Item['content'];
}

/** A V1 update of hand-made items, one run per entry of `sections`, written the way Yjs writes its own. */
function rawSections(sections: Array<{ client: number; clock: number; items: RawItem[] }>): Uint8Array {
  const encoder = new Y.UpdateEncoderV1();
  encoding.writeVarUint(encoder.restEncoder, sections.length);
  for (const { client, clock, items } of sections) {
    encoding.writeVarUint(encoder.restEncoder, items.length);
    encoder.writeClient(client);
    encoding.writeVarUint(encoder.restEncoder, clock);
    let at = clock;
    for (const raw of items) {
      const item = new Y.Item(Y.createID(client, at), null, raw.origin ?? null, null, null, (raw.parent ?? null) as never, raw.parentSub ?? null, raw.content);
      item.write(encoder, 0);
      at += raw.content.getLength();
    }
  }
  encoding.writeVarUint(encoder.restEncoder, 0); // empty delete set
  return encoder.toUint8Array();
}

function rawUpdate(client: number, clock: number, items: RawItem[]): Uint8Array {
  return rawSections([{ client, clock, items }]);
}

/** The id of the item holding `type` in its parent. */
function itemId(type: { _item: Y.Item | null }): Y.ID {
  return type._item!.id;
}

function lastCharId(text: Y.Text): Y.ID {
  let item = text._start;
  while (item?.right) item = item.right;
  return Y.createID(item!.id.client, item!.id.clock + item!.length - 1);
}

describe('the update check', () => {
  const base = roomLikeDoc();
  const config = configMap(base);
  const script = config.get('customizeScript') as Y.Text;
  const extensions = config.get('ENABLE_EXTENSIONS') as Y.Array<unknown>;
  const paragraph = base.getXmlFragment('notes').get(0) as Y.XmlElement;
  const noteText = paragraph.get(0) as Y.XmlText;

  const refused: Array<{ attack: string; update: () => Uint8Array; says: RegExp }> = [
    { attack: 'Y.Text content directly under the config root', update: () => freshEdit((d) => d.getText('config').insert(0, MARK)), says: /text as content of the "config" root/ },
    { attack: 'list items directly under the config root', update: () => freshEdit((d) => d.getArray('config').push([MARK])), says: /as content of the "config" root/ },
    { attack: 'XML under the config root', update: () => freshEdit((d) => d.getXmlFragment('config').insert(0, [new Y.XmlElement(MARK)])), says: /XML element as content of the "config" root/ },
    { attack: 'a map entry on the notes fragment', update: () => freshEdit((d) => d.getMap('notes').set('x', MARK)), says: /keyed entry of the "notes" root/ },
    { attack: 'an attribute on the notes fragment', update: () => freshEdit((d) => d.get('notes', Y.XmlElement).setAttribute('x', MARK)), says: /keyed entry of the "notes" root/ },
    { attack: 'plain text directly under the notes fragment', update: () => freshEdit((d) => d.getText('notes').insert(0, MARK)), says: /text as content of the "notes" root/ },
    { attack: 'a plain Y.Text as a note', update: () => copyEdit(base, (d) => d.getXmlFragment('notes').insert(0, [new Y.Text(MARK) as unknown as Y.XmlText])), says: /a text as content of the "notes" root/ },
    { attack: 'an unknown root', update: () => freshEdit((d) => d.getMap('sneaky').set('x', MARK)), says: /unknown root "sneaky"/ },
    { attack: 'Y.XmlText as a configuration value', update: () => copyEdit(base, (d) => configMap(d).set('description', new Y.XmlText(MARK))), says: /XML text as a keyed entry of the "config" root/ },
    { attack: 'Y.XmlHook as a configuration value', update: () => copyEdit(base, (d) => configMap(d).set('description', new Y.XmlHook(MARK))), says: /unsupported content/ },
    { attack: 'binary as a configuration value', update: () => copyEdit(base, (d) => configMap(d).set('VENDOR', new TextEncoder().encode(MARK))), says: /binary data/ },
    { attack: 'a sub-document as a configuration value', update: () => copyEdit(base, (d) => configMap(d).set('VENDOR', new Y.Doc())), says: /sub-document/ },
    { attack: 'a bigint as a configuration value', update: () => copyEdit(base, (d) => configMap(d).set('BOOTSIZE', 10n as unknown as number)), says: /unsupported content/ },
    { attack: 'formatting in a configuration text', update: () => copyEdit(base, (d) => (configMap(d).get('customizeScript') as Y.Text).format(0, 2, { [MARK]: true })), says: /formatting as content of a text/ },
    { attack: 'an embed in a configuration text', update: () => copyEdit(base, (d) => (configMap(d).get('customizeScript') as Y.Text).insertEmbed(0, { x: MARK })), says: /an embed as content of a text/ },
    { attack: 'a type embedded in a configuration text', update: () => copyEdit(base, (d) => (configMap(d).get('customizeScript') as Y.Text).insertEmbed(0, new Y.Map())), says: /a map as content of a text/ },
    { attack: 'an attribute on a note text', update: () => copyEdit(base, (d) => ((d.getXmlFragment('notes').get(0) as Y.XmlElement).get(0) as Y.XmlText).setAttribute('x', MARK)), says: /keyed entry of a notes text/ },
    { attack: 'a __proto__ key (hidden inherited settings)', update: () => copyEdit(base, (d) => configMap(d).set('__proto__', { BOARD: MARK })), says: /key "__proto__"/ },
    { attack: 'a __proto__ attribute on a note element', update: () => copyEdit(base, (d) => (d.getXmlFragment('notes').get(0) as Y.XmlElement).setAttribute('__proto__', MARK)), says: /key "__proto__"/ },
    { attack: 'a __proto__ inside a JSON value', update: () => copyEdit(base, (d) => configMap(d).set('VENDOR', JSON.parse(`{"__proto__": {"BOARD": "${MARK}"}}`))), says: /unsupported content/ },
    { attack: 'a raw keyed entry on a configuration list', update: () => rawUpdate(ATTACKER, 0, [{ parent: itemId(extensions), parentSub: 'x', content: new Y.ContentAny([MARK]) }]), says: /keyed entry of a list/ },
    { attack: 'a raw keyed entry on a configuration text', update: () => rawUpdate(ATTACKER, 0, [{ parent: itemId(script), parentSub: 'x', content: new Y.ContentString(MARK) }]), says: /keyed entry of a text/ },
    { attack: 'a raw value after the last character of a text (parent taken from its origin)', update: () => rawUpdate(ATTACKER, 0, [{ origin: lastCharId(script), content: new Y.ContentAny([MARK]) }]), says: /a value as content of a text/ },
    { attack: 'a chain of raw items inheriting a bad place', update: () => rawUpdate(ATTACKER, 0, [{ parent: 'config', content: new Y.ContentString('a') }, { origin: Y.createID(ATTACKER, 0), content: new Y.ContentString(MARK) }]), says: /text as content of the "config" root/ },
    { attack: 'raw text inside a note element', update: () => rawUpdate(ATTACKER, 0, [{ parent: itemId(paragraph), content: new Y.ContentString(MARK) }]), says: /text as content of a notes element/ },
    { attack: 'a parent that is not a shared type', update: () => rawUpdate(ATTACKER, 0, [{ parent: config._map.get('BOARD')!.id, content: new Y.ContentString(MARK) }]), says: /not a shared type/ },
    { attack: 'an item whose origin the server does not have', update: () => rawUpdate(ATTACKER, 0, [{ origin: Y.createID(999, 5), content: new Y.ContentString(MARK) }]), says: /depends on changes the server does not have/ },
    { attack: 'an item whose parent the server does not have', update: () => rawUpdate(ATTACKER, 0, [{ parent: Y.createID(999, 5), parentSub: 'x', content: new Y.ContentAny([MARK]) }]), says: /depends on changes the server does not have/ },
    {
      attack: 'a client listed twice (the apply keeps only the last run)',
      update: () => rawSections([
        { client: ATTACKER, clock: 0, items: [{ parent: 'config', parentSub: 'VENDOR', content: new Y.ContentAny(['filler']) }] },
        { client: base.clientID, clock: Y.getState(base.store, base.clientID), items: [{ parent: 'config', parentSub: 'VENDOR', content: new Y.ContentAny(['x']) }] },
        { client: ATTACKER, clock: 1, items: [{ parent: 'config', parentSub: 'BOARD', content: new Y.ContentAny([MARK]) }] },
      ]),
      says: /lists a client twice/,
    },
    {
      attack: 'a struct the server has, resent with a forged origin it does not have',
      update: () => rawUpdate(base.clientID, 0, [{ origin: Y.createID(999, 5), content: new Y.ContentString(MARK) }]),
      says: /depends on changes the server does not have/,
    },
    {
      attack: 'a deletion of another person’s future edits',
      update: () => {
        const encoder = new Y.UpdateEncoderV1();
        encoding.writeVarUint(encoder.restEncoder, 0); // no structs
        encoding.writeVarUint(encoder.restEncoder, 1); // delete set: one client
        encoding.writeVarUint(encoder.restEncoder, base.clientID);
        encoding.writeVarUint(encoder.restEncoder, 1); // one range, reaching past what exists
        encoding.writeVarUint(encoder.restEncoder, Y.getState(base.store, base.clientID));
        encoding.writeVarUint(encoder.restEncoder, 1000);
        return encoder.toUint8Array();
      },
      says: /depends on changes the server does not have/,
    },
    { attack: 'a clock gap (the rest would wait in memory, unchecked)', update: () => rawUpdate(ATTACKER, 7, [{ parent: 'config', parentSub: 'VENDOR', content: new Y.ContentAny([MARK]) }]), says: /depends on changes the server does not have/ },
  ];

  it.each(refused)('refuses $attack', ({ update, says }) => {
    const check = checkClientUpdate(update(), base);
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.reason).toMatch(says);
    // Only a missing dependency may resolve itself (a late bus message): the client retries.
    expect(check.retry ?? false).toBe(/depends on changes/.test(check.reason));
  });

  it('accepts what the form, the text editors and Tiptap write', () => {
    const doc = roomLikeDoc();
    const edits: Array<(d: Y.Doc) => void> = [
      (d) => writeConfig(d, { ...defaultConfig(), BOARD: 'orangepi5', customizeScript: 'echo changed\n', ENABLE_EXTENSIONS: ['docker-ce', 'zfs'] }),
      (d) => (configMap(d).get('customizeScript') as Y.Text).insert(0, '# top\n'),
      (d) => configMap(d).set('description', new Y.Text('typed')),
      (d) => (configMap(d).get('ENABLE_EXTENSIONS') as Y.Array<unknown>).delete(0, 1),
      (d) => configMap(d).delete('BOARD'),
      (d) => configMap(d).set('UNKNOWN', { nested: [1, 'two', null] }), // visible: the shape repair handles it
      (d) => d.getXmlFragment('notes').insert(1, [tiptapParagraph('second')]),
      (d) => ((d.getXmlFragment('notes').get(0) as Y.XmlElement).get(0) as Y.XmlText).format(0, 3, { italic: {} }),
      (d) => ((d.getXmlFragment('notes').get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(2, 'typed ', { bold: {} }),
      (d) => (d.getXmlFragment('notes').get(0) as Y.XmlElement).setAttribute('textAlign', 'center'),
      (d) => (d.getXmlFragment('notes').get(0) as Y.XmlElement).removeAttribute('textAlign'),
      (d) => d.getXmlFragment('notes').delete(0, 1),
    ];
    for (const edit of edits) {
      const update = copyEdit(doc, edit);
      expect(checkClientUpdate(update, doc)).toMatchObject({ ok: true });
      Y.applyUpdate(doc, update);
      // Sent twice (a reconnecting client's step 2 overlaps what the server has): still fine.
      expect(checkClientUpdate(update, doc)).toMatchObject({ ok: true });
    }
  });

  it('accepts rich notes as Tiptap writes them (headings, lists, marks, links, code, breaks)', () => {
    const doc = roomLikeDoc();
    const notes = {
      type: 'doc',
      content: [
        { type: 'heading', attrs: { level: 2 }, content: [{ type: 'text', text: 'Title' }] },
        { type: 'paragraph', content: [{ type: 'text', text: 'bold', marks: [{ type: 'bold' }] }, { type: 'hardBreak' }, { type: 'text', text: 'link', marks: [{ type: 'link', attrs: { href: 'https://example.org' } }] }] },
        { type: 'bulletList', content: [{ type: 'listItem', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'item' }] }] }] },
        { type: 'codeBlock', attrs: { language: 'bash' }, content: [{ type: 'text', text: 'echo' }] },
        { type: 'blockquote', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'q', marks: [{ type: 'italic' }, { type: 'code' }] }] }] },
        { type: 'horizontalRule' },
      ],
    };
    const update = copyEdit(doc, (d) => prosemirrorJSONToYXmlFragment(getSchema([StarterKit]), notes, d.getXmlFragment('notes')));
    expect(checkClientUpdate(update, doc)).toMatchObject({ ok: true });
  });

  it('accepts a long typing burst merged into one update, quickly', () => {
    const doc = roomLikeDoc();
    const typist = new Y.Doc();
    Y.applyUpdate(typist, Y.encodeStateAsUpdate(doc));
    const updates: Uint8Array[] = [];
    typist.on('update', (u: Uint8Array) => updates.push(u));
    const text = configMap(typist).get('customizeScript') as Y.Text;
    for (let i = 0; i < 5000; i++) text.insert(Math.floor(i / 2), 'x');
    const merged = Y.mergeUpdates(updates);
    const started = performance.now();
    expect(checkClientUpdate(merged, doc)).toMatchObject({ ok: true });
    // Generous: the point is "no quadratic blow-up", the machine is shared.
    expect(performance.now() - started).toBeLessThan(2000);
    Y.applyUpdate(doc, merged);
    expect((configMap(doc).get('customizeScript') as Y.Text).length).toBe(5000 + 'echo hi\n'.length);
  });

  it('a change built on one the server has not received yet is accepted once it has', () => {
    const doc = roomLikeDoc();
    const first = copyEdit(doc, (d) => (configMap(d).get('customizeScript') as Y.Text).insert(0, 'a'));
    // Another client already has `first` (from another server process) and types right after it.
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
    Y.applyUpdate(other, first);
    const seen = Y.encodeStateVector(other);
    (configMap(other).get('customizeScript') as Y.Text).insert(1, 'b');
    const second = Y.encodeStateAsUpdate(other, seen);
    expect(checkClientUpdate(second, doc)).toMatchObject({ ok: false, retry: true });
    Y.applyUpdate(doc, first);
    expect(checkClientUpdate(second, doc)).toMatchObject({ ok: true });
  });

  it('does not let an origin of a garbage-collected item smuggle content', () => {
    const doc = roomLikeDoc();
    // A deleted Y.Map (garbage collected into a GC struct): items naming it end up collected too.
    configMap(doc).set('gone', new Y.Map());
    const goneId = itemId(configMap(doc).get('gone') as Y.Map<unknown>);
    configMap(doc).delete('gone');
    const update = rawUpdate(ATTACKER, 0, [{ parent: goneId, parentSub: 'x', content: new Y.ContentAny([MARK]) }]);
    expect(checkClientUpdate(update, doc)).toMatchObject({ ok: true });
    Y.applyUpdate(doc, update);
    expect(new TextDecoder().decode(Y.encodeStateAsUpdate(doc))).not.toContain(MARK);
  });
});

function openRaw(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.binaryType = 'nodebuffer';
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** How long a refused update's socket may take to close (the machine is shared and busy). */
const CLOSE_WAIT_MS = 10_000;

function syncUpdateFrame(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.sync);
  syncProtocol.writeUpdate(e, update);
  return encoding.toUint8Array(e);
}

/** Sends one update on a fresh raw socket and resolves with how the server closed it. */
async function sendAndClose(url: string, update: Uint8Array): Promise<{ code: number; reason: string }> {
  const ws = await openRaw(url);
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    // A server that accepts the update keeps the socket open: report that instead of hanging.
    const timer = setTimeout(() => resolve({ code: -1, reason: 'still open: the update was accepted' }), CLOSE_WAIT_MS);
    ws.once('close', (code, reason) => {
      clearTimeout(timer);
      resolve({ code, reason: reason.toString() });
    });
  });
  ws.send(syncUpdateFrame(update));
  return closed;
}

function containsMark(bytes: Uint8Array): boolean {
  return Buffer.from(bytes).includes(MARK);
}

describe('over a real socket, against a real server', () => {
  const { server } = useTestServer();
  let id: string;
  let wsUrl: string;
  let a: TestClient;
  let b: TestClient;
  const received: Uint8Array[] = [];

  beforeAll(async () => {
    id = await createConfig(server, { name: 'integrity' });
    const attacker = await signUp(server.url, 'Attacker');
    await addMember(server, id, attacker, 'editor');
    wsUrl = `${server.url.replace('http', 'ws')}/sync/${id}?token=${attacker.token}`;
    a = connectClient(server, id);
    b = connectClient(server, id);
    await Promise.all([synced(a), synced(b)]);
    b.doc.on('update', (u: Uint8Array) => received.push(u));
  });
  afterAll(async () => {
    a?.destroy();
    b?.destroy();
  });

  async function storedState(): Promise<Y.Doc> {
    const stored = await server.storage.loadDoc(mainDoc(id));
    for (const bytes of [stored.snapshot, ...stored.updates]) if (bytes) expect(containsMark(bytes)).toBe(false);
    const doc = new Y.Doc();
    configMap(doc);
    doc.getXmlFragment('notes');
    applyStored(doc, stored);
    return doc;
  }

  it('refuses hidden content with 4400 and a reason; nothing is stored or reaches others', async () => {
    const attacks: Array<{ update: () => Uint8Array; says: RegExp; code?: number }> = [
      { update: () => freshEdit((d) => d.getText('config').insert(0, MARK)), says: /content of the "config" root/ },
      { update: () => freshEdit((d) => d.getMap('notes').set('x', MARK)), says: /keyed entry of the "notes" root/ },
      { update: () => copyEdit(a.doc, (d) => configMap(d).set('description', new Y.XmlText(MARK))), says: /XML text/ },
      { update: () => copyEdit(a.doc, (d) => (configMap(d).get('customizeScript') as Y.Text | undefined)?.insertEmbed(0, { x: MARK }) ?? configMap(d).set('x', new Y.XmlText(MARK))), says: /embed|XML text/ },
      // Retryable: the server may just not have received it yet (another process's late commit).
      { update: () => rawUpdate(ATTACKER, 0, [{ origin: Y.createID(999, 5), content: new Y.ContentString(MARK) }]), says: /depends on changes/, code: CloseCode.notYetKnown.code },
    ];
    for (const { update, says, code } of attacks) {
      const closed = await sendAndClose(wsUrl, update());
      if (closed.code === -1) closed.reason = `${closed.reason} (${says})`;
      expect(closed.code).toBe(code ?? CloseCode.malformed.code);
      expect(closed.reason).toMatch(says);
    }
    // The room keeps serving the honest clients, and their changes are what arrives.
    a.doc.getMap('config').set('VENDOR', 'after the attacks');
    await eventually(() => expect(String(b.doc.getMap('config').get('VENDOR'))).toBe('after the attacks'));
    expect(received.some(containsMark)).toBe(false);
    expect(containsMark(Y.encodeStateAsUpdate(b.doc))).toBe(false);
    expect(configMap(b.doc)._start).toBeNull();
    expect(b.doc.getXmlFragment('notes')._map.size).toBe(0);

    const rebuilt = await storedState();
    expect(String(configMap(rebuilt).get('VENDOR'))).toBe('after the attacks');
    expect(configMap(rebuilt)._start).toBeNull();
    expect(rebuilt.getXmlFragment('notes')._map.size).toBe(0);
    expect([...rebuilt.share.keys()].sort()).toEqual(['config', 'notes']);
  });

  it('refuses deleting another person’s future edits; their next edit arrives', async () => {
    const encoder = new Y.UpdateEncoderV1();
    encoding.writeVarUint(encoder.restEncoder, 0); // no structs
    encoding.writeVarUint(encoder.restEncoder, 1); // delete set: one client, one range
    encoding.writeVarUint(encoder.restEncoder, b.doc.clientID);
    encoding.writeVarUint(encoder.restEncoder, 1);
    encoding.writeVarUint(encoder.restEncoder, Y.getState(b.doc.store, b.doc.clientID));
    encoding.writeVarUint(encoder.restEncoder, 10_000);
    const closed = await sendAndClose(wsUrl, encoder.toUint8Array());
    expect(closed.code).toBe(CloseCode.notYetKnown.code);
    b.doc.getMap('config').set('VENDOR', 'typed by b');
    await eventually(() => expect(String(a.doc.getMap('config').get('VENDOR'))).toBe('typed by b'));
    await eventually(async () => expect(String(configMap(await storedState()).get('VENDOR'))).toBe('typed by b'));
  });

  it('a V2-encoded update is read as V1, like the apply does: nothing hidden gets in', async () => {
    const doc = new Y.Doc();
    doc.getText('config').insert(0, MARK);
    const ws = await openRaw(wsUrl);
    ws.send(syncUpdateFrame(Y.encodeStateAsUpdateV2(doc)));
    // Whatever the server makes of the frame, an honest edit after it arrives and nothing hidden does.
    a.doc.getMap('config').set('VENDOR', 'after v2');
    await eventually(() => expect(String(b.doc.getMap('config').get('VENDOR'))).toBe('after v2'));
    ws.close();
    expect(received.some(containsMark)).toBe(false);
    const rebuilt = await storedState();
    expect(configMap(rebuilt)._start).toBeNull();
  });

  it('legit Tiptap notes and form edits still sync and persist', async () => {
    a.doc.getXmlFragment('notes').insert(0, [tiptapParagraph('a real note')]);
    (a.doc.getXmlFragment('notes').get(0) as Y.XmlElement).setAttribute('textAlign', 'right');
    a.doc.getMap('config').set('BOARD', 'rock-5b');
    await eventually(() => {
      expect(b.doc.getXmlFragment('notes').toString()).toContain('a real note');
      expect(b.doc.getMap('config').get('BOARD')).toBe('rock-5b');
    });
    await eventually(async () => {
      const rebuilt = await storedState();
      expect(rebuilt.getXmlFragment('notes').toString()).toContain('a real note');
      expect((rebuilt.getXmlFragment('notes').get(0) as Y.XmlElement).getAttribute('textAlign')).toBe('right');
    });
    expect(a.provider.wsconnected).toBe(true);
  });
});
