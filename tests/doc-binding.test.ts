/**
 * The configuration ⇄ Yjs binding: round trips, the document layout collaborators rely on, and
 * writes that change only what changed so concurrent edits by others survive.
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { configMap, configToJson, defaultConfig, writeConfig } from '../shared/doc-binding.ts';
import { checkShape, configSchema, validateConfig } from '../shared/validation/index.ts';

const SCRIPT = [
  '#!/bin/bash',
  '# customize-image.sh',
  'RELEASE=$1',
  'BOARD=$3',
  'apt-get update',
  'apt-get -y install htop',
  'echo "built for $BOARD" > /etc/motd',
  'systemctl enable ssh',
  '',
].join('\n');

const CONFIGS: Record<string, Record<string, unknown>> = {
  'rockchip desktop': { ...defaultConfig(), BOARD: 'orangepi5', BRANCH: 'vendor', RELEASE: 'noble', BUILD_DESKTOP: 'yes', DESKTOP_ENVIRONMENT: 'kde-plasma', DESKTOP_TIER: 'full', customizeScript: SCRIPT, description: 'Kiosk image\nfor the lobby screen' },
  'sunxi minimal': { ...defaultConfig(), BOARD: 'bananapi', BRANCH: 'current', RELEASE: 'trixie', BUILD_MINIMAL: 'yes', ENABLE_EXTENSIONS: ['cloud-init'], extraPackages: ['vim', 'tmux'] },
  'uefi btrfs': { ...defaultConfig(), BOARD: 'uefi-x86', BRANCH: 'edge', RELEASE: 'resolute', ROOTFS_TYPE: 'btrfs', BTRFS_COMPRESSION: 'zstd', FIXED_IMAGE_SIZE: 8192, timezone: 'UTC' },
  'almost empty': { BOARD: 'rpi4b' },
  'unicode text': { ...defaultConfig(), description: 'Überwachung 📷 — caméra\n二行目' },
};

function sync(from: Y.Doc, to: Y.Doc): void {
  Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)));
}

function docWith(data: Record<string, unknown>): Y.Doc {
  const doc = new Y.Doc();
  writeConfig(doc, data);
  return doc;
}

describe('round trips', () => {
  it.each(Object.entries(CONFIGS))('%s: JSON → doc → JSON is identical, also after sync to another doc', (_, data) => {
    const doc = docWith(data);
    expect(configToJson(doc)).toEqual(data);
    const replica = new Y.Doc();
    sync(doc, replica);
    expect(configToJson(replica)).toEqual(data);
  });

  it('a fresh document is an empty configuration', () => {
    expect(configToJson(new Y.Doc())).toEqual({});
  });
});

describe('document layout', () => {
  it('keeps multiline text as Y.Text, lists as Y.Array and other values as plain JSON', () => {
    const map = configMap(docWith(CONFIGS['rockchip desktop']));
    expect(map.get('customizeScript')).toBeInstanceOf(Y.Text);
    expect(map.get('description')).toBeInstanceOf(Y.Text);
    expect(map.get('COMPRESS_OUTPUTIMAGE')).toBeInstanceOf(Y.Array);
    expect(map.get('ENABLE_EXTENSIONS')).toBeInstanceOf(Y.Array);
    expect(map.get('BOARD')).toBe('orangepi5');
    expect(map.get('BOOTSIZE')).toBe(256);
  });

  it('puts nothing but the config map at the root', () => {
    const doc = docWith(CONFIGS['sunxi minimal']);
    expect(Array.from(doc.share.keys())).toEqual(['config']);
  });
});

describe('defaultConfig', () => {
  it('is well shaped and only misses the target a person must choose', () => {
    const defaults = defaultConfig();
    expect(checkShape(defaults)).toEqual([]);
    expect(validateConfig(defaults).errors.map((e) => `${e.path} ${e.keyword}`)).toEqual([
      '/BOARD required',
      '/BRANCH required',
      '/RELEASE required',
    ]);
    expect(validateConfig(defaults).warnings).toEqual([]);
  });

  it('takes the framework defaults from the data and leaves conditional settings unset', () => {
    const defaults = defaultConfig() as Record<string, unknown>;
    expect(defaults).toMatchObject({ ROOTFS_TYPE: 'ext4', COMPRESS_OUTPUTIMAGE: ['sha', 'img'], VENDOR: 'Armbian-unofficial', EXTRAWIFI: 'yes', customizeScript: '', ENABLE_EXTENSIONS: [] });
    for (const [name, property] of Object.entries(configSchema.properties)) {
      if (property['x-when']) expect(defaults, name).not.toHaveProperty(name);
    }
  });

  it('returns a fresh object each time', () => {
    const a = defaultConfig();
    a.ENABLE_EXTENSIONS?.push('changed');
    expect(defaultConfig().ENABLE_EXTENSIONS).toEqual([]);
  });
});

describe('writeConfig changes only what changed', () => {
  it('sends no update at all when the data is unchanged', () => {
    const doc = docWith(CONFIGS['rockchip desktop']);
    let updates = 0;
    doc.on('update', () => updates++);
    writeConfig(doc, structuredClone(CONFIGS['rockchip desktop']));
    expect(updates).toBe(0);
  });

  it('touches only the changed key, in one transaction with the given origin', () => {
    const doc = docWith(CONFIGS['rockchip desktop']);
    const changed: string[] = [];
    const origins: unknown[] = [];
    configMap(doc).observe((event) => changed.push(...event.keysChanged));
    doc.on('afterTransaction', (tr: Y.Transaction) => origins.push(tr.origin));
    writeConfig(doc, { ...CONFIGS['rockchip desktop'], BRANCH: 'current' }, 'rest-put');
    expect(changed).toEqual(['BRANCH']);
    expect(origins).toEqual(['rest-put']);
  });

  it('removes keys the new data no longer has', () => {
    const doc = docWith(CONFIGS['uefi btrfs']);
    const { BTRFS_COMPRESSION: _dropped, ...rest } = CONFIGS['uefi btrfs'];
    writeConfig(doc, { ...rest, ROOTFS_TYPE: 'ext4' });
    expect(configToJson(doc)).not.toHaveProperty('BTRFS_COMPRESSION');
    expect(configToJson(doc)).toEqual({ ...rest, ROOTFS_TYPE: 'ext4' });
  });

  it('edits the existing Y.Text, so a cursor in an unchanged line stays on its word', () => {
    const doc = docWith(CONFIGS['rockchip desktop']);
    const text = configMap(doc).get('customizeScript') as Y.Text;
    const anchorAt = SCRIPT.indexOf('systemctl');
    const cursor = Y.createRelativePositionFromTypeIndex(text, anchorAt);
    const next = SCRIPT.replace('apt-get update', 'apt-get update && apt-get -y upgrade');
    writeConfig(doc, { ...CONFIGS['rockchip desktop'], customizeScript: next });
    expect(configMap(doc).get('customizeScript')).toBe(text);
    const moved = Y.createAbsolutePositionFromRelativePosition(cursor, doc);
    expect(moved?.index).toBe(next.indexOf('systemctl'));
  });

  it('keeps a collaborator’s concurrent edit to the script', () => {
    const alice = docWith(CONFIGS['rockchip desktop']);
    const bob = new Y.Doc();
    sync(alice, bob);
    // Bob types in line 2 while Alice replaces the whole config with edits to lines 6 and 8.
    const bobText = configMap(bob).get('customizeScript') as Y.Text;
    bobText.insert(SCRIPT.indexOf('customize-image.sh') + 'customize-image.sh'.length, ' (by Bob)');
    const aliceScript = SCRIPT.replace('install htop', 'install htop iperf3').replace('enable ssh', 'enable ssh avahi-daemon');
    writeConfig(alice, { ...CONFIGS['rockchip desktop'], customizeScript: aliceScript });
    sync(alice, bob);
    sync(bob, alice);
    const merged = configToJson(alice).customizeScript as string;
    expect(merged).toBe(configToJson(bob).customizeScript);
    expect(merged).toContain('# customize-image.sh (by Bob)');
    expect(merged).toContain('install htop iperf3');
    expect(merged).toContain('enable ssh avahi-daemon');
  });

  it('keeps a collaborator’s concurrent addition to a list', () => {
    const alice = docWith({ ...CONFIGS['sunxi minimal'], ENABLE_EXTENSIONS: ['cloud-init', 'zfs'] });
    const bob = new Y.Doc();
    sync(alice, bob);
    (configMap(bob).get('ENABLE_EXTENSIONS') as Y.Array<string>).push(['docker-ce']);
    writeConfig(alice, { ...CONFIGS['sunxi minimal'], ENABLE_EXTENSIONS: ['zfs'] });
    sync(alice, bob);
    sync(bob, alice);
    expect(configToJson(alice).ENABLE_EXTENSIONS).toEqual(['zfs', 'docker-ce']);
    expect(configToJson(bob).ENABLE_EXTENSIONS).toEqual(['zfs', 'docker-ce']);
  });

  it('never splits an emoji when only part of a line changes', () => {
    const doc = docWith({ description: 'camera 📷 one' });
    writeConfig(doc, { description: 'camera 📸 one' });
    expect(configToJson(doc).description).toBe('camera 📸 one');
    const replica = new Y.Doc();
    sync(doc, replica);
    expect(configToJson(replica).description).toBe('camera 📸 one');
  });

  it('refuses data that is not an object', () => {
    expect(() => writeConfig(new Y.Doc(), [] as unknown as Record<string, unknown>)).toThrow(TypeError);
  });
});
