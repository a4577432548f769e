/**
 * First-boot secrets end to end (docs/security.md, "First-boot secrets"): real server, Postgres,
 * Redis and a plan builder. Editors and owners set, replace and clear the root password, the first
 * user's password and the Wi-Fi passphrase; viewers, share links and tokens without the `secrets`
 * scope cannot; the change log says who changed which secret; a build gets the values in a 0600
 * file of its private workspace only; and no REST answer, WebSocket frame, export, version, change
 * log entry, build log, server or builder log line, or artifact holds any of the values.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIRSTRUN_SECRETS_FILE } from '../builder/plan/firstrun.ts';
import type { Executor } from '../builder/executors/types.ts';
import { createBuilder, type Builder } from '../builder/worker.ts';
import { buildKeys } from '../shared/builds/keys.ts';
import { EXT_PROTOCOL_VERSION } from '../shared/ext-messages.ts';
import { createLocalArtifactStorage } from '../shared/node/builds/artifact-storage-local.ts';
import { createSealer, generateSecretsKey } from '../shared/node/secrets/sealed.ts';
import { planExecutor, REDIS_URL, VALID_CONFIG } from './builder-harness.ts';
import { authed, signUp, type TestUser } from './helpers/auth.ts';
import { addMember, createConfig, startTestServer, type TestServer } from './helpers/server.ts';
import { eventually } from './helpers/wait.ts';

const SECRETS_KEY = generateSecretsKey();
const secret = (label: string) => `${label}-${randomBytes(9).toString('base64url')}`;
const ROOT = secret('root');
const ROOT_2 = secret('root2');
const USER = `${secret('user')}'quote`;
const WIFI = secret('wifi');
const VALUES = [ROOT, ROOT_2, USER, WIFI];

/** Everything the test saw, in one place, to scan at the end. */
const seen: Array<{ where: string; text: string }> = [];
const logLines: string[] = [];
const capture = () =>
  pino(
    { level: 'trace' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    }),
  );

interface SecretStatus { name: string; set: boolean; updatedBy: { name: string } | null }

