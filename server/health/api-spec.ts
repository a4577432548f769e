/** Route descriptions of the health endpoints (docs/architecture.md, "REST API description"). */
import { json, obj, oneOfStrings, str, anyObject, type ApiSpec } from '../api-spec/operation.ts';

const status = obj({ status: str() }, ['status']);
/** `checks`: per dependency `ok` or why not. */
const readiness = obj({ status: oneOfStrings(['ready', 'unavailable']), checks: { type: 'object', additionalProperties: str() }, builder: str() }, ['status', 'checks']);

export const healthApi: ApiSpec = {
  tag: 'health',
  description: 'Liveness and readiness for load balancers and orchestrators.',
  operations: {
    'GET /health': { summary: 'The process is alive', access: { public: true }, responses: { 200: json(status) } },
    'GET /health/ready': {
      summary: 'The process can serve (Postgres, Redis, every feature)',
      access: { public: true },
      responses: { 200: json(readiness, 'Ready'), 503: json(readiness, 'Not ready, with the reason per dependency') },
    },
    'GET /health/builder': {
      summary: 'Whether a builder is taking build jobs',
      access: { public: true },
      responses: { 200: json(anyObject, 'A builder is alive'), 503: json(anyObject, 'No builder heartbeat') },
    },
  },
};
