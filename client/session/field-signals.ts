/**
 * Solid signals over the field store: one signal per JSON Pointer, so a remote change re-renders
 * only the fields whose value changed. Call inside a component; the subscription ends with it.
 */
import { createSignal, onCleanup, type Accessor } from 'solid-js';
import type { FieldStore } from '../form/field-store.ts';

export function fieldSignal<T = unknown>(fields: FieldStore, pointer: string): Accessor<T> {
  // The store compares JSON values itself; equal values never reach the signal.
  const [value, setValue] = createSignal<T>(fields.get(pointer) as T, { equals: false });
  onCleanup(fields.subscribe(pointer, (next) => setValue(() => next as T)));
  return value;
}

/** Signals for several top-level properties, read together as a partial configuration. */
export function dataSignal(fields: FieldStore, properties: readonly string[]): Accessor<Record<string, unknown>> {
  const signals = properties.map((p) => [p, fieldSignal(fields, `/${p}`)] as const);
  return () => {
    const data: Record<string, unknown> = {};
    for (const [p, value] of signals) {
      const v = value();
      if (v !== undefined) data[p] = v;
    }
    return data;
  };
}

/** Runs `fn` whenever any field changes (whole-document views: JSON, validation). */
export function changeSignal(fields: FieldStore): Accessor<number> {
  const [version, setVersion] = createSignal(0);
  onCleanup(fields.onChange(() => setVersion((v) => v + 1)));
  return version;
}
