/**
 * The real Armbian framework (../shared/armbian-build, see its SOURCE.md) accepts what the .conf
 * export writes: extra lines (conditionals, function hooks, unknown variables), extra packages as
 * an `add_packages_to_image` call and Boardroom's `#@boardroom` comments. Runs
 * `./compile.sh <name> config-dump-json` offline, as an unprivileged user, on a temporary copy.
 */
import { spawn } from 'node:child_process';
import { chmod, chown, cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadArmbianFacts } from '../builder/plan/armbian-facts.ts';
import { renderPlan } from '../builder/plan/render-plan.ts';
import { configToConf } from '../shared/conf/conf-export.ts';
import { parseConf } from '../shared/conf/conf-import.ts';
import { defaultConfig } from '../shared/doc-binding.ts';
import { configSchema } from '../shared/validation/index.ts';

const FRAMEWORK = fileURLToPath(new URL('../../shared/armbian-build', import.meta.url));
/** SOURCE.md: the framework refuses to run as root (it relaunches under Docker or sudo). */
const NOBODY = 65534;
/** One call takes 10–20 s on two idle cores; the machine may be shared with other test files. */
const FRAMEWORK_TIMEOUT_MS = 120_000;

interface DumpResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runFramework(dir: string, args: string[]): Promise<DumpResult> {
  const asRoot = process.getuid?.() === 0;
  const env = ['env', '-i', 'PATH=/usr/local/bin:/usr/bin:/bin', `HOME=${tmpdir()}`, 'CI=true', 'CONFIG_DEFS_ONLY=yes', './compile.sh', ...args];
  const [command, ...rest] = asRoot ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', ...env] : env;
  return new Promise((resolve, reject) => {
    const child = spawn(command!, rest, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr: stderr.replace(/\x1b\[[0-9;]*m/g, '') }));
  });
}

function dumped(result: DumpResult): Record<string, unknown> {
  const line = result.stdout.split('\n').filter((l) => l.startsWith('{')).pop();
  if (!line) throw new Error(`no JSON from config-dump-json (exit ${result.code}):\n${result.stderr.slice(-2000)}`);
  return JSON.parse(line) as Record<string, unknown>;
}

describe('the Armbian framework accepts exported .conf files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'boardroom-armbian-'));
    await cp(FRAMEWORK, dir, { recursive: true });
    await mkdir(join(dir, 'userpatches'), { recursive: true });
    if (process.getuid?.() === 0) await chownTree(dir);
  }, FRAMEWORK_TIMEOUT_MS);
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function check(name: string, data: Record<string, unknown>, conf = configToConf(configSchema, name, data, defaultConfig() as Record<string, unknown>)): Promise<DumpResult> {
    const path = join(dir, 'userpatches', `config-${name}.conf`);
    await writeFile(path, conf);
    if (process.getuid?.() === 0) await chown(path, NOBODY, NOBODY);
    return runFramework(dir, [name, 'config-dump-json']);
  }

  it('runs the extra lines: conditionals, declare -g, a user_config hook and add_packages_to_image', async () => {
    const result = await check('probe', {
      ...defaultConfig(),
      BOARD: 'orangepi5',
      BRANCH: 'vendor',
      RELEASE: 'noble',
      BUILD_MINIMAL: 'no',
      BUILD_DESKTOP: 'no',
      KERNEL_CONFIGURE: 'no',
      extraPackages: ['htop', 'tmux'],
      timezone: 'Europe/Berlin',
      description: 'two\nlines with "quotes" and $HOME',
      customizeScript: '#!/bin/bash\necho "$1"\n',
      extraLines: [
        'SHARE_LOGS=yes # unknown to Boardroom',
        'if [[ "${BRANCH}" == vendor ]]; then',
        '\tdeclare -g BOARDROOM_PROBE="vendor-kernel"',
        'fi',
        'function user_config__boardroom_probe() {',
        '\tdisplay_alert "boardroom-probe" "${BOARD} ${BOARDROOM_PROBE} ${EXTRA_PACKAGES_IMAGE[*]}" "info"',
        '}',
        '',
      ].join('\n'),
    });
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    expect(dumped(result).IMAGE_FILE_ID).toBe('Orangepi5_noble_vendor_6.1.y');
    // The hook defined in the extra lines ran, saw the conditional's variable and our packages
    // first in the framework's image package list (board extensions add theirs after).
    expect(result.stderr).toMatch(/boardroom-probe \[ orangepi5 vendor-kernel htop tmux[ \]]/);
  }, FRAMEWORK_TIMEOUT_MS);

  it('accepts a documentation-style file after import and export', async () => {
    const source = await readFile(new URL('./fixtures/armbian-conf/hooks-conditionals.conf', import.meta.url), 'utf8');
    const parsed = parseConf(configSchema, source);
    expect(parsed.data.extraLines).toContain('function post_family_tweaks__my_motd()');
    const result = await check('fromdocs', { ...defaultConfig(), ...parsed.data });
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    expect(dumped(result).IMAGE_FILE_ID).toBe('Odroidn2_trixie_current_6.18.y_minimal');
  }, FRAMEWORK_TIMEOUT_MS);
});

describe('the build plan writes Extra lines into its config file', () => {
  it('appends them verbatim after the settings, and the framework runs them', async () => {
    const extraLines = 'if [[ "${RELEASE}" == noble ]]; then\n\tdeclare -g BOARDROOM_PLAN_PROBE="noble"\nfi\nfunction user_config__boardroom_plan() {\n\tdisplay_alert "boardroom-plan" "${BOARDROOM_PLAN_PROBE}" "info"\n}\n';
    const plan = renderPlan(
      {
        buildId: '00000000-0000-0000-0000-000000000000',
        configId: '00000000-0000-0000-0000-000000000001',
        configName: 'plan probe',
        configJson: { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'noble', BUILD_MINIMAL: 'no', BUILD_DESKTOP: 'no', KERNEL_CONFIGURE: 'no', extraLines },
        yjsState: new Uint8Array(),
        schemaVersion: '1',
        builderVersion: '1.0.0',
        contentHash: 'a'.repeat(64),
      },
      loadArmbianFacts(),
      '1.0.0',
    );
    const conf = plan.files.find((f) => f.name === `config-${plan.confName}.conf`)!.content;
    expect(conf.endsWith(`\n${extraLines}`)).toBe(true);
    const dir = await mkdtemp(join(tmpdir(), 'boardroom-armbian-plan-'));
    try {
      await cp(FRAMEWORK, dir, { recursive: true });
      await mkdir(join(dir, 'userpatches'), { recursive: true });
      await writeFile(join(dir, 'userpatches', `config-${plan.confName}.conf`), conf);
      if (process.getuid?.() === 0) await chownTree(dir);
      const result = await runFramework(dir, [plan.confName, 'config-dump-json']);
      expect(result.code, result.stderr.slice(-2000)).toBe(0);
      expect(result.stderr).toContain('boardroom-plan [ noble ]');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, FRAMEWORK_TIMEOUT_MS);
});

/** The copy must be writable by the unprivileged user: the framework writes under its own tree. */
async function chownTree(dir: string): Promise<void> {
  await chown(dir, NOBODY, NOBODY);
  await chmod(dir, 0o755);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const child = join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(child);
    else if (!entry.isSymbolicLink()) {
      await chown(child, NOBODY, NOBODY);
      await chmod(child, (await stat(child)).mode | 0o200);
    }
  }
}
