/**
 * CPU time and memory of a process from /proc (Linux), without extra packages.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times: 100 on every Linux this runs on (USER_HZ). */
const CLOCK_TICKS_PER_S = 100;

/** utime + stime of every thread of the process, in seconds; null once the process is gone. */
export function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields are counted after the
    // last ')'. There, utime and stime are fields 14 and 15 of the line, i.e. index 11 and 12.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
  } catch {
    return null;
  }
}

export interface Memory {
  /** Resident set size now. */
  rssBytes: number;
  /** Peak RSS over the process' life ("high water mark"). */
  peakBytes: number;
}

export function memory(pid: number): Memory | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(/^\s*(\d+)/.exec(status.split(`\n${key}:`)[1] ?? '')?.[1] ?? NaN) * 1024;
    return { rssBytes: kb('VmRSS'), peakBytes: kb('VmHWM') };
  } catch {
    return null;
  }
}

/** Resets the process' peak RSS (VmHWM) to its current RSS, so a later peak is about what
 * happened after this point (not set-up work such as password hashing). False if not allowed. */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Busy CPU seconds of the whole machine, all cores (for spotting other load during a run). */
export function machineBusySeconds(): number {
  const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
  // cpu  user nice system idle iowait irq softirq steal …
  const t = line.trim().split(/\s+/).slice(1).map(Number);
  const busy = t[0] + t[1] + t[2] + t[5] + t[6] + (t[7] ?? 0);
  return busy / CLOCK_TICKS_PER_S;
}

/** CPU use of a set of processes over a window, as a percentage of one core (sum, and per pid). */
export class CpuWindow {
  private readonly start = new Map<number, number>();
  private startedAt = 0;
  private machineAtStart = 0;

  begin(pids: number[]): void {
    this.start.clear();
    this.startedAt = performance.now();
    this.machineAtStart = machineBusySeconds();
    for (const pid of pids) {
      const s = cpuSeconds(pid);
      if (s !== null) this.start.set(pid, s);
    }
  }

  /** Sums the processes that lived through the whole window, and `startedDuring` (pids read at
   * the end: a pool's connections opened while the window ran, e.g. a restarted server's Postgres
   * backends during a storm) with all their CPU, which they spent inside the window;
   * `machinePercent` is every process of the machine over the same window. */
  end(startedDuring: number[] = []): { percent: number; seconds: number; machinePercent: number; perPid: Map<number, number> } {
    const wall = (performance.now() - this.startedAt) / 1000;
    const machine = machineBusySeconds() - this.machineAtStart;
    const pct = (x: number) => (wall > 0 ? (100 * x) / wall : 0);
    let used = 0;
    const perPid = new Map<number, number>();
    for (const [pid, s0] of this.start) {
      const s1 = cpuSeconds(pid);
      if (s1 === null) continue;
      used += s1 - s0;
      perPid.set(pid, pct(s1 - s0));
    }
    for (const pid of startedDuring) {
      if (this.start.has(pid)) continue;
      const s1 = cpuSeconds(pid);
      if (s1 === null) continue;
      used += s1;
      perPid.set(pid, pct(s1));
    }
    return { percent: pct(used), seconds: wall, machinePercent: pct(machine), perPid };
  }
}

/** `root` and every process below it (children, grandchildren…), e.g. an in-process server and
 * the browser a bench launched, to tell the bench's own CPU from other work on the machine. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …; comm may hold spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // The process ended while we listed /proc.
    }
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop() as number;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}
