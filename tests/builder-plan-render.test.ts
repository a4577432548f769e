/**
 * The plan renderer on its own: output independent of key order, values quoted so the conf file
 * and the command line cannot run anything, implied non-interactive settings, and the framework's
 * warnings carried into the manifest.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadArmbianFacts } from '../builder/plan/armbian-facts.ts';
import { confNameOf, renderPlan } from '../builder/plan/render-plan.ts';
import type { BuildSnapshot } from '../shared/node/builds/read.ts';

const facts = loadArmbianFacts();

function snapshot(configJson: Record<string, unknown>, configName = 'Test'): BuildSnapshot {
  return {
    buildId: '00000000-0000-0000-0000-000000000000',
    configId: '00000000-0000-0000-0000-000000000001',
    configName,
    configJson,
    yjsState: new Uint8Array(),
    schemaVersion: '1',
    builderVersion: '1.0.0',
    contentHash: 'a'.repeat(64),
  };
}

const files = (config: Record<string, unknown>) =>
  Object.fromEntries(renderPlan(snapshot(config), facts, '1.0.0').files.map((f) => [f.name, f.content]));

describe('plan renderer', () => {
  it('gives the same bytes whatever the order of the configuration keys', () => {
    const a = { BOARD: 'orangepi5', BRANCH: 'edge', RELEASE: 'noble', BUILD_DESKTOP: 'yes', DESKTOP_ENVIRONMENT: 'gnome', extraPackages: ['git'] };
    const b = Object.fromEntries(Object.entries(a).reverse());
    expect(files(b)).toEqual(files(a));
  });

  it('quotes values so that neither the conf file nor the command line expands them', () => {
    const out = files({ BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie', VENDOR: 'My "Co" $(reboot) `x`' });
    expect(out['config-test.conf']).toContain('VENDOR="My \\"Co\\" \\$(reboot) \\`x\\`"');
    expect(out['compile-command.txt']).toContain(`'VENDOR=My "Co" $(reboot) \`x\`'`);
  });

  it('sets what a build without a terminal must not be asked, and says so', () => {
    const out = files({ BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie', BUILD_DESKTOP: 'yes', DESKTOP_ENVIRONMENT: 'xfce' });
    expect(out['config-test.conf']).toContain('KERNEL_CONFIGURE="no" # set by Boardroom');
    expect(out['config-test.conf']).toContain('DESKTOP_TIER="mid" # set by Boardroom');
    // Always written: without it the framework asks "Choose image type" (and fails without a terminal).
    expect(out['config-test.conf']).toContain('BUILD_MINIMAL="no" # set by Boardroom');
    expect(out['customize-image.sh']).toBeUndefined();
    const manifest = JSON.parse(out['manifest.json']!);
    // Never invented: without the framework there is no predicted name.
    expect(manifest.predictedImageName).toBeNull();
    expect(manifest.framework).toMatchObject({ check: 'unavailable', resolved: null, factsCommit: facts.framework.commit });
  });

  it('refuses KERNEL_CONFIGURE=yes, saying why and which kernel config file to use', () => {
    expect(() => files({ BOARD: 'rpi4b', BRANCH: 'current', RELEASE: 'noble', KERNEL_CONFIGURE: 'yes' }))
      .toThrow(/needs a terminal .* userpatches\/linux-bcm2711-current\.config/);
  });

  it('warns about a kernel config file in the tree that the framework will not read', () => {
    const file = (path: string) => ({ path, bytes: new TextEncoder().encode('CONFIG_X=y\n'), mode: 0o644, sha256: '0'.repeat(64) });
    const warningsWith = (paths: string[]) =>
      renderPlan(snapshot({ BOARD: 'rpi4b', BRANCH: 'current', RELEASE: 'noble' }), facts, '1.0.0', undefined, paths.map(file)).manifest.warnings.filter((w) => w.includes('.config'));
    expect(warningsWith(['linux-bcm2711-current.config', 'overlay/etc/x.config'])).toEqual([]);
    expect(warningsWith(['linux-rockchip64-current.config'])).toEqual([
      'userpatches/linux-rockchip64-current.config is not read: for rpi4b on current the facts say the framework reads userpatches/linux-bcm2711-current.config',
    ]);
    expect(warningsWith(['linux-bcm2711-current.config', 'config/kernel/linux-bcm2711-current.config'])).toEqual([
      'userpatches/config/kernel/linux-bcm2711-current.config is not read: userpatches/linux-bcm2711-current.config comes first',
    ]);
  });

  it('writes BUILD_MINIMAL and BUILD_DESKTOP whatever the configuration sets', () => {
    const conf = files({ BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie' })['config-test.conf']!;
    expect(conf).toContain('BUILD_MINIMAL="no"');
    expect(conf).toContain('BUILD_DESKTOP="no"');
    const minimal = files({ BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie', BUILD_MINIMAL: 'yes' })['config-test.conf']!;
    expect(minimal).toContain('BUILD_MINIMAL="yes"\nBUILD_DESKTOP="no" # set by Boardroom');
  });

  it('picks the full desktop tier for legacy app groups, as the framework does', () => {
    const conf = files({ BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie', BUILD_DESKTOP: 'yes', DESKTOP_ENVIRONMENT: 'xfce', DESKTOP_APPGROUPS_SELECTED: 'browsers' })['config-test.conf']!;
    expect(conf).toContain('DESKTOP_TIER="full" # set by Boardroom');
  });

  it('hands extra packages to the framework through a user extension, not apt-get', () => {
    const out = files({ BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie', extraPackages: ['htop', 'vim'], ENABLE_EXTENSIONS: ['docker-ce'] });
    expect(out['boardroom-extra-packages.sh']).toContain('function extension_prepare_config__boardroom_extra_packages() {\n\tadd_packages_to_image htop vim\n}');
    expect(out['config-test.conf']).toContain('enable_extension "boardroom-extra-packages"');
    expect(out['compile-command.txt']).toContain('ENABLE_EXTENSIONS=docker-ce,boardroom-extra-packages');
    expect(out['customize-image.sh']).toBeUndefined();
    const plan = renderPlan(snapshot({ BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie', extraPackages: ['htop'] }), facts, '1.0.0');
    expect(plan.files.find((f) => f.name === 'boardroom-extra-packages.sh')!.installTo).toBe('userpatches/extensions/boardroom-extra-packages.sh');
  });

  it('enables the configuration\'s extensions in the conf file on a board whose file assigns ENABLE_EXTENSIONS', () => {
    // uefi-loong64's board file sets ENABLE_EXTENSIONS="yt6801" after the command line's was read.
    const loong = files({ BOARD: 'uefi-loong64', BRANCH: 'current', RELEASE: 'sid', ENABLE_EXTENSIONS: ['cloud-init', 'yt6801'] });
    expect(loong['config-test.conf']).toContain('enable_extension "cloud-init" # from ENABLE_EXTENSIONS, which the board file sets over');
    // A name is quoted like any value: nothing in it runs when the framework sources the conf file.
    const hostile = files({ BOARD: 'uefi-loong64', BRANCH: 'current', RELEASE: 'sid', ENABLE_EXTENSIONS: ['x";touch /tmp/p;"$(id)'] });
    expect(hostile['config-test.conf']).toContain('enable_extension "x\\";touch /tmp/p;\\"\\$(id)" # from ENABLE_EXTENSIONS');
    // The board enables its own: enabling it twice is left out.
    expect(loong['config-test.conf']).not.toContain('enable_extension "yt6801"');
    // Any other board reads ENABLE_EXTENSIONS itself: no line for it.
    const rock = files({ BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie', ENABLE_EXTENSIONS: ['cloud-init'] });
    expect(rock['config-test.conf']).not.toContain('enable_extension');

    // The same for a board file of the configuration's tree that assigns it.
    const bytes = new TextEncoder().encode('BOARD_NAME="Acme One"\nBOARDFAMILY="rockchip64"\nKERNEL_TARGET="current"\nENABLE_EXTENSIONS="watchdog"\n');
    const tree = [{ path: 'config/boards/acme-one.csc', bytes, mode: 0o644, sha256: createHash('sha256').update(bytes).digest('hex') }];
    const acme = renderPlan(snapshot({ BOARD: 'acme-one', BRANCH: 'current', RELEASE: 'trixie', ENABLE_EXTENSIONS: ['docker-ce', 'watchdog'] }), facts, '1.0.0', undefined, tree);
    const conf = acme.files.find((f) => f.name === 'config-test.conf')!.content;
    expect(conf).toContain('enable_extension "docker-ce" # from ENABLE_EXTENSIONS');
    expect(conf).not.toContain('enable_extension "watchdog"');
  });

  it('carries the framework warnings into the manifest', () => {
    const manifest = renderPlan(
      snapshot({ BOARD: 'nanopi-r5s', BRANCH: 'bleedingedge', RELEASE: 'bookworm', DESKTOP_APPGROUPS_SELECTED: 'browsers', MY_VAR: 'x' }),
      facts,
      '1.0.0',
    ).manifest;
    expect(manifest.warnings).toEqual([
      'DESKTOP_APPGROUPS_SELECTED is a legacy switch; use DESKTOP_TIER instead',
      'MY_VAR is not a known Armbian build option and was left out',
      'board nanopi-r5s has support level csc, not conf (supported)',
      'board nanopi-r5s does not list branch bleedingedge (it offers current, edge)',
      'release bookworm has support level csc',
      'not checked by the Armbian framework (the framework was not asked); the image name is not predicted',
    ]);
    expect(manifest.kernelVersion).toBe('7.2');
    // The command the armbian executor runs: the conf file carries the settings (and extra lines).
    expect(manifest.command).toBe('./compile.sh test build');
    const out = files({ BOARD: 'nanopi-r5s', BRANCH: 'bleedingedge', RELEASE: 'bookworm', MY_VAR: 'x' });
    expect(out['compile-command.txt']).not.toContain('MY_VAR');
    expect(out['config-test.conf']).not.toContain('MY_VAR');
  });

  it('warns when the family has no kernel for the branch', () => {
    const manifest = renderPlan(snapshot({ BOARD: 'star64', BRANCH: 'edge', RELEASE: 'noble' }), facts, '1.0.0').manifest;
    expect(manifest.kernelVersion).toBeNull();
    expect(manifest.warnings).toContain('family starfive2 defines no kernel version for branch edge: the framework will refuse it');
  });

  it('makes a file-safe conf name from any configuration name', () => {
    expect(confNameOf('My Rock 5B')).toBe('my-rock-5b');
    expect(confNameOf('../../etc/passwd')).toBe('etc-passwd');
    expect(confNameOf('Ünïcode ✓')).toBe('n-code');
    expect(confNameOf('...')).toBe('boardroom');
  });

  it('never names a conf file after a framework command', () => {
    // `./compile.sh build` would source userpatches/config-build.conf in that checkout forever after.
    expect(facts.framework.commands).toContain('build');
    expect(confNameOf('Build', facts.framework.commands)).toBe('build-config');
    expect(confNameOf('kernel', facts.framework.commands)).toBe('kernel-config');
    expect(renderPlan(snapshot({ BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie' }, 'Build'), facts, '1.0.0').confName).toBe('build-config');
    expect(confNameOf('my build', facts.framework.commands)).toBe('my-build');
  });

  it("records the framework's resolved values, and warns when its commit or IMAGE_FILE_ID differs from the facts'", () => {
    const values = {
      IMAGE_FILE_ID: 'Rock-5b_trixie_current_6.18.y', REVISION: '26.08.0-trunk', VENDOR: 'Armbian-unofficial', ARCH: 'arm64',
      BOARDFAMILY: 'rockchip-rk3588', LINUXFAMILY: 'rockchip64', KERNEL_MAJOR_MINOR: '6.18', BOOTCONFIG: 'rock-5b-rk3588_defconfig',
      DESKTOP_ENVIRONMENT: null, EXTRA_PACKAGES_IMAGE: [], artifactInputs: { kernel: ['KERNEL_MAJOR_MINOR=6.18'] },
    };
    const config = { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie' };
    const same = renderPlan(snapshot(config), facts, '1.0.0', { kind: 'accepted', commit: facts.framework.commit, version: '26.08.0-trunk', values, warnings: [] }).manifest;
    expect(same.predictedImageName).toBe('Armbian-unofficial_26.08.0-trunk_Rock-5b_trixie_current_6.18.y.img');
    expect(same.framework).toMatchObject({ check: 'accepted', resolved: values });
    expect(same.warnings.join('\n')).not.toMatch(/checkout is at|facts expected/);
    const other = renderPlan(snapshot(config), facts, '1.0.0', { kind: 'accepted', commit: 'b'.repeat(40), version: '26.11.0-trunk', values: { ...values, IMAGE_FILE_ID: 'Rock-5b_trixie_current_6.19.y', KERNEL_MAJOR_MINOR: '6.19' }, warnings: ['something'] }).manifest;
    expect(other.kernelVersion).toBe('6.19');
    expect(other.warnings).toContain(`the framework checkout is at ${'b'.repeat(40)} (26.11.0-trunk), the facts at ${facts.framework.commit}: boards, branches and options may differ`);
    expect(other.warnings).toContain('the facts expected IMAGE_FILE_ID Rock-5b_trixie_current_6.18.y, the framework resolved Rock-5b_trixie_current_6.19.y: regenerate the facts (npm run armbian:facts)');
    expect(other.warnings).toContain('framework: something');
  });

  it('takes the kernel of a board hook over the family (wdk2023 → 6.7)', () => {
    const manifest = renderPlan(snapshot({ BOARD: 'wdk2023', BRANCH: 'wdk2023', RELEASE: 'trixie' }), facts, '1.0.0').manifest;
    expect(manifest.kernelVersion).toBe('6.7');
    expect(manifest.warnings.join('\n')).not.toMatch(/defines no kernel/);
  });
});
