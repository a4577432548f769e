import { customType } from 'drizzle-orm/pg-core';

/** Binary column. postgres.js hands back a Buffer and PGlite a Uint8Array; both are Uint8Array,
 * which is all Yjs needs. */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType() {
    return 'bytea';
  },
  toDriver(value) {
    return value;
  },
  fromDriver(value) {
    return value instanceof Uint8Array ? value : new Uint8Array(value as ArrayBufferLike);
  },
});
