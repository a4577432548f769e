/**
 * Validation of configurations over the real Armbian board data: buildable configurations for
 * several families and architectures pass, and each framework rule reports the right place,
 * keyword and severity in words a person understands.
 */
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../shared/doc-binding.ts';
import { checkShape, validateConfig, type ValidationIssue } from '../shared/validation/index.ts';

type Config = Record<string, unknown>;

/** A buildable configuration: defaults plus a target. */
function config(target: Config): Config {
  return { ...defaultConfig(), ...target };
}

const brief = (issues: ValidationIssue[]) => issues.map((i) => `${i.severity} ${i.path} ${i.keyword}`);

describe('buildable configurations pass', () => {
  const cases: Array<{ name: string; data: Config; warnings: string[] }> = [
    {
      name: 'arm64 rockchip (Orange Pi 5) with an xfce desktop',
      data: config({ BOARD: 'orangepi5', BRANCH: 'vendor', RELEASE: 'noble', BUILD_DESKTOP: 'yes', DESKTOP_ENVIRONMENT: 'xfce', DESKTOP_TIER: 'mid' }),
      warnings: [],
    },
    {
      name: 'arm64 rockchip (Rock 5B) console image with extensions and packages',
      data: config({ BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie', ENABLE_EXTENSIONS: ['docker-ce'], extraPackages: ['htop', 'libc6:arm64'], customizeScript: '#!/bin/bash\napt-get -y purge nano\n' }),
      warnings: [],
    },
    {
      name: 'armhf sunxi (Banana Pi) minimal image',
      data: config({ BOARD: 'bananapi', BRANCH: 'legacy', RELEASE: 'trixie', BUILD_MINIMAL: 'yes', NETWORKING_STACK: 'systemd-networkd' }),
      warnings: [],
    },
    {
      name: 'desktop without a tier (the build writes the framework\'s choice)',
      data: config({ BOARD: 'orangepi5', BRANCH: 'vendor', RELEASE: 'noble', BUILD_DESKTOP: 'yes', DESKTOP_ENVIRONMENT: 'xfce' }),
      warnings: [],
    },
    {
      name: 'amd64 UEFI on the distribution kernel (ddk) with btrfs zstd:3 and a checksum',
      data: config({ BOARD: 'uefi-x86', BRANCH: 'ddk', RELEASE: 'noble', ROOTFS_TYPE: 'btrfs', BTRFS_COMPRESSION: 'zstd:3', BTRFS_CHECKSUM: 'xxhash' }),
      warnings: [],
    },
    {
      name: 'board hook kernel (wdk2023 → 6.7) on an eos board',
      data: config({ BOARD: 'wdk2023', BRANCH: 'wdk2023', RELEASE: 'trixie' }),
      warnings: ['warning /BOARD board-support'],
    },
    {
      name: 'riscv64 (BananaPi BPI-F3) on f2fs with a fixed size',
      data: config({ BOARD: 'bananapif3', BRANCH: 'current', RELEASE: 'noble', ROOTFS_TYPE: 'f2fs', FIXED_IMAGE_SIZE: 4096 }),
      warnings: [],
    },
    {
      name: 'amd64 UEFI on btrfs with zstd and xz output',
      data: config({ BOARD: 'uefi-x86', BRANCH: 'cloud', RELEASE: 'resolute', ROOTFS_TYPE: 'btrfs', BTRFS_COMPRESSION: 'zstd', COMPRESS_OUTPUTIMAGE: ['sha', 'xz'], IMAGE_XZ_COMPRESSION_RATIO: 6, timezone: 'Europe/Berlin', DEST_LANG: 'de_DE.UTF-8' }),
      warnings: [],
    },
    {
      name: 'arm64 Raspberry Pi with a full GNOME desktop',
      data: config({ BOARD: 'rpi4b', BRANCH: 'current', RELEASE: 'noble', BUILD_DESKTOP: 'yes', DESKTOP_ENVIRONMENT: 'gnome', DESKTOP_TIER: 'full', DESKTOP_AUTOLOGIN: 'yes' }),
      warnings: [],
    },
    {
      name: 'loong64 UEFI on sid, the only release built for it (community supported)',
      data: config({ BOARD: 'uefi-loong64', BRANCH: 'edge', RELEASE: 'sid' }),
      warnings: ['warning /RELEASE release-not-supported'],
    },
    {
      name: 'riscv64 community board (VisionFive2) on its vendor kernel',
      data: config({ BOARD: 'visionfive2', BRANCH: 'vendor', RELEASE: 'noble' }),
      warnings: ['warning /BOARD board-support'],
    },
  ];

  it.each(cases)('$name', ({ data, warnings }) => {
    const result = validateConfig(data);
    expect(brief(result.errors)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(brief(result.warnings)).toEqual(warnings);
  });
});

describe('each framework rule reports its place', () => {
  const base = { BOARD: 'orangepi5', BRANCH: 'current', RELEASE: 'noble' };
  const cases: Array<{ rule: string; data: Config; path: string; keyword: string; severity: 'error' | 'warning'; says: RegExp }> = [
    { rule: 'branch no family kernel answers (ddk outside the UEFI families)', data: { ...base, BRANCH: 'ddk' }, path: '/BRANCH', keyword: 'branch-not-offered', severity: 'error', says: /Orange Pi 5 has no kernel for branch 'ddk': the rockchip-rk3588 family defines none; choose current, edge or vendor/ },
    { rule: 'branch the board lists but its family has no kernel for', data: { BOARD: 'star64', BRANCH: 'edge', RELEASE: 'noble' }, path: '/BRANCH', keyword: 'branch-not-offered', severity: 'error', says: /it lists the branch, but the starfive2 family defines none/ },
    { rule: 'family branch the board does not list', data: { ...base, BRANCH: 'legacy' }, path: '/BRANCH', keyword: 'branch-not-listed', severity: 'warning', says: /does not list kernel branch 'legacy'.*family builds it \(kernel 5\.10\)/ },
    { rule: 'bleedingedge on a csc board', data: { BOARD: '9tripod-x3568-v4', BRANCH: 'bleedingedge', RELEASE: 'noble' }, path: '/BRANCH', keyword: 'branch-not-listed', severity: 'warning', says: /kernel 7\.2/ },
    { rule: 'unknown extension, with a suggestion', data: { ...base, ENABLE_EXTENSIONS: ['zfs', 'docker'] }, path: '/ENABLE_EXTENSIONS/1', keyword: 'unknown-extension', severity: 'error', says: /no extension 'docker'; did you mean docker-ce\?/ },
    { rule: 'cloud-init on a board with an ext4 boot partition', data: { BOARD: 'licheepi-4a', BRANCH: 'legacy', RELEASE: 'noble', ENABLE_EXTENSIONS: ['cloud-init'] }, path: '/ENABLE_EXTENSIONS/0', keyword: 'extension-bootfs', severity: 'error', says: /cloud-init extension needs a fat boot partition, and .* has ext4/ },
    { rule: 'gnome on an armhf board', data: { BOARD: 'bananapi', BRANCH: 'current', RELEASE: 'noble', BUILD_DESKTOP: 'yes', DESKTOP_ENVIRONMENT: 'gnome' }, path: '/DESKTOP_ENVIRONMENT', keyword: 'desktop-arch-unsupported', severity: 'error', says: /gnome is not available for armhf.*arm64 and amd64/ },
    { rule: 'cinnamon on an armhf board', data: { BOARD: 'bananapi', BRANCH: 'current', RELEASE: 'noble', BUILD_DESKTOP: 'yes', DESKTOP_ENVIRONMENT: 'cinnamon' }, path: '/DESKTOP_ENVIRONMENT', keyword: 'desktop-arch-unsupported', severity: 'error', says: /not available for armhf/ },
    { rule: 'unknown btrfs checksum', data: { ...base, ROOTFS_TYPE: 'btrfs', BTRFS_CHECKSUM: 'md5' }, path: '/BTRFS_CHECKSUM', keyword: 'enum', severity: 'error', says: /md5/ },
    { rule: 'btrfs compression level out of range', data: { ...base, ROOTFS_TYPE: 'btrfs', BTRFS_COMPRESSION: 'zstd:99' }, path: '/BTRFS_COMPRESSION', keyword: 'pattern', severity: 'error', says: /zstd:99/ },
    { rule: 'xz and zst together', data: { ...base, COMPRESS_OUTPUTIMAGE: ['sha', 'xz', 'zst'] }, path: '/COMPRESS_OUTPUTIMAGE', keyword: 'compression-xz-wins', severity: 'warning', says: /xz only/ },
    { rule: 'img with xz', data: { ...base, COMPRESS_OUTPUTIMAGE: ['sha', 'img', 'xz'] }, path: '/COMPRESS_OUTPUTIMAGE', keyword: 'compression-drops-raw-image', severity: 'warning', says: /deletes it after compressing with xz/ },
    { rule: 'release not built for the board architecture (riscv64)', data: { BOARD: 'bananapif3', BRANCH: 'current', RELEASE: 'bookworm' }, path: '/RELEASE', keyword: 'release-arch-unsupported', severity: 'error', says: /Bookworm is not built for riscv64.*choose noble, trixie or resolute/ },
    { rule: 'release not built for loong64', data: { BOARD: 'uefi-loong64', BRANCH: 'current', RELEASE: 'noble' }, path: '/RELEASE', keyword: 'release-arch-unsupported', severity: 'error', says: /not built for loong64.*choose sid/ },
    { rule: 'desktop on a board without video output', data: { BOARD: 'helios4', BRANCH: 'current', RELEASE: 'noble', BUILD_DESKTOP: 'yes', DESKTOP_ENVIRONMENT: 'xfce', DESKTOP_TIER: 'mid' }, path: '/BUILD_DESKTOP', keyword: 'desktop-without-video', severity: 'error', says: /Helios4 has no video output/ },
    { rule: 'desktop without an environment', data: { ...base, BUILD_DESKTOP: 'yes', DESKTOP_TIER: 'mid' }, path: '/DESKTOP_ENVIRONMENT', keyword: 'desktop-needs-environment', severity: 'error', says: /needs a desktop environment/ },
    { rule: 'minimal and desktop together', data: { ...base, BUILD_MINIMAL: 'yes', BUILD_DESKTOP: 'yes', DESKTOP_ENVIRONMENT: 'xfce', DESKTOP_TIER: 'mid' }, path: '/BUILD_MINIMAL', keyword: 'minimal-with-desktop', severity: 'error', says: /minimal image cannot have a desktop/ },
    { rule: 'desktop environment while the desktop is off', data: { ...base, BUILD_DESKTOP: 'no', DESKTOP_ENVIRONMENT: 'gnome' }, path: '/DESKTOP_ENVIRONMENT', keyword: 'environment-without-desktop', severity: 'error', says: /Desktop image is off/ },
    { rule: 'f2fs without a fixed image size', data: { ...base, ROOTFS_TYPE: 'f2fs' }, path: '/FIXED_IMAGE_SIZE', keyword: 'f2fs-needs-fixed-size', severity: 'error', says: /f2fs .* needs a fixed image size/ },
    { rule: 'btrfs compression on ext4', data: { ...base, ROOTFS_TYPE: 'ext4', BTRFS_COMPRESSION: 'zstd' }, path: '/BTRFS_COMPRESSION', keyword: 'btrfs-compression-without-btrfs', severity: 'error', says: /only applies to a btrfs root filesystem, and this one is ext4/ },
    { rule: 'btrfs compression with the default filesystem', data: { ...base, BTRFS_COMPRESSION: 'lzo' }, path: '/BTRFS_COMPRESSION', keyword: 'btrfs-compression-without-btrfs', severity: 'error', says: /this one is ext4/ },
    { rule: 'missing board', data: { BRANCH: 'current', RELEASE: 'noble' }, path: '/BOARD', keyword: 'required', severity: 'error', says: /Choose a board/ },
    { rule: 'missing branch', data: { BOARD: 'orangepi5', RELEASE: 'noble' }, path: '/BRANCH', keyword: 'required', severity: 'error', says: /Choose a kernel branch/ },
    { rule: 'missing release', data: { BOARD: 'orangepi5', BRANCH: 'current' }, path: '/RELEASE', keyword: 'required', severity: 'error', says: /Choose a release/ },
    { rule: 'board cleared to an empty string', data: { ...base, BOARD: '' }, path: '/BOARD', keyword: 'required', severity: 'error', says: /Choose a board/ },
    { rule: 'unknown board', data: { ...base, BOARD: 'orangepi99' }, path: '/BOARD', keyword: 'enum', severity: 'error', says: /Board 'orangepi99' is not an Armbian board, and this configuration has no board file for it/ },
    { rule: 'unknown kernel branch', data: { ...base, BRANCH: 'stable' }, path: '/BRANCH', keyword: 'enum', severity: 'error', says: /'stable' is not one of bleedingedge, cloud, current/ },
    { rule: 'community supported (csc) board', data: { BOARD: 'orangepizero3', BRANCH: 'current', RELEASE: 'noble' }, path: '/BOARD', keyword: 'board-support', severity: 'warning', says: /Orange Pi Zero3 is community supported/ },
    { rule: 'TV box (tvb) board', data: { BOARD: 'aml-s805-mxq', BRANCH: 'current', RELEASE: 'noble' }, path: '/BOARD', keyword: 'board-support', severity: 'warning', says: /MXQ is a TV box/ },
    { rule: 'end-of-support (eos) board', data: { BOARD: 'bananapim2', BRANCH: 'current', RELEASE: 'noble' }, path: '/BOARD', keyword: 'board-support', severity: 'warning', says: /Banana Pi M2 has reached end of support/ },
    { rule: 'end-of-support release', data: { ...base, RELEASE: 'bullseye' }, path: '/RELEASE', keyword: 'release-not-supported', severity: 'warning', says: /Bullseye has reached end of support/ },
    { rule: 'community supported release', data: { ...base, RELEASE: 'bookworm' }, path: '/RELEASE', keyword: 'release-not-supported', severity: 'warning', says: /Bookworm is community supported/ },
    { rule: 'legacy desktop variant switch', data: { ...base, BUILD_DESKTOP: 'yes', DESKTOP_ENVIRONMENT: 'xfce', DESKTOP_TIER: 'mid', DESKTOP_ENVIRONMENT_CONFIG_NAME: 'config_base' }, path: '/DESKTOP_ENVIRONMENT_CONFIG_NAME', keyword: 'deprecated', severity: 'warning', says: /legacy switch .* use Desktop tier instead/ },
    { rule: 'legacy desktop app groups', data: { ...base, BUILD_DESKTOP: 'yes', DESKTOP_ENVIRONMENT: 'xfce', DESKTOP_TIER: 'mid', DESKTOP_APPGROUPS_SELECTED: 'browsers chat' }, path: '/DESKTOP_APPGROUPS_SELECTED', keyword: 'deprecated', severity: 'warning', says: /no longer reads/ },
    { rule: 'xz level without xz output', data: { ...base, IMAGE_XZ_COMPRESSION_RATIO: 5 }, path: '/IMAGE_XZ_COMPRESSION_RATIO', keyword: 'not-applicable', severity: 'warning', says: /no effect unless Image output is xz/ },
    { rule: 'an extension listed twice', data: { ...base, ENABLE_EXTENSIONS: ['docker-ce', 'zfs', 'docker-ce'] }, path: '/ENABLE_EXTENSIONS/2', keyword: 'duplicate-item', severity: 'warning', says: /lists 'docker-ce' twice/ },
    { rule: 'kernel menuconfig in a remote build', data: { ...base, KERNEL_CONFIGURE: 'yes' }, path: '/KERNEL_CONFIGURE', keyword: 'interactive-kernel-config', severity: 'error', says: /needs a terminal .* userpatches\/linux-rockchip64-current\.config \(the Kernel panel\)/ },
    { rule: 'kernel menuconfig on another family, its own file named', data: { BOARD: 'rpi4b', BRANCH: 'current', RELEASE: 'noble', KERNEL_CONFIGURE: 'yes' }, path: '/KERNEL_CONFIGURE', keyword: 'interactive-kernel-config', severity: 'error', says: /userpatches\/linux-bcm2711-current\.config/ },
    { rule: 'extension name with a space', data: { ...base, ENABLE_EXTENSIONS: ['docker ce'] }, path: '/ENABLE_EXTENSIONS/0', keyword: 'pattern', severity: 'error', says: /Entry 1 of Extensions 'docker ce' is not valid/ },
    { rule: 'image size of zero', data: { ...base, FIXED_IMAGE_SIZE: 0 }, path: '/FIXED_IMAGE_SIZE', keyword: 'minimum', severity: 'error', says: /at least 1 MiB/ },
  ];

  it.each(cases)('$rule → $severity at $path ($keyword)', ({ data, path, keyword, severity, says }) => {
    const result = validateConfig(data);
    const found = [...result.errors, ...result.warnings].filter((i) => i.path === path && i.keyword === keyword);
    expect(found, JSON.stringify(result, null, 1)).toHaveLength(1);
    expect(found[0].severity).toBe(severity);
    expect(found[0].message).toMatch(says);
    // Warnings alone never block a build; any error does.
    expect(result.valid).toBe(result.errors.length === 0);
    if (severity === 'error') expect(result.valid).toBe(false);
  });

  it('warnings alone leave the configuration valid', () => {
    const result = validateConfig({ ...defaultConfig(), BOARD: 'aml-s805-mxq', BRANCH: 'current', RELEASE: 'bullseye' });
    expect(result.valid).toBe(true);
    expect(brief(result.warnings)).toEqual(['warning /BOARD board-support', 'warning /RELEASE release-not-supported']);
  });

  it('an unknown board is one error, not a cascade of rule errors', () => {
    const result = validateConfig({ BOARD: 'no-such-board', BRANCH: 'legacy', RELEASE: 'noble' });
    expect(brief(result.errors)).toEqual(['error /BOARD enum']);
  });

  it('a wrong type is reported once, without the enum complaint about the same value', () => {
    const result = validateConfig({ ...base, ROOTFS_TYPE: 42 });
    expect(brief(result.errors)).toEqual(['error /ROOTFS_TYPE type']);
    expect(result.errors[0].message).toBe('Root filesystem must be text, not a whole number');
  });

  it('lists issues in form order, target first', () => {
    const result = validateConfig({ ROOTFS_TYPE: 'f2fs' });
    expect(result.errors.map((i) => i.path)).toEqual(['/BOARD', '/BRANCH', '/RELEASE', '/FIXED_IMAGE_SIZE']);
  });
});

describe('checkShape reports only what the server repairs', () => {
  it('finds wrong types, unknown keys and over-size values, and nothing else', () => {
    const issues = checkShape({
      BOARD: 'no-such-board', // enum: not shape
      BRANCH: 7, // type
      SURPRISE: true, // additionalProperties
      description: 'x'.repeat(16_385), // maxLength
      extraPackages: Array.from({ length: 257 }, (_, i) => `pkg${i}`), // maxItems
      ZSTD_COMPRESSION_LEVEL: 99, // too large
      FIXED_IMAGE_SIZE: 0, // minimum: a rule, not shape
    });
    expect(issues.map((i) => `${i.path} ${i.keyword}`).sort()).toEqual([
      '/BRANCH type',
      '/SURPRISE additionalProperties',
      '/ZSTD_COMPRESSION_LEVEL maximum',
      '/description maxLength',
      '/extraPackages maxItems',
    ]);
  });

  it('is empty for an incomplete but well-shaped configuration', () => {
    expect(checkShape({})).toEqual([]);
    expect(checkShape(defaultConfig())).toEqual([]);
  });

  it('rejects a configuration that is not an object', () => {
    expect(checkShape(['BOARD'])).toEqual([
      { path: '', keyword: 'type', severity: 'error', message: 'The configuration must be a group of settings, not a list' },
    ]);
  });

  it('points into keys that need JSON Pointer escaping', () => {
    expect(checkShape({ 'a/b~c': 1 })[0].path).toBe('/a~1b~0c');
  });
});
