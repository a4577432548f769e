/**
 * The schema layer's answers to the config routes: defaults for new configurations, the
 * validation result for GET, and closing live sessions of a deleted configuration.
 */
import { defaultConfig } from '../shared/doc-binding.ts';
import { validateConfig } from '../shared/validation/index.ts';
import type { ConfigHooks } from './routes/config-hooks.ts';
import { requireWellShaped } from './routes/config-data.ts';
import type { AccessEvents } from './access-control.ts';

export function createConfigHooks(deps: { events: AccessEvents }): ConfigHooks {
  return {
    prepareNewData(data) {
      // Defaults are applied once, here, on the server: a client seeding them would create the
      // Y.Text and Y.Array values twice when two people open a new configuration at once.
      return { ...defaultConfig(), ...requireWellShaped(data) };
    },
    describe(_configId, data) {
      // The validation of exactly what is served (the durable state), not of the live document,
      // which may hold an edit that is not committed yet.
      return { validation: validateConfig(data) };
    },
    onDeleted(configId) {
      void deps.events.invalidate({ configId });
    },
  };
}
