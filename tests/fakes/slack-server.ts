/**
 * A fake Slack for end-to-end tests, both sides of it over real HTTP:
 *
 * - the Web API the bot calls (`clientOptions.slackApiUrl: fake.apiUrl`): auth.test,
 *   chat.postMessage / update / postEphemeral, conversations.open, users.info, views.publish (the
 *   Home tab of each user, kept in `homes`), with Slack's
 *   argument checks (text and Block Kit limits), token check, and injectable failures (429 with
 *   Retry-After, platform errors);
 * - Slack calling the app: signed Events API callbacks, slash commands and block_actions posted
 *   to the app's request URL (`fake.connect(url, signingSecret)`), with response_urls served here.
 *
 * What a user sees is in `deliveries` (channel messages, edits, ephemerals), oldest first.
 *
 *   const slack = await startFakeSlack({ token: 'xoxb-test' });
 *   slack.connect(`http://127.0.0.1:${port}/slack/events`, SECRET);
 *   await slack.slashCommand({ user: 'U1', channel: 'C1', text: 'help' });
 *   await slack.waitForDelivery((d) => d.user === 'U1');
 */
import { createHmac } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// biome-ignore lint/suspicious/noExplicitAny: request bodies are untyped
export type Body = Record<string, any>;

export interface SlackUser {
  id: string;
  name: string;
  real_name?: string;
  display_name?: string;
  locale?: string;
}

export interface RecordedCall {
  method: string;
  body: Body;
  at: number;
  status?: number;
  response?: Body;
}

export interface ButtonSpec {
  action_id: string;
  block_id: string;
  label: string;
  value: string;
}

/** Something a user can see: a message in a channel, an edit of one, or an ephemeral to one user. */
export interface Delivery {
  kind: 'message' | 'update' | 'ephemeral';
  channel: string;
  /** For ephemerals: the only user who sees it. */
  user?: string;
  ts: string;
  text: string;
  blocks?: Body[];
  buttons: ButtonSpec[];
  via: 'api' | 'response_url';
}

export type FailSpec = { status: 429; retryAfter?: number } | { error: string };

export interface SignOptions {
  /** Unix seconds; default now. */
  timestamp?: number;
  /** Sign with this secret instead of the connected one (a forged request). */
  secret?: string;
  retryNum?: number;
}

const TEAM = { id: 'T0PULSE', domain: 'pulse-test' };
const BOT = { user_id: 'UBOT', bot_id: 'BBOT', app_id: 'A0PULSE' };

export class FakeSlack {
  url = '';
  readonly calls: RecordedCall[] = [];
  readonly deliveries: Delivery[] = [];
  /** Answers of the app to the requests Slack posted to it. */
  readonly appResponses: { kind: string; status: number; body: string }[] = [];
  rejected429 = 0;
  /** The Home tab each user would see: the last view published for them, and how many were. */
  readonly homes = new Map<string, { view: Body; published: number }>();

  private readonly server = createServer((req, res) => void this.onRequest(req, res));
  private readonly events = new EventEmitter().setMaxListeners(0);
  private readonly users = new Map<string, SlackUser>();
  private readonly channels = new Map<string, { name: string }>();
  private readonly messages = new Map<string, Delivery>();
  private readonly failures = new Map<string, FailSpec[]>();
  private readonly responseUrls = new Map<string, { channel: string; user: string; uses: number }>();
  private app?: { url: string; secret: string };
  private seq = 0;

