/**
 * The plan's boardroom-firstrun extension run by bash the way the framework runs its hook
 * (`post_family_tweaks__boardroom_firstrun` with SDCARD and USERPATCHES_PATH set): the first-login
 * settings and the secrets' values land in /root/.not_logged_in_yet (root only), the SSH keys in
 * root's and /etc/skel's authorized_keys (700/600), and a build whose values file is missing stops
 * with the framework's exit_with_error instead of making an image without its passwords.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { FIRSTRUN_SECRETS_FILE, firstrunPresets, firstrunSshKeys, renderFirstrunExtension, writeFirstrunSecrets } from '../builder/plan/firstrun.ts';

const run = promisify(execFile);
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcH ada@lab $HOME `id`';
const CONFIG = { firstbootUserName: 'ada', firstbootTimezone: 'Europe/Berlin', firstbootSshKeys: `# lab\n${KEY}\n` };

/** Runs the hook in a fake image root; resolves with the root, or rejects with bash's failure. */
async function runHook(secrets: Map<'rootPassword', string> | null) {
  const tmp = await mkdtemp(path.join(tmpdir(), 'firstrun-'));
  dirs.push(tmp);
  const sdcard = path.join(tmp, 'sdcard');
  const userpatches = path.join(tmp, 'userpatches');
  await mkdir(path.join(sdcard, 'root'), { recursive: true });
  await mkdir(path.join(sdcard, 'etc/skel'), { recursive: true });
  await writeFile(path.join(sdcard, 'root/.not_logged_in_yet'), '# from the framework\n');
  await mkdir(path.join(userpatches, 'extensions'), { recursive: true });
  const extension = renderFirstrunExtension(['# test'], firstrunPresets(CONFIG), ['rootPassword'], firstrunSshKeys(CONFIG));
  const file = path.join(userpatches, 'extensions/boardroom-firstrun.sh');
  await writeFile(file, extension);
  if (secrets) await writeFirstrunSecrets(userpatches, secrets);
  const script = [
    'set -e',
    'display_alert() { :; }',
    'exit_with_error() { echo "ERROR: $*" >&2; exit 3; }',
    `SDCARD=${JSON.stringify(sdcard)}`,
    `USERPATCHES_PATH=${JSON.stringify(userpatches)}`,
    `source ${JSON.stringify(file)}`,
    'post_family_tweaks__boardroom_firstrun',
  ].join('\n');
  await run('bash', ['-c', script]);
  return sdcard;
}

describe('the boardroom-firstrun hook in bash', () => {
  it('writes the settings, the secret values and the SSH keys where the first login and sshd read them', async () => {
    const sdcard = await runHook(new Map([['rootPassword', "it's a $ecret"]]));
    const loginFile = path.join(sdcard, 'root/.not_logged_in_yet');
    const settings = await readFile(loginFile, 'utf8');
    expect(settings).toContain("PRESET_USER_NAME='ada'");
    expect(settings).toContain("PRESET_TIMEZONE='Europe/Berlin'");
    // Sourced by the first login as bash: the value comes back exactly.
    const { stdout } = await run('bash', ['-c', `source ${JSON.stringify(loginFile)}; printf %s "$PRESET_ROOT_PASSWORD"`]);
    expect(stdout).toBe("it's a $ecret");
    expect((await stat(loginFile)).mode & 0o777).toBe(0o600);
    for (const dir of ['root/.ssh', 'etc/skel/.ssh']) {
      const keys = path.join(sdcard, dir, 'authorized_keys');
      // Written as pasted: no expansion of $HOME or `id` in a key's comment, the comment line left out.
      expect(await readFile(keys, 'utf8')).toBe(`${KEY}\n`);
      expect((await stat(path.join(sdcard, dir))).mode & 0o777).toBe(0o700);
      expect((await stat(keys)).mode & 0o777).toBe(0o600);
    }
  });

  it('stops the build when the secret values file is missing', async () => {
    const failed = await runHook(null).then(
      () => null,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed?.code).toBe(3);
    expect(failed?.stderr).toContain('first-boot secret values missing');
    expect(failed?.stderr).toContain(FIRSTRUN_SECRETS_FILE);
  });
});
