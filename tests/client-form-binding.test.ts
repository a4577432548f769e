/**
 * The form's binding logic without a browser: which fields show, how choices narrow to the board,
 * list operations on Y.Array, and per-pointer change notifications — on real Y.Docs, with two
 * documents exchanging updates where concurrency matters.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { configMap, configToJson, writeConfig } from '../shared/doc-binding.ts';
import { configSchema } from '../shared/validation/index.ts';
import { createBoardIndex } from '../client/form/board-search.ts';
import { branchOptions, enumOptions, releaseOptions } from '../client/form/enum-options.ts';
import { createFieldStore } from '../client/form/field-store.ts';
import { addItems, moveItem, removeItem, setField, splitTags, toggleItem } from '../client/form/field-writes.ts';
import { describeCondition, fieldVisibility, formSections } from '../client/form/form-model.ts';

function docWith(data: Record<string, unknown>): Y.Doc {
  const doc = new Y.Doc();
  writeConfig(doc, data);
  return doc;
}

/** Two replicas that exchange every update, as two browsers through the server would. */
function linkedPair(data: Record<string, unknown>): [Y.Doc, Y.Doc] {
  const a = docWith(data);
  const b = new Y.Doc();
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
  return [a, b];
}

function exchange(a: Y.Doc, b: Y.Doc): void {
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
}

describe('sections', () => {
  it('lists the sections in Armbian build order, fields in x-order', () => {
    const sections = formSections(configSchema);
    expect(sections.map((s) => s.info.id)).toEqual(['target', 'image', 'kernel', 'filesystem', 'output', 'system', 'customisation']);
    expect(sections[0].properties).toEqual(['BOARD', 'BRANCH', 'RELEASE']);
    expect(sections[1].properties.slice(0, 3)).toEqual(['BUILD_MINIMAL', 'BUILD_DESKTOP', 'DESKTOP_ENVIRONMENT']);
    const all = sections.flatMap((s) => s.properties);
    expect(new Set(all)).toEqual(new Set(Object.keys(configSchema.properties)));
  });
});

describe('conditional fields', () => {
  it('shows desktop fields only for a desktop image', () => {
    expect(fieldVisibility(configSchema, { BUILD_DESKTOP: 'no' }, 'DESKTOP_ENVIRONMENT')).toBe('hidden');
    expect(fieldVisibility(configSchema, {}, 'DESKTOP_TIER')).toBe('hidden'); // the default is no
    expect(fieldVisibility(configSchema, { BUILD_DESKTOP: 'yes' }, 'DESKTOP_ENVIRONMENT')).toBe('shown');
    expect(fieldVisibility(configSchema, { BUILD_DESKTOP: 'yes' }, 'DESKTOP_TIER')).toBe('shown');
  });

  it('keeps a set value visible, dimmed, when its condition stops holding', () => {
    // Otherwise nobody could clear the value the rules complain about.
    expect(fieldVisibility(configSchema, { BUILD_DESKTOP: 'no', DESKTOP_ENVIRONMENT: 'xfce' }, 'DESKTOP_ENVIRONMENT')).toBe('dimmed');
  });

  it('follows list conditions: xz level appears when xz output is chosen', () => {
    expect(fieldVisibility(configSchema, { COMPRESS_OUTPUTIMAGE: ['sha', 'img'] }, 'IMAGE_XZ_COMPRESSION_RATIO')).toBe('hidden');
    expect(fieldVisibility(configSchema, { COMPRESS_OUTPUTIMAGE: ['img', 'xz'] }, 'IMAGE_XZ_COMPRESSION_RATIO')).toBe('shown');
    expect(fieldVisibility(configSchema, { ROOTFS_TYPE: 'btrfs' }, 'BTRFS_COMPRESSION')).toBe('shown');
    expect(fieldVisibility(configSchema, {}, 'BTRFS_COMPRESSION')).toBe('hidden'); // ext4 by default
    expect(fieldVisibility(configSchema, {}, 'BOARD')).toBe('shown');
  });

  it('hides legacy switches unless they are set', () => {
    const desktop = { BUILD_DESKTOP: 'yes' };
    expect(fieldVisibility(configSchema, desktop, 'DESKTOP_APPGROUPS_SELECTED')).toBe('hidden');
    expect(fieldVisibility(configSchema, { ...desktop, DESKTOP_APPGROUPS_SELECTED: 'browsers' }, 'DESKTOP_APPGROUPS_SELECTED')).toBe('shown');
  });

  it('words a condition for the dimmed note', () => {
    expect(describeCondition(configSchema, { BUILD_DESKTOP: ['yes'] })).toBe('Desktop image is yes');
    expect(describeCondition(configSchema, { COMPRESS_OUTPUTIMAGE: ['zst', 'zstd'] })).toBe('Image output includes zst or zstd');
  });

  it('re-evaluates when a collaborator turns the desktop on', () => {
    const [a, b] = linkedPair({ BOARD: 'orangepi5', BUILD_DESKTOP: 'no' });
    const store = createFieldStore(b);
    const visible = () => fieldVisibility(configSchema, store.snapshot(), 'DESKTOP_TIER');
    expect(visible()).toBe('hidden');
    setField(a, 'BUILD_DESKTOP', 'yes');
    exchange(a, b);
    expect(visible()).toBe('shown');
  });
});

