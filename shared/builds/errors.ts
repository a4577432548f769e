/** Errors of the build service, with a code the REST layer maps to a status. */
export type BuildErrorCode =
  /** No build with that id. → 404 */
  | 'not_found'
  /** Retry asked for a build that is still queued or running. → 409 */
  | 'build_active'
  /** The job could not be put on the queue (Redis away). → 503 */
  | 'enqueue_failed'
  /** Identical requests kept racing with builds that finished at once (practically never). → 409 */
  | 'build_conflict'
  /** Bad input (e.g. a snapshot that is not an object). → 400 */
  | 'invalid_request';

export class BuildError extends Error {
  readonly code: BuildErrorCode;
  constructor(code: BuildErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BuildError';
    this.code = code;
  }
}
