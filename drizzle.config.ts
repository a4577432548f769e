import { defineConfig } from 'drizzle-kit';

// Generates SQL migrations from the table definitions; `npm run db:generate` after changing them.
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./shared/node/db/*schema.ts'],
  out: './migrations',
});
