/**
 * The `boardroom` CLI against a real server, Redis queue and plan builder, run in-process through
 * `runCli` (its streams and environment are arguments) and once as a process through
 * `bin/boardroom.mjs`: sign in, import, set, validate, export, build --follow with the build's
 * exit code, and artifacts downloaded and verified — with a tampered artifact caught and deleted.
 */
import { ARTIFACT_PERSONAL_TENANT } from '../shared/node/builds/artifact-storage.ts';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/main.ts';
import { type PlanBuilder, REDIS_URL, ROOT, startPlanBuilder } from './builder-harness.ts';
import { testLogger } from './helpers/logger.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

const PASSWORD = 'correct horse battery';

interface Run {
  code: number;
  out: string;
  err: string;
}

describe('the boardroom CLI', () => {
  let server: TestServer;
  let builder: PlanBuilder;
  let tmp: string;
  let artifactsDir: string;
  /** The CLI's own config folder: `login` writes the token here. */
  let home: string;

  const cli = async (args: string[], options: { env?: Record<string, string>; stdin?: string } = {}): Promise<Run> => {
    let out = '';
    let err = '';
    const code = await runCli(args, {
      env: { BOARDROOM_CONFIG_DIR: home, ...options.env },
      cwd: tmp,
      stdout: (t) => void (out += t),
      stderr: (t) => void (err += t),
      readStdin: async () => options.stdin ?? '',
      fetch,
    });
    return { code, out, err };
  };

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'cli-'));
    home = path.join(tmp, 'home');
    artifactsDir = path.join(tmp, 'artifacts');
    const keyPrefix = `test:cli:${randomBytes(6).toString('hex')}:`;
    server = await startTestServer({ redisUrl: REDIS_URL, keyPrefix, artifactsDir });
    builder = await startPlanBuilder({ db: server.database.db, keyPrefix, artifactsDir, workRoot: path.join(tmp, 'work'), logger: testLogger() });
  });
  afterAll(async () => {
    await builder?.close();
    await server?.cleanup();
    await rm(tmp, { recursive: true, force: true });
  });

  it('refuses to work before anyone signs in, with exit code 3', async () => {
    const run = await cli(['configs', 'ls']);
    expect(run.code).toBe(3);
    expect(run.err).toContain('not signed in');
  });

  it('signs in with email and a password from stdin, keeping only the token, readable by its owner alone', async () => {
    const run = await cli(['login', '--url', server.url, '--email', server.owner.user.email, '--password-stdin'], { stdin: `${PASSWORD}\n` });
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(run.out).toContain(`as Owner <${server.owner.user.email}>`);
    const file = path.join(home, 'credentials.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const saved = await readFile(file, 'utf8');
    expect(saved).not.toContain(PASSWORD);
    expect(JSON.parse(saved)).toEqual({ url: server.url, token: expect.any(String) });
    expect((await cli(['whoami'])).out).toContain(server.owner.user.email);
  });

  it('a wrong password is refused with exit code 3 and saves nothing new', async () => {
    const before = await readFile(path.join(home, 'credentials.json'), 'utf8');
    const run = await cli(['login', '--url', server.url, '--email', server.owner.user.email, '--password-stdin'], { stdin: 'wrong' });
    expect(run.code).toBe(3);
    expect(await readFile(path.join(home, 'credentials.json'), 'utf8')).toBe(before);
  });

  let configId: string;

  it('imports an Armbian .conf, lists it, and sets keys by their schema types', async () => {
    await writeFile(path.join(tmp, 'config-rock.conf'), 'BOARD=rock-5b\nBRANCH=current\nRELEASE=trixie\nBUILD_MINIMAL=no\nBUILD_DESKTOP=no\nKERNEL_CONFIGURE=no\n');
    const imported = await cli(['import', 'config-rock.conf', '--name', 'CLI rock', '--json']);
    expect(imported.code).toBe(0);
    configId = (JSON.parse(imported.out) as { id: string }).id;
    const listed = JSON.parse((await cli(['configs', 'ls', '--json'])).out) as Array<{ id: string; name: string }>;
    expect(listed).toContainEqual(expect.objectContaining({ id: configId, name: 'CLI rock' }));

    const set = await cli(['set', configId, 'ENABLE_EXTENSIONS=docker-ce', 'extraPackages=htop, vim', 'description=from the CLI', '--json']);
    expect(set.err).toBe('');
    expect(set.code).toBe(0);
    const data = (JSON.parse(set.out) as { data: Record<string, unknown> }).data;
    expect(data).toMatchObject({ ENABLE_EXTENSIONS: ['docker-ce'], extraPackages: ['htop', 'vim'], description: 'from the CLI', BOARD: 'rock-5b' });
    // `KEY=` removes the key.
    const unset = await cli(['set', configId, 'description=', '--json']);
    expect((JSON.parse(unset.out) as { data: Record<string, unknown> }).data.description).toBeUndefined();
  });

  it('set keeps keys it does not name, even when someone changed them since (a merge, not a replace)', async () => {
    // Another writer changes VENDOR between two CLI calls that never read it.
    const other = await server.api(`/api/configs/${configId}/data`, { method: 'PATCH', body: JSON.stringify({ VENDOR: 'Acme' }) });
    expect(other.status).toBe(200);
    const run = await cli(['set', configId, 'RELEASE=noble', '--json']);
    expect((JSON.parse(run.out) as { data: Record<string, unknown> }).data).toMatchObject({ VENDOR: 'Acme', RELEASE: 'noble' });
  });

  it('set refuses unknown keys and badly typed values before calling the server (exit 2)', async () => {
    const unknown = await cli(['set', configId, 'NOT_A_KEY=1']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain('unknown key NOT_A_KEY');
    const notKv = await cli(['set', configId, 'BOARD']);
    expect(notKv.code).toBe(2);
  });

  it('validate exits 1 with the path of each error, for a configuration and for a local file', async () => {
    expect((await cli(['validate', configId])).code).toBe(0);
    await writeFile(path.join(tmp, 'bad.json'), JSON.stringify({ name: 'bad', data: { BOARD: 'no-such-board', BRANCH: 'current', RELEASE: 'trixie' } }));
    const bad = await cli(['validate', 'bad.json', '--json']);
    expect(bad.code).toBe(1);
    const result = JSON.parse(bad.out) as { valid: boolean; errors: Array<{ path: string }> };
    expect(result.valid).toBe(false);
    expect(result.errors.map((e) => e.path)).toContain('/BOARD');
    const missing = await cli(['validate', 'no-such-file.json']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('cannot read no-such-file.json');
  });

  it('exports as .conf and that file imports back to the same configuration', async () => {
    expect((await cli(['export', configId, '--format', 'conf', '-o', 'roundtrip.conf'])).code).toBe(0);
    const again = JSON.parse((await cli(['import', 'roundtrip.conf', '--json'])).out) as { id: string };
    const exportJson = async (id: string) => (JSON.parse((await cli(['export', id])).out) as { data: unknown }).data;
    expect(await exportJson(again.id)).toEqual(await exportJson(configId));
  });

  let buildId: string;

  it('build --follow prints the log as it is written and exits 0 when the build succeeded', async () => {
    const run = await cli(['build', configId, '--follow', '--json']);
    expect(run.err).toMatch(/following its log/);
    expect(run.code).toBe(0);
    const finished = JSON.parse(run.out) as { id: string; status: string };
    expect(finished.status).toBe('succeeded');
    buildId = finished.id;
    // Without --json the log lines themselves are printed (force: a new build of the same content).
    const plain = await cli(['build', configId, '--follow', '--force']);
    expect(plain.code).toBe(0);
    expect(plain.out.split('\n').filter(Boolean).length).toBeGreaterThan(3);
  });

  it('artifacts download --verify writes every artifact, matching the server and SHA256SUMS', async () => {
    const run = await cli(['artifacts', 'download', buildId, '--dir', 'out', '--verify', '--json']);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const { files } = JSON.parse(run.out) as { files: Array<{ name: string; sha256: string; verified: boolean }> };
    expect(files.map((f) => f.name)).toContain('SHA256SUMS');
    for (const f of files) {
      expect(f.verified).toBe(true);
      expect(createHash('sha256').update(await readFile(path.join(tmp, 'out', f.name))).digest('hex')).toBe(f.sha256);
    }
  });

  it('a tampered artifact fails --verify with exit 1 and is not left on disk', async () => {
    const { artifacts } = (await (await server.api(`/api/builds/${buildId}`)).json()) as { artifacts: Array<{ name: string }> };
    const victim = artifacts.find((a) => a.name !== 'SHA256SUMS')!.name;
    // Change the stored bytes behind the server's back (a disk fault, a tampered bucket).
    // A personal configuration's build: stored under the `personal` tenant prefix.
    const stored = path.join(artifactsDir, ARTIFACT_PERSONAL_TENANT, buildId, victim);
    const bytes = await readFile(stored);
    bytes[0] = bytes[0]! ^ 0xff;
    await writeFile(stored, bytes);
    const run = await cli(['artifacts', 'download', buildId, '--dir', 'tampered', '--name', victim, '--verify']);
    expect(run.code).toBe(1);
    expect(run.err).toContain(`MISMATCH ${victim}`);
    expect(await readdir(path.join(tmp, 'tampered'))).toEqual([]);
    // Shorter than recorded: the server cuts the download off; that fails too, leaving nothing.
    await writeFile(stored, 'short');
    const cut = await cli(['artifacts', 'download', buildId, '--dir', 'cut', '--name', victim]);
    expect(cut.code).toBe(1);
    expect(cut.err).toContain(`FAILED ${victim}`);
    expect(await readdir(path.join(tmp, 'cut'))).toEqual([]);
  });

  it('takes BOARDROOM_URL and BOARDROOM_TOKEN from the environment (a CI job), and a bad token exits 3', async () => {
    const env = { BOARDROOM_URL: server.url, BOARDROOM_TOKEN: server.token, BOARDROOM_CONFIG_DIR: path.join(tmp, 'nowhere') };
    expect((await cli(['whoami'], { env })).code).toBe(0);
    const bad = await cli(['configs', 'ls'], { env: { ...env, BOARDROOM_TOKEN: 'not-a-token' } });
    expect(bad.code).toBe(3);
    expect(bad.err).toMatch(/401/);
  });

  it('works with a personal access token, within its scopes: a read-only token may not build (exit 3)', async () => {
    const expiresAt = new Date(Date.now() + 24 * 3600 * 1000).toISOString();
    const made = await server.api('/api/tokens', { method: 'POST', body: JSON.stringify({ name: 'ci read', scopes: ['read'], expiresAt }) });
    expect(made.status).toBe(201);
    const { token } = (await made.json()) as { token: string };
    const tokenHome = path.join(tmp, 'token-home');
    const env = { BOARDROOM_CONFIG_DIR: tokenHome };
    const login = await cli(['login', '--url', server.url, '--token-stdin'], { env, stdin: `${token}\n` });
    expect(login.code).toBe(0);
    const me = JSON.parse((await cli(['whoami', '--json'], { env })).out) as { user: { email: string } };
    expect(me.user.email).toBe(server.owner.user.email);
    expect((await cli(['validate', configId], { env })).code).toBe(0);
    const build = await cli(['build', configId], { env });
    expect(build.code).toBe(3);
    expect(build.err).toContain('token_scope');
  });

  it('runs as a process through bin/boardroom.mjs, with usage errors exiting 2', async () => {
    const run = promisify(execFile);
    const env = { ...process.env, BOARDROOM_URL: server.url, BOARDROOM_TOKEN: server.token, BOARDROOM_CONFIG_DIR: path.join(tmp, 'nowhere') };
    const { stdout } = await run(process.execPath, [path.join(ROOT, 'bin/boardroom.mjs'), 'configs', 'ls', '--json'], { env });
    expect((JSON.parse(stdout) as Array<{ id: string }>).map((c) => c.id)).toContain(configId);
    const usage = await run(process.execPath, [path.join(ROOT, 'bin/boardroom.mjs'), 'frobnicate'], { env }).catch((e: { code: number; stderr: string }) => e);
    expect(usage).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command "frobnicate"') });
  });
});
