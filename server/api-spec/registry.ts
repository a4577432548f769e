/**
 * Every feature's route descriptions, in the order the document lists their tags
 * (docs/architecture.md, "REST API description"). A new feature folder with routes adds its
 * `api-spec.ts` here; tests/openapi-contract.test.ts fails while a served route has no description.
 */
import { accessApi } from '../access/api-spec.ts';
import { auditApi } from '../audit/api-spec.ts';
import { authApi } from '../auth/api-spec.ts';
import { buildsApi } from '../builds/api-spec.ts';
import { configsApi } from '../configs/api-spec.ts';
import { filesApi } from '../files/api-spec.ts';
import { frameworkCheckApi } from '../framework-check/api-spec.ts';
import { healthApi } from '../health/api-spec.ts';
import { historyApi } from '../history/api-spec.ts';
import { invitationsApi } from '../invitations/api-spec.ts';
import { layoutApi } from '../layout/api-spec.ts';
import { orgsApi } from '../orgs/api-spec.ts';
import { policiesApi } from '../policies/api-spec.ts';
import { teamsApi } from '../teams/api-spec.ts';
import { reviewApi } from '../review/api-spec.ts';
import { secretsApi } from '../secrets/api-spec.ts';
import { tokensApi } from '../tokens/api-spec.ts';
import { trashApi } from '../trash/api-spec.ts';
import { webhooksApi } from '../webhooks/api-spec.ts';
import { appApi } from './app-api-spec.ts';
import type { ApiSpec } from './operation.ts';

/** The API's own version in the document (`info.version`); raise it when a route changes shape. */
export const API_VERSION = '1.0.0';

export const API_SPECS: readonly ApiSpec[] = [
  configsApi,
  historyApi,
  reviewApi,
  filesApi,
  secretsApi,
  buildsApi,
  frameworkCheckApi,
  orgsApi,
  auditApi,
  policiesApi,
  teamsApi,
  accessApi,
  invitationsApi,
  webhooksApi,
  trashApi,
  tokensApi,
  authApi,
  layoutApi,
  healthApi,
  appApi,
];
