/**
 * The framework's alerts, read from lines the real framework prints (`display_alert` of
 * `../shared/armbian-build`, natively and as in its Docker container, where it marks them
 * `[🐳|💥]`): errors and warnings with their text, nothing else. The build log view lists them
 * and framework checks report them.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { frameworkMessages } from '../builder/framework-check/framework-output.ts';
import { frameworkAlert } from '../shared/builds/framework-alerts.ts';
import { FRAMEWORK_DIR } from './framework/framework-rig.ts';

const run = promisify(execFile);

/** What the framework's display_alert writes for an error, a warning and an info line. */
async function alerts(env: Record<string, string>): Promise<string[]> {
  const script = [
    'source lib/functions/logging/logging.sh',
    'source lib/functions/logging/display-alert.sh',
    'logging_init',
    'display_alert "Board not supported" "rock-5b" "err"',
    'display_alert "Low disk space" "" "wrn"',
    'display_alert "Preparing" "host" "info"',
  ].join('; ');
  const { stderr } = await run('bash', ['-c', script], { cwd: FRAMEWORK_DIR, env: { PATH: '/usr/bin:/bin', HOME: '/tmp', ...env } });
  // logging_init may complain first (natively it probes for WSL with a helper not sourced here).
  return stderr.split('\n').filter(Boolean).slice(-3);
}

describe('framework alerts', () => {
  it.each([
    ['natively', {}, '['],
    ['in its Docker container', { ARMBIAN_RUNNING_IN_CONTAINER: 'yes', SHOW_TIMING: 'yes' }, '[🐳|'],
  ])('reads the errors and warnings the framework prints %s', async (_how, env, marker) => {
    const lines = await alerts(env);
    expect(lines).toHaveLength(3);
    expect(lines.every((l) => l.includes(marker))).toBe(true);
    expect(lines.map(frameworkAlert)).toEqual([{ level: 'error', text: 'Board not supported [ rock-5b ]' }, { level: 'warning', text: 'Low disk space' }, null]);
    // A framework check run in the container reports the same.
    expect(frameworkMessages('', lines.join('\n'), '/nowhere')).toMatchObject({ errors: ['Board not supported [ rock-5b ]'], warnings: ['Low disk space'] });
  });

  it('ignores lines that only look alike', () => {
    for (const line of ['[💥]', 'a [💥] b', '[🌿] fine', '💥 boom', '[x|y|💥] z']) expect(frameworkAlert(line), line).toBeNull();
  });
});
