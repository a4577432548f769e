/** Why a running build was stopped; carried as the AbortSignal's reason. */
export type BuildAbortKind = 'cancel' | 'timeout' | 'shutdown';

export class BuildAbort extends Error {
  readonly kind: BuildAbortKind;
  constructor(kind: BuildAbortKind, message: string) {
    super(message);
    this.name = 'BuildAbort';
    this.kind = kind;
  }
  override toString(): string {
    return this.message;
  }
}

export function abortKindOf(signal: AbortSignal): BuildAbortKind | null {
  if (!signal.aborted) return null;
  return signal.reason instanceof BuildAbort ? signal.reason.kind : 'cancel';
}
