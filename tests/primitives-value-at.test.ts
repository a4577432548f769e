/**
 * The one JSON Pointer lookup (`valueAt` in `shared/json-pointer.ts`), used by comment anchoring,
 * restores, validation messages and the form's field store.
 */
import { describe, expect, it } from 'vitest';
import { parsePointer, valueAt } from '../shared/json-pointer.ts';

const config = {
  hostname: 'board',
  extraPackages: ['vim', 'git'],
  users: [{ name: 'ada', keys: [] }],
  'a/b': { '~x': 1 },
  empty: null,
  zero: 0,
};

describe('valueAt', () => {
  it('finds values by pointer segments, escapes included', () => {
    expect(valueAt(config, [])).toBe(config);
    expect(valueAt(config, ['hostname'])).toBe('board');
    expect(valueAt(config, ['extraPackages', '1'])).toBe('git');
    expect(valueAt(config, parsePointer('/users/0/name'))).toBe('ada');
    expect(valueAt(config, parsePointer('/a~1b/~0x'))).toBe(1);
    expect(valueAt(config, ['empty'])).toBeNull();
    expect(valueAt(config, ['zero'])).toBe(0);
  });

  it('gives undefined where the path leads nowhere', () => {
    expect(valueAt(config, ['missing'])).toBeUndefined();
    expect(valueAt(config, ['extraPackages', '2'])).toBeUndefined();
    expect(valueAt(config, ['hostname', 'length'])).toBeUndefined();
    expect(valueAt(config, ['empty', 'x'])).toBeUndefined();
    expect(valueAt(config, ['zero', 'x'])).toBeUndefined();
    expect(valueAt(undefined, ['x'])).toBeUndefined();
  });

  it('reads array indices only as RFC 6901 writes them', () => {
    for (const index of ['01', '-', '1e0', ' 1', '1.0', '-1', 'length', '']) {
      expect(valueAt(config, ['extraPackages', index]), index).toBeUndefined();
    }
  });

  it('never reaches the prototype', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(valueAt(config, [name]), name).toBeUndefined();
      expect(valueAt(config, ['users', '0', name]), name).toBeUndefined();
    }
  });
});
