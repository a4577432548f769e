/**
 * The startup sweep of build work directories (`builder/work-dirs.ts`): it removes only attempt
 * directories (`<build uuid>-<attempt>`, the name run-build gives them) whose builder is gone, and
 * never anything else an operator keeps in the work root.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FRAMEWORK_CHECKS_DIR, sweepWorkDirs, writeWorkDirOwner } from '../builder/work-dirs.ts';
import { testLogger } from './helpers/logger.ts';

const root = mkdtempSync(path.join(tmpdir(), 'br-work-dirs-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('sweepWorkDirs', () => {
  it('removes abandoned attempt directories and leaves every other name alone', async () => {
    const id = randomUUID();
    const abandoned = `${id}-1`;
    const ours = `${randomUUID()}-2`;
    const others = [id, `${id}-1x`, `${id}-`, `${id.toUpperCase()}-1`, 'notes', `x${id}-1`];
    for (const name of [abandoned, ours, ...others]) await mkdir(path.join(root, name));
    // This process's own attempt is running: its directory names a live owner.
    await writeWorkDirOwner(path.join(root, ours));

    expect(await sweepWorkDirs(root, testLogger())).toBe(1);
    expect(readdirSync(root).sort()).toEqual([ours, ...others].sort());
  });

  it('removes framework-check workspaces a stopped builder left, never a running check or other names', async () => {
    const checks = path.join(root, 'checks-root', FRAMEWORK_CHECKS_DIR);
    const dead = 'check-Dead01';
    const running = 'check-Live02';
    const unowned = 'check-NoOwn3';
    for (const name of [dead, running, unowned, 'notes']) await mkdir(path.join(checks, name), { recursive: true });
    // A builder on this host that is gone (no such process).
    await writeFile(path.join(checks, dead, '.owner.json'), JSON.stringify({ host: hostname(), pid: 2 ** 22 + 1, instance: randomUUID() }));
    await writeWorkDirOwner(path.join(checks, running));
    const sweep = (now?: number) => sweepWorkDirs(path.join(root, 'checks-root'), testLogger(), now);

    expect(await sweep()).toBe(1);
    // Without an owner file it may be a check starting right now: left alone until it is old.
    expect(readdirSync(checks).sort()).toEqual([running, unowned, 'notes'].sort());
    expect(await sweep(Date.now() + 11 * 60_000)).toBe(1);
    expect(readdirSync(checks).sort()).toEqual([running, 'notes'].sort());
  });

  it('answers 0 when the work root does not exist yet', async () => {
    expect(await sweepWorkDirs(path.join(root, 'missing'), testLogger())).toBe(0);
  });
});
