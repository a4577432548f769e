/**
 * How a body its declared schema refuses is explained (server/api-spec/validated-body.ts): one
 * detail per top-level field, a choice between properties as one detail naming the choice, an
 * `if`/`then` by what `then` asked for. The wording is what a CLI user and the build panel read.
 */
import { describe, expect, it } from 'vitest';
import { bodyValidator, errorDetails } from '../server/api-spec/validated-body.ts';
import { MATRIX_BODY } from '../server/builds/api-spec.ts';
import { IMPORT_BODY, NEW_CONFIG_BODY } from '../server/configs/api-spec.ts';

const detailsOf = (schema: Record<string, unknown>, body: unknown) => {
  const validate = bodyValidator(schema);
  expect(validate(body)).toBe(false);
  return errorDetails(validate.errors ?? [], schema);
};

describe('details of a refused body', () => {
  it('a matrix request with no way or two ways of naming its targets is one detail naming the choice', () => {
    expect(detailsOf(MATRIX_BODY, {})).toEqual([{ path: '', message: 'give exactly one of pick, targets, targetsYaml', keyword: 'oneOf' }]);
    expect(detailsOf(MATRIX_BODY, { pick: {}, targets: [] })).toEqual([{ path: '', message: 'give exactly one of pick, targets, targetsYaml', keyword: 'oneOf' }]);
  });

  it('a wrong value inside a choice is named by its field, beside the choice', () => {
    expect(detailsOf(MATRIX_BODY, { targets: [{ NOT_A_SETTING: 'x' }] }).map((d) => d.path)).toEqual(['/targets']);
    expect(detailsOf(MATRIX_BODY, { pick: { images: ['poster'] } })).toEqual([expect.objectContaining({ path: '/pick', keyword: 'enum' })]);
  });

  it('an import without conf needs a name, and says so for the name alone', () => {
    expect(detailsOf(IMPORT_BODY, { data: {} })).toEqual([{ path: '/name', message: 'name is required', keyword: 'required' }]);
    expect(bodyValidator(IMPORT_BODY)({ conf: 'BOARD=rock-5b' })).toBe(true);
  });

  it('an unknown property is named', () => {
    expect(detailsOf(MATRIX_BODY, { pick: { boards: [], colours: ['red'] } })).toEqual([{ path: '/pick', message: 'pick/colours is not a known property', keyword: 'additionalProperties' }]);
  });

  it('a nullable field of the wrong type says which type it wants', () => {
    expect(detailsOf(NEW_CONFIG_BODY, { name: 'x', orgId: 42 })).toEqual([{ path: '/orgId', message: 'orgId must be string', keyword: 'type' }]);
  });
});
