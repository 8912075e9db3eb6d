import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { Counter } from 'prom-client';
import type { Database } from '../db/client';
import { ping } from '../db/client';
import { publishAdminEndpoint, scenarioAdminRoute } from '../scenarios/remote';
import type { Config } from './config';
import { createFeatures, createPersonalHome, eventHandlerOptions } from './features';
import { ensureBootstrapAdmins } from './features/org/bootstrap';
import { TextSignals } from './kernel/text-signals';
import type { Clock } from './kernel/types';
import { createTelegramPlatform } from './platforms/telegram';
import { applyCommandMenus } from './platforms/telegram/menus';
import { createZaloPlatform } from './platforms/zalo';
import { createZaloOaPlatform } from './platforms/zalo-oa';
import { commandMenus } from './runtime/command-menus';
import { pruneProcessedUpdates } from './runtime/dedup';
import { DeliveryOutcomes } from './runtime/delivery/outcomes';
import type { Deps } from './runtime/deps';
import { createEventHandler } from './runtime/handle-event';
import type { HttpRoute } from './runtime/http/router';
import {
  close,
  createHttpServer,
  type EarlyServer,
  type HttpServerOptions,
  listen,
  withTimeout,
} from './runtime/http/server';
import { MessengerRouter } from './runtime/messenger-router';
import { createMetrics, instrument, type Metrics } from './runtime/metrics';
import { numberedPromptsJob, withCapabilityFallbacks } from './runtime/numbered-replies';
import {
  countSends,
  createSchedulerMetrics,
  createSendMetrics,
  registerOperationsMetrics,
} from './runtime/ops-metrics';
import type { PlatformAdapter } from './runtime/platform';
import { PlatformHealth } from './runtime/platform-health';
import { databaseTokenStore } from './runtime/platform-tokens';
import { Scheduler } from './runtime/scheduler';
import { StartupError } from './runtime/startup-errors';
import { createSandboxPlatform } from './sandbox';
import { seedDemoWhenEmpty, warnWhenNotSimulated } from './sandbox/demo';

