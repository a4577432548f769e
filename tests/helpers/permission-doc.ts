/**
 * Renders the permission expectations as `docs/permissions.md`, in route-table order. The matrix
 * test fails when the committed document differs from this rendering.
 */
import { EXPECTATIONS, outcomeOf, PRINCIPALS, syncOutcome, type Outcome } from '../permission-expectations.ts';

const cell = (o: Outcome) => (o === 'allowed' ? '✓' : String(o));

export function renderPermissionDoc(routeKeys: string[], closeCodes: { unauthorized: number; notFound: number }): string {
  const head = `| Route | Rule | ${PRINCIPALS.join(' | ')} |\n|---|---|${PRINCIPALS.map(() => '---').join('|')}|`;
  const rows = routeKeys.map((key) => {
    const e = EXPECTATIONS[key];
    return `| \`${key}\` | ${e.rule} | ${PRINCIPALS.map((p) => cell(outcomeOf(key, p))).join(' | ')} |`;
  });
  const sync = PRINCIPALS.map((p) => {
    const o = syncOutcome(p, closeCodes);
    return typeof o === 'string' ? (o === 'write' ? 'read + write' : 'read; edits dropped') : `close ${o.close}`;
  });
  return [
    '# Permission matrix (generated)',
    '',
    'Generated from the server\'s route table (`app.routes`) and `tests/permission-expectations.ts`;',
    '`tests/access-permission-matrix.test.ts` checks every cell against a running server and fails',
    'when this file is stale. Do not edit by hand: change the expectations, then run',
    '`UPDATE_PERMISSIONS_DOC=1 npx vitest run tests/access-permission-matrix.test.ts`.',
    '',
    'Principals: the configuration\'s owner; members with each role; a guest on a live share link of',
    'each role; a signed-in stranger; an expired, a revoked and another configuration\'s link; no',
    'credentials; and four of the owner\'s personal access tokens (`Authorization: Bearer brt_…`): read',
    'only, read + build, every scope but restricted to another configuration, revoked. A token holds',
    'its owner\'s role capped by its scopes (`token: <scope>` in the rule; "no token": no scope',
    'reaches it, 403 `token_not_allowed` or `token_scope`); a revoked token gets 401 on every `/api`',
    'route. The configuration belongs to an organisation whose owner is the configuration\'s owner:',
    '`orgAdmin` is an admin of it (and so owns every configuration of it), `orgMember` a member with',
    'no role on the configuration, `otherOrgOwner` the owner of another organisation (another tenant).',
    'Organisation routes follow the organisation role (`organisation role ≥ …`).',
    '✓ means the request is served (2xx); a number is the status every such caller',
    'gets. A refused request changes nothing in Postgres (the test compares every table before and',
    'after). 404 for "not yours" is deliberate: it is the same answer as for an id that does not exist.',
    '',
    '## REST',
    '',
    head,
    ...rows,
    '',
    '## Sync (`GET /sync/:configId`, WebSocket)',
    '',
    `| | ${PRINCIPALS.join(' | ')} |`,
    `|---|${PRINCIPALS.map(() => '---').join('|')}|`,
    `| \`/sync/:configId\` | ${sync.join(' | ')} |`,
    '',
    'A read-only connection gets the document and presence; each update it sends is dropped and',
    'answered with a permission-denied auth message. A missing configuration and one the caller',
    'cannot open get the same close code.',
    '',
  ].join('\n');
}
