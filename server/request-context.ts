/**
 * The request a piece of code runs for (id and route), without passing it through every call: the
 * API middleware in app.ts opens it, and the admin power log (server/access/admin-powers.ts)
 * reads it, so a line names the request whose log line and `x-request-id` it belongs with.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  reqId: string | null;
  route: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runInRequest<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The request fields of an `admin power used` line (server/access/admin-powers.ts). */
export function requestOf(): { reqId: string | null; route: string | null } {
  const context = storage.getStore();
  return { reqId: context?.reqId ?? null, route: context?.route ?? null };
}
