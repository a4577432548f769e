/**
 * Canonical JSON and content hashes: the same configuration always hashes the same, whatever the
 * key order it was written in, so a review and a build agree on what they refer to.
 */
import { describe, expect, it } from 'vitest';
import { canonicalJson, CanonicalJsonError } from '../shared/canonical-json.ts';
import { contentHash } from '../shared/node/content-hash.ts';

describe('canonicalJson', () => {
  it('sorts keys at every level and leaves out whitespace', () => {
    expect(canonicalJson({ b: 1, a: [3, { d: true, c: null }], ' ': 'x' })).toBe('{" ":"x","a":[3,{"c":null,"d":true}],"b":1}');
  });

  it('orders keys by UTF-16 code units', () => {
    expect(canonicalJson({ é: 1, z: 2, A: 3, '😀': 4, 'ｚ': 5 })).toBe('{"A":3,"z":2,"é":1,"😀":4,"ｚ":5}');
  });

  it('writes numbers in their shortest round-trip form', () => {
    expect(canonicalJson([1.0, -0, 0.1 + 0.2, 1e21, 1e-7, 256])).toBe('[1,0,0.30000000000000004,1e+21,1e-7,256]');
  });

  it('escapes strings as JSON does', () => {
    expect(canonicalJson({ s: 'line\n"quoted"\\ \u0001' })).toBe('{"s":"line\\n\\"quoted\\"\\\\ \\u0001"}');
  });

  it('drops undefined object members but refuses values JSON cannot hold', () => {
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
    expect(() => canonicalJson({ a: Number.NaN })).toThrow(CanonicalJsonError);
    expect(() => canonicalJson([undefined])).toThrow(/\/0: undefined/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/function/);
    expect(() => canonicalJson(10n)).toThrow(/bigint/);
  });
});

describe('contentHash', () => {
  it('is the hex sha256 of the canonical JSON', () => {
    // sha256('{"a":1,"b":[true,null,"x"]}'), computed independently.
    expect(contentHash({ b: [true, null, 'x'], a: 1 })).toBe('eca8cfb31ab74533e1eb2f4c74d2d55dfe3c79ac704787e54be8647ea7777eb1');
  });

  it('does not depend on key order but does on every value', () => {
    const config = { BOARD: 'orangepi5', BRANCH: 'current', RELEASE: 'noble', ENABLE_EXTENSIONS: ['a', 'b'] };
    const reordered = { ENABLE_EXTENSIONS: ['a', 'b'], RELEASE: 'noble', BRANCH: 'current', BOARD: 'orangepi5' };
    expect(contentHash(reordered)).toBe(contentHash(config));
    expect(contentHash({ ...config, ENABLE_EXTENSIONS: ['b', 'a'] })).not.toBe(contentHash(config));
    expect(contentHash({ ...config, BRANCH: 'edge' })).not.toBe(contentHash(config));
  });
});
