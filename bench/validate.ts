/**
 * bench:validate — how long validation takes, the way the server runs it.
 *
 * 1. Full validation (`validateConfig`: schema + domain rules) of representative configurations,
 *    p50/p99 over many iterations. Target: p99 below 1 ms.
 * 2. The shape check alone (`checkShape`), which the server runs after every transaction.
 * 3. A burst of 1,000 document edits (typing into the script, toggling options, adding list
 *    entries), each followed by what the server does per transaction: JSON of the document,
 *    the document shape check and a full validation.
 *
 * Run: `npm run bench:validate`. Prints figures; asserts nothing.
 */
import * as Y from 'yjs';
import { configMap, configToJson, defaultConfig, writeConfig } from '../shared/doc-binding.ts';
import { checkDocShape } from '../shared/doc-repair.ts';
import { checkShape, validateConfig } from '../shared/validation/index.ts';

/** Iterations per configuration: enough for a stable p99 (the 99th percentile has 200 samples). */
const ITERATIONS = 20_000;
/** Calls before measuring, so the JIT has compiled the validator's hot paths. */
const WARMUP = 2_000;
const BURST_EDITS = 1_000;

const SCRIPT = Array.from({ length: 120 }, (_, i) => `echo "step ${i}" && apt-get -y install package-${i}`).join('\n');

const CONFIGS: Record<string, Record<string, unknown>> = {
  'arm64 rockchip desktop': { ...defaultConfig(), BOARD: 'orangepi5', BRANCH: 'vendor', RELEASE: 'noble', BUILD_DESKTOP: 'yes', DESKTOP_ENVIRONMENT: 'xfce', DESKTOP_TIER: 'mid', customizeScript: SCRIPT },
  'armhf sunxi minimal': { ...defaultConfig(), BOARD: 'bananapi', BRANCH: 'current', RELEASE: 'trixie', BUILD_MINIMAL: 'yes', ENABLE_EXTENSIONS: ['cloud-init', 'docker-ce'], extraPackages: Array.from({ length: 40 }, (_, i) => `pkg-${i}`) },
  'riscv64 with warnings': { ...defaultConfig(), BOARD: 'visionfive2', BRANCH: 'vendor', RELEASE: 'bookworm', ROOTFS_TYPE: 'f2fs' },
  'amd64 btrfs': { ...defaultConfig(), BOARD: 'uefi-x86', BRANCH: 'current', RELEASE: 'resolute', ROOTFS_TYPE: 'btrfs', BTRFS_COMPRESSION: 'zstd', COMPRESS_OUTPUTIMAGE: ['sha', 'xz'] },
  'many errors': { BOARD: 'helios4', BRANCH: 'legacy', RELEASE: 'noble', BUILD_DESKTOP: 'yes', BUILD_MINIMAL: 'yes', UNKNOWN: 1, VENDOR: 'x'.repeat(300) },
};

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function measure(run: () => unknown, iterations: number): { p50: number; p99: number; max: number } {
  for (let i = 0; i < WARMUP; i++) run();
  const samples = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const start = process.hrtime.bigint();
    run();
    samples[i] = Number(process.hrtime.bigint() - start) / 1e6;
  }
  samples.sort();
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), max: samples[samples.length - 1] };
}

const ms = (value: number) => `${value.toFixed(4)} ms`;

function benchConfigs(): void {
  console.log(`validateConfig and checkShape, ${ITERATIONS} iterations each after ${WARMUP} warm-up calls`);
  console.log('configuration'.padEnd(26), 'validate p50'.padStart(14), 'validate p99'.padStart(14), 'shape p50'.padStart(12), 'shape p99'.padStart(12));
  for (const [name, data] of Object.entries(CONFIGS)) {
    const full = measure(() => validateConfig(data), ITERATIONS);
    const shape = measure(() => checkShape(data), ITERATIONS);
    console.log(name.padEnd(26), ms(full.p50).padStart(14), ms(full.p99).padStart(14), ms(shape.p50).padStart(12), ms(shape.p99).padStart(12));
  }
}

/** One of the edits people make: mostly typing, sometimes a toggle or a new list entry. */
function edit(doc: Y.Doc, i: number): void {
  const map = configMap(doc);
  doc.transact(() => {
    if (i % 10 === 3) map.set('BUILD_DESKTOP', i % 20 === 3 ? 'yes' : 'no');
    else if (i % 10 === 7) (map.get('extraPackages') as Y.Array<string>).push([`tool-${i}`]);
    else {
      const text = map.get('customizeScript') as Y.Text;
      text.insert(Math.floor(text.length / 2), i % 5 === 0 ? '\n' : 'x');
    }
  }, 'client');
}

/** Runs a burst; returns per-edit timings (ms) of the edit and of the server's checks after it. */
function burst(edits: number): { edit: Float64Array; checks: Float64Array; total: number; scriptLength: number } {
  const doc = new Y.Doc();
  writeConfig(doc, CONFIGS['arm64 rockchip desktop']);
  const editTimes = new Float64Array(edits);
  const checkTimes = new Float64Array(edits);
  const burstStart = process.hrtime.bigint();
  for (let i = 0; i < edits; i++) {
    const start = process.hrtime.bigint();
    edit(doc, i);
    const edited = process.hrtime.bigint();
    checkDocShape(doc);
    validateConfig(configToJson(doc));
    editTimes[i] = Number(edited - start) / 1e6;
    checkTimes[i] = Number(process.hrtime.bigint() - edited) / 1e6;
  }
  const total = Number(process.hrtime.bigint() - burstStart) / 1e6;
  return { edit: editTimes.sort(), checks: checkTimes.sort(), total, scriptLength: (configToJson(doc).customizeScript as string).length };
}

function benchBurst(): void {
  burst(BURST_EDITS); // warm-up on a throwaway document
  const result = burst(BURST_EDITS);
  console.log(`\nburst: ${BURST_EDITS} edits, each followed by checkDocShape + configToJson + validateConfig (script grows to ${result.scriptLength} characters)`);
  console.log(`total ${result.total.toFixed(1)} ms for the burst`);
  console.log(`edit (Yjs transaction)    p50 ${ms(percentile(result.edit, 50))}, p99 ${ms(percentile(result.edit, 99))}`);
  console.log(`checks after each edit    p50 ${ms(percentile(result.checks, 50))}, p99 ${ms(percentile(result.checks, 99))}, max ${ms(result.checks[result.checks.length - 1])}`);
}

console.log(`node ${process.version}, ${process.platform}/${process.arch}\n`);
benchConfigs();
benchBurst();
