/**
 * `npm run bench:framework -- [armbian-build-dir] [parallel]`: time of the framework check per
 * plan. Runs the plans of a fixed sample (console, minimal and desktop images on arm64, armhf,
 * amd64 and riscv64 boards) through `./compile.sh <name> config-dump-json`, each in a fresh copy
 * of the checkout (as the builder does), `parallel` at a time (default 2), and prints p50/p95
 * per check and the wall time. As root it runs the checks as nobody (65534).
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { filesForCheck } from '../builder/framework-check/checked-plan.ts';
import { createFrameworkChecker } from '../builder/framework-check/framework-checker.ts';
import { loadArmbianFacts } from '../builder/plan/armbian-facts.ts';
import { renderPlan } from '../builder/plan/render-plan.ts';

const dir = path.resolve(process.argv[2] ?? '../shared/armbian-build');
const parallel = Number(process.argv[3] ?? 2);
const facts = loadArmbianFacts();
const PLANS: Array<Record<string, unknown>> = [
  { BOARD: 'orangepi5', BRANCH: 'vendor', RELEASE: 'noble' },
  { BOARD: 'orangepi5', BRANCH: 'vendor', RELEASE: 'noble', BUILD_DESKTOP: 'yes', DESKTOP_ENVIRONMENT: 'gnome', ENABLE_EXTENSIONS: ['cloud-init'] },
  { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie', BUILD_MINIMAL: 'yes', extraPackages: ['htop'] },
  { BOARD: 'bananapi', BRANCH: 'current', RELEASE: 'noble' },
  { BOARD: 'bananapi', BRANCH: 'edge', RELEASE: 'trixie', BUILD_DESKTOP: 'yes', DESKTOP_ENVIRONMENT: 'xfce' },
  { BOARD: 'uefi-x86', BRANCH: 'cloud', RELEASE: 'noble' },
  { BOARD: 'uefi-x86', BRANCH: 'ddk', RELEASE: 'noble', BUILD_MINIMAL: 'yes' },
  { BOARD: 'bananapif3', BRANCH: 'current', RELEASE: 'noble' },
  { BOARD: 'visionfive2', BRANCH: 'vendor', RELEASE: 'noble', BUILD_MINIMAL: 'yes' },
  { BOARD: 'odroidn2', BRANCH: 'oldlts', RELEASE: 'noble', ENABLE_EXTENSIONS: ['docker-ce'] },
];

const workRoot = await mkdtemp(path.join(tmpdir(), 'bench-framework-'));
await chmod(workRoot, 0o755);
const checker = createFrameworkChecker({ armbianDir: dir, workRoot, runAsUid: process.getuid?.() === 0 ? 65534 : null, concurrency: parallel });
const started = Date.now();
const results = await Promise.all(
  PLANS.map(async (config, i) => {
    const plan = renderPlan({ buildId: `b${i}`, configId: 'c', configName: `bench ${i}`, configJson: config, yjsState: new Uint8Array(), schemaVersion: '', builderVersion: '', contentHash: '' }, facts, 'bench');
    return checker.check({ confName: plan.confName, files: filesForCheck(plan) });
  }),
);
const wall = Date.now() - started;
await rm(workRoot, { recursive: true, force: true });
const times = results.map((r) => r.durationMs).sort((a, b) => a - b);
const pct = (p: number) => times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)]! / 1000;
const refused = results.filter((r) => !r.ok).length;
console.log(`framework check: ${PLANS.length} plans, ${parallel} at a time, ${cpus().length} cores, load before ${loadavg()[0]!.toFixed(1)}`);
console.log(`per check p50 ${pct(50).toFixed(1)} s, p95 ${pct(95).toFixed(1)} s, min ${(times[0]! / 1000).toFixed(1)} s; wall ${(wall / 1000).toFixed(1)} s; refused ${refused}`);
if (refused > 0) process.exitCode = 1;
