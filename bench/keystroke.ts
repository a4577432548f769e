/**
 * `npm run bench:keystroke`: how long a keystroke takes to reach another person's page, in
 * Chromium. The production client served by a real server (fresh Postgres database, Redis as in
 * production) through the browser tests' harness; two people with the editor role, each in their
 * own browser context (own cookies, own renderer process), open the same configuration. Page A
 * types one character at a time with the real keyboard (`keyboard.type` / `press`), waiting until
 * page B has shown and painted it, plus a short pause, before the next; page B records when the
 * character appears in its DOM. Field kinds: a single-line field (Vendor name, an `<input>` bound
 * to a Y.Text), a multi-line field (Description, a `<textarea>` bound to a Y.Text, with spaces
 * and line breaks) and the Notes (Tiptap on a Y.XmlFragment).
 *
 * Both times come from the pages' shared clock (see `keystroke/probe.ts` for why not Node's).
 * Prints p50/p95/p99/max per field kind and where the time goes, and exits non-zero when a kind
 * misses the p95 target or a keystroke never arrives. Figures go to docs/benchmarks.md,
 * "bench:keystroke".
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import type { Page } from 'playwright-core';
import { ADMIN_URL } from '../tests/helpers/postgres.ts';
import { createConfig, scrapeMetrics, TEST_METRICS_TOKEN } from '../tests/helpers/server.ts';
import { formReady, startHarness, UI_TIMEOUT_MS, type Harness } from '../tests/browser/browser-harness.ts';
import { FIELD_KINDS, parseKeystrokeOptions, USAGE, type FieldKind, type KeystrokeOptions } from './keystroke/options.ts';
import { PROBE, type ProbeWindow, type ReceiverTimes, type SenderTimes } from './keystroke/probe.ts';
import { CpuWindow, processTree } from './proc-stats.ts';
import { percentile } from './report.ts';
import { deleteKeys } from './targets/boardroom.ts';

/** A keystroke not seen on the other page within this long is counted as lost. */
const SAMPLE_TIMEOUT_MS = 5_000;
/** Node ↔ page round trips used to estimate each page's clock offset (the best one counts). */
const CLOCK_PROBES = 30;
/** The single-line field is put back to its start once this long (its maximum is 128). */
const SINGLE_LINE_RESET_AFTER = 48;
const SINGLE_LINE_START = 'Acme';

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** "Quiet" for --quiet-wait: work other than this bench's below this, % of one core, over a
 * sample. On 2 cores, more than that competes with Chromium, the server and Postgres. */
const QUIET_OTHER_PERCENT = 50;
const QUIET_SAMPLE_MS = 1_000;

interface FieldUnderTest {
  kind: FieldKind;
  label: string;
  /** How the probe reads it: an element's value, or the notes' text without caret labels. */
  read: 'value' | 'notes';
  selector: string;
  /** The key page A presses for keystroke `i`; 'Enter' is a line break. */
  key(i: number): string;
  /** Keys that put page A's caret at the end of the text once the field is focused. */
  toEnd: string;
  /** Unmeasured: put the text back to `to` once it is `after` long. */
  reset?: { after: number; to: string };
}

const FIELDS: Record<FieldKind, FieldUnderTest> = {
  'single-line': {
    kind: 'single-line',
    label: 'single-line (Vendor name, <input>)',
    read: 'value',
    selector: '[data-pointer="/VENDOR"] input',
    key: (i) => LETTERS[i % LETTERS.length],
    toEnd: 'End',
    reset: { after: SINGLE_LINE_RESET_AFTER, to: SINGLE_LINE_START },
  },
  'multi-line': {
    kind: 'multi-line',
    label: 'multi-line (Description, <textarea>)',
    read: 'value',
    selector: '[data-pointer="/description"] textarea',
    // Words of five letters, a line break after every fourth word.
    key: (i) => (i % 24 === 23 ? 'Enter' : i % 6 === 5 ? ' ' : LETTERS[i % LETTERS.length]),
    toEnd: 'Control+End',
  },
  notes: {
    kind: 'notes',
    label: 'Notes (Tiptap, contenteditable)',
    read: 'notes',
    selector: '.notes-editor',
    key: (i) => (i % 6 === 5 ? ' ' : LETTERS[i % LETTERS.length]),
    toEnd: 'Control+End',
  },
};

interface Sample {
  /** keydown on A → text in B's DOM: the measure. */
  total: number;
  /** keydown on A → the next frame on B (when the browser can paint it). */
  painted: number;
  /** keydown → A sent the Yjs update (A's handlers, the binding, the provider). */
  local: number;
  /** A sent → the update's message arrived at B (network, server: auth, persist, fan-out). */
  transit: number;
  /** arrival at B → seen in B's DOM (Yjs apply, binding or ProseMirror, Solid). */
  apply: number;
  via: ReceiverTimes['via'];
}

