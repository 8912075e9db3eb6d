/**
 * A fake Zalo Official Account for end-to-end tests, over real HTTP. One server plays both the
 * Open API (`/v2.0/oa/getoa`, `/v3.0/oa/message/cs`, `/v3.0/oa/group/message`,
 * `/v3.0/oa/user/detail`; the token in an `access_token` header; `{ error: 0, data }` or
 * `{ error: -216 }` for a bad or expired token) and the OAuth server (`/v4/oa/access_token`: the app
 * id, the `secret_key` header, a single-use refresh token). It posts webhooks to Pulse signed as the
 * OA does (X-ZEvent-Signature: mac=sha256(app id + body + timestamp + OA secret key)), and can
 * expire the access token or refuse sends for quota.
 *
 *   const oa = await startFakeZaloOa({ appId: '1234567890', ... });
 *   oa.connect(`http://127.0.0.1:${port}/zalo-oa/webhook`);
 *   await oa.groupText({ from: 'u1', group: 'g1', text: '/link CB1' });
 */
import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeZaloOaOptions {
  appId: string;
  appSecret: string;
  oaSecretKey: string;
  /** The refresh token Pulse is configured with. */
  refreshToken: string;
  /** Lifetime of issued access tokens (seconds); Zalo's is 90,000. */
  expiresIn?: number;
  /** Display names by user id (`/v3.0/oa/user/detail`). */
  users?: Record<string, string>;
  /** Delay of each OAuth answer, so two renewals can overlap. */
  oauthDelayMs?: number;
}

export interface OaSent {
  to: 'user' | 'group';
  id: string;
  text: string;
  messageId: string;
}

export class FakeZaloOa {
  root = '';
  readonly sentMessages: OaSent[] = [];
  /** Every call: path, status, the error code answered. */
  readonly calls: { path: string; error: number }[] = [];
  /** Successful and refused OAuth renewals. */
  renewals = 0;
  refusedRenewals = 0;
  readonly webhookStatuses: number[] = [];

  private readonly server = createServer((req, res) => void this.onRequest(req, res));
  private readonly events = new EventEmitter().setMaxListeners(0);
  private refreshToken: string;
  private accessToken: string | undefined;
  private accessExpiresAt = 0;
  private webhookUrl?: string;
  private readonly failures: { code: number; message: string }[] = [];
  private seq = 0;

  constructor(private readonly options: FakeZaloOaOptions) {
    this.refreshToken = options.refreshToken;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.root = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    const closed = new Promise((resolve) => this.server.close(resolve));
    setImmediate(() => this.server.closeAllConnections());
    await closed;
  }

  /** Where the OA posts webhooks (the URL set in the app's Webhook page). */
  connect(url: string): void {
    this.webhookUrl = url;
  }

  /** The current access token stops working at once (as after its 25 hours). */
  expireAccessToken(): void {
    this.accessExpiresAt = 0;
  }

  /** The next sends are refused with this error (e.g. -211 out of quota). */
  failNext(code: number, message = 'Out of quota', times = 1): void {
    for (let i = 0; i < times; i++) this.failures.push({ code, message });
  }

  sent(id: string): OaSent[] {
    return this.sentMessages.filter((m) => m.id === id);
  }

  userText(options: { from: string; text: string; name?: string }): Promise<number> {
    return this.post({
      event_name: 'user_send_text',
      sender: { id: options.from },
      recipient: { id: 'oa-1' },
      message: { msg_id: this.nextMsgId(), text: options.text },
    });
  }

  groupText(options: { from: string; group: string; text: string }): Promise<number> {
    return this.post({
      event_name: 'user_send_group_text',
      sender: { id: options.from },
      recipient: { id: options.group },
      message: { msg_id: this.nextMsgId(), text: options.text, conversation_id: options.group },
    });
  }

  memberEvent(kind: 'user_join_group' | 'user_out_group', options: { user: string; group: string }) {
    return this.post({ event_name: kind, sender: { id: options.user }, recipient: { id: options.group } });
  }

  /** Signs and posts an event (app_id and timestamp added); `timestamp` may be set for stale tests. */
  post(
    event: Record<string, unknown>,
    options: { timestamp?: number; secret?: string } = {},
  ): Promise<number> {
    const timestamp = String(options.timestamp ?? Date.now());
    const body = JSON.stringify({ app_id: this.options.appId, ...event, timestamp });
    const mac = createHash('sha256')
      .update(`${this.options.appId}${body}${timestamp}${options.secret ?? this.options.oaSecretKey}`)
      .digest('hex');
    return this.postRaw(body, { 'x-zevent-signature': `mac=${mac}` });
  }

