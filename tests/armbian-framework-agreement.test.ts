/**
 * The project's validation and plans against the real Armbian framework (`../shared/armbian-build`,
 * the framework at the facts' commit): every sampled configuration the project calls valid is
 * accepted by `./compile.sh <name> config-dump-json` with the IMAGE_FILE_ID the facts expect, and
 * every configuration the framework refuses is refused or warned about by the project's
 * validation for the same reason. Nothing is cached between runs: each check copies the
 * framework afresh, so a change to the rules, the facts or the plan shows here.
 *
 * Framework time is printed at the end (p50/p95 per check, total wall time); docs/benchmarks.md
 * records it. Checks run FRAMEWORK_PARALLEL at a time: bash is single-threaded, two cores.
 *
 * The default run puts one board of each (architecture, support level) group to the framework,
 * with every targeted and refused case (agreement-cases.ts, `AgreementSample`);
 * `FRAMEWORK_AGREEMENT=boards` puts each of the 34 sampled boards once, and
 * `npm run test:agreement:full` every branch each of them lists.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkedPlan, filesForCheck } from '../builder/framework-check/checked-plan.ts';
import { loadArmbianFacts } from '../builder/plan/armbian-facts.ts';
import { expectedImageFileId } from '../builder/plan/image-file-id.ts';
import { renderPlan } from '../builder/plan/render-plan.ts';
import { FIRSTRUN_EXTENSION } from '../builder/plan/firstrun.ts';
import { resolvedLinuxConfig } from '../builder/plan/kernel-config-check.ts';
import { kernelConfigTarget } from '../shared/kernel-config/kernel-config-file.ts';
import { validateConfig } from '../shared/validation/index.ts';
import { acceptedCases, agreementSampleFrom, boardGroups, refusedCases, sampleBoards, SAMPLE_BOARDS, trimmedCopyLimit } from './framework/agreement-cases.ts';
import { percentile, snapshotOf, startFrameworkRig, type FrameworkRig } from './framework/framework-rig.ts';

/** Checks at once: one per core plus one to cover the copy and process start of the next. */
const FRAMEWORK_PARALLEL = 3;
/** One check takes 2–20 s; a loaded machine queues them behind FRAMEWORK_PARALLEL. */
const CASE_TIMEOUT_MS = 600_000;

const facts = loadArmbianFacts();
/** `FRAMEWORK_AGREEMENT=boards|full` widens the sample (npm run test:agreement:full). */
const sampleKind = agreementSampleFrom(process.env);
const sample = acceptedCases(facts, sampleKind);
const accepted = sample.filter((c) => !trimmedCopyLimit(facts, c.config));
const limited = sample.filter((c) => trimmedCopyLimit(facts, c.config));
const refused = refusedCases();
const durations: number[] = [];
let rig: FrameworkRig;
let started = 0;

beforeAll(async () => {
  rig = await startFrameworkRig(FRAMEWORK_PARALLEL);
  started = Date.now();
});

afterAll(async () => {
  const wall = (Date.now() - started) / 1000;
  console.log(
    `framework agreement (${sampleKind} sample): ${accepted.length + refused.length} cases compared (${accepted.length} accepted, ${refused.length} refused), ` +
      `${limited.length} not comparable with the trimmed copy (uefi-x86 current/edge fetch T2 patches); 0 disagreements if green; check p50 ${(percentile(durations, 50) / 1000).toFixed(1)} s, p95 ${(percentile(durations, 95) / 1000).toFixed(1)} s, ` +
      `wall ${wall.toFixed(0)} s at ${FRAMEWORK_PARALLEL} in parallel`,
  );
  await rig?.close();
});

describe('the sample', () => {
  it('spans families, support levels and architectures', () => {
    const boards = sampleBoards(facts, SAMPLE_BOARDS);
    expect(boards.length).toBeGreaterThanOrEqual(30);
    expect(new Set(boards.map((b) => b.family)).size).toBeGreaterThanOrEqual(25);
    expect([...new Set(boards.map((b) => b.support))].sort()).toEqual(['conf', 'csc', 'eos', 'tvb']);
    for (const arch of ['amd64', 'arm64', 'armhf', 'riscv64']) expect(boards.map((b) => b.arch)).toContain(arch);
    const kinds = accepted.map((c) => (c.config.BUILD_DESKTOP === 'yes' ? 'desktop' : c.config.BUILD_MINIMAL === 'yes' ? 'minimal' : 'console'));
    expect(new Set(kinds)).toEqual(new Set(['console', 'minimal', 'desktop']));
    expect(accepted.some((c) => Array.isArray(c.config.ENABLE_EXTENSIONS))).toBe(true);
    // Whatever the sample, every (architecture, support level) group is put to the framework.
    const groupOf = (board: string) => `${facts.boards.get(board)?.arch}/${facts.boards.get(board)?.support}`;
    expect(new Set(sample.map((c) => groupOf(String(c.config.BOARD)))).size).toBeGreaterThanOrEqual(boardGroups(facts));
  });
});

