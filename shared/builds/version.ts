/**
 * Version of the builder's output format. It is part of every build snapshot: the same snapshot
 * (config JSON, schema version, builder version) must give byte-identical plan artifacts, so bump
 * this whenever a change alters any plan artifact's bytes.
 */
export const BUILDER_VERSION = '1.0.0';
