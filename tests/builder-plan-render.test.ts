/**
 * The plan renderer on its own: output independent of key order, values quoted so the conf file
 * and the command line cannot run anything, implied non-interactive settings, and the framework's
 * warnings carried into the manifest.
 */
import { describe, expect, it } from 'vitest';
import { loadArmbianFacts } from '../builder/plan/armbian-facts.ts';
import { confNameOf, renderPlan } from '../builder/plan/render-plan.ts';
import type { BuildSnapshot } from '../shared/builds/read.ts';

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
    // Only needed for a non-desktop build: the framework does not ask about it here.
    expect(out['config-test.conf']).not.toContain('BUILD_MINIMAL');
    expect(out['customize-image.sh']).toBeUndefined();
    const manifest = JSON.parse(out['manifest.json']!);
    expect(manifest.predictedImageName).toBe('Armbian-unofficial_trunk_Rock-5b_trixie_current_6.18_xfce_desktop.img');
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
    ]);
    expect(manifest.kernelVersion).toBe('7.2');
    expect(manifest.command).not.toContain('MY_VAR');
  });

  it('warns when the family has no kernel for the branch', () => {
    const manifest = renderPlan(snapshot({ BOARD: 'star64', BRANCH: 'edge', RELEASE: 'noble' }), facts, '1.0.0').manifest;
    expect(manifest.kernelVersion).toBeNull();
    expect(manifest.warnings).toContain('family starfive2 defines no kernel version for branch edge: the build will fail');
  });

  it('makes a file-safe conf name from any configuration name', () => {
    expect(confNameOf('My Rock 5B')).toBe('my-rock-5b');
    expect(confNameOf('../../etc/passwd')).toBe('etc-passwd');
    expect(confNameOf('Ünïcode ✓')).toBe('n-code');
    expect(confNameOf('...')).toBe('boardroom');
  });
});
