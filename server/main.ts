/**
 * Server entry point: the only place (with builder/main.ts and scripts/) that reads the environment.
 */
import pino from 'pino';
import { openDatabase } from './db/connect.ts';
import { startServer } from './server.ts';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });
const database = await openDatabase({
  databaseUrl: process.env.DATABASE_URL || undefined,
  dataDir: process.env.DATA_DIR ?? './data',
});
const server = await startServer({
  database,
  logger,
  port: Number(process.env.PORT ?? 8080),
  host: process.env.HOST ?? '127.0.0.1',
});

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  try {
    await server.close();
    await database.close();
  } catch (error) {
    logger.error({ err: error }, 'unclean shutdown');
    process.exitCode = 1;
  }
  process.exit();
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
