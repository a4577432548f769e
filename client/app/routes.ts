/** The app's URLs: `/` (start), `/c/:configId` (a configuration), `/s/:token` (a share link),
 * `/i/:token` (an invitation), `/oi/:token` (an invitation into an organisation), `/account` (your account: access tokens), `/orgs/:orgId` (an
 * organisation). */

export type Route =
  | { name: 'home' }
  | { name: 'config'; configId: string }
  | { name: 'share'; token: string }
  | { name: 'invitation'; token: string }
  | { name: 'orgInvitation'; token: string }
  | { name: 'account'; page: 'login' | 'signup' }
  | { name: 'settings' }
  | { name: 'org'; orgId: string };

export function parseRoute(pathname: string): Route {
  const config = /^\/c\/([^/]+)\/?$/.exec(pathname);
  if (config) return { name: 'config', configId: decodeURIComponent(config[1]) };
  const share = /^\/s\/([^/]+)\/?$/.exec(pathname);
  if (share) return { name: 'share', token: decodeURIComponent(share[1]) };
  const invitation = /^\/i\/([^/]+)\/?$/.exec(pathname);
  // Tokens are base64url: nothing to decode (and a malformed escape must not break the page).
  if (invitation) return { name: 'invitation', token: invitation[1] };
  const orgInvitation = /^\/oi\/([^/]+)\/?$/.exec(pathname);
  if (orgInvitation) return { name: 'orgInvitation', token: orgInvitation[1] };
  if (pathname === '/account' || pathname === '/account/') return { name: 'settings' };
  const org = /^\/orgs\/([^/]+)\/?$/.exec(pathname);
  if (org) return { name: 'org', orgId: decodeURIComponent(org[1]) };
  if (pathname === '/login' || pathname === '/signup') return { name: 'account', page: pathname.slice(1) as 'login' | 'signup' };
  return { name: 'home' };
}

export function orgPath(orgId: string): string {
  return `/orgs/${encodeURIComponent(orgId)}`;
}

export function configPath(configId: string): string {
  return `/c/${encodeURIComponent(configId)}`;
}
