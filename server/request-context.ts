/**
 * The request a piece of code runs for (id and route), without passing it through every call: the
 * API middleware in app.ts opens it, and the admin power log (server/access/admin-powers.ts)
 * reads it, so a line names the request whose log line and `x-request-id` it belongs with.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  reqId: string | null;
  route: string;
  /** The caller's address as the server trusts it (request-trust/client-address.ts): the audit
   * log records it. */
  address?: string | null;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runInRequest<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The caller's address of the request being served, or null outside a request. */
export function addressOf(): string | null {
  return storage.getStore()?.address ?? null;
}

/** The request fields of an `admin power used` line (server/access/admin-powers.ts). */
export function requestOf(): { reqId: string | null; route: string | null } {
  const context = storage.getStore();
  return { reqId: context?.reqId ?? null, route: context?.route ?? null };
}