interface KindResult {
  field: FieldUnderTest;
  samples: Sample[];
  lost: number;
  /** % of one core over the kind's keystrokes: the whole machine, and work other than this bench. */
  machineCpu: number;
  otherCpu: number;
  /** The server's own view over the kind's keystrokes (its /metrics): means in ms. */
  server: { fanOutMs: number; commitMs: number };
}

/** The server's histograms read by the bench: sums (seconds) and counts. */
const SERVER_HISTOGRAMS = { fanOut: 'boardroom_fanout_latency_seconds', commit: 'boardroom_commit_duration_seconds' } as const;
type ServerTotals = Record<keyof typeof SERVER_HISTOGRAMS, { sum: number; count: number }>;

async function serverTotals(url: string): Promise<ServerTotals> {
  const text = await (await scrapeMetrics(url)).text();
  const value = (name: string) => Number(/^(\S+) (\S+)$/m.exec(text.split('\n').find((l) => l.startsWith(`${name} `)) ?? '')?.[2] ?? NaN);
  const read = (base: string) => ({ sum: value(`${base}_sum`), count: value(`${base}_count`) });
  return { fanOut: read(SERVER_HISTOGRAMS.fanOut), commit: read(SERVER_HISTOGRAMS.commit) };
}

function meanMsBetween(before: ServerTotals, after: ServerTotals, key: keyof ServerTotals): number {
  const count = after[key].count - before[key].count;
  return count > 0 ? ((after[key].sum - before[key].sum) * 1000) / count : NaN;
}

const probe = (page: Page) => ({
  clock: () => page.evaluate(() => (window as unknown as ProbeWindow).__keybench.clock()),
  read: (field: FieldUnderTest) =>
    page.evaluate(([kind, selector]) => (window as unknown as ProbeWindow).__keybench.read(kind, selector), [field.read, field.selector] as const),
});

/** Page clock minus Node's clock, from the quickest of several round trips (± half of it). */
async function clockOffset(page: Page): Promise<{ offset: number; rtt: number }> {
  let best = { offset: NaN, rtt: Infinity };
  for (let i = 0; i < CLOCK_PROBES; i++) {
    const t0 = performance.timeOrigin + performance.now();
    const p = await probe(page).clock();
    const t1 = performance.timeOrigin + performance.now();
    if (t1 - t0 < best.rtt) best = { offset: p - (t0 + t1) / 2, rtt: t1 - t0 };
  }
  return best;
}

/** Waits (bounded) until work other than this bench's (server, Chromium) calms down. */
async function waitForQuiet(maxS: number): Promise<void> {
  const until = Date.now() + maxS * 1000;
  let waited = false;
  while (Date.now() < until) {
    const sample = new CpuWindow();
    sample.begin(processTree(process.pid));
    await sleep(QUIET_SAMPLE_MS);
    const { percent, machinePercent } = sample.end();
    const other = Math.max(0, machinePercent - percent);
    if (other < QUIET_OTHER_PERCENT) {
      if (waited) console.log(`  quiet enough now (other work ${other.toFixed(0)} % of a core)`);
      return;
    }
    if (!waited) console.log(`  waiting up to ${maxS} s for other work to calm down (${other.toFixed(0)} % of a core)…`);
    waited = true;
  }
  console.log(`  still busy after ${maxS} s; measuring anyway`);
}

/** Waits until both pages show the same text, and returns it. */
async function settled(a: Page, b: Page, field: FieldUnderTest): Promise<string> {
  const deadline = Date.now() + UI_TIMEOUT_MS;
  for (;;) {
    const [ta, tb] = await Promise.all([probe(a).read(field), probe(b).read(field)]);
    if (ta !== null && ta === tb) return ta;
    if (Date.now() > deadline) throw new Error(`${field.label}: the pages still differ: A ${JSON.stringify(ta)}, B ${JSON.stringify(tb)}`);
    await sleep(20);
  }
}

