/**
 * `npm run bench:sync`: Boardroom's sync server against @hocuspocus/server and the y-websocket
 * reference server, in the same run, each with its own light clients. Prints one table per
 * scenario and writes the results as JSON under bench/results/ (git-ignored).
 *
 * Targets run one at a time, each in its own process (or processes: `boardroom-2proc` is two
 * Boardroom processes on one Postgres and one Redis), so each gets the machine to itself and its
 * CPU and RSS come from its own /proc entries. All traffic stays on 127.0.0.1.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { measureCommitFloor, type CommitFloor } from './commit-floor.ts';
import { ROOT } from './child-process.ts';
import { parseOptions, USAGE, type BenchOptions, type Scenario, type TargetName } from './options.ts';
import { machineBusySeconds } from './proc-stats.ts';
import { markdownTable, medians, processLines, textTable, type Result } from './report.ts';
import { runFanout, runIdle, runStorm } from './scenarios.ts';
import { judge, verdictLine, type Verdict } from './verdicts.ts';
import { BoardroomTarget } from './targets/boardroom.ts';
import { hocuspocusTarget, referenceTarget } from './targets/in-memory.ts';
import type { Target } from './targets/target.ts';

/** Progress lines of long connect phases, at most this often. */
const PROGRESS_LOG_INTERVAL_MS = 5_000;
/** Other load above this (% of one core) during a measured window is called out: on 2 cores it
 * competes with the server, Postgres and the generator, and latencies grow with it. */
const OTHER_LOAD_WARN_PERCENT = 25;

/** "Quiet" for --quiet-wait: the whole machine busy below this, % of one core, over one second. */
const QUIET_PERCENT = 30;
const QUIET_SAMPLE_MS = 1_000;

/** Waits (bounded) until other work on the machine calms down; says how long it waited. */
async function waitForQuiet(maxS: number): Promise<void> {
  const until = Date.now() + maxS * 1000;
  let waited = false;
  while (Date.now() < until) {
    const before = machineBusySeconds();
    await new Promise((r) => setTimeout(r, QUIET_SAMPLE_MS));
    const busy = ((machineBusySeconds() - before) * 1000 * 100) / QUIET_SAMPLE_MS;
    if (busy < QUIET_PERCENT) {
      if (waited) log(`  machine quiet again (${busy.toFixed(0)} % of a core busy)`);
      return;
    }
    if (!waited) log(`  waiting for other load to calm down (${busy.toFixed(0)} % of a core busy)…`);
    waited = true;
  }
  if (waited) log(`  still busy after ${maxS} s; running anyway`);
}

/** `npm run build:server` (a couple of seconds): the bench measures the bundle of the code checked
 * out now, never one left from an earlier build. */
