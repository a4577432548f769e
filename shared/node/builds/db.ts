import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';

/** Any drizzle Postgres handle (postgres.js or PGlite); the build code uses only portable SQL. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type BuildsDb = PgDatabase<PgQueryResultHKT, any>;