async function measure(field: FieldUnderTest, a: Page, b: Page, options: KeystrokeOptions, serverUrl: string): Promise<KindResult> {
  const target = a.locator(field.selector);
  await target.click();
  await a.keyboard.press(field.toEnd);
  let text = await settled(a, b, field);
  const samples: Sample[] = [];
  let lost = 0;
  let before: ServerTotals | null = null;
  const cpu = new CpuWindow();
  for (let i = 0; i < options.warmup + options.samples; i++) {
    if (field.reset && text.length >= field.reset.after) {
      await target.fill(field.reset.to);
      await a.keyboard.press(field.toEnd);
      text = await settled(a, b, field);
    }
    if (i === options.warmup) {
      before = await serverTotals(serverUrl);
      cpu.begin(processTree(process.pid));
    }
    const key = field.key(i);
    const expected = text + (key === 'Enter' ? '\n' : key);
    const armed = await b.evaluate(
      ([kind, selector, value]) => (window as unknown as ProbeWindow).__keybench.watchFor(kind, selector, value),
      [field.read, field.selector, expected] as const,
    );
    if (!armed) throw new Error(`${field.label}: page B shows ${JSON.stringify(expected)} before the key was pressed`);
    await a.evaluate(() => (window as unknown as ProbeWindow).__keybench.armSender());
    if (key.length === 1) await a.keyboard.type(key);
    else await a.keyboard.press(key);
    try {
      await b.waitForFunction(() => (window as unknown as ProbeWindow).__keybench.watch?.frame != null, undefined, { timeout: SAMPLE_TIMEOUT_MS });
    } catch {
      lost++;
      console.warn(`${field.label}: keystroke ${i} (${JSON.stringify(key)}) not seen on page B within ${SAMPLE_TIMEOUT_MS} ms`);
      text = await settled(a, b, field);
      continue;
    }
    text = expected;
    const [sender, receiver] = (await Promise.all([
      a.evaluate(() => (window as unknown as ProbeWindow).__keybench.sender),
      b.evaluate(() => (window as unknown as ProbeWindow).__keybench.watch),
    ])) as [SenderTimes, ReceiverTimes];
    if (i >= options.warmup) {
      const down = sender.down as number;
      const seen = receiver.seen as number;
      samples.push({
        total: seen - down,
        painted: (receiver.frame as number) - down,
        local: sender.sent === null ? NaN : sender.sent - down,
        transit: sender.sent === null || receiver.arrived === null ? NaN : receiver.arrived - sender.sent,
        apply: receiver.arrived === null ? NaN : seen - receiver.arrived,
        via: receiver.via,
      });
    }
    await sleep(options.gapMs + Math.random() * options.jitterMs);
  }
  const { percent, machinePercent } = cpu.end();
  const after = await serverTotals(serverUrl);
  const server = before
    ? { fanOutMs: meanMsBetween(before, after, 'fanOut'), commitMs: meanMsBetween(before, after, 'commit') }
    : { fanOutMs: NaN, commitMs: NaN };
  return { field, samples, lost, server, machineCpu: machinePercent, otherCpu: Math.max(0, machinePercent - percent) };
}

function stats(values: number[]) {
  const sorted = Float64Array.from(values.filter((v) => !Number.isNaN(v))).sort();
  return { p50: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN, n: sorted.length };
}

const ms = (n: number) => (Number.isNaN(n) ? '–' : n.toFixed(1));

function report(results: KindResult[], options: KeystrokeOptions, context: string[]): boolean {
  let ok = true;
  console.log('');
  for (const line of context) console.log(line);
  console.log('');
  console.log(`| field | samples | p50 ms | p95 ms | p99 ms | max ms | target | | machine / other CPU % |`);
  console.log(`|---|---:|---:|---:|---:|---:|---|---|---:|`);
  for (const r of results) {
    const s = stats(r.samples.map((x) => x.total));
    const met = r.lost === 0 && s.p95 < options.targetMs;
    ok &&= met;
    const lost = r.lost > 0 ? ` (${r.lost} lost)` : '';
    console.log(`| ${r.field.label} | ${s.n}${lost} | ${ms(s.p50)} | ${ms(s.p95)} | ${ms(s.p99)} | ${ms(s.max)} | p95 < ${options.targetMs} ms | ${met ? 'met' : 'MISSED'} | ${r.machineCpu.toFixed(0)} / ${r.otherCpu.toFixed(0)} |`);
  }
  console.log('');
  console.log('Where the time goes, p50 / p95 ms (A: keydown → update sent; transit: sent → arrived at B; B: arrived → in the DOM; paint: keydown → next frame on B):');
  console.log('');
  console.log(`| field | A | transit | B | paint | server: receive → fan-out, commit (means) | seen after |`);
  console.log(`|---|---:|---:|---:|---:|---:|---|`);
  for (const r of results) {
    const part = (f: (x: Sample) => number) => {
      const s = stats(r.samples.map(f));
      return `${ms(s.p50)} / ${ms(s.p95)}`;
    };
    const via = new Map<string, number>();
    for (const x of r.samples) via.set(String(x.via), (via.get(String(x.via)) ?? 0) + 1);
    const viaText = [...via].map(([k, n]) => `${k} ${n}`).join(', ');
    console.log(`| ${r.field.label} | ${part((x) => x.local)} | ${part((x) => x.transit)} | ${part((x) => x.apply)} | ${part((x) => x.painted)} | ${ms(r.server.fanOutMs)}, ${ms(r.server.commitMs)} | ${viaText} |`);
  }
  return ok;
}