export interface PulseApp {
  deps: Deps;
  metrics: Metrics;
  health: PlatformHealth;
  port: number;
  scheduler: Scheduler;
  platforms: PlatformAdapter[];
  /** Graceful stop: stop taking updates → stop timers → drain HTTP → (the caller closes the database). */
  stop(): Promise<void>;
  /** Where a stop in progress is, for the log when it takes too long. */
  readonly stopStep: string;
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
  /** A server main already listens on (answering /healthz while the rest loaded); else one is made. */
  http?: EarlyServer;
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
    deliveries: new DeliveryOutcomes(logger),
  };
  await ensureBootstrapAdmins(database.db, config.bootstrapAdmins);
  const features = createFeatures();
  const handlerOptions = eventHandlerOptions(database.db, features);
  const { commands } = handlerOptions;
  const metrics = options.metrics ?? createMetrics();
  const health = new PlatformHealth(metrics.registry, logger);
  const handle = instrument(createEventHandler(deps, handlerOptions), metrics);
  // Operations metrics (docs/deployment.md): the outbox, incidents, polls, sends, the scheduler.
  const firstOnRegistry = !metrics.registry.getSingleMetric('pulse_outbox_depth');
  if (firstOnRegistry) registerOperationsMetrics(metrics.registry, database.db);
  const sendMetrics = firstOnRegistry ? createSendMetrics(metrics.registry) : undefined;
  const onRun = firstOnRegistry ? createSchedulerMetrics(metrics.registry) : undefined;
  const scheduler = new Scheduler({ clock, logger, timezone: config.timezone, onRun });
  scheduler.add({
    name: 'prune-processed-updates',
    cron: '17 3 * * *',
    run: async (now) => {
      await pruneProcessedUpdates(database.db, new Date(now.getTime() - 7 * DAY_MS));
    },
  });
  scheduler.add(numberedPromptsJob(database.db));
  const stopping = new AbortController();
  for (const feature of features)
    for (const job of feature.jobs?.(deps, stopping.signal) ?? []) scheduler.add(job);

  const platforms: PlatformAdapter[] = [];
  if (config.telegram) {
    const telegram = createTelegramPlatform({ config: config.telegram, handle, logger, health });
    platforms.push(telegram);
    const menusSent = new Map<string, string>();
    const syncMenus = () =>
      commandMenus(database.db, commands, { platform: 'telegram', defaultLocale: config.locale }).then(
        (menus) => applyCommandMenus(telegram.bot.api, menus, menusSent),
      );
    scheduler.add({
      name: 'telegram-command-menus',
      cron: '*/10 * * * *',
      run: async () => void (await syncMenus()),
    });
  }
  if (config.slack) {
    // Loaded only when Slack is configured: @slack/bolt alone costs about 0.2 s of every start.
    const { createSlackPlatform } = await import('./platforms/slack');
    platforms.push(
      createSlackPlatform({
        config: config.slack,
        handle,
        logger,
        clock,
        home: createPersonalHome(deps, features),
      }),
    );
  }
  if (config.zalo) platforms.push(createZaloPlatform({ config: config.zalo, handle, logger, health }));
  if (config.zaloOa) {
    const quotaRefusals = new Counter({
      name: 'pulse_platform_quota_refusals_total',
      help: 'Sends the platform refused for its message quota',
      labelNames: ['platform'],
      registers: [metrics.registry],
    });
    platforms.push(
      createZaloOaPlatform({
        config: config.zaloOa,
        handle,
        logger,
        clock,
        health,
        tokens: databaseTokenStore({
          db: database.db,
          clock,
          platform: 'zalo-oa',
          account: config.zaloOa.appId,
          seedRefreshToken: config.zaloOa.refreshToken,
        }),
        onQuota: () => quotaRefusals.inc({ platform: 'zalo-oa' }),
      }),
    );
  }
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
        timeZone: config.timezone,
        isAnonymousText: (text, chat) => commands.isAnonymousText(text, chat),
      }),
    );
  }
  for (const platform of platforms) {
    const fallbacks = withCapabilityFallbacks(platform.messenger, {
      db: database.db,
      clock,
      locale: config.locale,
    });
    messenger.register(sendMetrics ? countSends(fallbacks, sendMetrics) : fallbacks);
  }

  const adminRoutes: HttpRoute[] = [];
  const httpOptions: HttpServerOptions = {
    routes: () => [...adminRoutes, ...platforms.flatMap((p) => p.routes)],
    ready: async () => {
      await ping(database);
      const connections = health.snapshot(platforms.map((platform) => platform.messenger.platform));
      try {
        health.check();
      } catch (error) {
        throw Object.assign(error as Error, { details: { database: 'ok', platforms: connections } });
      }
      return { database: 'ok', platforms: connections };
    },
    metrics: metrics.registry,
    logger,
    onError: (status) => metrics.httpErrors.inc({ status: String(status) }),
  };
  let server: Server;
  let port: number;
  if (options.http) {
    options.http.attach(httpOptions);
    ({ server, port } = options.http);
  } else {
    server = createHttpServer(httpOptions);
    port = await listen(server, config.http.port, config.http.host);
  }
  // PGlite is one process: the scenario CLI reaches this one over HTTP instead (scenarios/remote.ts).
  const { databaseUrl, pgliteDir } = config.database;
  const admin =
    databaseUrl || pgliteDir.startsWith('memory://') ? null : publishAdminEndpoint(pgliteDir, port);
  if (admin) {
    adminRoutes.push(
      scenarioAdminRoute({
        db: database.db,
        token: admin.token,
        timezone: config.timezone,
        now: () => clock.now(),
        logger,
      }),
    );
  }
  for (const feature of features) await feature.start?.(deps);
  const startTimeout = options.platformStartTimeoutMs ?? 15_000;
  for (const platform of platforms) {
    const name = platform.messenger.platform;
    try {
      await withTimeout(platform.start(), startTimeout, `no answer within ${startTimeout / 1000} s`);
    } catch (error) {
      await close(server);
      admin?.remove();
      throw new StartupError(
        `${name}: cannot start (${(error as Error).message}); check its token and API URL`,
      );
    }
  }
  scheduler.start();
  void scheduler.runAll().catch(() => {});

  let stopStep = 'running';
  return {
    deps,
    metrics,
    health,
    port,
    scheduler,
    platforms,
    get stopStep() {
      return stopStep;
    },
    async stop() {
      stopStep = 'platforms';
      for (const platform of platforms) await platform.stop();
      stopping.abort();
      stopStep = `scheduler: ${scheduler.runningJobs().join(', ') || 'no job running'}`;
      await scheduler.stop();
      for (const feature of features) {
        stopStep = `feature ${feature.name}`;
        await feature.stop?.(deps);
      }
      stopStep = 'http server';
      await close(server);
      admin?.remove();
      stopStep = 'stopped';
    },
  };
}
