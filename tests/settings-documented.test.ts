/**
 * Every limit is a setting: read from the environment by the entry file, defaulting to today's
 * value, refused loudly when malformed, and listed in `.env.example` and `docs/operations.md`.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Limits } from '../shared/protocol.ts';
import { LIMIT_ENV, readList, readServerLimits, ServerLimitDefaults, SettingsError } from '../server/settings.ts';

const root = new URL('..', import.meta.url);
const envExample = readFileSync(new URL('.env.example', root), 'utf8');
const operations = readFileSync(new URL('docs/operations.md', root), 'utf8');

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

  it('reads comma lists without empty entries', () => {
    expect(readList(' 10.0.0.0/8, ,::1 ,')).toEqual(['10.0.0.0/8', '::1']);
    expect(readList(undefined)).toEqual([]);
  });
});