async function main(): Promise<void> {
  const options = parseKeystrokeOptions(process.argv.slice(2), process.env);
  if (!options) {
    console.log(USAGE);
    return;
  }
  const loadBefore = os.loadavg();
  const keyPrefix = `bench:keystroke:${randomBytes(5).toString('hex')}:`;
  console.log('starting the server and Chromium (the client build is cached under test-artifacts/)…');
  const h: Harness = await startHarness('keystroke', {
    metricsToken: TEST_METRICS_TOKEN,
    ...(options.redisUrl ? { redisUrl: options.redisUrl, keyPrefix } : {}),
  });
  let ok = false;
  try {
    if (options.asyncCommit) {
      // A database setting reaches new sessions only: restart the server on the same database.
      const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {} });
      await admin.unsafe(`alter database ${h.server.testDb.name} set synchronous_commit = off`).finally(() => admin.end());
      await h.restartServer();
    }
    const configId = await createConfig(h.server, {
      name: 'Keystroke bench',
      data: { BOARD: 'orangepi5', BRANCH: 'vendor', RELEASE: 'noble', VENDOR: SINGLE_LINE_START, description: 'Kiosk image for the lobby screens.' },
    });
    const ann = await h.member('Ann Sender', configId, 'editor');
    const ben = await h.member('Ben Receiver', configId, 'editor');
    const pages: Page[] = [];
    const errors: string[][] = [];
    for (const user of [ann, ben]) {
      const { page, errors: pageErrors } = await h.open(user, `/c/${configId}`);
      // The probe must wrap WebSocket before the app opens its connection: install, then reload.
      await page.addInitScript(PROBE);
      await page.reload();
      await formReady(page);
      pages.push(page);
      errors.push(pageErrors);
    }
    const [a, b] = pages;
    await b.locator(FIELDS.notes.selector).waitFor();

    const [offsetA, offsetB] = [await clockOffset(a), await clockOffset(b)];
    const skew = offsetB.offset - offsetA.offset;
    const skewBound = (offsetA.rtt + offsetB.rtt) / 2;

    const results: KindResult[] = [];
    for (const kind of FIELD_KINDS.filter((k) => options.kinds.includes(k))) {
      if (options.quietWaitS > 0) await waitForQuiet(options.quietWaitS);
      console.log(`${FIELDS[kind].label}: ${options.warmup} warm-up + ${options.samples} measured keystrokes…`);
      results.push(await measure(FIELDS[kind], a, b, options, h.server.url));
    }
    const loadAfter = os.loadavg();
    const cores = os.cpus().length;
    const pageErrors = errors.flat();
    if (pageErrors.length > 0) console.warn(`page errors:\n${pageErrors.join('\n')}`);

    const context = [
      `remote keystroke → other page's DOM: Chromium ${h.browser.version()} headless, two pages (two editors), ` +
        `${options.samples} keystrokes per field after ${options.warmup} warm-up, ${options.gapMs}–${options.gapMs + options.jitterMs} ms apart; ` +
        `server on Postgres${options.asyncCommit ? ' (DIAGNOSTIC: synchronous_commit = off)' : ''}${options.redisUrl ? ' + Redis' : ''}`,
      `machine: ${cores} cores, Node ${process.version}, ${os.platform()}/${os.arch()}, ${new Date().toISOString().slice(0, 16)}Z; ` +
        `load average ${loadBefore[0].toFixed(2)} at start, ${loadAfter[0].toFixed(2)} at the end (1 min); CPU below: % of one core ` +
        `(${cores * 100} % is all of it), the whole machine / work other than this bench's server and Chromium (Postgres and Redis count as other), over each kind's keystrokes`,
      `clock check: page B − page A = ${skew.toFixed(3)} ms (± ${skewBound.toFixed(2)} ms, estimated through Node; the samples use the pages' shared clock, not this estimate)`,
    ];
    ok = report(results, options, context) && pageErrors.length === 0;
  } finally {
    await h.close();
    if (options.redisUrl) {
      const redis = new Redis(options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
      redis.on('error', () => {});
      await redis
        .connect()
        .then(() => deleteKeys(redis, `${keyPrefix}*`))
        .catch(() => {})
        .finally(() => redis.disconnect());
    }
  }
  if (!ok) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
