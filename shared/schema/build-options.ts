/**
 * Typed access to the Armbian build options the project keeps in `shared/data/` (type, values,
 * defaults). The schema takes its enumerations and defaults from here, never from literals, so a
 * refreshed data file changes the schema in one place.
 */
import rawOptions from '../data/armbian-build-options.json' with { type: 'json' };

export interface BuildOptionValueDetail {
  value: string;
  label?: string;
  distribution?: string;
  support?: string;
  status?: string;
  architectures?: string[];
  releases?: string[];
  note?: string;
}

export interface BuildOption {
  name: string;
  category: string;
  type: 'string' | 'enum' | 'list' | 'integer';
  default: string | number | null;
  values?: string[];
  valueDetails?: BuildOptionValueDetail[];
  separator?: string;
  minimum?: number;
  maximum?: number;
  unit?: string;
  status?: string;
  replacedBy?: string;
  recommended?: string;
  pattern?: string;
}

/** Lookup by Armbian variable name; throws for a name the data does not have. */
export interface BuildOptions {
  get(name: string): BuildOption;
  values(name: string): string[];
}

export function loadBuildOptions(): BuildOptions {
  const byName = new Map<string, BuildOption>();
  for (const option of rawOptions as BuildOption[]) byName.set(option.name, option);
  const get = (name: string): BuildOption => {
    const option = byName.get(name);
    // A missing option means the data file and the schema drifted apart: fail the generator loudly.
    if (!option) throw new Error(`build option ${name} is not in armbian-build-options.json`);
    return option;
  };
  return {
    get,
    values(name) {
      const values = get(name).values;
      if (!values || values.length === 0) throw new Error(`build option ${name} has no values`);
      return [...values];
    },
  };
}
