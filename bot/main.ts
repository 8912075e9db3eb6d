import 'dotenv/config';
import { type Database, DatabaseLockedError, openDatabase } from '../db/client';
import { startPulse } from './app';
import { ConfigError, loadConfig } from './config';
import { systemClock } from './kernel/types';
import { createLogger } from './runtime/logger';
import { isLoopback, sandboxUrl } from './sandbox/address';

/** The composition root: config → logger → database → Pulse; stops in order on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  let database: Database;
  try {
    database = await openDatabase(config.database);
  } catch (error) {
    if (error instanceof DatabaseLockedError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  await database.migrate();
  logger.info({ driver: database.driver }, 'database migrated');

  const app = await startPulse({ config, database, clock: systemClock, logger });
  const address = `http://${config.http.host === '0.0.0.0' ? 'localhost' : config.http.host}:${app.port}`;
  if (config.sandbox.enabled) {
    console.log(`Sandbox: ${sandboxUrl(config.sandbox.host, app.port)}`);
    if (!isLoopback(config.sandbox.host)) {
      logger.warn(
        { host: config.sandbox.host },
        'SANDBOX_HOST is not a loopback address: anyone who can reach it can act as any persona, admins included',
      );
    }
  }
  if (!config.telegram && !config.slack && !config.zalo && !config.sandbox.enabled) {
    console.log(
      `No platform configured: set TELEGRAM_BOT_TOKEN, SLACK_BOT_TOKEN or ZALO_BOT_TOKEN (see .env.example). Health: ${address}/healthz`,
    );
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await app.stop();
    await database.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

await main();
