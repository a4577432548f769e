/**
 * First-boot secrets of a configuration (server/secrets/routes.ts): write-only. The list says
 * which are set, by whom and when; nothing ever answers a value.
 */
import type { FirstbootSecretName } from '../../shared/firstboot-secrets.ts';
import type { ApiCall } from './api.ts';

export interface SecretStatus {
  name: FirstbootSecretName;
  set: boolean;
  updatedBy: { id: string | null; name: string } | null;
  updatedAt: string | null;
}

export interface SecretsApi {
  list(configId: string): Promise<{ secrets: SecretStatus[] }>;
  set(configId: string, name: FirstbootSecretName, value: string): Promise<{ secret: SecretStatus }>;
  clear(configId: string, name: FirstbootSecretName): Promise<void>;
}

export function createSecretsApi(call: ApiCall): SecretsApi {
  const at = (id: string, name?: string) => `/api/configs/${encodeURIComponent(id)}/secrets${name ? `/${encodeURIComponent(name)}` : ''}`;
  return {
    list: (id) => call('GET', at(id)),
    set: (id, name, value) => call('PUT', at(id, name), { json: { value } }),
    clear: (id, name) => call('DELETE', at(id, name), { json: {} }),
  };
}
