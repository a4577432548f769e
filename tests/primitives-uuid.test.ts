/**
 * The one UUID check (`shared/uuid.ts`) every id from a URL or body passes before it reaches a
 * Postgres `uuid` column: anything else names nothing (404), never a query that throws (500).
 */
import { describe, expect, it } from 'vitest';
import { isUuid } from '../shared/uuid.ts';

describe('isUuid', () => {
  it('accepts UUIDs of any version, in either case', () => {
    expect(isUuid('3f2b9c1e-8a1d-4d6e-9a77-2b0c1e5d4f00')).toBe(true);
    expect(isUuid('3F2B9C1E-8A1D-4D6E-9A77-2B0C1E5D4F00')).toBe(true);
    expect(isUuid('00000000-0000-0000-0000-000000000000')).toBe(true);
    expect(isUuid(crypto.randomUUID())).toBe(true);
  });

  it('refuses everything else Postgres would choke on or that names nothing', () => {
    for (const bad of [
      '',
      'not-a-uuid',
      '3f2b9c1e8a1d4d6e9a772b0c1e5d4f00',
      '{3f2b9c1e-8a1d-4d6e-9a77-2b0c1e5d4f00}',
      '3f2b9c1e-8a1d-4d6e-9a77-2b0c1e5d4f0',
      '3f2b9c1e-8a1d-4d6e-9a77-2b0c1e5d4f000',
      '3f2b9c1e-8a1d-4d6e-9a77-2b0c1e5d4f0g',
      ' 3f2b9c1e-8a1d-4d6e-9a77-2b0c1e5d4f00',
      '3f2b9c1e-8a1d-4d6e-9a77-2b0c1e5d4f00\n',
      '------------------------------------',
      'share:3f2b9c1e-8a1d-4d6e-9a77-2b0c1e5d4f00',
      "3f2b9c1e-8a1d-4d6e-9a77-2b0c1e5d4f00' or '1'='1",
    ]) {
      expect(isUuid(bad), JSON.stringify(bad)).toBe(false);
    }
  });
});