describe('enum narrowing from the board', () => {
  it('offers the branches the board lists first, then those its family builds, with kernel versions', () => {
    const board = configSchema['x-boards'].find((x) => x.board === 'orangepi5')!;
    const options = branchOptions(configSchema, { BOARD: 'orangepi5' });
    expect(options.map((o) => o.value)).toEqual([...board.kernelTargets, 'legacy', 'bleedingedge']);
    expect(options.every((o) => o.offered)).toBe(true);
    const withKernel = options.find((o) => board.kernels[o.value]);
    expect(withKernel?.detail).toBe(`kernel ${board.kernels[withKernel!.value]}`);
    expect(options.find((o) => o.value === 'legacy')?.detail).toBe('kernel 5.10, not tested on this board');
  });

  it('offers every branch while no board is chosen', () => {
    expect(branchOptions(configSchema, {}).map((o) => o.value)).toEqual(configSchema.properties.BRANCH.enum);
  });

  it('keeps a set branch the board does not offer, marked as not offered', () => {
    // A board whose family builds no legacy kernel at all (family branches are offered, with a note).
    const board = configSchema['x-boards'].find((x) => !('legacy' in x.kernels))!;
    const options = branchOptions(configSchema, { BOARD: board.board, BRANCH: 'legacy' });
    expect(options.at(-1)).toEqual({ value: 'legacy', label: 'legacy', offered: false });
  });

  it('offers only releases built for the board architecture, supported first', () => {
    const riscv = configSchema['x-boards'].find((x) => x.arch === 'riscv64')!;
    const options = releaseOptions(configSchema, { BOARD: riscv.board });
    const values = options.map((o) => o.value);
    for (const value of values) {
      expect(configSchema['x-releases'].find((r) => r.release === value)!.architectures).toContain('riscv64');
    }
    expect(values).not.toContain('bookworm'); // no riscv64 build of bookworm
    expect(values).toContain('noble');
    expect(options[0].detail).toBe('supported');
  });

  it('marks desktops untested on the chosen release', () => {
    const detail = configSchema.properties.DESKTOP_ENVIRONMENT['x-enum-details']!.find((d) => d.releases && d.releases.length > 0);
    if (!detail) return; // the data has no release-restricted desktop
    const other = configSchema['x-releases'].find((r) => !detail.releases!.includes(r.release))!.release;
    const option = enumOptions(configSchema, 'DESKTOP_ENVIRONMENT', { RELEASE: other }).find((o) => o.value === detail.value)!;
    expect(option.detail).toContain(`untested on ${other}`);
  });
});

