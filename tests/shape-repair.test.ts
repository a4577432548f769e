/**
 * Shape repair: what the server does when a client writes a wrong type, an unknown key or an
 * over-size value into the document. After the compensating transaction the document is well
 * shaped, the author learns what was changed, and everything else is left alone.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { configMap, configToJson, defaultConfig, writeConfig } from '../shared/doc-binding.ts';
import { checkDocShape, repairShape } from '../shared/doc-repair.ts';
import { checkShape, validateConfig } from '../shared/validation/index.ts';

const GOOD = { ...defaultConfig(), BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'noble', customizeScript: 'echo hello\n', ENABLE_EXTENSIONS: ['docker-ce'] };
const SERVER = Symbol('server-repair');

function goodDoc(): Y.Doc {
  const doc = new Y.Doc();
  writeConfig(doc, GOOD);
  return doc;
}

/** Applies `damage` as a client would, then repairs as the server does. */
function damageAndRepair(damage: (map: Y.Map<unknown>) => void) {
  const doc = goodDoc();
  doc.transact(() => damage(configMap(doc)), 'client');
  const issues = checkDocShape(doc);
  const repaired = repairShape(doc, issues, SERVER);
  return { doc, issues, repaired, json: configToJson(doc) };
}

describe('each kind of damage is repaired', () => {
  const cases: Array<{ damage: string; apply: (map: Y.Map<unknown>) => void; path: string; keyword: string; says: RegExp; after: (json: Record<string, unknown>) => void }> = [
    {
      damage: 'an unknown key',
      apply: (m) => m.set('ROOT_PASSWORD', 'hunter2'),
      path: '/ROOT_PASSWORD', keyword: 'additionalProperties', says: /Removed unknown setting 'ROOT_PASSWORD'/,
      after: (j) => expect(j).not.toHaveProperty('ROOT_PASSWORD'),
    },
    {
      damage: 'a number where text belongs, with a default to fall back on',
      apply: (m) => m.set('ROOTFS_TYPE', 4),
      path: '/ROOTFS_TYPE', keyword: 'type', says: /Reset Root filesystem to its default "ext4": it was a whole number/,
      after: (j) => expect(j.ROOTFS_TYPE).toBe('ext4'),
    },
    {
      damage: 'a wrong type without a default',
      apply: (m) => m.set('FIXED_IMAGE_SIZE', '2G'),
      path: '/FIXED_IMAGE_SIZE', keyword: 'type', says: /Removed Fixed image size: it was text/,
      after: (j) => expect(j).not.toHaveProperty('FIXED_IMAGE_SIZE'),
    },
    {
      damage: 'a list where text belongs',
      apply: (m) => m.set('BRANCH', Y.Array.from(['current'])),
      path: '/BRANCH', keyword: 'type', says: /Removed Kernel branch: it was a list/,
      after: (j) => expect(j).not.toHaveProperty('BRANCH'),
    },
    {
      damage: 'a wrong item in a list',
      apply: (m) => (m.get('ENABLE_EXTENSIONS') as Y.Array<unknown>).push([{ name: 'zfs' }]),
      path: '/ENABLE_EXTENSIONS/1', keyword: 'type', says: /Removed entry 2 of Extensions: it was a group of settings/,
      after: (j) => expect(j.ENABLE_EXTENSIONS).toEqual(['docker-ce']),
    },
    {
      damage: 'an over-long script',
      apply: (m) => (m.get('customizeScript') as Y.Text).insert(0, '#'.repeat(70_000)),
      path: '/customizeScript', keyword: 'maxLength', says: /Shortened Customize script to 65536 characters/,
      after: (j) => expect((j.customizeScript as string).length).toBe(65_536),
    },
    {
      damage: 'an over-long one-line value',
      apply: (m) => m.set('VENDOR', 'V'.repeat(500)),
      path: '/VENDOR', keyword: 'maxLength', says: /Shortened Vendor name to 128 characters/,
      after: (j) => expect(j.VENDOR).toBe('V'.repeat(128)),
    },
    {
      damage: 'too many list entries',
      apply: (m) => (m.get('ENABLE_EXTENSIONS') as Y.Array<unknown>).push(Array.from({ length: 100 }, (_, i) => `ext${i}`)),
      path: '/ENABLE_EXTENSIONS', keyword: 'maxItems', says: /Kept the first 64 entries of Extensions/,
      after: (j) => expect(j.ENABLE_EXTENSIONS).toHaveLength(64),
    },
    {
      damage: 'a number above its maximum',
      apply: (m) => m.set('IMAGE_XZ_COMPRESSION_RATIO', 1_000_000),
      path: '/IMAGE_XZ_COMPRESSION_RATIO', keyword: 'maximum', says: /Lowered xz level from 1000000 to its maximum 9/,
      after: (j) => expect(j.IMAGE_XZ_COMPRESSION_RATIO).toBe(9),
    },
    {
      damage: 'collaborative text where a plain value belongs',
      apply: (m) => m.set('BOARD', new Y.Text('orangepi5')),
      path: '/BOARD', keyword: 'type', says: /Stored Board as a plain value/,
      after: (j) => expect(j.BOARD).toBe('orangepi5'),
    },
    {
      damage: 'a plain array where a shared list belongs',
      apply: (m) => m.set('extraPackages', ['htop', 'vim']),
      path: '/extraPackages', keyword: 'type', says: /Stored Extra packages as a shared list/,
      after: (j) => expect(j.extraPackages).toEqual(['htop', 'vim']),
    },
  ];

  it.each(cases)('$damage', ({ apply, path, keyword, says, after }) => {
    const { doc, issues, repaired, json } = damageAndRepair(apply);
    expect(issues.map((i) => `${i.path} ${i.keyword}`)).toContain(`${path} ${keyword}`);
    const entry = repaired.find((r) => r.path === path && r.keyword === keyword);
    expect(entry, JSON.stringify(repaired)).toBeDefined();
    expect(entry?.message).toMatch(says);
    after(json);
    expect(checkShape(json)).toEqual([]);
    expect(checkDocShape(doc)).toEqual([]);
  });

  it('keeps the Yjs types right after repair', () => {
    const { doc } = damageAndRepair((m) => m.set('extraPackages', ['htop']));
    const list = configMap(doc).get('extraPackages') as Y.Array<unknown>;
    expect(list).toBeInstanceOf(Y.Array);
    expect(list.get(0)).toBeInstanceOf(Y.Text);
  });

  it('accepts a plain string where collaborative text belongs (what clients of the older layout write)', () => {
    const { doc, issues, repaired } = damageAndRepair((m) => {
      m.set('description', 'typed by an old client');
      m.set('VENDOR', 'OldClientCo');
    });
    expect(issues).toEqual([]);
    expect(repaired).toEqual([]);
    expect(configMap(doc).get('VENDOR')).toBe('OldClientCo');
  });
});