describe.concurrent('what the project calls valid, the framework accepts with the expected IMAGE_FILE_ID', () => {
  it.each(accepted)('$name', async ({ config, configName, firstbootSecrets }) => {
    const validation = validateConfig(config);
    expect(validation.errors, JSON.stringify(validation.errors)).toEqual([]);
    const before = Date.now();
    const plan = await checkedPlan({ snapshot: snapshotOf(config, configName, firstbootSecrets), facts, builderVersion: '1.0.0', judge: rig.judge });
    durations.push(Date.now() - before);
    const m = plan.manifest;
    expect(m.framework.check).toBe('accepted');
    const board = facts.boards.get(String(config.BOARD))!;
    const get = (name: string): string | undefined => plan.compileArgs.find((a) => a.startsWith(`${name}=`))?.slice(name.length + 1);
    expect(m.framework.resolved!.IMAGE_FILE_ID).toBe(expectedImageFileId(facts, board, get));
    expect(m.predictedImageName).toBe(`Armbian-unofficial_${m.framework.resolved!.REVISION}_${m.framework.resolved!.IMAGE_FILE_ID}.img`);
    expect(m.warnings.join('\n')).not.toMatch(/facts expected IMAGE_FILE_ID/);
    expect(m.framework.commit).toBe(facts.framework.commit);
    if (configName === 'Build') expect(plan.confName).toBe('build-config');
    if (firstbootSecrets) {
      // Accepted with the extension enabled: the framework found it in userpatches/extensions/ and sourced it.
      expect(get('ENABLE_EXTENSIONS')?.split(',')).toContain(FIRSTRUN_EXTENSION);
      expect(plan.files.map((f) => f.installTo)).toContain(`userpatches/extensions/${FIRSTRUN_EXTENSION}.sh`);
      expect(m.firstbootSecrets).toEqual(['rootPassword', 'userPassword', 'wifiPassphrase']);
    }
    if (Array.isArray(config.extraPackages)) {
      // Through the framework's own package aggregation, not apt-get in customize-image.sh.
      expect(m.framework.resolved!.EXTRA_PACKAGES_IMAGE).toEqual(expect.arrayContaining(config.extraPackages as string[]));
    }
    if (Array.isArray(config.ENABLE_EXTENSIONS) && config.ENABLE_EXTENSIONS.includes('watchdog')) {
      // The extension ran (its package is in the image's list), whatever the board file assigns.
      expect(m.framework.resolved!.EXTRA_PACKAGES_IMAGE).toContain('watchdog');
    }
    if (config.DESKTOP_APPGROUPS_SELECTED) {
      expect(m.framework.resolved!.artifactInputs.rootfs).toContain('DESKTOP_TIER=full');
    }
    // The kernel config file the Kernel panel names is the one the framework reads (none for the
    // distribution's kernel: no kernel artifact, nothing compiled).
    expect(resolvedLinuxConfig(m.framework.resolved!)).toBe(kernelConfigTarget(board.family, String(config.BRANCH), board.board).linuxConfig);
  }, CASE_TIMEOUT_MS);
});

describe('a kernel config file in the tree', () => {
  it('is in place for the check, which accepts it under the name the Kernel panel gives', async () => {
    const config = { BOARD: 'rpi4b', BRANCH: 'current', RELEASE: 'noble', BUILD_MINIMAL: 'no', BUILD_DESKTOP: 'no', KERNEL_CONFIGURE: 'no' };
    const path = kernelConfigTarget('bcm2711', 'current', 'rpi4b').path!;
    const bytes = new TextEncoder().encode('CONFIG_WIREGUARD=m\n# CONFIG_DEBUG_INFO is not set\n');
    const tree = [
      { path, bytes, mode: 0o644, sha256: createHash('sha256').update(bytes).digest('hex') },
      { path: 'linux-bcm2711-edge.config', bytes, mode: 0o644, sha256: createHash('sha256').update(bytes).digest('hex') },
    ];
    const plan = await checkedPlan({ snapshot: snapshotOf(config), facts, builderVersion: '1.0.0', judge: rig.judge, tree });
    expect(plan.manifest.framework.check).toBe('accepted');
    expect(resolvedLinuxConfig(plan.manifest.framework.resolved!)).toBe('linux-bcm2711-current');
    expect(filesForCheck(plan).map((f) => f.installTo)).toContain(`userpatches/${path}`);
    // Only the file for another branch is called out.
    expect(plan.manifest.warnings.filter((w) => w.includes('.config'))).toEqual([
      'userpatches/linux-bcm2711-edge.config is not read: for rpi4b on current the framework reads userpatches/linux-bcm2711-current.config',
    ]);
  }, CASE_TIMEOUT_MS);
});

describe.concurrent('the trimmed copy only fails uefi-x86 current/edge for want of patch/ (a full checkout has it)', () => {
  it.each(limited)('$name', async ({ config }) => {
    expect(validateConfig(config).errors).toEqual([]);
    const plan = renderPlan(snapshotOf(config), facts, '1.0.0');
    const result = await rig.judge.checker.check({ confName: plan.confName, files: filesForCheck(plan) });
    durations.push(result.durationMs);
    if (result.ok) return; // a copy with patch/ answers for itself
    expect(result.errors.join('\n')).toMatch(/families\/uefi-x86\.conf:52/);
  }, CASE_TIMEOUT_MS);
});

describe.concurrent('what the framework refuses, the project refuses or warns about for the same reason', () => {
  it.each(refused)('$name', async ({ config, path, keyword, frameworkSays }) => {
    const plan = renderPlan(snapshotOf(config), facts, '1.0.0');
    const result = await rig.judge.checker.check({ confName: plan.confName, files: filesForCheck(plan) });
    durations.push(result.durationMs);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.join('\n')).toMatch(frameworkSays);
    const validation = validateConfig(config);
    const issues = [...validation.errors, ...validation.warnings].filter((i) => i.path === path && i.keyword === keyword);
    expect(issues, JSON.stringify(validation)).toHaveLength(1);
  }, CASE_TIMEOUT_MS);
});
