/**
 * `processTree` (bench/proc-stats.ts) tells a bench's own processes (its children and theirs, e.g.
 * the browser it launched) from other work on the machine.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { processTree } from '../bench/proc-stats.ts';

/** Pids this test started, ended after each test. */
const started: number[] = [];

afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
});

describe('processTree', () => {
  it('holds the process, its children and grandchildren, and not its parent', async () => {
    // A shell that starts a grandchild and says its pid.
    const shell = spawn('sh', ['-c', 'sleep 30 & echo $!; wait'], { stdio: ['ignore', 'pipe', 'inherit'] });
    started.push(shell.pid!);
    const [line] = (await once(shell.stdout!, 'data')) as [Buffer];
    const grandchild = Number(line.toString().trim());
    started.unshift(grandchild);

    const tree = processTree(process.pid);
    expect(tree).toContain(process.pid);
    expect(tree).toContain(shell.pid);
    expect(tree).toContain(grandchild);
    expect(tree).not.toContain(process.ppid);
    // A subtree holds only what is below its root.
    expect(processTree(shell.pid!).sort()).toEqual([shell.pid, grandchild].sort());
  });
});
