/**
 * The image's host name and the SSH public keys of the first login (#17 item 4): the host name
 * is the framework's own `HOST` (written into config-<name>.conf), the keys are checked line by
 * line (a private key, another type or a damaged key is refused with the line's number) and
 * written by the plan's boardroom-firstrun extension for root and, through /etc/skel, for the
 * user the first login creates. tests/firstboot-extension-bash.test.ts runs that function in bash.
 */
import { describe, expect, it } from 'vitest';
import { loadArmbianFacts } from '../builder/plan/armbian-facts.ts';
import { renderPlan } from '../builder/plan/render-plan.ts';
import type { BuildSnapshot } from '../shared/node/builds/read.ts';
import { sshKeyProblem } from '../shared/ssh-keys.ts';
import { validateConfig } from '../shared/validation/index.ts';

const facts = loadArmbianFacts();
const BASE = { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie', BUILD_MINIMAL: 'no', BUILD_DESKTOP: 'no', KERNEL_CONFIGURE: 'no' };

/** A well-formed key of `type` (the blob names its type, as a real key's does). */
function key(type = 'ssh-ed25519', comment = 'ada@lab'): string {
  const name = Buffer.from(type);
  const blob = Buffer.concat([Buffer.from([0, 0, 0, name.length]), name, Buffer.from([0, 0, 0, 32]), Buffer.alloc(32, 7)]);
  return `${type} ${blob.toString('base64')}${comment ? ` ${comment}` : ''}`;
}

const plan = (config: Record<string, unknown>) => {
  const snapshot: BuildSnapshot = {
    buildId: '00000000-0000-0000-0000-000000000000',
    configId: '00000000-0000-0000-0000-000000000001',
    configName: 'Lab',
    configJson: { ...BASE, ...config },
    yjsState: new Uint8Array(),
    schemaVersion: '1',
    builderVersion: '1.0.0',
    contentHash: 'a'.repeat(64),
  };
  return Object.fromEntries(renderPlan(snapshot, facts, '1.0.0').files.map((f) => [f.name, f.content as string]));
};
const errors = (config: Record<string, unknown>) => validateConfig({ ...BASE, ...config }).errors.map((e) => `${e.path} ${e.message}`);

describe('SSH public keys for the first login', () => {
  it('accepts keys of every OpenSSH type, with comments and blank lines', () => {
    const text = ['# the lab', key(), '', key('ssh-rsa', ''), key('ecdsa-sha2-nistp256', 'ci'), key('sk-ssh-ed25519@openssh.com')].join('\n');
    expect(errors({ firstbootSshKeys: text })).toEqual([]);
  });

  it('refuses a private key, another kind of line and a damaged key, naming the line', () => {
    expect(sshKeyProblem('-----BEGIN OPENSSH PRIVATE KEY-----')).toMatch(/private key/);
    const damaged = key().replace(/^ssh-ed25519 AAAA/, 'ssh-ed25519 BBBB');
    const text = [key(), '-----BEGIN OPENSSH PRIVATE KEY-----', 'ssh-dss AAAAB3NzaC1kc3M=', damaged, key('ssh-rsa').replace('ssh-rsa', 'ssh-ed25519')].join('\n');
    expect(errors({ firstbootSshKeys: text })).toEqual([
      expect.stringMatching(/^\/firstbootSshKeys Line 2: this is a private key/),
      expect.stringMatching(/^\/firstbootSshKeys Line 3: not an SSH public key/),
      expect.stringMatching(/^\/firstbootSshKeys Line 4: the key is damaged or cut off/),
      expect.stringMatching(/^\/firstbootSshKeys Line 5: the key is damaged or cut off: its data does not say ssh-ed25519/),
    ]);
  });

  it('are written by the first-login extension for root and for the first user, comments and blank lines left out', () => {
    const files = plan({ firstbootSshKeys: `# lab\n${key()}\n\n${key('ssh-rsa', 'ci')}\n` });
    const extension = files['boardroom-firstrun.sh'];
    expect(extension).toContain('"${SDCARD}/root/.ssh" "${SDCARD}/etc/skel/.ssh"');
    const body = extension.split("<<- 'BOARDROOM_SSH_KEYS'\n")[1].split('\t\tBOARDROOM_SSH_KEYS')[0];
    expect(body.split('\n').filter(Boolean).map((l) => l.trim())).toEqual([key(), key('ssh-rsa', 'ci')]);
    expect(files['config-lab.conf']).toContain('enable_extension "boardroom-firstrun"');
  });

  it('without keys or other first-login settings, no extension is written', () => {
    expect(plan({ firstbootSshKeys: '# none yet\n' })['boardroom-firstrun.sh']).toBeUndefined();
  });
});

describe('host name', () => {
  it('is the framework\'s HOST in config-<name>.conf, and must be one host name label', () => {
    expect(plan({ HOST: 'lab-gw-01' })['config-lab.conf']).toMatch(/^HOST="?lab-gw-01"?$/m);
    expect(plan({})['config-lab.conf']).not.toMatch(/^HOST=/m);
    for (const bad of ['-lab', 'lab_gw', 'lab.example.com', 'a'.repeat(64), 'lab gw']) {
      expect(errors({ HOST: bad }), bad).toEqual([expect.stringMatching(/^\/HOST /)]);
    }
  });
});
