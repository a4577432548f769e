/**
 * The committed standalone validator is what the browser and the server run. It must match the
 * schema the data produces today, and it must run where eval and new Function are forbidden
 * (the client's strict CSP).
 */
import { readFileSync } from 'node:fs';
import { runInContext, createContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { GENERATED_DTS, GENERATED_JS, renderValidatorModule } from '../scripts/gen-validators.ts';
import { buildConfigSchema } from '../shared/schema/config-schema.ts';
import { configSchema } from '../shared/validation/index.ts';

const STALE = 'shared/validation/generated is stale: run `npm run gen:validators` and commit the result';

describe('generated validators', () => {
  const fresh = renderValidatorModule();
  const committedJs = readFileSync(GENERATED_JS, 'utf8');

  it('are exactly what the generator renders from the current schema and data', () => {
    // Compare as booleans: a 200 KB diff in the failure output helps nobody.
    expect(committedJs === fresh.js, STALE).toBe(true);
    expect(readFileSync(GENERATED_DTS, 'utf8') === fresh.dts, STALE).toBe(true);
  });

  it('embed the same schema the server builds from the data', () => {
    expect(configSchema).toEqual(buildConfigSchema());
  });

  it('contain no eval, new Function or require', () => {
    expect(committedJs).not.toMatch(/\beval\(|new Function|\brequire\(/);
  });

  it('validate inside a context where code generation from strings is disabled', () => {
    // The same restriction a CSP without 'unsafe-eval' puts on a page.
    const context = createContext({}, { codeGeneration: { strings: false, wasm: false } });
    expect(() => runInContext('new Function("return 1")', context)).toThrow();
    const script = committedJs.replace(/^export const /gm, 'const ').replace(/^export default .*$/gm, '');
    const validate = runInContext(`${script}\n;validateConfigSchema`, context) as (data: unknown) => boolean;
    expect(validate({ BOARD: 'orangepi5', BRANCH: 'current', RELEASE: 'noble' })).toBe(true);
    expect(validate({ BOARD: 5 })).toBe(false);
  });
});