describe('repair leaves everything else alone', () => {
  it('does nothing to a healthy document', () => {
    const doc = goodDoc();
    let updates = 0;
    doc.on('update', () => updates++);
    expect(repairShape(doc, checkDocShape(doc), SERVER)).toEqual([]);
    expect(updates).toBe(0);
  });

  it('repairs in one transaction carrying the server origin', () => {
    const doc = goodDoc();
    doc.transact(() => {
      configMap(doc).set('X', 1);
      configMap(doc).set('BOOTSIZE', 'big');
    }, 'client');
    const origins: unknown[] = [];
    doc.on('afterTransaction', (tr: Y.Transaction) => origins.push(tr.origin));
    repairShape(doc, checkDocShape(doc), SERVER);
    expect(origins).toEqual([SERVER]);
    expect(configToJson(doc).BOOTSIZE).toBe(256);
  });

  it('does not revert rule violations that are normal while editing', () => {
    const doc = goodDoc();
    configMap(doc).set('BRANCH', 'ddk'); // Rock 5B's family has no ddk kernel
    configMap(doc).delete('RELEASE');
    expect(checkDocShape(doc)).toEqual([]);
    expect(repairShape(doc, checkDocShape(doc), SERVER)).toEqual([]);
    expect(validateConfig(configToJson(doc)).errors.map((e) => e.keyword).sort()).toEqual(['branch-not-offered', 'required']);
  });

  it('finds damage the caller’s issue list missed', () => {
    const doc = goodDoc();
    configMap(doc).set('A', 1);
    configMap(doc).set('B', 2);
    const onlyA = checkDocShape(doc).filter((i) => i.path === '/A');
    repairShape(doc, onlyA, SERVER);
    expect(checkDocShape(doc)).toEqual([]);
  });
});

describe('random damage always ends well shaped', () => {
  // Seeded so a failure can be replayed: the seed is in the test name.
  const seed = 20251122;
  it(`200 random damages (seed ${seed})`, () => {
    let state = seed;
    const random = () => (state = (state * 48271) % 2147483647) / 2147483647;
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    const keys = [...Object.keys(GOOD), 'UNKNOWN', 'a/b', 'customizeScript'];
    const values: Array<() => unknown> = [
      () => 42, () => -1e9, () => 3.5, () => true, () => null, () => 'x'.repeat(Math.floor(random() * 70_000)),
      () => ['a', 1, null], () => ({ nested: { deep: [1] } }), () => new Y.Text('text'), () => Y.Array.from([1, 'two']),
      () => { const m = new Y.Map<unknown>(); m.set('k', 'v'); return m; },
      () => Array.from({ length: Math.floor(random() * 300) }, (_, i) => `item${i}`),
    ];
    for (let round = 0; round < 200; round++) {
      const doc = goodDoc();
      doc.transact(() => {
        for (let n = 1 + Math.floor(random() * 4); n > 0; n--) configMap(doc).set(pick(keys), pick(values)());
      });
      repairShape(doc, checkDocShape(doc), SERVER);
      const json = configToJson(doc);
      expect(checkShape(json), `round ${round}: ${JSON.stringify(json).slice(0, 300)}`).toEqual([]);
      expect(checkDocShape(doc), `round ${round}`).toEqual([]);
    }
  });
});
