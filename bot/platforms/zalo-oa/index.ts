import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { ZaloOaConfig } from '../../config';
import type { Clock } from '../../kernel/types';
import type { EventHandler } from '../../runtime/handle-event';
import { BODY_LIMITS, HttpError, readBody, sendJson } from '../../runtime/http/router';
import type { PlatformAdapter, TokenStore } from '../../runtime/platform';
import type { PlatformHealth } from '../../runtime/platform-health';
import { ZaloOaClient, type ZaloOaError } from './client';
import { ZaloOaMessenger } from './messenger';
import { signatureOf, verifyZaloOa } from './signature';
import { senderOf, zaloOaEvents } from './updates';

export interface ZaloOaPlatform extends PlatformAdapter {
  readonly client: ZaloOaClient;
  readonly messenger: ZaloOaMessenger;
}

/** Display names looked up with /v3.0/oa/user/detail are kept this long. */
const NAME_TTL_MS = 60 * 60_000;

/**
 * Zalo Official Account: webhooks on Pulse's HTTP server (the OA posts them to the URL set in the
 * app's Webhook page), each checked for its X-ZEvent-Signature and its timestamp before anything is
 * read from it (401 otherwise); sends through the Open API with tokens from `tokens`.
 */
export function createZaloOaPlatform(options: {
  config: ZaloOaConfig;
  handle: EventHandler;
  logger: Logger;
  clock: Clock;
  tokens: TokenStore;
  /** A quota refusal (counted by the app and shown to admins). */
  onQuota?: (error: ZaloOaError, monthCount: number) => void;
  health?: PlatformHealth;
}): ZaloOaPlatform {
  const { config, handle, logger, clock, tokens, health } = options;
  const client = new ZaloOaClient({
    appId: config.appId,
    appSecret: config.appSecret,
    apiRoot: config.apiRoot,
    oauthRoot: config.oauthRoot,
    tokens,
    now: () => clock.now(),
  });
  const messenger = new ZaloOaMessenger(client, async (error) => {
    const count = await tokens.countQuotaRefusal();
    logger.warn({ platform: 'zalo-oa', code: error.code, month: count }, 'zalo-oa send refused for quota');
    options.onQuota?.(error, count);
  });
  const names = new Map<string, { name: string; until: number }>();
  let stopped = false;

  async function lookUpName(userId: string): Promise<void> {
    const known = names.get(userId);
    if (known && known.until > clock.now().getTime()) return;
    try {
      const detail = await client.userDetail(userId);
      if (detail.display_name) {
        names.set(userId, {
          name: detail.display_name.slice(0, 128),
          until: clock.now().getTime() + NAME_TTL_MS,
        });
      }
    } catch (error) {
      logger.debug({ err: error, platform: 'zalo-oa' }, 'zalo-oa profile lookup failed');
    }
  }

  async function receive(req: IncomingMessage, res: ServerResponse) {
    if (stopped) return sendJson(res, 503, { ok: false });
    const signature = signatureOf(req.headers['x-zevent-signature']);
    if (!signature) {
      logger.warn({ platform: 'zalo-oa' }, 'zalo-oa webhook without a signature rejected');
      return sendJson(res, 401, { ok: false });
    }
    const raw = await readBody(req, BODY_LIMITS.zaloOa);
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return sendJson(res, 401, { ok: false });
    }
    const stamp = (body as { timestamp?: unknown } | null)?.timestamp;
    const verdict = verifyZaloOa({
      appId: config.appId,
      oaSecretKey: config.oaSecretKey,
      rawBody: raw,
      timestamp: typeof stamp === 'string' || typeof stamp === 'number' ? String(stamp) : undefined,
      signature,
      now: clock.now(),
    });
    if (verdict !== 'ok') {
      logger.warn({ platform: 'zalo-oa', verdict }, 'zalo-oa webhook rejected');
      return sendJson(res, 401, { ok: false });
    }
    if (typeof body !== 'object' || body === null) throw new HttpError(400, 'the body must be a JSON object');
    const sender = senderOf(body);
    if (sender) await lookUpName(sender);
    let failed = false;
    for (const event of zaloOaEvents(body, (id) => names.get(id)?.name)) {
      try {
        await handle(event, { dedup: 'database' });
      } catch (error) {
        failed = true;
        logger.error({ err: error, platform: 'zalo-oa', update: event.updateId }, 'zalo-oa event failed');
      }
    }
    // A failed event is asked again by the OA's retries; its dedup claim was released.
    sendJson(res, failed ? 500 : 200, { ok: !failed });
  }

  return {
    client,
    messenger,
    routes: [{ method: 'POST', path: config.webhookPath, handle: receive }],
    async start() {
      try {
        const oa = await client.getOa();
        health?.up('zalo-oa');
        logger.info({ platform: 'zalo-oa', oa: oa.oa_id, path: config.webhookPath }, 'zalo-oa started');
      } catch (error) {
        health?.down('zalo-oa', error);
        throw error;
      }
    },
    async stop() {
      stopped = true;
    },
  };
}
