import type { Logger } from 'pino';
import type { Database } from '../db/client';
import { ping } from '../db/client';
import { createButtonHandlers, createCommandRegistry, createMessageListeners } from './commands';
import { createEventHandler } from './commands/handle-event';
import type { Config } from './config';
import { pruneProcessedUpdates } from './core/dedup';
import { DeliveryOutcomes } from './core/delivery/outcomes';
import type { Deps } from './core/deps';
import { directiveJobs } from './core/directives';
import { feedbackJobs } from './core/feedback/jobs';
import { hotspotJobs, LiveLexicon, listenForHotspots } from './core/hotspots';
import { MessengerRouter } from './core/messenger-router';
import { numberedPromptsJob, withCapabilityFallbacks } from './core/numbered-replies';
import { ensureBootstrapAdmins } from './core/org/bootstrap';
import { BallotBox } from './core/polls/ballot-box';
import { pollJobs } from './core/polls/jobs';
import { reportJobs } from './core/reports/schedule/runs';
import { TextSignals } from './core/text-signals';
import type { Clock } from './core/types';
import { close, createHttpServer, listen, withTimeout } from './http/server';
import { createMetrics, instrument, type Metrics } from './metrics';
import { PlatformHealth } from './platform-health';
import { createSandboxPlatform } from './platforms/sandbox';
import { seedDemoWhenEmpty, warnWhenNotSimulated } from './platforms/sandbox/demo';
import { createSlackPlatform } from './platforms/slack';
import { createTelegramPlatform } from './platforms/telegram';
import { syncCommandMenus } from './platforms/telegram/menus';
import type { PlatformAdapter } from './platforms/types';
import { createZaloPlatform } from './platforms/zalo';
import { Scheduler } from './scheduler';
import { StartupError } from './startup-errors';

export interface PulseApp {
  deps: Deps;
  metrics: Metrics;
  health: PlatformHealth;
  port: number;
  scheduler: Scheduler;
  platforms: PlatformAdapter[];
  /** Graceful stop: stop taking updates → stop timers → drain HTTP → (the caller closes the database). */
  stop(): Promise<void>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Builds and starts Pulse from already-parsed config and an open, migrated database. */
export async function startPulse(options: {
  config: Config;
  database: Database;
  clock: Clock;
  logger: Logger;
  /** Given by main so the process guards count into the same registry. */
  metrics?: Metrics;
  /** How long a platform may take to start (getMe, setWebhook) before start-up fails. */
  platformStartTimeoutMs?: number;
}): Promise<PulseApp> {
  const { config, database, clock, logger } = options;
  const messenger = new MessengerRouter();
  const deps: Deps = {
    db: database.db,
    messenger,
    clock,
    logger,
    config,
    signals: new TextSignals(),
    lexicon: new LiveLexicon(),
    ballots: new BallotBox(),
    deliveries: new DeliveryOutcomes(logger),
  };
  await ensureBootstrapAdmins(database.db, config.bootstrapAdmins);
  listenForHotspots(deps);

  const commands = createCommandRegistry();
  const metrics = options.metrics ?? createMetrics();
  const health = new PlatformHealth(metrics.registry, logger);
  const handle = instrument(
    createEventHandler(deps, {
      commands,
      buttons: createButtonHandlers(),
      listeners: createMessageListeners(),
    }),
    metrics,
  );
  const scheduler = new Scheduler({ clock, logger, timezone: config.timezone });
  scheduler.add({
    name: 'prune-processed-updates',
    cron: '17 3 * * *',
    run: async (now) => {
      await pruneProcessedUpdates(database.db, new Date(now.getTime() - 7 * DAY_MS));
    },
  });
  for (const job of [...pollJobs(deps), ...feedbackJobs(deps), ...reportJobs(deps), ...hotspotJobs(deps)])
    scheduler.add(job);

  scheduler.add(numberedPromptsJob(database.db));
  const stopDirectives = new AbortController();
  for (const job of directiveJobs(deps, stopDirectives.signal)) scheduler.add(job);

  const platforms: PlatformAdapter[] = [];
  if (config.telegram) {
    const telegram = createTelegramPlatform({ config: config.telegram, handle, logger, health });
    platforms.push(telegram);
    const menusSent = new Map<string, string>();
    const syncMenus = () =>
      syncCommandMenus(telegram.bot.api, database.db, commands, config.locale, menusSent);
    scheduler.add({
      name: 'telegram-command-menus',
      cron: '*/10 * * * *',
      run: async () => void (await syncMenus()),
    });
  }
  if (config.slack) platforms.push(createSlackPlatform({ config: config.slack, handle, logger, clock }));
  if (config.zalo) platforms.push(createZaloPlatform({ config: config.zalo, handle, logger, health }));
  if (config.sandbox.enabled) {
    if (config.sandbox.data === 'demo') await seedDemoWhenEmpty(database.db, { clock, logger });
    else await warnWhenNotSimulated(database.db, logger);
    platforms.push(
      createSandboxPlatform({
        db: database.db,
        clock,
        logger,
        handle,
        host: config.sandbox.host,
        isAnonymousText: (text, chat) => commands.isAnonymousText(text, chat),
      }),
    );
  }
  for (const platform of platforms) {
    messenger.register(
      withCapabilityFallbacks(platform.messenger, { db: database.db, clock, locale: config.locale }),
    );
  }

  const server = createHttpServer({
    routes: () => platforms.flatMap((p) => p.routes),
    ready: async () => {
      await ping(database);
      health.check();
    },
    metrics: metrics.registry,
    logger,
    onError: (status) => metrics.httpErrors.inc({ status: String(status) }),
  });
  const port = await listen(server, config.http.port, config.http.host);
  await deps.lexicon.refresh(database.db);
  const startTimeout = options.platformStartTimeoutMs ?? 15_000;
  for (const platform of platforms) {
    const name = platform.messenger.platform;
    try {
      await withTimeout(platform.start(), startTimeout, `no answer within ${startTimeout / 1000} s`);
    } catch (error) {
      await close(server);
      throw new StartupError(
        `${name}: cannot start (${(error as Error).message}); check its token and API URL`,
      );
    }
  }
  scheduler.start();
  void scheduler.runAll().catch(() => {});

  return {
    deps,
    metrics,
    health,
    port,
    scheduler,
    platforms,
    async stop() {
      for (const platform of platforms) await platform.stop();
      stopDirectives.abort();
      await scheduler.stop();
      // A graceful stop writes every ballot it holds (even a cell below k: better than losing it).
      const held = deps.ballots.held();
      try {
        await deps.ballots.flush(database.db, 'all', { closing: true });
        await deps.ballots.release(database.db);
        if (held > 0) logger.info({ held }, 'ballots written at shutdown');
      } catch (error) {
        logger.error({ err: error, held: deps.ballots.held() }, 'ballots could not be written at shutdown');
      }
      await close(server);
    },
  };
}
