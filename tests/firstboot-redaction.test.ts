/**
 * The pure parts of first-boot secrets: the closed set of names and what a value may be, the
 * redactor every build log line passes, the values file the first login sources (quoting), and the
 * plan: its extension holds no value and is enabled only when secrets are set, and the content
 * hash covers which secret values a build uses without holding them.
 */
import { describe, expect, it } from 'vitest';
import { loadArmbianFacts } from '../builder/plan/armbian-facts.ts';
import { FIRSTRUN_EXTENSION, renderFirstrunSecrets } from '../builder/plan/firstrun.ts';
import { renderPlan } from '../builder/plan/render-plan.ts';
import { createRedactor, REDACTED } from '../builder/redact.ts';
import { firstbootSecretProblem, isFirstbootSecretName } from '../shared/firstboot-secrets.ts';
import { withFirstbootSecrets } from '../shared/node/builds/firstboot-stamp.ts';
import type { BuildSnapshot } from '../shared/node/builds/read.ts';
import { createLogSink } from '../builder/log-sink.ts';
import { LOG_LINE_MAX_CHARS } from '../builder/log-sink.ts';

const facts = loadArmbianFacts();
const snapshot = (firstbootSecrets: BuildSnapshot['firstbootSecrets']): BuildSnapshot => ({
  buildId: '00000000-0000-0000-0000-000000000000',
  configId: '00000000-0000-0000-0000-000000000001',
  configName: 'Firstboot',
  configJson: { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie' },
  yjsState: new Uint8Array(),
  schemaVersion: '1',
  builderVersion: '1.0.0',
  contentHash: 'a'.repeat(64),
  firstbootSecrets,
});

describe('first-boot secret names and values', () => {
  it('is a closed set', () => {
    expect(isFirstbootSecretName('rootPassword')).toBe(true);
    expect(isFirstbootSecretName('toString')).toBe(false);
    expect(isFirstbootSecretName('PRESET_ROOT_PASSWORD')).toBe(false);
  });

  it('takes one line of printable text, and a WPA passphrase of 8 to 63 characters', () => {
    expect(firstbootSecretProblem('rootPassword', 'hunter2 with spaces and \'quotes\'')).toBeNull();
    expect(firstbootSecretProblem('rootPassword', 'a\nPRESET_USER_NAME=root')).toMatch(/one line/);
    expect(firstbootSecretProblem('rootPassword', 'tab\there')).toMatch(/one line/);
    expect(firstbootSecretProblem('rootPassword', '')).toMatch(/empty/);
    expect(firstbootSecretProblem('rootPassword', 7)).toMatch(/string/);
    expect(firstbootSecretProblem('wifiPassphrase', 'short')).toMatch(/8 to 63/);
    expect(firstbootSecretProblem('wifiPassphrase', 'x'.repeat(64))).toMatch(/8 to 63/);
  });
});

describe('redaction', () => {
  it('replaces every spelling a log can show, longest first', () => {
    const r = createRedactor();
    expect(r.redact('nothing yet')).toBe('nothing yet');
    r.add(['pa$s', "it's", 'pa$s-longer', '']);
    expect(r.redact('a pa$s-longer b pa$s c')).toBe(`a ${REDACTED} b ${REDACTED} c`);
    expect(r.redact(`PRESET_USER_PASSWORD='it'\\''s'`)).toBe(`PRESET_USER_PASSWORD=${REDACTED}`);
    expect(r.redact(JSON.stringify({ v: 'say "it\'s"' }))).not.toContain("it's");
    const quoted = createRedactor();
    quoted.add(['say "hi"']);
    expect(quoted.redact(JSON.stringify({ v: 'say "hi"' }))).toBe(`{"v":"${REDACTED}"}`);
    const error = r.redactError(new Error('compile.sh pa$s failed'));
    expect(error.message).toBe(`compile.sh ${REDACTED} failed`);
    expect(error.stack).not.toContain('pa$s');
  });

  it('redacts a log line before it is cut, so no start of a value survives the cut', async () => {
    const r = createRedactor();
    const value = 'Z'.repeat(64);
    r.add([value]);
    const stored: string[] = [];
    const db = { insert: () => ({ values: (rows: Array<{ line: string }>) => ({ onConflictDoNothing: async () => void stored.push(...rows.map((x) => x.line)) }) }) };
    const redis = { publish: async () => 1 };
    const sink = createLogSink({ db: db as never, redis: redis as never, keys: { buildChannel: () => 'c', statusChannel: 's' } as never, logger: { warn() {}, error() {} } as never, buildId: 'b', tenant: 'personal', startSeq: 0, redact: r.redact });
    sink.append(`${'x'.repeat(LOG_LINE_MAX_CHARS - 10)}${value}`, 'stdout');
    await sink.close().catch(() => undefined);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toContain(REDACTED);
    expect(stored[0]).not.toContain('ZZZZ');
  });
});

describe('the plan with first-boot secrets', () => {
  it('writes one always-quoted line per value', () => {
    const file = renderFirstrunSecrets(new Map([['wifiPassphrase', 'plainpassphrase'], ['rootPassword', "it's"]] as const));
    // Sorted by name; the first login's `source` of it is checked in tests/firstboot-secrets.test.ts.
    expect(file).toBe(`PRESET_ROOT_PASSWORD='it'\\''s'\nPRESET_NET_WIFI_KEY='plainpassphrase'\n`);
  });

  it('enables its extension only with secrets, and no file of the plan holds a value or a value id', () => {
    const none = renderPlan(snapshot(null), facts, '1.0.0');
    expect(none.files.map((f) => f.name)).not.toContain(`${FIRSTRUN_EXTENSION}.sh`);
    expect(none.manifest.firstbootSecrets).toBeUndefined();
    const stamp = { rootPassword: '11111111-1111-4111-8111-111111111111', wifiPassphrase: '22222222-2222-4222-8222-222222222222' };
    const plan = renderPlan(snapshot(stamp), facts, '1.0.0');
    const byName = Object.fromEntries(plan.files.map((f) => [f.name, f.content]));
    expect(byName['config-firstboot.conf']).toContain(`enable_extension "${FIRSTRUN_EXTENSION}"`);
    expect(byName[`${FIRSTRUN_EXTENSION}.sh`]).toContain('function post_family_tweaks__boardroom_firstrun()');
    expect(byName[`${FIRSTRUN_EXTENSION}.sh`]).toContain('PRESET_ROOT_PASSWORD PRESET_NET_WIFI_KEY');
    expect(plan.manifest.firstbootSecrets).toEqual(['rootPassword', 'wifiPassphrase']);
    for (const content of Object.values(byName)) {
      expect(content).not.toContain(stamp.rootPassword);
      expect(content).not.toContain(stamp.wifiPassphrase);
    }
    expect(plan.compileArgs).toContain(`ENABLE_EXTENSIONS=${FIRSTRUN_EXTENSION}`);
  });

  it('writes the first-login settings of the configuration without needing any secret', () => {
    const snap = { ...snapshot(null), configJson: { BOARD: 'rock-5b', BRANCH: 'current', RELEASE: 'trixie', firstbootUserName: 'ops', firstbootWifiSsid: "Cafe 'Net'", firstbootWifiCountry: 'DE', firstbootTimezone: 'Europe/Berlin' } };
    const plan = renderPlan(snap, facts, '1.0.0');
    const ext = plan.files.find((f) => f.name === `${FIRSTRUN_EXTENSION}.sh`)!.content;
    expect(ext).toContain("\tPRESET_USER_NAME='ops'\n");
    expect(ext).toContain("\tPRESET_NET_WIFI_SSID='Cafe '\\''Net'\\'''\n");
    expect(ext).toContain("\tPRESET_NET_CHANGE_DEFAULTS='1'\n\tPRESET_NET_WIFI_ENABLED='1'\n");
    expect(ext).toContain("\tPRESET_NET_WIFI_COUNTRYCODE='DE'\n");
    expect(ext).toContain("\tPRESET_TIMEZONE='Europe/Berlin'\n");
    expect(ext).not.toContain('boardroom-firstrun-secrets.conf');
    expect(plan.files.find((f) => f.name === 'config-firstboot.conf')!.content).toContain(`enable_extension "${FIRSTRUN_EXTENSION}"`);
  });

  it('hashes which values a build uses: same values same hash, a new value a new hash', () => {
    const hash = 'b'.repeat(64);
    expect(withFirstbootSecrets(hash, {})).toEqual({ contentHash: hash, firstbootSecrets: null });
    const a = withFirstbootSecrets(hash, { rootPassword: '1' });
    expect(a.contentHash).not.toBe(hash);
    expect(withFirstbootSecrets(hash, { rootPassword: '1' }).contentHash).toBe(a.contentHash);
    expect(withFirstbootSecrets(hash, { rootPassword: '2' }).contentHash).not.toBe(a.contentHash);
  });
});
