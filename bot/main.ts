import 'dotenv/config';
import type { Logger } from 'pino';
import type { Database } from '../db/client';
import type { PulseApp } from './app';
import { type Config, loadConfig } from './config';
import { systemClock } from './kernel/types';
import { startEarlyServer } from './runtime/http/server';
import type { Metrics } from './runtime/metrics';
import { describeStartupError } from './runtime/startup-errors';
import { isLoopback, sandboxUrl } from './sandbox/address';

/**
 * After start-up nothing is fatal: an unhandled rejection or uncaught exception is logged and
 * counted (pulse_process_errors_total) and Pulse keeps serving. Before it, main's catch turns any
 * error into one line and exit code 1.
 */
function guardProcess(logger: Logger, metrics: Metrics): void {
  process.on('unhandledRejection', (reason) => {
    metrics.processErrors.inc({ kind: 'unhandled_rejection' });
    logger.error({ err: reason }, 'unhandled promise rejection (kept running)');
  });
  process.on('uncaughtException', (error) => {
    metrics.processErrors.inc({ kind: 'uncaught_exception' });
    logger.error({ err: error }, 'uncaught exception (kept running)');
  });
}

/**
 * The composition root: config → HTTP listening (/healthz up, /readyz "starting") → logger,
 * database and the rest of Pulse, loaded meanwhile → Pulse; stops in order on SIGTERM/SIGINT.
 * Only the config and the bare HTTP server are imported up front; then the database driver, whose
 * open runs while the application's modules load.
 */
async function main(): Promise<void> {
  let config: Config | undefined;
  let database: Database | undefined;
  let app: PulseApp | undefined;
  try {
    config = loadConfig(process.env);
    const http = await startEarlyServer(config.http.port, config.http.host);
    // The driver first, alone: its open (PGlite compiles and starts its WebAssembly) then runs
    // while the application's modules load, instead of after them.
    const { openDatabase } = await import('../db/client');
    const phases: Record<string, number> = {};
    const since = () => Math.round(performance.now());
    const opened = openDatabase(config.database).then(async (open) => {
      database = open;
      phases.databaseOpenMs = since();
      await open.migrate();
      phases.migratedMs = since();
      return open;
    });
    // Awaited below, after the modules load: until then a refused connection must not count as an
    // unhandled rejection (which would end the process with a stack trace instead of one line).
    opened.catch(() => {});
    const [{ startPulse }, { createLogger }, { createMetrics }] = await Promise.all([
      import('./app'),
      import('./runtime/logger'),
      import('./runtime/metrics'),
    ]);
    phases.modulesLoadedMs = since();
    const logger = createLogger(config.logLevel);
    const ready = await opened;
    const metrics = createMetrics();
    app = await startPulse({ config, database: ready, clock: systemClock, logger, metrics, http });
    // Milliseconds since the process started, so an operator sees where a slow start went.
    logger.info({ driver: ready.driver, ...phases, readyMs: since() }, 'ready');
    guardProcess(logger, metrics);
    announce(config, app, logger);
    handleSignals(app, ready, logger);
  } catch (error) {
    console.error(describeStartupError(error, config?.http ?? { host: '?', port: 0 }));
    await database?.close().catch(() => {});
    process.exit(1);
  }
}

function announce(config: Config, app: PulseApp, logger: Logger): void {
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
  if (!config.telegram && !config.slack && !config.zalo && !config.zaloOa && !config.sandbox.enabled) {
    console.log(
      `No platform configured: set TELEGRAM_BOT_TOKEN, SLACK_BOT_TOKEN, ZALO_BOT_TOKEN or ZALO_OA_APP_ID (see .env.example). Health: ${address}/healthz`,
    );
  }
}

/** Under systemd's TimeoutStopSec (30 s in deploy/pulse.service), which would SIGKILL instead. */
const STOP_DEADLINE_MS = 20_000;

function handleSignals(app: PulseApp, database: Database, logger: Logger): void {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // A stop that hangs (a send waiting out a long retry_after, a stuck connection) must not keep
    // a rolling restart waiting: the rows it held go back to the others when their leases end.
    setTimeout(() => {
      logger.error(
        { signal, afterMs: STOP_DEADLINE_MS, step: app.stopStep },
        'stop took too long: exiting without finishing',
      );
      process.exit(1);
    }, STOP_DEADLINE_MS).unref();
    await app.stop();
    await database.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

await main();
