/**
 * Every limit is a setting: read from the environment by the entry file, defaulting to today's
 * value, refused loudly when malformed, and listed in `.env.example` and `docs/operations.md`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Limits } from '../shared/protocol.ts';
import { checkLimitsAgree, LIMIT_ENV, readBoolean, readList, readServerLimits, ServerLimitDefaults, SettingsError } from '../server/settings.ts';

const root = new URL('..', import.meta.url);
const envExample = readFileSync(new URL('.env.example', root), 'utf8');
const operations = readFileSync(new URL('docs/operations.md', root), 'utf8');

/** The files allowed to read the environment (architecture.md, "Processes"), and the settings
 * helpers they read it through. */
const ENTRY_FILES = ['server/main.ts', 'builder/main.ts', 'builder/settings.ts', 'scripts/start.mjs', 'scripts/migrate.ts', 'scripts/admin.ts'];
const ENV_READS = [/process\.env\.([A-Z][A-Z0-9_]*)/g, /\benv\.([A-Z][A-Z0-9_]*)/g, /\benv\[['"]([A-Z][A-Z0-9_]*)['"]\]/g, /(?:positiveInt|readBoolean)\((?:process\.)?env, '([A-Z][A-Z0-9_]*)'/g];

/** Every variable name an entry file reads, and every limit's variable. */
function settingsRead(): Set<string> {
  const names = new Set<string>(Object.values(LIMIT_ENV));
  for (const file of ENTRY_FILES) {
    const source = readFileSync(new URL(file, root), 'utf8');
    for (const pattern of ENV_READS) for (const m of source.matchAll(pattern)) names.add(m[1]);
  }
  return names;
}

describe('limit settings', () => {
  it('default to the protocol constants and read every variable', () => {
    expect(readServerLimits({})).toEqual(ServerLimitDefaults);
    expect(readServerLimits({}).maxMessageBytes).toBe(Limits.maxMessageBytes);
    const env = Object.fromEntries(Object.values(LIMIT_ENV).map((name, i) => [name, String(i + 7)]));
    const read = readServerLimits(env);
    for (const [i, key] of (Object.keys(LIMIT_ENV) as (keyof typeof LIMIT_ENV)[]).entries()) expect(read[key], key).toBe(i + 7);
  });

  it('refuses a malformed value with the variable name instead of running on a default', () => {
    for (const bad of ['0', '-5', '1.5', 'lots', '1e400']) {
      expect(() => readServerLimits({ CONNECTIONS_PER_USER: bad }), bad).toThrow(SettingsError);
      expect(() => readServerLimits({ CONNECTIONS_PER_USER: bad })).toThrow(/CONNECTIONS_PER_USER/);
    }
    expect(readServerLimits({ CONNECTIONS_PER_USER: ' ' }).connectionsPerUser).toBe(ServerLimitDefaults.connectionsPerUser);
  });

  it('are all listed, with their defaults, in .env.example and in the operations guide', () => {
    for (const [key, name] of Object.entries(LIMIT_ENV)) {
      expect(envExample, name).toContain(`\n${name}=${ServerLimitDefaults[key as keyof typeof ServerLimitDefaults]}\n`);
      expect(operations, name).toContain(`\`${name}\``);
    }
    for (const name of ['TRUST_PROXY', 'ALLOWED_ORIGINS']) {
      expect(envExample).toContain(`\n${name}=\n`);
      expect(operations).toContain(`\`${name}\``);
    }
  });

  it('.env.example lists every variable the entry files read, and the operations guide names each', () => {
    const listed = new Set([...envExample.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
    const read = settingsRead();
    // The scan must see the reads it is meant to see, or it would pass on anything.
    for (const known of ['DATABASE_URL', 'BUILD_EXECUTOR', 'ARMBIAN_BUILD_UID', 'SERVE_SOURCE_MAPS', 'BUILDER_HEALTH_PORT', 'DATABASE_POOL_SIZE']) expect(read, known).toContain(known);
    expect([...read].filter((name) => !listed.has(name)), 'read but not in .env.example').toEqual([]);
    expect([...listed].filter((name) => !read.has(name)), 'in .env.example but read by nothing').toEqual([]);
    expect([...listed].filter((name) => !operations.includes(`\`${name}\``)), 'not in docs/operations.md').toEqual([]);
  });

  it('reads yes/no settings strictly', () => {
    expect(readBoolean({}, 'SERVE_SOURCE_MAPS')).toBe(false);
    expect(readBoolean({ SERVE_SOURCE_MAPS: 'true' }, 'SERVE_SOURCE_MAPS')).toBe(true);
    expect(readBoolean({ SERVE_SOURCE_MAPS: ' FALSE ' }, 'SERVE_SOURCE_MAPS')).toBe(false);
    expect(() => readBoolean({ SERVE_SOURCE_MAPS: 'yes' }, 'SERVE_SOURCE_MAPS')).toThrow(/SERVE_SOURCE_MAPS/);
  });

  it('reads comma lists without empty entries', () => {
    expect(readList(' 10.0.0.0/8, ,::1 ,')).toEqual(['10.0.0.0/8', '::1']);
    expect(readList(undefined)).toEqual([]);
  });
});

describe('file limit and body limit', () => {
  it('refuses a file limit whose base64 upload the body limit would refuse, naming both variables', () => {
    expect(() => checkLimitsAgree(readServerLimits({}))).not.toThrow();
    expect(() => checkLimitsAgree(readServerLimits({ FILE_MAX_BYTES: String(4 * 1024 * 1024) }))).toThrow(/FILE_MAX_BYTES .* MAX_REQUEST_BODY_BYTES/);
    expect(() => checkLimitsAgree(readServerLimits({ FILE_MAX_BYTES: String(4 * 1024 * 1024), MAX_REQUEST_BODY_BYTES: String(6 * 1024 * 1024) }))).not.toThrow();
  });
});
