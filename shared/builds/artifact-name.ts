/**
 * Artifact names are single path segments chosen by executors and typed into download URLs. The
 * builder validates them before storing, and the download route validates the URL's name before
 * any lookup, with this same function.
 */

/** Longest accepted name. Armbian image names run to ~90 characters (board, release, branch,
 * kernel, desktop); 200 leaves room and stays far below every filesystem's 255-byte limit. */
export const ARTIFACT_NAME_MAX_LENGTH = 200;

export type ArtifactNameProblem = 'empty' | 'too_long' | 'separator' | 'dot_segment' | 'leading_dot' | 'control';

export interface ArtifactNameCheck {
  ok: boolean;
  problem?: ArtifactNameProblem;
  message?: string;
}

export function checkArtifactName(name: string): ArtifactNameCheck {
  if (name.length === 0) return bad('empty', 'name is empty');
  if (name.length > ARTIFACT_NAME_MAX_LENGTH) {
    return bad('too_long', `name is longer than ${ARTIFACT_NAME_MAX_LENGTH} characters`);
  }
  if (name.includes('/') || name.includes('\\')) return bad('separator', 'name contains a path separator');
  if (name === '.' || name === '..' || name.includes('..')) return bad('dot_segment', 'name contains ".."');
  if (name.startsWith('.')) return bad('leading_dot', 'name starts with a dot');
  // NUL ends a C path early; other control characters break headers and terminals.
  if (/[\u0000-\u001f\u007f]/.test(name)) return bad('control', 'name contains a control character');
  return { ok: true };
}

export function isValidArtifactName(name: string): boolean {
  return checkArtifactName(name).ok;
}

function bad(problem: ArtifactNameProblem, message: string): ArtifactNameCheck {
  return { ok: false, problem, message };
}
