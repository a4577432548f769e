/**
 * The values a framework check resolved that a plan keeps: the deterministic ones only. The dump
 * also holds host paths, the host's name server and similar; none of those go into an artifact,
 * so the same snapshot at the same framework commit gives byte-identical plan files.
 */
import { sanitize } from './framework-output.ts';

export interface ResolvedValues {
  IMAGE_FILE_ID: string;
  REVISION: string | null;
  VENDOR: string | null;
  ARCH: string | null;
  BOARDFAMILY: string | null;
  LINUXFAMILY: string | null;
  KERNEL_MAJOR_MINOR: string | null;
  BOOTCONFIG: string | null;
  DESKTOP_ENVIRONMENT: string | null;
  /** Packages every extension (and Boardroom's own) added with `add_packages_to_image`. */
  EXTRA_PACKAGES_IMAGE: string[];
  /** `WANT_ARTIFACT_<NAME>_INPUTS_ARRAY` by artifact name, each a list of `KEY=value`. */
  artifactInputs: Record<string, string[]>;
}

const SCALARS = ['REVISION', 'VENDOR', 'ARCH', 'BOARDFAMILY', 'LINUXFAMILY', 'KERNEL_MAJOR_MINOR', 'BOOTCONFIG', 'DESKTOP_ENVIRONMENT'] as const;
const ARTIFACT_INPUTS = /^WANT_ARTIFACT_([A-Z0-9_]+)_INPUTS_ARRAY$/;
/** Artifact inputs computed from host paths (the package hash covers USERPATCHES_PATH and the
 * file:line of every add_packages_to_image call): different in every workspace, so left out. */
const HOST_DEPENDENT_INPUTS = new Set(['EXTRA_PKG_ADD_REMOVE_HASH']);

/** Bash arrays the dump cannot express come as ["@TODO", "…", '[0]="a" [1]="b"']. */
function bashArray(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  if (value[0] === '@TODO' && typeof value[2] === 'string') {
    return [...value[2].matchAll(/\[\d+\]="((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]!);
  }
  return value.filter((v): v is string => typeof v === 'string');
}

function unquote(item: string): string {
  return item.length >= 2 && item.startsWith("'") && item.endsWith("'") ? item.slice(1, -1) : item;
}

export function resolvedValues(dump: Record<string, unknown>, workspace: string): ResolvedValues | null {
  const id = dump.IMAGE_FILE_ID;
  if (typeof id !== 'string' || id === '') return null;
  const scalar = (name: string): string | null => {
    const v = dump[name];
    return typeof v === 'string' && v !== '' ? sanitize(v, workspace) : null;
  };
  const artifactInputs: Record<string, string[]> = {};
  for (const key of Object.keys(dump).sort()) {
    const match = ARTIFACT_INPUTS.exec(key);
    if (match) artifactInputs[match[1]!.toLowerCase()] = bashArray(dump[key])
        .map((i) => sanitize(unquote(i), workspace))
        .filter((i) => !HOST_DEPENDENT_INPUTS.has(i.split('=')[0]!));
  }
  const values = { IMAGE_FILE_ID: id } as ResolvedValues;
  for (const name of SCALARS) values[name] = scalar(name);
  values.EXTRA_PACKAGES_IMAGE = bashArray(dump.EXTRA_PACKAGES_IMAGE);
  values.artifactInputs = artifactInputs;
  return values;
}

/** What the framework will name the image: `calculate_image_version` with the vendor prelude;
 * the dump's IMAGE_FILE_ID already carries the predicted kernel (`6.1.y`, or `generic`). */
export function imageFileName(values: ResolvedValues): string {
  return `${values.VENDOR ?? 'Armbian-unofficial'}_${values.REVISION ?? 'unknown'}_${values.IMAGE_FILE_ID}.img`;
}
