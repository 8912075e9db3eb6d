import { autoRetry } from '@grammyjs/auto-retry';
import { type RunnerHandle, run, sequentialize } from '@grammyjs/runner';
import { Api, Bot, type Context, webhookCallback } from 'grammy';
import type { Logger } from 'pino';
import type { TelegramConfig } from '../../config';
import type { EventHandler } from '../../runtime/handle-event';
import type { PlatformAdapter } from '../../runtime/platform';
import type { PlatformHealth } from '../../runtime/platform-health';
import { TelegramMessenger } from './messenger';
import { isWellFormed, type ReadTelegramFile, toEvents } from './updates';
import { cappedHttpAdapter } from './webhook';

/** `message_reaction` is sent only when asked for here, and only where the bot is a group admin (or in DMs). */
const ALLOWED_UPDATES = ['message', 'callback_query', 'my_chat_member', 'message_reaction'] as const;

/**
 * Updates with the same key are handled one after another. A chat's messages keep their order; a
 * button press only needs ordering per person (two quick taps), so a busy group's taps run in parallel.
 */
export function sequenceKey(ctx: Context): string {
  if (ctx.callbackQuery) return `press:${ctx.callbackQuery.from.id}`;
  return String(ctx.chat?.id ?? ctx.from?.id ?? '');
}

export interface TelegramPlatform extends PlatformAdapter {
  readonly bot: Bot;
  readonly messenger: TelegramMessenger;
}

/**
 * Telegram through grammY: long polling with @grammyjs/runner (sequential per chat), or a
 * webhook on Pulse's HTTP server with the secret_token header checked (401 otherwise).
 */
export function createTelegramPlatform(options: {
  config: TelegramConfig;
  handle: EventHandler;
  logger: Logger;
  health?: PlatformHealth;
}): TelegramPlatform {
  const { config, handle, logger, health } = options;
  const bot = new Bot(config.token, { client: { apiRoot: config.apiRoot } });
  // Innermost (installed first): sees every attempt, so an outage shows in /readyz while auto-retry waits.
  bot.api.config.use(async (prev, method, payload, signal) => {
    try {
      const result = await prev(method, payload, signal);
      if (result.ok || result.error_code < 500) health?.up('telegram');
      else health?.down('telegram', new Error(`${method}: ${result.description}`));
      return result;
    } catch (error) {
      if (!signal?.aborted) health?.down('telegram', error);
      throw error;
    }
  });
  // A long retry_after is not waited out inline (it would hold the chat's queue): replies are sent
  // later by `sendReply`, ledger rows retried at their next attempt.
  bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 5 }));
  const dedup = config.webhook ? 'database' : 'memory';
  const readFile: ReadTelegramFile = async (fileId, maxBytes) => {
    const file = await bot.api.getFile(fileId);
    if (!file.file_path) throw new Error('getFile gave no file_path');
    // The declared size is past the cap: say so without downloading (a longer result means too large).
    if (file.file_size !== undefined && file.file_size > maxBytes) return new Uint8Array(maxBytes + 1);
    const response = await fetch(`${config.apiRoot}/file/bot${config.token}/${file.file_path}`, {
      signal: AbortSignal.timeout(30_000),
    });
    if (!response.ok || !response.body) throw new Error(`file download: HTTP ${response.status}`);
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      chunks.push(value);
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        break;
      }
    }
    return Buffer.concat(chunks).subarray(0, maxBytes + 1);
  };

  // Before anything reads the update (sequentialize reads the sender): a malformed one is dropped.
  bot.use(async (ctx, next) => {
    if (isWellFormed(ctx.update)) return next();
    logger.warn({ platform: 'telegram', update: ctx.update.update_id }, 'malformed update ignored');
  });
  bot.use(sequentialize(sequenceKey));
  bot.use(async (ctx) => {
    for (const event of toEvents(ctx, readFile)) await handle(event, { dedup });
  });
  bot.catch((error) =>
    logger.error({ err: error.error, update: error.ctx.update.update_id }, 'telegram update failed'),
  );

  // Fan-outs and replies pace themselves and retry through the send budget, so they skip auto-retry.
  const bulkApi = new Api(config.token, { apiRoot: config.apiRoot });
  const messenger = new TelegramMessenger(bot.api, () => bot.botInfo.username, bulkApi);
  let runner: RunnerHandle | undefined;
  const webhookPath = config.webhook ? new URL(config.webhook.url).pathname : undefined;
  const onWebhook = config.webhook
    ? webhookCallback(bot, cappedHttpAdapter, { secretToken: config.webhook.secret, onTimeout: 'return' })
    : undefined;

  return {
    bot,
    messenger,
    routes:
      config.webhook && webhookPath
        ? [
            {
              method: 'POST',
              path: webhookPath,
              handle: async (req, res) => void (await onWebhook?.(req, res)),
            },
          ]
        : [],
    async start() {
      // Without auto-retry: an unreachable API at start-up is one readable error, not a silent wait.
      bot.botInfo = await bulkApi.getMe();
      health?.up('telegram');
      if (config.webhook) {
        await bot.api.setWebhook(config.webhook.url, {
          secret_token: config.webhook.secret,
          allowed_updates: [...ALLOWED_UPDATES],
        });
        logger.info({ mode: 'webhook', bot: bot.botInfo.username }, 'telegram started');
        return;
      }
      await bot.api.deleteWebhook();
      runner = run(bot, { runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] } } });
      logger.info({ mode: 'polling', bot: bot.botInfo.username }, 'telegram started');
    },
    async stop() {
      if (runner?.isRunning()) await runner.stop();
    },
  };
}