  constructor(private readonly token: string) {}

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    const closed = new Promise((resolve) => this.server.close(resolve));
    this.server.closeIdleConnections();
    const force = setTimeout(() => this.server.closeAllConnections(), 200).unref();
    await closed;
    clearTimeout(force);
  }

  /** Where Slack posts events, commands and interactivity for the app, and its signing secret. */
  connect(requestUrl: string, signingSecret: string): void {
    this.app = { url: requestUrl, secret: signingSecret };
  }

  addUser(user: SlackUser): void {
    this.users.set(user.id, user);
  }

  addChannel(id: string, name: string): void {
    this.channels.set(id, { name });
  }

  /** Answers the next `times` calls of `method` with a failure instead of running it. */
  failNext(method: string, spec: FailSpec, times = 1): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), ...Array(times).fill(spec)]);
  }

  // ---- Slack → app ----

  /** Posts a signed request as Slack does; resolves with the app's HTTP status. */
  async post(
    kind: 'event' | 'command' | 'interactivity',
    body: Body,
    options: SignOptions = {},
  ): Promise<number> {
    if (!this.app) throw new Error('FakeSlack: connect(requestUrl, signingSecret) first');
    const raw =
      kind === 'event'
        ? JSON.stringify(body)
        : kind === 'interactivity'
          ? new URLSearchParams({ payload: JSON.stringify(body) }).toString()
          : new URLSearchParams(body as Record<string, string>).toString();
    const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
    const signature = `v0=${createHmac('sha256', options.secret ?? this.app.secret)
      .update(`v0:${timestamp}:${raw}`)
      .digest('hex')}`;
    const response = await fetch(this.app.url, {
      method: 'POST',
      headers: {
        'content-type': kind === 'event' ? 'application/json' : 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': timestamp,
        'x-slack-signature': signature,
        ...(options.retryNum
          ? { 'x-slack-retry-num': String(options.retryNum), 'x-slack-retry-reason': 'http_timeout' }
          : {}),
      },
      body: raw,
    });
    const text = await response.text();
    this.appResponses.push({ kind, status: response.status, body: text });
    return response.status;
  }

  /** An Events API callback; the same `eventId` with `retryNum` is how Slack retries. */
  sendEvent(event: Body, options: SignOptions & { eventId?: string } = {}): Promise<number> {
    return this.post(
      'event',
      {
        token: 'verification-token-unused',
        team_id: TEAM.id,
        api_app_id: BOT.app_id,
        event: { event_ts: this.nextTs(), ...event },
        type: 'event_callback',
        event_id: options.eventId ?? `Ev${++this.seq}`,
        event_time: Math.floor(Date.now() / 1000),
      },
      options,
    );
  }

  /** A person writes in a channel (`channelType` "channel") or in the DM with the bot ("im"). */
  message(
    o: { user: string; channel: string; text: string; channelType?: 'channel' | 'group' | 'im' },
    options: SignOptions & { eventId?: string } = {},
  ): Promise<number> {
    return this.sendEvent(
      {
        type: 'message',
        user: o.user,
        text: o.text,
        channel: o.channel,
        channel_type: o.channelType ?? (o.channel.startsWith('D') ? 'im' : 'channel'),
        ts: this.nextTs(),
      },
      options,
    );
  }

  /** `/pulse <text>` typed by `user` in `channel`. */
  slashCommand(
    o: { user: string; channel: string; text: string },
    options: SignOptions = {},
  ): Promise<number> {
    const user = this.users.get(o.user);
    const channelName = o.channel.startsWith('D')
      ? 'directmessage'
      : (this.channels.get(o.channel)?.name ?? 'general');
    return this.post(
      'command',
      {
        token: 'verification-token-unused',
        team_id: TEAM.id,
        team_domain: TEAM.domain,
        channel_id: o.channel,
        channel_name: channelName,
        user_id: o.user,
        user_name: user?.name ?? o.user.toLowerCase(),
        command: '/pulse',
        text: o.text,
        api_app_id: BOT.app_id,
        response_url: this.newResponseUrl(o.channel, o.user),
        trigger_id: `${++this.seq}.trigger`,
      },
      options,
    );
  }

  /** The user clicks the button labelled `label` on the latest message they can see that has it. */
  async pressButton(o: { user: string; label: string }, options: SignOptions = {}): Promise<number> {
    const seen = this.visibleTo(o.user).reverse();
    const message = seen.find((d) => d.buttons.some((b) => b.label === o.label));
    if (!message) throw new Error(`FakeSlack: no message visible to ${o.user} has a button "${o.label}"`);
    const button = message.buttons.find((b) => b.label === o.label)!;
    return this.pressExact({ user: o.user, message, button }, options);
  }

  pressExact(
    o: { user: string; message: Delivery; button: ButtonSpec },
    options: SignOptions = {},
  ): Promise<number> {
    const { message, button } = o;
    const user = this.users.get(o.user);
    return this.post(
      'interactivity',
      {
        type: 'block_actions',
        user: { id: o.user, username: user?.name, name: user?.name, team_id: TEAM.id },
        api_app_id: BOT.app_id,
        token: 'verification-token-unused',
        container: {
          type: 'message',
          message_ts: message.ts,
          channel_id: message.channel,
          is_ephemeral: message.kind === 'ephemeral',
        },
        trigger_id: `${++this.seq}.trigger`,
        team: TEAM,
        channel: { id: message.channel, name: this.channels.get(message.channel)?.name ?? 'directmessage' },
        message:
          message.kind === 'ephemeral'
            ? undefined
            : { ts: message.ts, text: message.text, blocks: message.blocks },
        response_url: this.newResponseUrl(message.channel, o.user),
        actions: [
          {
            type: 'button',
            action_id: button.action_id,
            block_id: button.block_id,
            text: { type: 'plain_text', text: button.label },
            value: button.value,
            action_ts: this.nextTs(),
          },
        ],
      },
      options,
    );
  }

  /** The user opens the app's Home tab (Slack sends app_home_opened each time). */
  openHome(user: string, options: SignOptions & { eventId?: string } = {}): Promise<number> {
    return this.sendEvent({ type: 'app_home_opened', user, channel: this.dmOf(user), tab: 'home' }, options);
  }

  /** The user clicks the button labelled `label` on their Home tab (no channel, no response_url). */
  pressHome(o: { user: string; label: string; nth?: number }): Promise<number> {
    const home = this.homes.get(o.user);
    if (!home) throw new Error(`FakeSlack: ${o.user} has no Home tab yet`);
    const buttons = buttonsOf(home.view.blocks).filter((b) => b.label === o.label);
    const button = buttons[o.nth ?? 0];
    if (!button) throw new Error(`FakeSlack: the Home tab of ${o.user} has no button "${o.label}"`);
    const user = this.users.get(o.user);
    return this.post('interactivity', {
      type: 'block_actions',
      user: { id: o.user, username: user?.name, name: user?.name, team_id: TEAM.id },
      api_app_id: BOT.app_id,
      token: 'verification-token-unused',
      container: { type: 'view', view_id: `V${o.user}` },
      trigger_id: `${++this.seq}.trigger`,
      team: TEAM,
      view: { id: `V${o.user}`, type: 'home', blocks: home.view.blocks },
      actions: [
        {
          type: 'button',
          action_id: button.action_id,
          block_id: button.block_id,
          text: { type: 'plain_text', text: button.label },
          value: button.value,
          action_ts: this.nextTs(),
        },
      ],
    });
  }

  /** Every text of the user's Home tab, one block a line (what the user reads there). */
  homeText(user: string): string {
    const view = this.homes.get(user)?.view;
    if (!view) return '';
    return (view.blocks as Body[])
      .flatMap((b) => [b.text?.text, ...(b.elements ?? []).map((e: Body) => e.text?.text ?? e.text)])
      .filter((text): text is string => typeof text === 'string')
      .join('\n');
  }

  // ---- What users see ----

  /** Messages in channels the user is in (every channel, in this fake), in their DM, and ephemerals to them. */
  visibleTo(user: string, channel?: string): Delivery[] {
    return this.deliveries.filter(
      (d) =>
        (d.kind === 'ephemeral'
          ? d.user === user
          : !d.channel.startsWith('D') || d.channel === this.dmOf(user)) &&
        (channel === undefined || d.channel === channel),
    );
  }

  /** The DM channel id of the bot with `user`. */
  dmOf(user: string): string {
    return `D${user}`;
  }

  waitForDelivery(
    predicate: (delivery: Delivery) => boolean,
    opts: { since?: number; timeoutMs?: number } = {},
  ): Promise<Delivery> {
    return this.waitUntil(() => this.deliveries.slice(opts.since ?? 0).find(predicate), opts.timeoutMs);
  }

  waitForCall(predicate: (call: RecordedCall) => boolean, opts: { since?: number; timeoutMs?: number } = {}) {
    return this.waitUntil(() => this.calls.slice(opts.since ?? 0).find(predicate), opts.timeoutMs);
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
          .map((c) => `  ${c.method} → ${JSON.stringify(c.response).slice(0, 160)}`)
          .join('\n');
        reject(
          new Error(`FakeSlack: timed out after ${timeoutMs} ms.\nRecent calls:\n${recent || '  (none)'}`),
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

  // ---- The Web API ----

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', this.url).pathname;
    const raw = await readAll(req);
    if (path.startsWith('/respond/')) return this.onResponseUrl(path.slice('/respond/'.length), raw, res);
    const method = path.replace(/^\/api\//, '');
    const body = parseBody(raw, String(req.headers['content-type'] ?? ''));
    const call: RecordedCall = { method, body, at: Date.now() };
    this.calls.push(call);
    const answer = (status: number, response: Body, headers: Record<string, string> = {}) => {
      call.status = status;
      call.response = response;
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(response));
      this.events.emit('change');
    };
    const failure = this.failures.get(method)?.shift();
    if (failure && 'status' in failure) {
      this.rejected429++;
      return answer(
        429,
        { ok: false, error: 'ratelimited' },
        { 'retry-after': String(failure.retryAfter ?? 1) },
      );
    }
    if (failure) return answer(200, { ok: false, error: failure.error });
    const auth = String(req.headers.authorization ?? '');
    if (auth !== `Bearer ${this.token}` && body.token !== this.token) {
      return answer(200, { ok: false, error: 'invalid_auth' });
    }
    try {
      answer(200, { ok: true, ...this.run(method, body) });
    } catch (error) {
      answer(200, { ok: false, error: (error as Error).message });
    }
  }

  private run(method: string, body: Body): Body {
    switch (method) {
      case 'auth.test':
        return {
          url: `https://${TEAM.domain}.slack.com/`,
          team: 'Pulse Test',
          user: 'pulse',
          team_id: TEAM.id,
          ...BOT,
        };
      case 'chat.postMessage': {
        const channel = this.resolveChannel(body.channel);
        const delivery = this.deliver('message', channel, body);
        return {
          channel,
          ts: delivery.ts,
          message: { text: delivery.text, ts: delivery.ts, user: BOT.user_id },
        };
      }
      case 'chat.update': {
        const existing = this.messages.get(`${body.channel}:${body.ts}`);
        if (!existing) throw new Error('message_not_found');
        const delivery = this.deliver('update', body.channel, body, body.ts);
        this.messages.set(`${body.channel}:${body.ts}`, { ...delivery, kind: 'message' });
        return { channel: body.channel, ts: body.ts, text: delivery.text };
      }
      case 'chat.postEphemeral': {
        if (!body.user) throw new Error('user_not_found');
        const delivery = this.deliver(
          'ephemeral',
          this.resolveChannel(body.channel),
          body,
          undefined,
          body.user,
        );
        return { message_ts: delivery.ts };
      }
      case 'conversations.open': {
        const user = String(body.users ?? '').split(',')[0];
        if (!user || !this.users.has(user)) throw new Error('user_not_found');
        return { channel: { id: this.dmOf(user) } };
      }
      case 'views.publish': {
        const view = parseJson(body.view) as Body | undefined;
        if (!body.user_id || !this.users.has(body.user_id)) throw new Error('user_not_found');
        checkView(view);
        const published = (this.homes.get(body.user_id)?.published ?? 0) + 1;
        this.homes.set(body.user_id, { view: view!, published });
        this.events.emit('change');
        return { view: { id: `V${body.user_id}`, type: 'home', ...view } };
      }
      case 'users.info': {
        const user = this.users.get(body.user);
        if (!user) throw new Error('user_not_found');
        return {
          user: {
            id: user.id,
            team_id: TEAM.id,
            name: user.name,
            real_name: user.real_name ?? user.name,
            profile: { display_name: user.display_name ?? '', real_name: user.real_name ?? user.name },
            ...(body.include_locale ? { locale: user.locale ?? 'vi-VN' } : {}),
          },
        };
      }
      default:
        throw new Error('unknown_method');
    }
  }

  private onResponseUrl(id: string, raw: string, res: ServerResponse): void {
    const target = this.responseUrls.get(id);
    if (!target || target.uses <= 0) {
      res.writeHead(404).end('expired_url');
      return;
    }
    target.uses--;
    const body = JSON.parse(raw) as Body;
    try {
      checkContent(body);
    } catch (error) {
      res.writeHead(400).end((error as Error).message);
      return;
    }
    const kind = body.response_type === 'in_channel' ? 'message' : 'ephemeral';
    this.deliver(
      kind,
      target.channel,
      body,
      undefined,
      kind === 'ephemeral' ? target.user : undefined,
      'response_url',
    );
    res.writeHead(200).end('ok');
  }

  private deliver(
    kind: Delivery['kind'],
    channel: string,
    body: Body,
    ts = this.nextTs(),
    user?: string,
    via: Delivery['via'] = 'api',
  ): Delivery {
    checkContent(body);
    const blocks = parseJson(body.blocks) as Body[] | undefined;
    const delivery: Delivery = {
      kind,
      channel,
      user,
      ts,
      text: String(body.text ?? ''),
      blocks,
      buttons: buttonsOf(blocks),
      via,
    };
    this.deliveries.push(delivery);
    if (kind === 'message') this.messages.set(`${channel}:${ts}`, delivery);
    this.events.emit('change');
    return delivery;
  }

  private resolveChannel(channel: string | undefined): string {
    if (!channel) throw new Error('channel_not_found');
    if (/^[UW]/.test(channel)) {
      if (!this.users.has(channel)) throw new Error('channel_not_found');
      return this.dmOf(channel);
    }
    return channel;
  }

  private newResponseUrl(channel: string, user: string): string {
    const id = `R${++this.seq}`;
    this.responseUrls.set(id, { channel, user, uses: 5 });
    return `${this.url}/respond/${id}`;
  }

  private nextTs(): string {
    return `${1_700_000_000 + ++this.seq}.${String(this.seq).padStart(6, '0')}`;
  }
}

