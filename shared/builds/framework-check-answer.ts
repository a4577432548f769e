/** The answer to "Check with Armbian" (`shared/node/builds/framework-check.ts`), as the editor
 * shows it in Problems; browser-safe, so the client and the server share one definition.
 * `errors`/`warnings` are the framework's own lines. */
export interface FrameworkCheckAnswer {
  accepted: boolean;
  /** The framework's errors (refused) — empty when accepted. */
  errors: string[];
  /** The framework's warnings, and the plan's (facts drift, commit mismatch). */
  warnings: string[];
  imageFileId: string | null;
  predictedImageName: string | null;
  kernelVersion: string | null;
  framework: { commit: string | null; version: string | null };
  durationMs: number;
}
