/**
 * Version of the configuration schema. It is frozen into every build snapshot.
 * Bump it on an incompatible change: a property renamed or removed, a type changed, an enum value
 * dropped. Adding an optional property or a board is compatible and does not bump it.
 */
export const SCHEMA_VERSION = '1';

/** `$id` of the schema; ajv and the standalone validators refer to it. */
export const SCHEMA_ID = 'urn:boardroom:schema:board-config';
