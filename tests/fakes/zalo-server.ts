/**
 * A fake Zalo Bot Platform API for end-to-end tests, over real HTTP at `<apiRoot>/bot<TOKEN>/<method>`:
 * getMe, getUpdates (held open like a long poll; 408 when nothing came), setWebhook /
 * deleteWebhook / getWebhookInfo, sendMessage (1–2,000 characters), sendPhoto, sendChatAction.
 * Injected messages are queued for getUpdates, or posted to the webhook with the
 * X-Bot-Api-Secret-Token header once one is set. Failures (429 "Quota exceeded") can be injected.
 *
 *   const zalo = await startFakeZalo({ token: '1:abc' });
 *   zalo.message({ from: { id: 'u1', display_name: 'Lan' }, text: '/start' });
 *   await zalo.waitForSent((m) => m.chat_id === 'u1');
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// biome-ignore lint/suspicious/noExplicitAny: request bodies are untyped
export type Body = Record<string, any>;

export interface ZaloFakeUpdate {
  event_name: string;
  message: {
    message_id: string;
    date: number;
    chat: { id: string; chat_type: 'PRIVATE' | 'GROUP' };
    from: { id: string; display_name: string; is_bot: boolean };
    text?: string;
  };
}

export interface SentMessage {
  method: string;
  chat_id: string;
  text: string;
  message_id: string;
}

export interface RecordedCall {
  method: string;
  token: string;
  body: Body;
  status?: number;
}

export interface FakeZaloOptions {
  token: string;
  canJoinGroups?: boolean;
  /** Posts webhooks as `{ ok, result: update }` instead of the bare update. */
  envelopeWebhooks?: boolean;
}

export class FakeZalo {
  apiRoot = '';
  readonly calls: RecordedCall[] = [];
  readonly sentMessages: SentMessage[] = [];
  readonly webhookDeliveries: { status: number; messageId: string }[] = [];
  rejected429 = 0;
  webhook?: { url: string; secret: string };

  private readonly server = createServer((req, res) => void this.onRequest(req, res));
  private readonly events = new EventEmitter().setMaxListeners(0);
  private readonly queue: ZaloFakeUpdate[] = [];
  private readonly pollers = new Set<(update?: ZaloFakeUpdate) => void>();
  private readonly failures = new Map<string, { code: number; description: string; retryAfter?: number }[]>();
  private seq = 0;

