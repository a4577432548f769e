/**
 * The one check that a string is a UUID (any version, either case). Ids of configurations, users,
 * share links, versions, reviews, comments, builds and invitations are Postgres `uuid` columns and
 * arrive in URLs and bodies: a string that is not a UUID names nothing, and handed to Postgres it
 * would make the query throw (a 500) instead of the 404 it deserves. Browser-safe.
 */
/** The pattern, lower case as Postgres and `randomUUID` write it, for names built around an id. */
export const UUID_PATTERN = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const UUID_RE = new RegExp(`^${UUID_PATTERN}$`, 'i');

export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}
