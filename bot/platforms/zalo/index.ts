import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { ZaloConfig } from '../../config';
import type { EventHandler } from '../../runtime/handle-event';
import { BODY_LIMITS, HttpError, readBody, sendJson } from '../../runtime/http/router';
import type { PlatformAdapter } from '../../runtime/platform';
import type { PlatformHealth } from '../../runtime/platform-health';
import { ZaloClient } from './client';
import { ZaloMessenger } from './messenger';
import { zaloEvents } from './updates';

export interface ZaloPlatform extends PlatformAdapter {
  readonly client: ZaloClient;
  readonly messenger: ZaloMessenger;
}

const POLL_SECONDS = 30;

/**
 * Zalo Bot Platform: long polling with getUpdates (one poller per token), or a webhook on Pulse's
 * HTTP server whose X-Bot-Api-Secret-Token is compared in constant time (401 otherwise).
 */
export function createZaloPlatform(options: {
  config: ZaloConfig;
  handle: EventHandler;
  logger: Logger;
  retryBaseMs?: number;
  health?: PlatformHealth;
}): ZaloPlatform {
  const { config, handle, logger, health } = options;
  const client = new ZaloClient({
    token: config.token,
    apiRoot: config.apiRoot,
    retryBaseMs: options.retryBaseMs,
  });
  const messenger = new ZaloMessenger(client);
  const webhook = config.webhook;
  let polling: Promise<void> | undefined;
  const abort = new AbortController();

  async function receive(req: IncomingMessage, res: ServerResponse) {
    if (!sameSecret(req.headers['x-bot-api-secret-token'], webhook!.secret)) {
      logger.warn({ platform: 'zalo' }, 'zalo webhook request rejected');
      return sendJson(res, 401, { ok: false });
    }
    let body: unknown;
    const raw = await readBody(req, BODY_LIMITS.zalo);
    try {
      body = JSON.parse(raw);
    } catch {
      throw new HttpError(400, 'the body must be JSON');
    }
    if (typeof body !== 'object' || body === null) throw new HttpError(400, 'the body must be a JSON object');
    // Each update on its own: one that fails is logged and asked again (500, after the others were
    // handled — their claims make the retry skip them); one that is malformed is dropped.
    let failed = 0;
    for (const event of zaloEvents(body, new Date())) {
      try {
        await handle(event, { dedup: 'database' });
      } catch (error) {
        failed++;
        logger.error({ err: error, platform: 'zalo', update: event.updateId }, 'zalo update failed');
      }
    }
    sendJson(res, failed > 0 ? 500 : 200, { ok: failed === 0 });
  }

  async function poll() {
    let failures = 0;
    while (!abort.signal.aborted) {
      try {
        const updates = await client.getUpdates(POLL_SECONDS, abort.signal);
        failures = 0;
        health?.up('zalo');
        for (const event of updates.flatMap((update) => zaloEvents(update, new Date()))) {
          await handle(event, { dedup: 'memory' }).catch((error) =>
            logger.error({ err: error, platform: 'zalo', update: event.updateId }, 'zalo update failed'),
          );
        }
      } catch (error) {
        if (abort.signal.aborted) return;
        failures++;
        health?.down('zalo', error);
        logger.warn({ err: error, platform: 'zalo' }, 'zalo getUpdates failed, retrying');
        await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 500 * 2 ** failures)));
      }
    }
  }

  return {
    client,
    messenger,
    routes: webhook ? [{ method: 'POST', path: new URL(webhook.url).pathname, handle: receive }] : [],
    async start() {
      const me = await client.getMe();
      messenger.enableGroups(me.can_join_groups === true);
      if (webhook) {
        await client.setWebhook(webhook.url, webhook.secret);
      } else {
        await client.deleteWebhook();
        polling = poll();
      }
      logger.info(
        { platform: 'zalo', mode: webhook ? 'webhook' : 'polling', groups: me.can_join_groups === true },
        'zalo started',
      );
    },
    async stop() {
      abort.abort();
      await polling;
    },
  };
}

/** Constant-time comparison of the secret header (hashes make the lengths equal). */
function sameSecret(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
