/**
 * The configuration's userpatches tree as the build gets it (docs/architecture.md, "Document
 * layout", the files root): read from the frozen snapshot's Yjs state, binary files fetched by
 * sha256 from the configuration's blobs and verified, every path checked again (the builder does
 * not trust that the document was checked), then written under a `userpatches/` folder with
 * exactly the bytes and modes.
 */
import { createHash } from 'node:crypto';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { filePathProblem, treeProblem } from '../../shared/files/file-path.ts';
import { readTreeOfState } from '../../shared/files/file-tree.ts';
import { tarEnd, tarHeader, tarPadding } from '../../shared/node/ustar.ts';
import { PlanError } from './render-plan.ts';

export interface TreeFile {
  /** Relative to userpatches/. */
  path: string;
  bytes: Uint8Array;
  mode: number;
  sha256: string;
}

/** Fetches a blob of the build's configuration by sha256 (null: not stored). */
export type BlobFetcher = (sha256: string) => Promise<Uint8Array | null>;

/** The artifact that carries the tree (artifacts are one path segment each; the tree has folders). */
export const TREE_ARTIFACT = 'userpatches.tar';

const sha256Of = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export async function resolveTree(yjsState: Uint8Array, fetchBlob: BlobFetcher): Promise<TreeFile[]> {
  const entries = readTreeOfState(yjsState);
  const problem = treeProblem(entries.map((e) => e.path));
  if (problem) throw new PlanError(`the userpatches tree cannot be written: ${problem}`);
  const out: TreeFile[] = [];
  for (const entry of entries) {
    const bad = filePathProblem(entry.path);
    if (bad) throw new PlanError(`userpatches/${entry.path}: ${bad}`);
    let bytes: Uint8Array;
    if (entry.kind === 'text') bytes = Buffer.from(entry.text, 'utf8');
    else {
      const fetched = await fetchBlob(entry.sha256);
      if (!fetched) throw new PlanError(`userpatches/${entry.path}: its content (sha256 ${entry.sha256}) is not stored`);
      if (sha256Of(fetched) !== entry.sha256 || fetched.length !== entry.size) {
        throw new PlanError(`userpatches/${entry.path}: the stored content does not match its sha256 ${entry.sha256}`);
      }
      bytes = fetched;
    }
    out.push({ path: entry.path, bytes, mode: entry.mode, sha256: sha256Of(bytes) });
  }
  return out;
}

/** Writes the tree under `userpatchesDir` with its modes (umask does not apply to chmod). */
export async function writeTree(userpatchesDir: string, tree: readonly TreeFile[]): Promise<void> {
  for (const file of tree) {
    const target = path.join(userpatchesDir, file.path);
    if (!target.startsWith(`${userpatchesDir}${path.sep}`)) throw new PlanError(`refusing to write outside userpatches/: ${file.path}`);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, file.bytes);
    await chmod(target, file.mode);
  }
}

/** The tree as one ustar archive (paths `userpatches/…`), the build's artifact of it. */
export function treeTarball(tree: readonly TreeFile[]): Buffer {
  const parts: Buffer[] = [];
  for (const f of tree) parts.push(tarHeader(`userpatches/${f.path}`, f.bytes.length, f.mode), Buffer.from(f.bytes), tarPadding(f.bytes.length));
  parts.push(tarEnd());
  return Buffer.concat(parts);
}
