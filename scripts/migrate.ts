/**
 * One-shot migrations (`node dist/app/migrate.js`, the compose `migrations` service and the
 * Kubernetes Job): applies `migrations/` to DATABASE_URL under the migration lock and exits 0.
 * Servers and builders still migrate on start (a no-op once this ran); running it first means a
 * long migration happens once, before any of them takes traffic (docs/operations.md, "Start-up").
 */
import { migratePostgres } from '../shared/node/db/migrate.ts';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL is required: migrations run against a real Postgres');
  process.exit(2);
}
try {
  const started = Date.now();
  await migratePostgres(url);
  console.log(JSON.stringify({ level: 30, time: Date.now(), msg: 'database schema up to date', ms: Date.now() - started }));
} catch (error) {
  console.error(JSON.stringify({ level: 50, time: Date.now(), msg: 'migrations failed', err: error instanceof Error ? error.message : String(error) }));
  process.exit(1);
}
