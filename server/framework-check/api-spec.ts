/** Route description of the framework check (docs/architecture.md, "REST API description"). */
import { anyObject, json, type ApiSpec } from '../api-spec/operation.ts';

export const frameworkCheckApi: ApiSpec = {
  tag: 'framework-check',
  description: 'Asks the Armbian build framework itself whether it accepts the configuration.',
  operations: {
    'POST /api/configs/:id/framework-check': {
      summary: 'Check the configuration with the Armbian framework',
      access: { action: 'build' },
      responses: { 200: json(anyObject, 'The framework\'s verdict'), 503: json(anyObject, '`framework_check_unavailable`: no builder with an Armbian checkout') },
    },
  },
};