describe('board search', () => {
  const index = createBoardIndex(configSchema['x-boards']);

  it('finds a board by words in any order and without separators', () => {
    expect(index.search('orange pi 5', 5).map((b) => b.board)).toContain('orangepi5');
    expect(index.search('radxa rock5b').length).toBeGreaterThan(0);
    expect(index.search('rock 5b')[0].board).toMatch(/^rock-5b/);
  });

  it('ranks an exact id first and filters by architecture', () => {
    expect(index.search('orangepi5')[0].board).toBe('orangepi5');
    const riscv = index.search('riscv64');
    expect(riscv.length).toBeGreaterThan(0);
    expect(riscv.every((b) => b.arch === 'riscv64' || b.family.includes('riscv') || b.board.includes('riscv'))).toBe(true);
  });

  it('returns nothing for nonsense and everything for an empty query', () => {
    expect(index.search('zzzz-no-such-board')).toEqual([]);
    expect(index.search('').length).toBe(configSchema['x-boards'].length);
  });
});

describe('scalar writes', () => {
  it('sets and unsets a property', () => {
    const doc = docWith({ BOARD: 'orangepi5' });
    setField(doc, 'BRANCH', 'current');
    expect(configToJson(doc).BRANCH).toBe('current');
    setField(doc, 'BRANCH', undefined);
    expect(configMap(doc).has('BRANCH')).toBe(false);
  });

  it('writes nothing when the value is unchanged', () => {
    const doc = docWith({ BOARD: 'orangepi5' });
    let updates = 0;
    doc.on('update', () => updates++);
    setField(doc, 'BOARD', 'orangepi5');
    expect(updates).toBe(0);
  });
});

describe('array operations on Y.Array', () => {
  it('adds, removes and moves items in place', () => {
    const doc = docWith({ extraPackages: ['htop'] });
    const list = configMap(doc).get('extraPackages');
    addItems(doc, 'extraPackages', ['vim', 'curl']);
    expect(configToJson(doc).extraPackages).toEqual(['htop', 'vim', 'curl']);
    moveItem(doc, 'extraPackages', 2, 0);
    expect(configToJson(doc).extraPackages).toEqual(['curl', 'htop', 'vim']);
    removeItem(doc, 'extraPackages', 1);
    expect(configToJson(doc).extraPackages).toEqual(['curl', 'vim']);
    // Same Y.Array throughout: edits never replace the list.
    expect(configMap(doc).get('extraPackages')).toBe(list);
  });

  it('ignores moves and removals out of range', () => {
    const doc = docWith({ extraPackages: ['a1', 'b2'] });
    moveItem(doc, 'extraPackages', 0, 5);
    removeItem(doc, 'extraPackages', 7);
    expect(configToJson(doc).extraPackages).toEqual(['a1', 'b2']);
  });

  it('creates the list when the property is unset', () => {
    const doc = docWith({});
    addItems(doc, 'ENABLE_EXTENSIONS', ['docker-ce']);
    expect(configMap(doc).get('ENABLE_EXTENSIONS')).toBeInstanceOf(Y.Array);
    expect(configToJson(doc).ENABLE_EXTENSIONS).toEqual(['docker-ce']);
  });

  it('keeps both people’s additions when they add at the same time', () => {
    const [a, b] = linkedPair({ extraPackages: ['htop'] });
    addItems(a, 'extraPackages', ['vim']);
    addItems(b, 'extraPackages', ['curl']);
    exchange(a, b);
    const merged = configToJson(a).extraPackages as string[];
    expect(merged).toEqual(configToJson(b).extraPackages);
    expect([...merged].sort()).toEqual(['curl', 'htop', 'vim']);
  });

  it('keeps a concurrent addition while someone else reorders', () => {
    const [a, b] = linkedPair({ ENABLE_EXTENSIONS: ['one', 'two', 'three'] });
    moveItem(a, 'ENABLE_EXTENSIONS', 0, 2);
    addItems(b, 'ENABLE_EXTENSIONS', ['four']);
    exchange(a, b);
    const merged = configToJson(a).ENABLE_EXTENSIONS as string[];
    expect(merged).toEqual(configToJson(b).ENABLE_EXTENSIONS);
    expect([...merged].sort()).toEqual(['four', 'one', 'three', 'two']);
  });

  it('toggles multi-select values in the schema order', () => {
    const order = configSchema.properties.COMPRESS_OUTPUTIMAGE.items!.enum!;
    const doc = docWith({ COMPRESS_OUTPUTIMAGE: ['img'] });
    toggleItem(doc, 'COMPRESS_OUTPUTIMAGE', 'sha', true, order);
    toggleItem(doc, 'COMPRESS_OUTPUTIMAGE', 'xz', true, order);
    toggleItem(doc, 'COMPRESS_OUTPUTIMAGE', 'xz', true, order); // already there
    expect(configToJson(doc).COMPRESS_OUTPUTIMAGE).toEqual(['sha', 'img', 'xz']);
    toggleItem(doc, 'COMPRESS_OUTPUTIMAGE', 'img', false, order);
    expect(configToJson(doc).COMPRESS_OUTPUTIMAGE).toEqual(['sha', 'xz']);
  });

  it('splits typed or pasted tags on spaces and commas', () => {
    expect(splitTags(' vim, curl  htop,,')).toEqual(['vim', 'curl', 'htop']);
    expect(splitTags('   ')).toEqual([]);
  });
});

