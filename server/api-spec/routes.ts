/**
 * `GET /api/openapi.json` and `GET /api/docs`: the REST API's description, built once from the
 * app's route table and the features' route descriptions (docs/architecture.md, "REST API
 * description"), and a page for people that lists every operation with its schemas. Public, like
 * `/api/schema`: it says what the API is, never what anyone holds.
 */
import type { Hono } from 'hono';
import type { AppEnv } from '../auth/actor.ts';
import { buildOpenApi } from './openapi.ts';
import { renderApiPage } from './reference-page.ts';
import { API_SPECS, API_VERSION } from './registry.ts';

/** Adds both routes to `app`. The document is built on first request, when every route is mounted. */
export function mountApiDescription(app: Hono<AppEnv>): void {
  let built: { json: string; page: string } | null = null;
  const get = () => {
    if (!built) {
      const { document } = buildOpenApi(API_SPECS, app.routes, { version: API_VERSION });
      built = { json: JSON.stringify(document), page: renderApiPage(document) };
    }
    return built;
  };
  app.get('/api/openapi.json', (c) => {
    c.header('cache-control', 'public, max-age=300');
    c.header('content-type', 'application/json; charset=utf-8');
    return c.body(get().json);
  });
  app.get('/api/docs', (c) => {
    c.header('cache-control', 'public, max-age=300');
    // No script, no outside resource: the page is text and one inline stylesheet.
    c.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
    return c.html(get().page);
  });
}