function buildServerBundle(): void {
  log('building the server bundle (npm run build:server)…');
  const built = spawnSync('node', ['scripts/build-server.mjs'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (built.status !== 0) throw new Error(`npm run build:server failed (exit ${built.status})`);
}

/** The target being run, so Ctrl-C can still stop its processes and drop its database. */
let current: Target | null = null;

function makeTarget(name: TargetName, options: BenchOptions): Target {
  switch (name) {
    case 'boardroom':
      return new BoardroomTarget({ adminUrl: options.adminUrl, nodeFlags: options.serverNodeFlags, build: options.serverBuild });
    case 'boardroom-2proc':
      return new BoardroomTarget({ adminUrl: options.adminUrl, nodeFlags: options.serverNodeFlags, build: options.serverBuild, processes: 2, redisUrl: options.redisUrl });
    case 'boardroom-redis':
      return new BoardroomTarget({ adminUrl: options.adminUrl, nodeFlags: options.serverNodeFlags, build: options.serverBuild, redis: true, redisUrl: options.redisUrl });
    case 'boardroom-async-commit':
      return new BoardroomTarget({ adminUrl: options.adminUrl, nodeFlags: options.serverNodeFlags, build: options.serverBuild, synchronousCommit: 'off' });
    case 'hocuspocus':
      return hocuspocusTarget(options.serverNodeFlags);
    case 'y-websocket':
      return referenceTarget(options.serverNodeFlags);
  }
}

function log(line: string): void {
  process.stderr.write(line + '\n');
}

let lastProgress = 0;
function progressLog(line: string): void {
  if (line.includes('synced…')) {
    if (Date.now() - lastProgress < PROGRESS_LOG_INTERVAL_MS) return;
    lastProgress = Date.now();
  }
  log(line);
}

function floorLine(floor: CommitFloor): string {
  return (
    `Postgres commit alone (one durable INSERT per update at the same rate, synchronous_commit=${floor.synchronousCommit}, ` +
    `nothing else running): p50 ${floor.p50.toFixed(2)} / p95 ${floor.p95.toFixed(2)} / p99 ${floor.p99.toFixed(2)} ms ` +
    `over ${floor.inserts} inserts`
  );
}

/** What the run says besides the verdicts: two processes against one, and when the commit
 * alone is already slower than the peer (no persist-before-fan-out server could then meet a
 * "below the peer" target on this machine). */
function comparisons(results: Result[], floor: CommitFloor | null): string[] {
  const by = (key: TargetName) => results.find((r) => r.key === key);
  const ours = by('boardroom');
  const theirs = by('hocuspocus');
  const two = by('boardroom-2proc');
  const out: string[] = [];
  if (two?.kind === 'fanout' && ours?.kind === 'fanout') {
    out.push(
      `two processes vs one at the same load: p99 ${two.p99.toFixed(1)} ms ` +
        `(cross-process receipts ${two.crossP99.toFixed(1)} ms, ${(two.crossShare * 100).toFixed(0)} % of them) ` +
        `vs ${ours.p99.toFixed(1)} ms; delivered ${(two.deliveredRatio * 100).toFixed(2)} % vs ` +
        `${(ours.deliveredRatio * 100).toFixed(2)} %; server CPU ${two.cpuPercent.toFixed(0)} % (both processes) vs ` +
        `${ours.cpuPercent.toFixed(0)} %; RSS ${two.rssEndMb.toFixed(0)} MB vs ${ours.rssEndMb.toFixed(0)} MB`,
    );
  }
  if (ours?.kind === 'fanout' && theirs?.kind === 'fanout' && floor && floor.p99 >= theirs.p99) {
    out.push(
      `the Postgres commit alone has p99 ${floor.p99.toFixed(1)} ms here, at or above hocuspocus' whole fan-out p99 ` +
        `${theirs.p99.toFixed(1)} ms; boardroom's p99 above its commit floor: ${(ours.p99 - floor.p99).toFixed(1)} ms`,
    );
  }
  return out;
}

function notes(results: Result[]): string[] {
  const out: string[] = [];
  for (const r of results) {
    const who = r.round > 0 ? `${r.target} #${r.round}` : r.target;
    if (r.kind === 'fanout') {
      if (r.synced < r.clients) out.push(`${who}: only ${r.synced}/${r.clients} clients synced`);
      if (r.unexpectedCloses > 0) out.push(`${who}: ${r.unexpectedCloses} connections closed by the server`);
      if (r.duplicates > 0) out.push(`${who}: ${r.duplicates} duplicate receipts`);
      if (r.storedTwice) out.push(`${who}: ${r.storedTwice} updates stored more than once`);
      // Boardroom never sends an update back to the client it came from (the others do).
      if (r.key.startsWith('boardroom') && r.echoes > 0) out.push(`${who}: ${r.echoes} updates came back to their author`);
      if (r.otherCpuPercent > OTHER_LOAD_WARN_PERCENT) {
        out.push(`${who}: other work used ${r.otherCpuPercent.toFixed(0)} % of a core during the window; figures disturbed`);
      }
      if (r.genLoopP99Ms > 20) out.push(`${who}: generator event-loop p99 ${r.genLoopP99Ms.toFixed(0)} ms (client-side delay in the figures)`);
    } else if (r.kind === 'storm') {
      if (r.synced < r.clients) out.push(`${who}: only ${r.synced}/${r.clients} clients synced again: ${r.errors.join('; ')}`);
    } else if (r.failed > 0) {
      out.push(`${who}: ${r.failed} connections failed: ${r.errors.join('; ')}`);
    }
  }
  return out;
}

async function main(): Promise<boolean> {
  const options = parseOptions(process.argv.slice(2), process.env);
  if (!options) {
    console.log(USAGE);
    return true;
  }
  const started = new Date();
  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}, Node ${process.version}`;
  const command = `npm run bench:sync${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`;
  const load = () => os.loadavg().map((n) => n.toFixed(2)).join(' ');
  console.log(`# bench:sync  ${started.toISOString()}\n# ${machine}\n# ${command}\n# load average at start: ${load()}\n`);
  const boardroomRuns = options.scenarios.some((s) => options.targets[s.name].some((t) => t.startsWith('boardroom')));
  if (boardroomRuns && options.serverBuild === 'compiled') buildServerBundle();
  process.once('SIGINT', () => {
    log('interrupted: stopping the current target');
    void (current?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  });

  const sections: Array<{ scenario: Scenario; results: Result[]; summary: Result[]; floor: CommitFloor | null; verdicts: Verdict[]; notes: string[] }> = [];
  for (const scenario of options.scenarios) {
    log(`\n== ${scenario.title}`);
    const results: Result[] = [];
    const targets = options.targets[scenario.name];
    for (let round = 0; round < options.rounds; round++) {
      // Rotate the order so no target always runs first (cold caches) or last (warm machine).
      const order = targets.map((_, i) => targets[(i + round) % targets.length]);
      if (options.rounds > 1) log(`  round ${round + 1}/${options.rounds}`);
      for (const name of order) {
        // A fan-out window that other work disturbed is run again (--retry-disturbed), and the
        // least disturbed attempt is kept: on a shared machine one busy neighbour decides the p99.
        let best: Result | null = null;
        for (let attempt = 0; attempt <= options.retryDisturbed; attempt++) {
          const target = makeTarget(name, options);
          current = target;
          if (options.quietWaitS > 0) await waitForQuiet(options.quietWaitS);
          log(`  ${target.name}: starting (${target.description})${attempt > 0 ? `, attempt ${attempt + 1}` : ''}`);
          try {
            const result =
              scenario.kind === 'fanout'
                ? await runFanout(target, scenario, options, progressLog)
                : scenario.kind === 'storm'
                  ? await runStorm(target, scenario, options, progressLog)
                  : await runIdle(target, scenario, options, progressLog);
            const row: Result = { ...result, key: name, round: options.rounds > 1 ? round + 1 : 0 };
            if (!best || (row.kind === 'fanout' && best.kind === 'fanout' && row.otherCpuPercent < best.otherCpuPercent)) best = row;
          } catch (error) {
            log(`  ${target.name}: FAILED: ${(error as Error).stack ?? error}`);
          } finally {
            current = null;
          }
          if (!best || best.kind !== 'fanout' || best.otherCpuPercent <= OTHER_LOAD_WARN_PERCENT) break;
          if (attempt < options.retryDisturbed) {
            log(`  ${target.name}: other work used ${best.otherCpuPercent.toFixed(0)} % of a core; running it again`);
          }
        }
        if (best) results.push(best);
      }
    }
    // Rows in target order, rounds together.
    const rank = (r: Result) => targets.indexOf(r.key as TargetName);
    results.sort((a, b) => rank(a) - rank(b) || a.round - b.round);
    const summary = options.rounds > 1 ? medians(results) : results;
    // The commit floor matters only next to a target that commits before it fans out.
    let floor: CommitFloor | null = null;
    if (scenario.kind === 'fanout' && targets.some((t) => t.startsWith('boardroom'))) {
      if (options.quietWaitS > 0) await waitForQuiet(options.quietWaitS);
      log('  postgres: measuring the commit floor');
      try {
        floor = await measureCommitFloor(options.adminUrl, scenario.rate, scenario.measureS);
      } catch (error) {
        log(`  postgres: commit floor not measured: ${(error as Error).message}`);
      }
    }
    const section = {
      scenario,
      results,
      summary,
      floor,
      verdicts: judge(scenario.name, summary, floor),
      notes: [...(floor ? [floorLine(floor)] : []), ...comparisons(summary, floor), ...processLines(options.rounds > 1 ? summary : results), ...notes(results)],
    };
    sections.push(section);
    console.log(`## ${scenario.title}\n${textTable(results)}`);
    if (options.rounds > 1) console.log(`\nmedians:\n${textTable(summary)}`);
    for (const line of [...section.verdicts.map(verdictLine), ...section.notes]) console.log(line);
    console.log('');
  }

  const jsonPath =
    options.jsonPath ?? path.join(ROOT, 'bench', 'results', `sync-${started.toISOString().replaceAll(':', '-')}.json`);
  mkdirSync(path.dirname(jsonPath), { recursive: true });
  writeFileSync(jsonPath, JSON.stringify({ started, machine, command, options, sections }, null, 2));
  console.log(`# load average at end: ${load()}`);
  console.log(`# results: ${path.relative(ROOT, jsonPath)}\n`);
  console.log('# markdown\n');
  for (const s of sections) {
    console.log(`**${s.scenario.title}**\n\n${markdownTable(s.results)}\n`);
    if (options.rounds > 1) console.log(`${markdownTable(s.summary)}\n`);
    for (const line of [...s.verdicts.map(verdictLine), ...s.notes]) console.log(`- ${line}`);
    console.log('');
  }
  const missed = sections.flatMap((s) => s.verdicts.filter((v) => !v.met).map((v) => `${s.scenario.name}: ${v.target}`));
  const judged = sections.reduce((n, s) => n + s.verdicts.length, 0);
  console.log(`# targets: ${judged - missed.length} MET, ${missed.length} MISSED${missed.length ? ` (${missed.join('; ')})` : ''}`);
  return missed.length === 0;
}

main().then(
  (allMet) => process.exit(allMet ? 0 : 1),
  (error: unknown) => {
    log(`bench:sync failed: ${(error as Error).stack ?? error}`);
    process.exit(1);
  },
);
