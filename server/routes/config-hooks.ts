/**
 * What the config routes ask of the schema layer. Kept as a small interface so the routes do not
 * depend on how validation is done.
 */
export interface ConfigHooks {
  /** Turns client-supplied initial data into what is stored (defaults applied; throws ApiError 422). */
  prepareNewData(data: Record<string, unknown>): Record<string, unknown>;
  /** Extra fields for `GET /api/configs/:id` (the validation result). */
  describe(configId: string, data: Record<string, unknown>): Record<string, unknown>;
  /** A config was deleted: close its live sessions. */
  onDeleted(configId: string): void;
}
