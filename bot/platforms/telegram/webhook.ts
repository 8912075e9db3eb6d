import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Update } from 'grammy/types';
import { BODY_LIMITS, HttpError, readBody } from '../../runtime/http/router';

/**
 * grammY's `http` adapter with a body cap: grammY checks the secret header first and only then
 * asks for the update, which is read here at most BODY_LIMITS.telegram bytes (413 past it, 400 for
 * a body that is not JSON; the HTTP boundary answers both).
 */
export function cappedHttpAdapter(req: IncomingMessage, res: ServerResponse) {
  const secret = req.headers['x-telegram-bot-api-secret-token'];
  return {
    get update() {
      return readBody(req, BODY_LIMITS.telegram).then((raw): Update => {
        let update: unknown;
        try {
          update = JSON.parse(raw);
        } catch {
          throw new HttpError(400, 'the body must be a JSON update');
        }
        const id = (update as { update_id?: unknown } | null)?.update_id;
        if (typeof update !== 'object' || !Number.isSafeInteger(id)) {
          throw new HttpError(400, 'the body must be a Telegram update with an update_id');
        }
        return update as Update;
      });
    },
    header: Array.isArray(secret) ? secret[0] : secret,
    end: () => void res.end(),
    respond: (json: string) => void res.writeHead(200, { 'content-type': 'application/json' }).end(json),
    unauthorized: () => void res.writeHead(401).end('secret token is wrong'),
  };
}