export async function startFakeSlack(options: { token: string; users?: SlackUser[] }): Promise<FakeSlack> {
  const fake = await new FakeSlack(options.token).start();
  for (const user of options.users ?? []) fake.addUser(user);
  return fake;
}

/** Slack's own limits on what chat.postMessage and friends accept. */
function checkContent(body: Body): void {
  const text = body.text === undefined ? '' : String(body.text);
  const blocks = parseJson(body.blocks) as Body[] | undefined;
  if (!text && !blocks?.length) throw new Error('no_text');
  if (text.length > 40_000) throw new Error('msg_too_long');
  if (!blocks) return;
  if (blocks.length > 50) throw new Error('invalid_blocks');
  const actionIds = new Set<string>();
  for (const block of blocks) {
    if (block.type === 'section' && (!block.text?.text || block.text.text.length > 3000))
      throw new Error('invalid_blocks');
    if (block.type !== 'actions') continue;
    if (!Array.isArray(block.elements) || block.elements.length > 25) throw new Error('invalid_blocks');
    for (const element of block.elements) {
      if (element.text?.text?.length > 75 || String(element.value ?? '').length > 2000)
        throw new Error('invalid_blocks');
      if (actionIds.has(element.action_id)) throw new Error('invalid_blocks');
      actionIds.add(element.action_id);
    }
  }
}