  async postRaw(body: string, headers: Record<string, string>): Promise<number> {
    if (!this.webhookUrl) throw new Error('FakeZaloOa: connect() a webhook URL first');
    const response = await fetch(this.webhookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
    await response.arrayBuffer();
    this.webhookStatuses.push(response.status);
    return response.status;
  }

  waitUntil<T>(check: () => T | undefined | null | false, timeoutMs = 5000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const test = () => {
        const value = check();
        if (!value) return;
        cleanup();
        resolve(value);
      };
      const timer = setTimeout(() => {
        cleanup();
        const recent = this.sentMessages
          .slice(-5)
          .map((m) => `  ${m.to}:${m.id} ${m.text.slice(0, 100)}`)
          .join('\n');
        reject(new Error(`FakeZaloOa: timed out; last sends:\n${recent}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.events.off('change', test);
      };
      this.events.on('change', test);
      test();
    });
  }

  private nextMsgId(): string {
    return `msg${++this.seq}${randomBytes(3).toString('hex')}`;
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.root);
    const answer = (status: number, body: object, error = 0) => {
      this.calls.push({ path: url.pathname, error });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
      this.events.emit('change');
    };

    if (url.pathname === '/v4/oa/access_token' && req.method === 'POST') {
      if (this.options.oauthDelayMs) await new Promise((r) => setTimeout(r, this.options.oauthDelayMs));
      const form = new URLSearchParams(raw);
      const valid =
        req.headers.secret_key === this.options.appSecret &&
        form.get('app_id') === this.options.appId &&
        form.get('grant_type') === 'refresh_token' &&
        form.get('refresh_token') === this.refreshToken;
      if (!valid) {
        this.refusedRenewals++;
        return answer(
          200,
          { error: -14014, error_name: 'Invalid refresh token', error_description: 'Invalid refresh token' },
          -14014,
        );
      }
      this.renewals++;
      this.refreshToken = `rt-${randomBytes(12).toString('hex')}`;
      this.accessToken = `at-${randomBytes(12).toString('hex')}`;
      const expiresIn = this.options.expiresIn ?? 90_000;
      this.accessExpiresAt = Date.now() + expiresIn * 1000;
      return answer(200, {
        access_token: this.accessToken,
        refresh_token: this.refreshToken,
        expires_in: String(expiresIn),
      });
    }

    const token = req.headers.access_token;
    if (!this.accessToken || token !== this.accessToken || Date.now() >= this.accessExpiresAt) {
      return answer(200, { error: -216, message: 'Access token is invalid' }, -216);
    }
    if (url.pathname === '/v2.0/oa/getoa') {
      return answer(200, { error: 0, message: 'Success', data: { oa_id: 'oa-1', name: 'Pulse OA' } });
    }
    if (url.pathname === '/v3.0/oa/user/detail') {
      const data = JSON.parse(url.searchParams.get('data') ?? '{}') as { user_id?: string };
      const name = data.user_id ? this.options.users?.[data.user_id] : undefined;
      if (!name) return answer(200, { error: -213, message: 'User has not followed the OA' }, -213);
      return answer(200, { error: 0, data: { user_id: data.user_id, display_name: name } });
    }
    const toUser = url.pathname === '/v3.0/oa/message/cs';
    const toGroup = url.pathname === '/v3.0/oa/group/message';
    if ((toUser || toGroup) && req.method === 'POST') {
      const failure = this.failures.shift();
      if (failure) return answer(200, { error: failure.code, message: failure.message }, failure.code);
      const body = JSON.parse(raw) as {
        recipient?: { user_id?: string; group_id?: string };
        message?: { text?: string };
      };
      const id = toUser ? body.recipient?.user_id : body.recipient?.group_id;
      const text = body.message?.text;
      if (!id || typeof text !== 'string' || text.length === 0 || text.length > 2000) {
        return answer(200, { error: -201, message: 'Parameter is invalid' }, -201);
      }
      const messageId = `oam${++this.seq}`;
      this.sentMessages.push({ to: toUser ? 'user' : 'group', id, text, messageId });
      return answer(200, { error: 0, message: 'Success', data: { message_id: messageId } });
    }
    return answer(404, { error: -404, message: 'not found' }, -404);
  }
}

export async function startFakeZaloOa(options: FakeZaloOaOptions): Promise<FakeZaloOa> {
  return new FakeZaloOa(options).start();
}