describe('field store: one subscription per JSON Pointer', () => {
  it('notifies only the pointers whose value changed', () => {
    const [a, b] = linkedPair({ BOARD: 'orangepi5', BRANCH: 'current', extraPackages: ['htop', 'vim'] });
    const store = createFieldStore(b);
    const seen: string[] = [];
    for (const pointer of ['/BOARD', '/BRANCH', '/extraPackages', '/extraPackages/0', '/extraPackages/1']) {
      store.subscribe(pointer, (value) => seen.push(`${pointer}=${JSON.stringify(value)}`));
    }
    setField(a, 'BRANCH', 'edge');
    exchange(a, b);
    expect(seen).toEqual(['/BRANCH="edge"']);
    seen.length = 0;
    addItems(a, 'extraPackages', ['curl'], 1);
    exchange(a, b);
    // Item 0 is unchanged; item 1 moved from vim to curl; the list changed.
    expect(seen.sort()).toEqual(['/extraPackages/1="curl"', '/extraPackages=["htop","curl","vim"]']);
  });

  it('reports the top-level keys of each transaction and keeps a snapshot', () => {
    const doc = docWith({ BOARD: 'orangepi5', customizeScript: 'echo' });
    const store = createFieldStore(doc);
    const batches: string[][] = [];
    store.onChange((keys) => batches.push([...keys].sort()));
    doc.transact(() => {
      setField(doc, 'BRANCH', 'current');
      (configMap(doc).get('customizeScript') as Y.Text).insert(4, ' hi');
    });
    expect(batches).toEqual([['BRANCH', 'customizeScript']]);
    expect(store.snapshot()).toMatchObject({ BOARD: 'orangepi5', BRANCH: 'current', customizeScript: 'echo hi' });
    expect(store.get('/customizeScript')).toBe('echo hi');
  });

  it('stops notifying after unsubscribe and destroy', () => {
    const doc = docWith({ BOARD: 'orangepi5' });
    const store = createFieldStore(doc);
    let calls = 0;
    const off = store.subscribe('/BOARD', () => calls++);
    setField(doc, 'BOARD', 'rock-5b');
    off();
    setField(doc, 'BOARD', 'orangepi5');
    store.subscribe('/BOARD', () => calls++);
    store.destroy();
    setField(doc, 'BOARD', 'rock-5b');
    expect(calls).toBe(1);
  });
});