/** Slack's limits on a Home tab view (views.publish answers invalid_arguments otherwise). */
function checkView(view: Body | undefined): void {
  if (view?.type !== 'home' || !Array.isArray(view.blocks)) throw new Error('invalid_arguments');
  if (view.blocks.length > 100) throw new Error('invalid_arguments');
  const actionIds = new Set<string>();
  const blockIds = new Set<string>();
  for (const block of view.blocks as Body[]) {
    if (block.block_id !== undefined) {
      if (String(block.block_id).length > 255 || blockIds.has(block.block_id))
        throw new Error('invalid_arguments');
      blockIds.add(block.block_id);
    }
    if (block.type === 'header' && (!block.text?.text || block.text.text.length > 150))
      throw new Error('invalid_arguments');
    if (block.type === 'section' && (!block.text?.text || block.text.text.length > 3000))
      throw new Error('invalid_arguments');
    if (block.type !== 'actions') continue;
    if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 25)
      throw new Error('invalid_arguments');
    for (const element of block.elements) {
      if (element.text?.text?.length > 75 || String(element.value ?? '').length > 2000)
        throw new Error('invalid_arguments');
      if (String(element.action_id).length > 255 || actionIds.has(element.action_id))
        throw new Error('invalid_arguments');
      actionIds.add(element.action_id);
    }
  }
}

function buttonsOf(blocks: Body[] | undefined): ButtonSpec[] {
  return (blocks ?? [])
    .filter((b) => b.type === 'actions')
    .flatMap((b) =>
      (b.elements as Body[])
        .filter((e) => e.type === 'button')
        .map((e) => ({ action_id: e.action_id, block_id: b.block_id, label: e.text.text, value: e.value })),
    );
}

function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function parseBody(raw: string, contentType: string): Body {
  if (contentType.includes('application/json')) return raw ? JSON.parse(raw) : {};
  return Object.fromEntries(new URLSearchParams(raw));
}

async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