describe('first-boot secrets', () => {
  let server: TestServer;
  let builder: Builder;
  let startBuilder: () => Promise<void>;
  let builderRedis: Redis;
  let tmp: string;
  let editor: TestUser;
  let viewer: TestUser;
  let configId: string;
  const frames: Buffer[] = [];
  let socket: WebSocket;
  /** What the executor found in its workspace during the build. */
  const workspace: Array<{ mode: number; content: string }> = [];

  /** fetch as `token`, keeping every answer's body for the scan. */
  const as = (token: string | null, extra: Record<string, string> = {}) => async (p: string, method = 'GET', body?: unknown) => {
    const res = await authed(server.url, token)(p, { method, headers: extra, body: body === undefined ? undefined : JSON.stringify(body) });
    const bytes = Buffer.from(await res.arrayBuffer());
    seen.push({ where: `${method} ${p}`, text: bytes.toString('latin1') });
    return { status: res.status, text: bytes.toString('utf8'), json: () => JSON.parse(bytes.toString('utf8')) as Record<string, unknown> };
  };

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(tmpdir(), 'firstboot-'));
    const keyPrefix = `test:firstboot:${randomBytes(5).toString('hex')}:`;
    const artifactsDir = path.join(tmp, 'artifacts');
    server = await startTestServer({ redisUrl: REDIS_URL, keyPrefix, artifactsDir, secretsKey: SECRETS_KEY, logger: capture() });
    const plan = planExecutor();
    // The plan executor, plus what a framework that echoes its input would print.
    const executor: Executor = {
      name: plan.name,
      async run(ctx) {
        await plan.run(ctx);
        const file = path.join(ctx.workDir, 'userpatches', FIRSTRUN_SECRETS_FILE);
        workspace.push({ mode: (await stat(file)).mode & 0o777, content: await readFile(file, 'utf8') });
        for (const value of ctx.firstbootSecrets.values()) ctx.log(`framework: PRESET value is ${value} (as typed)`);
      },
    };
    builderRedis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    startBuilder = async () => {
      builder = createBuilder({
        db: server.database.db,
        redis: builderRedis,
        keys: buildKeys(keyPrefix),
        logger: capture(),
        executor,
        storage: createLocalArtifactStorage(artifactsDir),
        workRoot: path.join(tmp, 'work'),
        sealer: createSealer(SECRETS_KEY),
      });
      await builder.start();
    };
    await startBuilder();
    editor = await signUp(server.url, 'Eddie');
    viewer = await signUp(server.url, 'Vera');
    configId = await createConfig(server, { name: 'Firstboot', data: { ...VALID_CONFIG, firstbootUserName: 'ops', firstbootWifiSsid: 'Lab net', firstbootWifiCountry: 'DE' } });
    await addMember(server, configId, editor, 'editor');
    await addMember(server, configId, viewer, 'viewer');
    // A live client of the configuration (extension events included): every frame is kept.
    socket = new WebSocket(`${server.url.replace(/^http/, 'ws')}/sync/${configId}?token=${server.token}&ext=${EXT_PROTOCOL_VERSION}`);
    socket.on('message', (data: Buffer) => frames.push(Buffer.from(data)));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  });
  afterAll(async () => {
    socket?.close();
    await builder?.close();
    builderRedis?.disconnect();
    await server?.cleanup();
    await rm(tmp, { recursive: true, force: true });
  });

  it('editors and owners set, replace and clear; the list says who, never what', async () => {
    const owner = as(server.token);
    const eddie = as(editor.token);
    expect((await owner(`/api/configs/${configId}/secrets/rootPassword`, 'PUT', { value: ROOT })).status).toBe(200);
    expect((await eddie(`/api/configs/${configId}/secrets/userPassword`, 'PUT', { value: USER })).status).toBe(200);
    expect((await eddie(`/api/configs/${configId}/secrets/wifiPassphrase`, 'PUT', { value: WIFI })).status).toBe(200);
    expect((await eddie(`/api/configs/${configId}/secrets/rootPassword`, 'PUT', { value: ROOT_2 })).status).toBe(200);
    const list = (await eddie(`/api/configs/${configId}/secrets`)).json().secrets as SecretStatus[];
    expect(list.map((s) => [s.name, s.set, s.updatedBy?.name])).toEqual([
      ['rootPassword', true, 'Eddie'],
      ['userPassword', true, 'Eddie'],
      ['wifiPassphrase', true, 'Eddie'],
    ]);

    // Clear and set again: a clear is logged too.
    expect((await owner(`/api/configs/${configId}/secrets/wifiPassphrase`, 'DELETE')).status).toBe(204);
    expect(((await owner(`/api/configs/${configId}/secrets`)).json().secrets as SecretStatus[])[2]).toMatchObject({ name: 'wifiPassphrase', set: false });
    expect((await owner(`/api/configs/${configId}/secrets/wifiPassphrase`, 'PUT', { value: WIFI })).status).toBe(200);

    // "secret X changed by Y", without a value.
    const history = await eventually(async () => {
      const entries = (await owner(`/api/configs/${configId}/history`)).json().entries as Array<{ path: string; op: string; author: { name: string }; before: unknown; after: unknown }>;
      const secrets = entries.filter((e) => e.path.startsWith('#secrets/'));
      expect(secrets).toHaveLength(6);
      return secrets;
    });
    expect(history.map((e) => `${e.path} ${e.op} by ${e.author.name}`).sort()).toEqual([
      '#secrets/rootPassword add by Owner',
      '#secrets/rootPassword change by Eddie',
      '#secrets/userPassword add by Eddie',
      '#secrets/wifiPassphrase add by Eddie',
      '#secrets/wifiPassphrase add by Owner',
      '#secrets/wifiPassphrase remove by Owner',
    ]);
    expect(history.every((e) => e.before === null && e.after === null)).toBe(true);
  });

  it('refuses viewers, share links, tokens without the secrets scope, unknown names and bad values', async () => {
    const owner = as(server.token);
    const vera = as(viewer.token);
    expect((await vera(`/api/configs/${configId}/secrets`)).status).toBe(403);
    expect((await vera(`/api/configs/${configId}/secrets/rootPassword`, 'PUT', { value: 'viewer-was-here' })).status).toBe(403);
    for (const role of ['viewer', 'editor']) {
      const link = (await owner(`/api/configs/${configId}/shares`, 'POST', { role })).json() as { token: string };
      const guest = as(null, { 'x-share-token': link.token });
      expect((await guest(`/api/configs/${configId}/secrets`)).status).toBe(403);
      expect((await guest(`/api/configs/${configId}/secrets/rootPassword`, 'PUT', { value: 'guest-was-here' })).status).toBe(403);
    }
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const writeToken = (await owner('/api/tokens', 'POST', { name: 'ci', scopes: ['read', 'write'], expiresAt })).json() as { token: string };
    const refused = await as(writeToken.token)(`/api/configs/${configId}/secrets/rootPassword`, 'PUT', { value: 'token-was-here' });
    expect(refused.status).toBe(403);
    expect(refused.json()).toMatchObject({ error: { code: 'token_scope', details: { missingScope: 'secrets' } } });
    const secretsToken = (await owner('/api/tokens', 'POST', { name: 'provisioning', scopes: ['secrets'], expiresAt })).json() as { token: string };
    expect((await as(secretsToken.token)(`/api/configs/${configId}/secrets`)).status).toBe(200);

    expect((await owner(`/api/configs/${configId}/secrets/sshKey`, 'PUT', { value: 'x' })).json()).toMatchObject({ error: { code: 'unknown_secret' } });
    const twoLines = await owner(`/api/configs/${configId}/secrets/rootPassword`, 'PUT', { value: 'first\nPRESET_USER_NAME=root' });
    expect(twoLines.status).toBe(422);
    expect(twoLines.text).not.toContain('PRESET_USER_NAME=root');
    expect((await owner(`/api/configs/${configId}/secrets/wifiPassphrase`, 'PUT', { value: 'short' })).status).toBe(422);
    expect((await owner(`/api/configs/${configId}/secrets/rootPassword`, 'PUT', { value: 42 })).status).toBe(422);
    // Nothing of the refused writes stuck: the names still show the values set before.
    const list = (await owner(`/api/configs/${configId}/secrets`)).json().secrets as SecretStatus[];
    expect(list.every((s) => s.set)).toBe(true);
  });

  it('a build gets the values in a private 0600 file, and nothing it publishes holds them', async () => {
    const owner = as(server.token);
    const accepted = (await owner(`/api/configs/${configId}/builds`, 'POST', {})).json() as { id: string };
    const build = await eventually(
      async () => {
        const b = (await owner(`/api/builds/${accepted.id}`)).json() as { status: string; artifacts: Array<{ name: string }>; contentHash: string };
        expect(['succeeded', 'failed']).toContain(b.status);
        return b;
      },
      { timeoutMs: 30_000, intervalMs: 50 },
    );
    expect(build.status).toBe('succeeded');
    expect(workspace).toHaveLength(1);
    expect(workspace[0]!.mode).toBe(0o600);
    expect(workspace[0]!.content).toContain(`PRESET_ROOT_PASSWORD='${ROOT_2}'`);
    expect(workspace[0]!.content).toContain(`PRESET_USER_PASSWORD='${USER.replace(/'/g, `'\\''`)}'`);
    expect(workspace[0]!.content).toContain(`PRESET_NET_WIFI_KEY='${WIFI}'`);
    // What the image's first login gets when it sources the file: the values exactly.
    const sourced = spawnSync('bash', ['-c', `${workspace[0]!.content}\nprintf '%s\\n' "$PRESET_ROOT_PASSWORD" "$PRESET_USER_PASSWORD" "$PRESET_NET_WIFI_KEY"`], { encoding: 'utf8' });
    expect(sourced.stdout).toBe(`${ROOT_2}\n${USER}\n${WIFI}\n`);

    // The plan enables its first-boot extension; the log says which secrets, and hides the echo.
    const names = build.artifacts.map((a) => a.name);
    expect(names).toContain('boardroom-firstrun.sh');
    const log = (await owner(`/api/builds/${accepted.id}/logs`)).text;
    expect(log).toContain('first-boot secrets: rootPassword, userPassword, wifiPassphrase (values never shown)');
    expect(log).toContain('framework: PRESET value is [secret] (as typed)');
    for (const a of build.artifacts) await owner(`/api/builds/${accepted.id}/artifacts/${encodeURIComponent(a.name)}`);
    // The extension the framework sources: valid bash that writes the settings, then the secrets' file.
    const extension = (await owner(`/api/builds/${accepted.id}/artifacts/boardroom-firstrun.sh`)).text;
    expect(spawnSync('bash', ['-n'], { input: extension, encoding: 'utf8' }).status).toBe(0);
    const sdcard = path.join(tmp, 'sdcard');
    await mkdir(path.join(sdcard, 'root'), { recursive: true });
    const userpatches = path.join(tmp, 'userpatches');
    await mkdir(path.join(userpatches, 'extensions'), { recursive: true });
    await writeFile(path.join(userpatches, FIRSTRUN_SECRETS_FILE), workspace[0]!.content);
    const hook = spawnSync('bash', ['-c', `display_alert() { :; }\n${extension}\npost_family_tweaks__boardroom_firstrun\n. "$SDCARD/root/.not_logged_in_yet"\nprintf '%s\\n' "$PRESET_USER_NAME" "$PRESET_NET_WIFI_SSID" "$PRESET_ROOT_PASSWORD"`], { encoding: 'utf8', env: { PATH: process.env.PATH, SDCARD: sdcard, USERPATCHES_PATH: userpatches } });
    expect(hook.stdout).toBe(`ops\nLab net\n${ROOT_2}\n`);
    expect((await stat(path.join(sdcard, 'root/.not_logged_in_yet'))).mode & 0o777).toBe(0o600);
    const manifest = JSON.parse((await owner(`/api/builds/${accepted.id}/artifacts/manifest.json`)).text) as { firstbootSecrets?: string[] };
    expect(manifest.firstbootSecrets).toEqual(['rootPassword', 'userPassword', 'wifiPassphrase']);

    // Same configuration and values: the same build. A changed secret: a new one.
    expect((await owner(`/api/configs/${configId}/builds`, 'POST', {})).json()).toMatchObject({ id: accepted.id, deduplicated: true });
    await owner(`/api/configs/${configId}/secrets/userPassword`, 'PUT', { value: USER });
    expect((await owner(`/api/configs/${configId}/builds`, 'POST', {})).json()).toMatchObject({ deduplicated: false });

    // Everything else a person can read of the configuration.
    await owner(`/api/builds/${accepted.id}/snapshot`);
    await owner(`/api/configs/${configId}`);
    await owner(`/api/configs/${configId}/export?format=json`);
    await owner(`/api/configs/${configId}/export?format=conf`);
    await owner(`/api/configs/${configId}/history`);
    const versions = (await owner(`/api/configs/${configId}/versions`)).json() as unknown as Array<{ id: string }>;
    expect(versions.length).toBeGreaterThan(0);
    for (const v of versions) await owner(`/api/configs/${configId}/versions/${v.id}`);
  });

  it('a secret changed after the build was requested fails that build, naming the secret only', async () => {
    const owner = as(server.token);
    await builder.close();
    await owner(`/api/configs/${configId}/secrets/rootPassword`, 'PUT', { value: ROOT });
    const accepted = (await owner(`/api/configs/${configId}/builds`, 'POST', {})).json() as { id: string };
    await owner(`/api/configs/${configId}/secrets/rootPassword`, 'PUT', { value: ROOT_2 });
    await startBuilder();
    const build = await eventually(
      async () => {
        const b = (await owner(`/api/builds/${accepted.id}`)).json() as { status: string; error: string | null };
        expect(['succeeded', 'failed']).toContain(b.status);
        return b;
      },
      { timeoutMs: 30_000, intervalMs: 50 },
    );
    expect(build).toMatchObject({ status: 'failed', error: expect.stringContaining('rootPassword changed or was cleared after this build was requested') });
  });

  it('no answer, frame, log line or artifact holds a value', async () => {
    await builder.close();
    const everything = [
      ...seen,
      ...frames.map((f, i) => ({ where: `frame ${i}`, text: f.toString('latin1') })),
      ...logLines.map((line, i) => ({ where: `log ${i}`, text: line })),
    ];
    expect(frames.length).toBeGreaterThan(0);
    expect(logLines.length).toBeGreaterThan(0);
    for (const value of VALUES) {
      const spellings = [value, JSON.stringify(value).slice(1, -1), Buffer.from(value, 'utf8').toString('latin1')];
      const leaks = everything.filter((e) => spellings.some((s) => e.text.includes(s))).map((e) => e.where);
      expect({ value: value.slice(0, 4), leaks }).toEqual({ value: value.slice(0, 4), leaks: [] });
    }
  });
});
