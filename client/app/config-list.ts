/** The list of configurations shown in the Configurations panel, reloaded on demand. */
import { createSignal } from 'solid-js';
import type { Api, ConfigSummary } from './api.ts';
import type { ConfigList } from './app-context.ts';

export function createConfigList(api: Api): ConfigList {
  const [items, setItems] = createSignal<ConfigSummary[]>([]);
  const [loading, setLoading] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  return {
    items,
    loading,
    error,
    async refresh() {
      setLoading(true);
      try {
        const list = await api.listConfigs();
        setItems([...list].sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : -1)));
        setError(null);
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      } finally {
        setLoading(false);
      }
    },
  };
}
