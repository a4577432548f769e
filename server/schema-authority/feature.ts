/**
 * The schema authority as a feature (docs/architecture.md, "Server authority"): room hooks only
 * (shape repair after a client's change, rule validation after commits, the result for joiners).
 */
import type { ValidationResult } from '../../shared/validation/index.ts';
import type { Feature, FeatureCore } from '../features/feature.ts';
import { createSchemaAuthority } from './schema-authority.ts';

export function schemaAuthorityFeature(
  core: Pick<FeatureCore, 'logger'>,
  metrics: { onValidated?: (configId: string, result: ValidationResult) => void; onRepaired?: (configId: string, paths: number) => void },
): Feature {
  const authority = createSchemaAuthority({ logger: core.logger, ...metrics });
  return { name: 'schema', roomHooks: authority.hooks };
}
