/** Route descriptions of sign-in (docs/architecture.md, "REST API description"). */
import { TOKEN_SCOPES } from '../../shared/token-scopes.ts';
import { arrayOf, bool, empty, json, media, nullable, obj, oneOfStrings, str, uuid, anyObject, type ApiSpec } from '../api-spec/operation.ts';

import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from './passwords.ts';

export const MAX_EMAIL_LENGTH = 254;
export const MAX_USER_NAME_LENGTH = 100;

const email = str({ minLength: 3, maxLength: MAX_EMAIL_LENGTH });
/** `POST /api/auth/signup`: what the route checks with (server/auth/routes.ts); that the email
 * is an address (name@domain) is checked after. */
export const SIGNUP_BODY = obj(
  { email, name: str({ minLength: 1, maxLength: MAX_USER_NAME_LENGTH, pattern: '\\S' }), password: str({ minLength: PASSWORD_MIN_LENGTH, maxLength: PASSWORD_MAX_LENGTH }) },
  ['email', 'name', 'password'],
);
/** `POST /api/auth/login`. No minimum for the password: a short one is simply wrong (401). */
export const LOGIN_BODY = obj({ email, password: str({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH }) }, ['email', 'password']);

/** `POST /api/auth/github/link`: where to go after linking (a path on this site; anything else
 * goes to `/`). */
export const GITHUB_LINK_BODY = obj({ next: str() });

const user = obj({ id: uuid, email: str(), name: str() }, ['id']);
const signedIn = obj({ user, token: str({ description: 'A session token for `Authorization: Bearer …` (also set as the session cookie).' }) }, ['user', 'token']);

export const authApi: ApiSpec = {
  tag: 'auth',
  description: 'Accounts and sessions. Personal access tokens never sign up, in or out.',
  operations: {
    'POST /api/auth/signup': {
      summary: 'Make an account and sign in',
      access: { public: true },
      body: SIGNUP_BODY,
      responses: { 201: json(signedIn, 'Signed up and in') },
    },
    'POST /api/auth/login': {
      summary: 'Sign in with e-mail and password',
      access: { public: true },
      body: LOGIN_BODY,
      responses: { 200: json(signedIn, 'Signed in') },
    },
    'POST /api/auth/logout': { summary: 'End this session', access: { public: true }, responses: { 200: json(anyObject, 'Signed out'), 204: empty('Signed out') } },
    'GET /api/auth/providers': { summary: 'Which sign-in providers are configured', access: { public: true }, responses: { 200: json(obj({ github: bool }, ['github'])) } },
    'GET /api/auth/me': {
      summary: 'Who is calling (for a token: whose it is and its scopes)',
      access: { signedIn: true, token: 'any' },
      responses: {
        200: json(obj({ user, token: obj({ id: uuid, scopes: arrayOf(oneOfStrings(TOKEN_SCOPES)), configIds: nullable(arrayOf(uuid)) }, ['id', 'scopes']) }, ['user'])),
      },
    },
    'GET /api/auth/github': {
      summary: 'Start GitHub sign-in (redirects to GitHub)',
      access: { public: true },
      query: { next: { schema: str(), description: 'Where to go after signing in (a path on this site).' } },
      responses: { 302: empty('To GitHub'), 404: media('application/json', 'GitHub sign-in is not configured') },
    },
    'GET /api/auth/github/callback': { summary: 'GitHub sends the browser back here', access: { public: true }, responses: { 302: empty('Signed in; to `next`') } },
    'GET /api/auth/admin-proof': {
      summary: 'Open the proof link of an ADMIN_EMAILS address (makes the signed-in account it names an instance admin)',
      access: { signedIn: true },
      query: { token: { schema: str(), required: true, description: 'The token of the link the server logged or mailed.' } },
      responses: { 303: empty('Proven; to the start page') },
    },
    'POST /api/auth/github/link': {
      summary: 'Link the signed-in account to a GitHub account (redirect URL)',
      access: { signedIn: true },
      body: GITHUB_LINK_BODY,
      bodyOptional: true,
      responses: { 200: json(obj({ url: str() })) },
    },
  },
};