  constructor(private readonly options: FakeZaloOptions) {}

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.apiRoot = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    for (const release of this.pollers) release();
    const closed = new Promise((resolve) => this.server.close(resolve));
    setImmediate(() => this.server.closeIdleConnections());
    const force = setTimeout(() => this.server.closeAllConnections(), 200).unref();
    await closed;
    clearTimeout(force);
  }

  failNext(method: string, failure: { code: number; description?: string; retryAfter?: number }, times = 1) {
    const spec = { description: failure.code === 429 ? 'Quota exceeded' : 'Error', ...failure };
    this.failures.set(method, [...(this.failures.get(method) ?? []), ...Array(times).fill(spec)]);
  }

  /** A person writes to the bot (in a DM unless `chatType` is GROUP). Returns the update. */
  message(o: {
    from: { id: string; display_name: string };
    text: string;
    chatId?: string;
    chatType?: 'PRIVATE' | 'GROUP';
  }): ZaloFakeUpdate {
    const update: ZaloFakeUpdate = {
      event_name: 'message.text.received',
      message: {
        message_id: `m${++this.seq}`,
        date: Date.now(),
        chat: { id: o.chatId ?? o.from.id, chat_type: o.chatType ?? 'PRIVATE' },
        from: { ...o.from, is_bot: false },
        text: o.text,
      },
    };
    this.dispatch(update);
    return update;
  }

  /** Posts any body to the webhook with the given secret header (or none); resolves with the status. */
  async postWebhook(body: unknown, secret?: string): Promise<number> {
    if (!this.webhook) throw new Error('FakeZalo: no webhook set');
    const response = await fetch(this.webhook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(secret ? { 'x-bot-api-secret-token': secret } : {}),
      },
      body: JSON.stringify(body),
    });
    await response.text();
    return response.status;
  }

  sent(chatId?: string): SentMessage[] {
    return this.sentMessages.filter((m) => chatId === undefined || m.chat_id === chatId);
  }

  waitForSent(
    predicate: (message: SentMessage) => boolean,
    opts: { since?: number; timeoutMs?: number } = {},
  ) {
    return this.waitUntil(() => this.sentMessages.slice(opts.since ?? 0).find(predicate), opts.timeoutMs);
  }

  waitUntil<T>(check: () => T | undefined | null | false, timeoutMs = 5000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const test = () => {
        const value = check();
        if (value) {
          cleanup();
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        const recent = this.calls
          .slice(-10)
          .map((c) => `  ${c.method} ${JSON.stringify(c.body).slice(0, 120)} → ${c.status}`)
          .join('\n');
        reject(
          new Error(`FakeZalo: timed out after ${timeoutMs} ms.\nRecent calls:\n${recent || '  (none)'}`),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.events.off('change', test);
      };
      this.events.on('change', test);
      test();
    });
  }

  private dispatch(update: ZaloFakeUpdate): void {
    if (this.webhook) {
      void this.deliver(update);
      return;
    }
    const [poller] = this.pollers;
    if (poller) poller(update);
    else this.queue.push(update);
  }

  private async deliver(update: ZaloFakeUpdate): Promise<void> {
    const body = this.options.envelopeWebhooks ? { ok: true, result: update } : update;
    const status = await this.postWebhook(body, this.webhook!.secret).catch(() => 0);
    this.webhookDeliveries.push({ status, messageId: update.message.message_id });
    this.events.emit('change');
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(new URL(req.url ?? '/', this.apiRoot).pathname);
    const raw = await readAll(req);
    const body = raw ? (JSON.parse(raw) as Body) : {};
    const call: RecordedCall = { method: match?.[2] ?? '?', token: match?.[1] ?? '', body };
    this.calls.push(call);
    const answer = (status: number, payload: Body, headers: Record<string, string> = {}) => {
      call.status = status;
      if (res.writableEnded || res.destroyed) return;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
      this.events.emit('change');
    };
    const fail = (code: number, description: string, headers?: Record<string, string>) =>
      answer(code === 408 ? 200 : code, { ok: false, error_code: code, description }, headers);
    if (!match) return fail(404, 'Not Found');
    if (match[1] !== this.options.token) return fail(401, 'Unauthorized');
    const failure = this.failures.get(call.method)?.shift();
    if (failure) {
      if (failure.code === 429) this.rejected429++;
      const headers: Record<string, string> = failure.retryAfter
        ? { 'retry-after': String(failure.retryAfter) }
        : {};
      return fail(failure.code, failure.description, headers);
    }
    const ok = (result: unknown) => answer(200, { ok: true, result });
    switch (call.method) {
      case 'getMe':
        return ok({
          id: '1459232241454765289',
          account_name: 'bot.pulse',
          account_type: 'BASIC',
          can_join_groups: this.options.canJoinGroups ?? false,
        });
      case 'getUpdates':
        return this.poll(res, body, ok, fail);
      case 'setWebhook': {
        if (!/^https?:\/\//.test(String(body.url ?? ''))) return fail(400, 'url is required');
        const secret = String(body.secret_token ?? '');
        if (secret.length < 8 || secret.length > 256)
          return fail(400, 'secret_token must be 8–256 characters');
        this.webhook = { url: body.url, secret };
        for (const release of this.pollers) release();
        ok({ url: body.url, updated_at: Date.now() });
        for (const update of this.queue.splice(0)) void this.deliver(update);
        return;
      }
      case 'deleteWebhook':
        this.webhook = undefined;
        return ok({ url: '', updated_at: Date.now() });
      case 'getWebhookInfo':
        return ok({ url: this.webhook?.url ?? '', updated_at: Date.now() });
      case 'sendMessage':
      case 'sendPhoto': {
        const text = String(call.method === 'sendMessage' ? (body.text ?? '') : (body.caption ?? ''));
        if (!body.chat_id) return fail(400, 'chat_id is required');
        if (call.method === 'sendMessage' && (text.length < 1 || text.length > 2000)) {
          return fail(400, 'text must be 1–2000 characters');
        }
        const message_id = `b${++this.seq}`;
        this.sentMessages.push({ method: call.method, chat_id: String(body.chat_id), text, message_id });
        return ok({ message_id, date: Date.now() });
      }
      case 'sendChatAction':
        return answer(200, { ok: true });
      default:
        return fail(404, 'Method not found');
    }
  }

  private poll(
    res: ServerResponse,
    body: Body,
    ok: (result: unknown) => void,
    fail: (code: number, description: string) => void,
  ): void {
    if (this.webhook) {
      fail(409, 'Conflict: webhook is active, use deleteWebhook first');
      return;
    }
    const queued = this.queue.shift();
    if (queued) {
      ok(queued);
      return;
    }
    const seconds = Math.min(Number(body.timeout ?? 30) || 30, 30);
    const release = (update?: ZaloFakeUpdate) => {
      clearTimeout(timer);
      this.pollers.delete(release);
      if (update && res.destroyed) {
        this.queue.unshift(update);
        return;
      }
      if (update) ok(update);
      else fail(408, 'Request timeout');
    };
    const timer = setTimeout(() => release(), seconds * 1000);
    // The client gave up (aborted at stop): the next update waits in the queue instead.
    res.once('close', () => {
      clearTimeout(timer);
      this.pollers.delete(release);
    });
    this.pollers.add(release);
  }
}

export async function startFakeZalo(options: FakeZaloOptions): Promise<FakeZalo> {
  return new FakeZalo(options).start();
}

async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
