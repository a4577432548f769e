/**
 * A kustomize renderer for the subset deploy/k8s uses, for machines without kubectl or kustomize
 * (tests/deploy-k8s.test.ts): `resources` (files and directories with a kustomization), strategic
 * merge `patches` by path (objects merged key by key, lists of named items merged by `name`,
 * other lists replaced), `images` (newName/newTag on containers of pod templates) and
 * `namespace`. Any other kustomization key is refused, so a manifest never relies on something
 * this renderer silently skips.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; [key: string]: unknown };

interface Kustomization {
  resources?: string[];
  patches?: { path: string }[];
  images?: { name: string; newName?: string; newTag?: string }[];
  namespace?: string;
}
const SUPPORTED = new Set(['resources', 'patches', 'images', 'namespace', 'apiVersion', 'kind']);
/** Kinds that live outside namespaces (of those the manifests might use). */
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume', 'StorageClass', 'CustomResourceDefinition']);

export class RenderError extends Error {
  readonly code = 'kustomize_render';
}

function readYaml(file: string): unknown[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  for (const d of docs) if (d.errors.length) throw new RenderError(`${file}: ${d.errors[0].message}`);
  return docs.map((d) => d.toJS()).filter((d) => d !== null);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNamedList = (v: unknown): v is { name: string }[] => Array.isArray(v) && v.length > 0 && v.every((i) => isObject(i) && typeof i.name === 'string');

/** Strategic merge, the part of it these manifests need. */
export function strategicMerge(base: unknown, patch: unknown): unknown {
  if (isObject(base) && isObject(patch)) {
    const out: Record<string, unknown> = { ...base };
    for (const [k, v] of Object.entries(patch)) out[k] = k in base ? strategicMerge(base[k], v) : v;
    return out;
  }
  if (isNamedList(base) && isNamedList(patch)) {
    const out = base.map((item) => {
      const p = patch.find((q) => q.name === item.name);
      return p ? strategicMerge(item, p) : item;
    });
    for (const p of patch) if (!base.some((item) => item.name === p.name)) out.push(p);
    return out;
  }
  return patch;
}

function podSpecs(obj: K8sObject): Record<string, unknown>[] {
  const spec = obj.spec as Record<string, any> | undefined;
  if (!spec) return [];
  if (obj.kind === 'CronJob') return [spec.jobTemplate?.spec?.template?.spec].filter(Boolean);
  return [spec.template?.spec].filter(Boolean);
}

export function containersOf(obj: K8sObject): Record<string, any>[] {
  return podSpecs(obj).flatMap((p) => [...((p.initContainers as any[]) ?? []), ...((p.containers as any[]) ?? [])]);
}

export function renderKustomization(dir: string): K8sObject[] {
  const file = path.join(dir, 'kustomization.yaml');
  if (!existsSync(file)) throw new RenderError(`${dir}: no kustomization.yaml`);
  const k = readYaml(file)[0] as Kustomization;
  for (const key of Object.keys(k)) if (!SUPPORTED.has(key)) throw new RenderError(`${file}: "${key}" is not supported by this renderer`);
  let objects: K8sObject[] = [];
  for (const resource of k.resources ?? []) {
    const full = path.resolve(dir, resource);
    objects.push(...(statSync(full).isDirectory() ? renderKustomization(full) : (readYaml(full) as K8sObject[])));
  }
  for (const { path: patchPath } of k.patches ?? []) {
    for (const patch of readYaml(path.resolve(dir, patchPath)) as K8sObject[]) {
      const i = objects.findIndex((o) => o.kind === patch.kind && o.metadata.name === patch.metadata.name);
      if (i < 0) throw new RenderError(`${patchPath}: no ${patch.kind} ${patch.metadata.name} to patch`);
      objects[i] = strategicMerge(objects[i], patch) as K8sObject;
    }
  }
  if (k.namespace) {
    objects = objects.map((o) => (CLUSTER_SCOPED.has(o.kind) ? o : { ...o, metadata: { ...o.metadata, namespace: k.namespace } }));
  }
  for (const image of k.images ?? []) {
    for (const obj of objects) {
      for (const c of containersOf(obj)) {
        const [name, tag] = String(c.image).split(/:(?=[^/:]+$)/);
        if (name !== image.name) continue;
        c.image = `${image.newName ?? name}${image.newTag ?? tag ? `:${image.newTag ?? tag}` : ''}`;
      }
    }
  }
  return objects;
}
