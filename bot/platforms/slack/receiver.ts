import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App, Receiver } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Clock } from '../../kernel/types';
import type { HttpRoute } from '../../runtime/http/router';
import { BODY_LIMITS, readBody, sendJson } from '../../runtime/http/router';
import { checkSlackSignature, MAX_REQUEST_AGE_SECONDS } from './signature';

/** A body without a fresh, well-formed signature is read only this far (enough for ssl_check). */
export const UNSIGNED_BODY_LIMIT = 4 * 1024;

/** Slack wants an answer within 3 seconds; bolt listeners ack at once, this is the safety net. */
const ACK_DEADLINE_MS = 2500;

/**
 * A bolt Receiver that lives on Pulse's own HTTP server (one route for the Events API, slash
 * commands and interactivity) instead of opening its own port. It checks the v0 signature with
 * Pulse's clock, answers url_verification and ssl_check, and hands everything else to bolt; the
 * HTTP answer goes out as soon as the listener acks, and the work continues after it.
 */
export class PulseSlackReceiver implements Receiver {
  private app?: App;
  private readonly inFlight = new Set<Promise<void>>();
  readonly route: HttpRoute;

  constructor(
    private readonly options: { signingSecret: string; path: string; clock: Clock; logger: Logger },
  ) {
    this.route = { method: 'POST', path: options.path, handle: (req, res) => this.receive(req, res) };
  }

  init(app: App): void {
    this.app = app;
  }

  async start(): Promise<void> {}

  /** Waits for requests already acknowledged but still being worked on. */
  async stop(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  /** Headers only: a fresh timestamp and a v0 signature of the right shape (the HMAC is checked after). */
  private looksSigned(req: IncomingMessage): boolean {
    const timestamp = header(req, 'x-slack-request-timestamp') ?? '';
    const signature = header(req, 'x-slack-signature') ?? '';
    if (!/^\d{1,12}$/.test(timestamp) || !/^v0=[0-9a-f]{64}$/.test(signature)) return false;
    return Math.abs(this.options.clock.now().getTime() / 1000 - Number(timestamp)) <= MAX_REQUEST_AGE_SECONDS;
  }

  private async receive(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req, this.looksSigned(req) ? BODY_LIMITS.slack : UNSIGNED_BODY_LIMIT);
    const contentType = String(req.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim();
    const form = contentType === 'application/x-www-form-urlencoded' ? new URLSearchParams(rawBody) : null;
    if (form?.get('ssl_check') === '1') return void res.writeHead(200).end();

    const check = checkSlackSignature({
      signingSecret: this.options.signingSecret,
      timestamp: header(req, 'x-slack-request-timestamp'),
      signature: header(req, 'x-slack-signature'),
      rawBody,
      now: this.options.clock.now(),
    });
    if (check !== 'ok') {
      this.options.logger.warn({ platform: 'slack', reason: check }, 'slack request rejected');
      return sendJson(res, 401, { error: 'invalid signature' });
    }
    let body: Record<string, unknown>;
    try {
      body = form ? formBody(form) : JSON.parse(rawBody);
    } catch {
      return sendJson(res, 400, { error: 'unreadable body' });
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return sendJson(res, 400, { error: 'the body must be an object' });
    }
    if (body.type === 'url_verification') return sendJson(res, 200, { challenge: body.challenge });
    if (!this.app) return sendJson(res, 503, { error: 'not ready' });

    let answered = false;
    const answer = (response?: unknown) => {
      if (answered || res.headersSent) return;
      answered = true;
      if (response === undefined || response === '') res.writeHead(200).end();
      else if (typeof response === 'string')
        res.writeHead(200, { 'content-type': 'text/plain' }).end(response);
      else sendJson(res, 200, response);
    };
    const deadline = setTimeout(answer, ACK_DEADLINE_MS);
    const retry = header(req, 'x-slack-retry-num');
    const work = this.app
      .processEvent({
        body,
        retryNum: retry === undefined ? undefined : Number(retry),
        retryReason: header(req, 'x-slack-retry-reason'),
        ack: async (response) => answer(response),
      })
      .catch((error) => this.options.logger.error({ err: error, platform: 'slack' }, 'slack event failed'))
      .finally(() => {
        clearTimeout(deadline);
        answer();
        this.inFlight.delete(work);
      });
    this.inFlight.add(work);
    await work;
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Interactivity posts `payload=<json>`; slash commands post their fields. */
function formBody(form: URLSearchParams): Record<string, unknown> {
  const payload = form.get('payload');
  return payload ? JSON.parse(payload) : Object.fromEntries(form);
}
