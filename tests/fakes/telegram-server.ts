/**
 * A fake Telegram Bot API server for end-to-end tests. It speaks the real HTTP protocol, so the
 * real grammY client can use it: `new Bot(token, { client: { apiRoot: fake.apiRoot } })`.
 * It keeps chats, messages, polls, commands and an update queue in memory, records every call,
 * and can inject updates, failures (429/4xx) and rate limits.
 */
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Api, Context } from 'grammy';

export type Update = Context['update'];
export type Message = NonNullable<Context['msg']>;
export type Chat = Message['chat'];
export type User = NonNullable<Context['from']>;
export type BotInfo = Context['me'];
export type BotCommand = Awaited<ReturnType<Api['getMyCommands']>>[number];
export type Poll = Awaited<ReturnType<Api['stopPoll']>>;
// biome-ignore lint/suspicious/noExplicitAny: request bodies are untyped JSON from the client
export type Body = Record<string, any>;

export interface UploadedFile {
  field: string;
  filename: string;
  size: number;
}
export interface RecordedCall {
  method: string;
  token: string;
  body: Body;
  /** Date.now() when the request arrived. */
  at: number;
  /** HTTP status of the answer, once it was sent. */
  status?: number;
  result?: unknown;
  /** Uploaded files of a multipart request, by payload field (e.g. `photo`). */
  files?: Record<string, UploadedFile>;
  /** Which of `rateLimit`'s limits refused the call with 429, if one did. */
  limitedBy?: 'global' | 'chat';
}
export type FailSpec = { status: 429; retryAfter?: number } | { status: number; description?: string };
export interface UserSpec {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}
export interface WebhookDelivery {
  update_id: number;
  attempt: number;
  /** HTTP status from the webhook, 0 when the connection failed. */
  status: number;
  at: number;
}
export interface FakeTelegramOptions {
  botInfo?: Partial<BotInfo>;
  /** Delivery attempts per update before it is dropped (default 3). */
  webhookAttempts?: number;
  webhookRetryDelayMs?: number;
  /**
   * Webhook requests in flight at once (Telegram's `max_connections`, up to 100); default 1, one
   * update after another in order.
   */
  webhookConnections?: number;
}
type MemberStatus = 'creator' | 'administrator' | 'member' | 'restricted' | 'left' | 'kicked';

class ApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}
const bad = (description: string) => new ApiError(400, `Bad Request: ${description}`);
const conflict = (description: string) => new ApiError(409, `Conflict: ${description}`);
const DEFAULT_ALLOWED = new Set(['message_reaction', 'message_reaction_count', 'chat_member']);
const UNCHANGED =
  'message is not modified: specified new message content and reply markup are exactly the same as a content and reply markup of the current message';
const HTML_TAGS = new Set(
  'b strong i em u ins s strike del span tg-spoiler a tg-emoji code pre blockquote'.split(' '),
);
/** Accepted and answered with `true`, nothing else. */
const NOOP_METHODS = [
  'sendChatAction',
  'setMyDescription',
  'setMyShortDescription',
  'setMyName',
  'setChatMenuButton',
  'setMessageReaction',
  'pinChatMessage',
  'unpinChatMessage',
];
const now = () => Math.floor(Date.now() / 1000);
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Key of `commandsByScope`: `default`, `all_group_chats`, `chat:-100123`, `chat_member:-100123:42`, plus `@en`. */
export function scopeKey(
  scope?: { type: string; chat_id?: number | string; user_id?: number },
  lang?: string,
) {
  const parts = [scope?.type ?? 'default', scope?.chat_id, scope?.user_id].filter((p) => p !== undefined);
  return parts.join(':') + (lang ? `@${lang}` : '');
}

/** Rejects text that Telegram would refuse to parse (a useful subset of its rules). */
function checkEntities(text: string, mode?: string) {
  const fail = (why: string) => bad(`can't parse entities: ${why}`);
  if (mode === 'HTML') {
    const open: string[] = [];
    for (const m of text.matchAll(/<(\/?)([^\s>/]*)[^>]*(>?)/g)) {
      const [, close, tag = '', end] = m;
      if (!end || !HTML_TAGS.has(tag.toLowerCase()))
        throw fail(`Unsupported start tag "${tag}" at byte offset ${m.index}`);
      if (!close) open.push(tag);
      else if (open.pop() !== tag) throw fail(`Can't find end tag corresponding to start tag "${tag}"`);
    }
    if (open.length) throw fail(`Can't find end tag corresponding to start tag "${open.at(-1)}"`);
  } else if (mode === 'MarkdownV2') {
    const plain = text.replace(/```[\s\S]*?```|`[^`]*`|\]\((?:\\.|[^)\\])*\)|!(?=\[)/g, '');
    const m = /(?<!\\)(?:\\\\)*([.!\-=+#{}])/.exec(plain);
    if (m) throw fail(`Character '${m[1]}' is reserved and must be escaped with the preceding '\\'`);
  }
}

/** Reads `name`/`filename` parts of a multipart/form-data body (as grammY sends it). */
function parseMultipart(raw: Buffer, boundary: string) {
  const fields: Body = {};
  const files: Record<string, UploadedFile> = {};
  const delim = Buffer.from(`--${boundary}`);
  let pos = raw.indexOf(delim);
  while (pos !== -1) {
    const start = pos + delim.length;
    const next = raw.indexOf(delim, start);
    if (next === -1 || raw.subarray(start, start + 2).toString() === '--') break;
    const part = raw.subarray(start + 2, next - 2);
    const sep = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, sep).toString();
    const data = part.subarray(sep + 4);
    const name = /name="([^"]*)"/i.exec(head)?.[1] ?? '';
    const filename = /filename="?([^";\r\n]*)/i.exec(head)?.[1];
    if (filename !== undefined) files[name] = { field: name, filename, size: data.length };
    else {
      const value = data.toString();
      const numeric = name.endsWith('_id') && /^-?\d+$/.test(value);
      fields[name] = /^[[{]/.test(value) || numeric ? JSON.parse(value) : value;
    }
    pos = next;
  }
  return { fields, files };
}

interface Waiter {
  finish(error?: ApiError): void;
}
type Handler = (body: Body, call: RecordedCall, res: ServerResponse) => unknown;

export class FakeTelegram {
  readonly botInfo: BotInfo;
  apiRoot = '';
  readonly calls: RecordedCall[] = [];
  readonly callbackAnswers: Array<{
    callback_query_id: string;
    text?: string;
    show_alert?: boolean;
    url?: string;
  }> = [];
  readonly commandsByScope = new Map<string, BotCommand[]>();
  readonly webhookDeliveries: WebhookDelivery[] = [];
  readonly uploads: Array<UploadedFile & { method: string; chatId: number }> = [];
  readonly leftChats = new Set<number>();
  /** Users who never opened the DM with the bot: Telegram refuses to message them first (403). */
  readonly neverStarted = new Set<number>();
  /** Number of 429 answers given (rate limiter and injected failures). */
  rejected429 = 0;

  private readonly server = createServer((req, res) => void this.onRequest(req, res));
  private readonly events = new EventEmitter().setMaxListeners(0);
  private readonly abort = new AbortController();
  private pending: Update[] = [];
  private nextUpdateId = 100_000;
  private seq = 0;
  private readonly waiters = new Set<Waiter>();
  private allowed?: string[];
  private webhook?: { url: string; secret?: string; lastError?: { date: number; message: string } };
  private delivering = false;
  private readonly outbox: Message[] = [];
  private readonly messages = new Map<string, Message>();
  private readonly lastMessageId = new Map<number, number>();
  private readonly chats = new Map<number, Chat>();
  private readonly users = new Map<number, User>();
  private readonly members = new Map<string, MemberStatus>();
  private readonly polls = new Map<string, Poll>();
  private readonly callbackIds = new Set<string>();
  private readonly failures = new Map<string, FailSpec[]>();
  private limiter?: {
    perSecond: number;
    perChatPerSecond?: number;
    retryAfter: number;
    times: number[];
    byChat: Map<string, number[]>;
  };
  private sendLatencyMs = 0;
  private stopped = false;

  constructor(private readonly options: FakeTelegramOptions = {}) {
    this.botInfo = {
      id: 999000,
      is_bot: true,
      first_name: 'Pulse',
      username: 'pulse_test_bot',
      can_join_groups: true,
      can_read_all_group_messages: true,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      ...options.botInfo,
    } as BotInfo;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.apiRoot = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Closes the server; held getUpdates requests are answered with `[]` first. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.abort.abort();
    for (const w of this.waiters) w.finish();
    const closed = new Promise((resolve) => this.server.close(resolve));
    setImmediate(() => this.server.closeIdleConnections()); // once the answers above are flushed
    const force = setTimeout(() => this.server.closeAllConnections(), 200).unref();
    await closed;
    clearTimeout(force);
  }

  // ---- Recording and waiting ----

  /** Messages returned by sendMessage and the edit methods, oldest first. */
  sent(chatId?: number): Message[] {
    return this.outbox.filter((m) => chatId === undefined || m.chat.id === chatId);
  }
  /** Current state of a stored message (sent by the bot or injected). */
  getMessage(chatId: number, messageId: number): Message | undefined {
    return this.messages.get(`${chatId}:${messageId}`);
  }
  setMember(chatId: number, userId: number, status: MemberStatus): void {
    this.members.set(`${chatId}:${userId}`, status);
  }

  /** Answers the next `times` calls of `method` with an error instead of running it. */
  failNext(method: string, spec: FailSpec, times = 1): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), ...Array(times).fill(spec)]);
  }
  /**
   * Answers send* calls beyond `perSecond` in any 1 s window (and, with `perChatPerSecond`, beyond
   * that many to one chat in any 1 s window) with 429; `undefined` turns it off. Only accepted
   * calls count, as Telegram counts them.
   */
  rateLimit(limit?: { perSecond: number; perChatPerSecond?: number; retryAfter?: number }): void {
    this.limiter = limit && {
      perSecond: limit.perSecond,
      perChatPerSecond: limit.perChatPerSecond,
      retryAfter: limit.retryAfter ?? 1,
      times: [],
      byChat: new Map(),
    };
  }

  /** Holds every send* request this long before answering it (a slow network or server). */
  latency(ms: number): void {
    this.sendLatencyMs = ms;
  }

  /** Resolves with the first truthy value of `check`, re-evaluated on every call and webhook delivery. */
  waitUntil<T>(check: () => T | undefined | null | false, opts: { timeoutMs?: number; what?: string } = {}) {
    const { timeoutMs = 5000, what = 'condition' } = opts;
    return new Promise<T>((resolve, reject) => {
      const test = () => {
        try {
          const value = check();
          if (value) done() && resolve(value);
        } catch (error) {
          done() && reject(error);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(`FakeTelegram: timed out after ${timeoutMs} ms waiting for ${what}.\n${this.recent()}`),
        );
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.events.off('change', test);
        return true;
      };
      this.events.on('change', test);
      test();
    });
  }
  /** Resolves with the first recorded call (from index `since`) that satisfies `predicate`. */
  waitFor(predicate: (call: RecordedCall) => boolean, opts: { timeoutMs?: number; since?: number } = {}) {
    return this.waitUntil(() => this.calls.slice(opts.since ?? 0).find(predicate), {
      ...opts,
      what: 'a matching call',
    });
  }
  /** Resolves with all calls of `method` once there are at least `count`. */
  waitForCalls(method: string, count = 1, opts: { timeoutMs?: number } = {}) {
    return this.waitUntil(
      () => {
        const found = this.calls.filter((c) => c.method === method);
        return found.length >= count && found;
      },
      { ...opts, what: `${count} × ${method}` },
    );
  }
  private recent(): string {
    const lines = this.calls.slice(-15).map((c) => {
      const body = JSON.stringify(c.body);
      return `  ${c.method} → ${c.status ?? '…'} ${body.length > 200 ? `${body.slice(0, 200)}…` : body}`;
    });
    return `Recent calls (${this.calls.length} in all):\n${lines.join('\n') || '  (none)'}`;
  }

  // ---- Injecting updates ----

  injectUpdate(partial: Omit<Update, 'update_id'> | Body): Update {
    const update = { update_id: this.nextUpdateId++, ...partial } as Update;
    if (update.callback_query) this.callbackIds.add(update.callback_query.id);
    this.pending.push(update);
    if (this.webhook) void this.deliver();
    else for (const w of this.waiters) w.finish();
    return update;
  }

  /** A user's message; `/command` text gets its bot_command entity. */
  message(o: {
    chatId: number;
    chatType?: Chat['type'];
    chatTitle?: string;
    from: UserSpec;
    text: string;
    replyTo?: number;
  }) {
    const chat = this.userChat(o.chatId, o.from, o.chatType, o.chatTitle);
    const command = o.text.startsWith('/') ? o.text.split(/\s/, 1)[0]! : undefined;
    const msg = this.store(chat, {
      from: this.user(o.from),
      text: o.text,
      ...(command && { entities: [{ type: 'bot_command', offset: 0, length: command.length }] }),
      ...(o.replyTo && { reply_to_message: this.getMessage(o.chatId, o.replyTo) }),
    });
    this.injectUpdate({ message: msg });
    return msg;
  }

  /** A document sent by a user (a scenario file); the bot downloads it with getFile and the file URL. */
  document(o: {
    chatId: number;
    chatType?: Chat['type'];
    from: UserSpec;
    fileName: string;
    content: string | Buffer;
  }) {
    const chat = this.userChat(o.chatId, o.from, o.chatType);
    const fileId = `doc${++this.seq}`;
    const data = Buffer.from(o.content);
    this.uploadedDocuments.set(fileId, { path: `documents/${fileId}_${o.fileName}`, data });
    const msg = this.store(chat, {
      from: this.user(o.from),
      document: { file_id: fileId, file_unique_id: fileId, file_name: o.fileName, file_size: data.length },
    });
    this.injectUpdate({ message: msg });
    return msg;
  }

  /** Documents users sent, by file id (served at /file/bot<token>/<path>). */
  readonly uploadedDocuments = new Map<string, { path: string; data: Buffer }>();

  /** A press on an inline button; returns the callback query id. */
  callback(o: { chatId: number; messageId: number; from: UserSpec; data: string }): string {
    const id = `${Date.now()}${++this.seq}`;
    const message = this.getMessage(o.chatId, o.messageId) ?? {
      message_id: o.messageId,
      date: now(),
      chat: this.chatOf(o.chatId),
      from: this.botUser(),
    };
    const from = this.user(o.from);
    this.injectUpdate({
      callback_query: { id, from, message, chat_instance: String(o.chatId), data: o.data },
    });
    return id;
  }

  /**
   * A user changes their reaction on a message (`message_reaction`, Bot API 7.0): sent only when
   * the bot asked for it in allowed_updates, as Telegram does. `old` is what they had before.
   */
  reaction(o: {
    chatId: number;
    messageId: number;
    from: UserSpec;
    emoji: string[];
    old?: string[];
  }): Update {
    const emoji = (list: string[]) => list.map((e) => ({ type: 'emoji', emoji: e }));
    return this.injectUpdate({
      message_reaction: {
        chat: this.chatOf(o.chatId),
        message_id: o.messageId,
        user: this.user(o.from),
        date: now(),
        old_reaction: emoji(o.old ?? []),
        new_reaction: emoji(o.emoji),
      },
    });
  }

  memberJoined(o: { chatId: number; user: UserSpec; from?: UserSpec; chatTitle?: string }): Message {
    const user = this.user(o.user);
    this.setMember(o.chatId, user.id, user.id === this.botInfo.id ? 'administrator' : 'member');
    if (user.id === this.botInfo.id) this.leftChats.delete(o.chatId);
    const chat = this.userChat(o.chatId, o.user, undefined, o.chatTitle);
    const msg = this.store(chat, { from: this.user(o.from ?? o.user), new_chat_members: [user] });
    this.injectUpdate({ message: msg });
    return msg;
  }

  memberLeft(o: { chatId: number; user: UserSpec; from?: UserSpec }): Message {
    const user = this.user(o.user);
    this.setMember(o.chatId, user.id, 'left');
    const msg = this.store(this.chatOf(o.chatId), {
      from: this.user(o.from ?? o.user),
      left_chat_member: user,
    });
    this.injectUpdate({ message: msg });
    return msg;
  }

  /** A chat_member update (my_chat_member when `user` is the bot). */
  chatMemberUpdate(o: {
    chatId: number;
    user: UserSpec;
    from?: UserSpec;
    oldStatus?: MemberStatus;
    newStatus: MemberStatus;
  }) {
    const user = this.user(o.user);
    this.setMember(o.chatId, user.id, o.newStatus);
    const change = {
      chat: this.chatOf(o.chatId),
      from: this.user(o.from ?? o.user),
      date: now(),
      old_chat_member: { status: o.oldStatus ?? 'left', user },
      new_chat_member: { status: o.newStatus, user },
    };
    return this.injectUpdate(
      user.id === this.botInfo.id ? { my_chat_member: change } : { chat_member: change },
    );
  }

  /** A vote on a poll sent by the bot: a `poll` update, plus `poll_answer` if not anonymous. */
  vote(o: { pollId: string; user: UserSpec; optionIds: number[] }): void {
    const poll = this.polls.get(o.pollId);
    if (!poll) throw new Error(`FakeTelegram: unknown poll ${o.pollId}`);
    for (const i of o.optionIds) poll.options[i]!.voter_count++;
    poll.total_voter_count++;
    this.injectUpdate({ poll: structuredClone(poll) });
    if (!poll.is_anonymous) {
      this.injectUpdate({
        poll_answer: { poll_id: poll.id, user: this.user(o.user), option_ids: o.optionIds },
      });
    }
  }

  // ---- HTTP ----

  private async onRequest(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const download = /^\/file\/bot[^/]+\/(.+)$/.exec(req.url ?? '');
    if (download) {
      const found = [...this.uploadedDocuments.values()].find(
        (d) => d.path === decodeURIComponent(download[1]!),
      );
      if (!found) return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return void res.end(found.data);
    }
    const route = /^\/bot([^/]+)\/([A-Za-z]+)\/?(?:\?|$)/.exec(req.url ?? '');
    if (!route) return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const call: RecordedCall = { method: route[2]!, token: route[1]!, body: {}, at: Date.now() };
    const boundary = /boundary=("?)([^";]+)\1/.exec(req.headers['content-type'] ?? '')?.[2];
    try {
      if (boundary) {
        const { fields, files } = parseMultipart(raw, boundary);
        call.body = fields;
        call.files = {};
        for (const [key, value] of Object.entries(fields)) {
          const file = typeof value === 'string' && files[value.replace(/^attach:\/\//, '')];
          if (file) call.files[key] = { ...file, field: key };
        }
      } else if (raw.length) call.body = JSON.parse(raw.toString());
    } catch {
      return reply(res, 400, {
        ok: false,
        error_code: 400,
        description: 'Bad Request: invalid request body',
      });
    }
    const outcome = (async () => {
      if (this.sendLatencyMs > 0 && call.method.startsWith('send')) await delay(this.sendLatencyMs);
      return this.dispatch(call, res);
    })();
    this.calls.push(call);
    this.events.emit('change');
    try {
      call.result = await outcome;
      call.status = 200;
      reply(res, 200, { ok: true, result: call.result });
    } catch (error) {
      const e = error instanceof ApiError ? error : new ApiError(500, `Internal Server Error: ${error}`);
      call.status = e.code;
      const parameters = e.retryAfter === undefined ? undefined : { retry_after: e.retryAfter };
      reply(res, e.code, { ok: false, error_code: e.code, description: e.message, parameters });
    }
    this.events.emit('change');
  }

  private dispatch(call: RecordedCall, res: ServerResponse): unknown {
    const { method, body } = call;
    const failure = this.failures.get(method)?.shift();
    const limited =
      !failure && this.limiter && method.startsWith('send')
        ? this.overLimit(this.limiter, body.chat_id)
        : undefined;
    if (limited) call.limitedBy = limited;
    if (failure?.status === 429 || limited) {
      this.rejected429++;
      const retryAfter = failure
        ? ('retryAfter' in failure && failure.retryAfter) || 1
        : this.limiter!.retryAfter;
      throw new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, retryAfter);
    }
    if (failure) {
      const description = 'description' in failure && failure.description;
      throw new ApiError(failure.status, description || STATUS_CODES[failure.status] || 'Error');
    }
    const handler = this.handlers[method];
    if (!handler) throw new ApiError(404, 'Not Found: method not found');
    return handler(body, call, res);
  }

  private overLimit(
    limiter: NonNullable<FakeTelegram['limiter']>,
    chatId: unknown,
  ): 'global' | 'chat' | undefined {
    const t = Date.now();
    limiter.times = limiter.times.filter((x) => t - x < 1000);
    if (limiter.times.length >= limiter.perSecond) return 'global';
    if (limiter.perChatPerSecond !== undefined) {
      const key = String(chatId);
      const recent = (limiter.byChat.get(key) ?? []).filter((x) => t - x < 1000);
      if (recent.length >= limiter.perChatPerSecond) return 'chat';
      limiter.byChat.set(key, [...recent, t]);
    }
    limiter.times.push(t);
    return undefined;
  }

  private readonly handlers: Record<string, Handler> = {
    ...Object.fromEntries(NOOP_METHODS.map((m) => [m, () => true])),
    getMe: () => this.botInfo,
    getFile: (b) => {
      const found = this.uploadedDocuments.get(String(b.file_id));
      if (!found) throw bad('invalid file_id');
      return {
        file_id: b.file_id,
        file_unique_id: b.file_id,
        file_size: found.data.length,
        file_path: found.path,
      };
    },
    getUpdates: (b, _call, res) => this.getUpdates(b, res),
    setWebhook: (b) => {
      if (b.drop_pending_updates) this.pending = [];
      if (b.allowed_updates) this.allowed = b.allowed_updates.length ? b.allowed_updates : undefined;
      this.webhook = b.url ? { url: String(b.url), secret: b.secret_token } : undefined;
      for (const w of this.waiters) w.finish(conflict('terminated by setWebhook request'));
      void this.deliver();
      return true;
    },
    deleteWebhook: (b) => {
      if (b.drop_pending_updates) this.pending = [];
      this.webhook = undefined;
      return true;
    },
    getWebhookInfo: () => ({
      url: this.webhook?.url ?? '',
      has_custom_certificate: false,
      pending_update_count: this.pending.length,
      ...(this.webhook?.lastError && {
        last_error_date: this.webhook.lastError.date,
        last_error_message: this.webhook.lastError.message,
      }),
      ...(this.webhook && { max_connections: 40, ...(this.allowed && { allowed_updates: this.allowed }) }),
    }),
    sendMessage: (b) => {
      const text = String(b.text ?? '');
      if (!text.trim()) throw bad('message text is empty');
      if (text.length > 4096) throw bad('message is too long');
      checkEntities(text, b.parse_mode);
      const msg = this.botMessage(b, {
        text,
        ...(b.link_preview_options && { link_preview_options: b.link_preview_options }),
      });
      this.outbox.push(msg);
      return msg;
    },
    editMessageText: (b) => this.edit(b, { text: String(b.text ?? '') }),
    editMessageReplyMarkup: (b) => this.edit(b, {}),
    deleteMessage: (b) => {
      if (!this.messages.delete(`${this.chatId(b)}:${b.message_id}`))
        throw bad('message to delete not found');
      return true;
    },
    answerCallbackQuery: (b) => {
      if (!this.callbackIds.delete(String(b.callback_query_id))) {
        throw bad('query is too old and response timeout expired or query ID is invalid');
      }
      // The Bot API takes 0-200 characters of notification or alert text.
      if (String(b.text ?? '').length > 200) throw bad('MESSAGE_TOO_LONG');
      this.callbackAnswers.push(b as FakeTelegram['callbackAnswers'][number]);
      return true;
    },
    setMyCommands: (b) => {
      const commands = (b.commands ?? []) as BotCommand[];
      if (commands.some((c) => !/^[a-z0-9_]{1,32}$/.test(c.command))) throw bad('BOT_COMMAND_INVALID');
      if (commands.some((c) => !c.description || c.description.length > 256))
        throw bad('BOT_COMMAND_DESCRIPTION_INVALID');
      this.commandsByScope.set(scopeKey(b.scope, b.language_code), commands);
      return true;
    },
    deleteMyCommands: (b) => this.commandsByScope.delete(scopeKey(b.scope, b.language_code)) || true,
    getMyCommands: (b) => this.commandsByScope.get(scopeKey(b.scope, b.language_code)) ?? [],
    sendPoll: (b) => {
      const options = (b.options ?? []) as Array<string | { text: string }>;
      if (options.length < 2) throw bad('poll must have at least 2 option');
      const poll = {
        id: String(5_000_000_000 + ++this.seq),
        question: String(b.question),
        options: options.map((o) => ({ text: typeof o === 'string' ? o : o.text, voter_count: 0 })),
        total_voter_count: 0,
        is_closed: false,
        is_anonymous: b.is_anonymous ?? true,
        type: b.type ?? 'regular',
        allows_multiple_answers: b.allows_multiple_answers ?? false,
      } as Poll;
      this.polls.set(poll.id, poll);
      return this.botMessage(b, { poll });
    },
    stopPoll: (b) => {
      const poll = this.getMessage(this.chatId(b), Number(b.message_id))?.poll;
      if (!poll) throw bad('message with poll to stop not found');
      if (poll.is_closed) throw bad('poll has already been closed');
      poll.is_closed = true;
      return poll;
    },
    getChat: (b) => ({ ...this.chatOf(this.chatId(b)), accent_color_id: 0, max_reaction_count: 11 }),
    getChatMember: (b) => {
      const userId = Number(b.user_id);
      const status = this.members.get(`${this.chatId(b)}:${userId}`) ?? 'member';
      const user = this.users.get(userId) ?? { id: userId, is_bot: false, first_name: `User ${userId}` };
      const extra = {
        administrator: { can_be_edited: false, is_anonymous: false, can_manage_chat: true },
        creator: { is_anonymous: false },
        kicked: { until_date: 0 },
      }[status as string];
      return { status, user, ...extra };
    },
    sendPhoto: (b, call) => this.sendFile(b, call, 'photo'),
    sendDocument: (b, call) => this.sendFile(b, call, 'document'),
    leaveChat: (b) => {
      this.leftChats.add(this.chatId(b));
      return true;
    },
  };

  private getUpdates(b: Body, res: ServerResponse): Update[] | Promise<Update[]> {
    if (this.webhook) throw conflict("can't use getUpdates method while webhook is active");
    if (b.allowed_updates) this.allowed = b.allowed_updates.length ? b.allowed_updates : undefined;
    const offset = Number(b.offset ?? 0);
    if (offset > 0) this.pending = this.pending.filter((u) => u.update_id >= offset);
    else if (offset < 0) this.pending = this.pending.slice(offset);
    const limit = Math.min(Math.max(Number(b.limit ?? 100), 1), 100);
    for (const w of this.waiters) w.finish(conflict('terminated by other getUpdates request'));
    const ready = this.take(limit);
    const timeout = Number(b.timeout ?? 0);
    if (ready.length || timeout <= 0 || this.stopped) return ready;
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        finish: (error) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          if (error) reject(error);
          else resolve(this.stopped ? [] : this.take(limit));
        },
      };
      const timer = setTimeout(() => waiter.finish(), timeout * 1000);
      this.waiters.add(waiter);
      res.on('close', () => {
        if (res.writableFinished) return;
        clearTimeout(timer);
        this.waiters.delete(waiter);
      });
    });
  }

  /** Pending updates of allowed types (others are dropped, as Telegram never sends them). */
  private take(limit: number): Update[] {
    const allowed = (u: Update) => {
      const kind = Object.keys(u).find((k) => k !== 'update_id') ?? '';
      return this.allowed ? this.allowed.includes(kind) : !DEFAULT_ALLOWED.has(kind);
    };
    this.pending = this.pending.filter(allowed);
    return this.pending.slice(0, limit);
  }

  private async deliver() {
    const connections = this.options.webhookConnections ?? 1;
    if (connections > 1) {
      // A loop that cannot post (no webhook, server stopped) returns at once: without this check
      // the while would start and end one forever, never yielding (a test stuck at 100 % CPU).
      while (this.connectionsOpen < connections && this.webhook && !this.stopped && this.take(1)[0])
        void this.deliverConcurrently();
      return;
    }
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (let update = this.take(1)[0]; update && this.webhook && !this.stopped; update = this.take(1)[0]) {
        await this.post(update, this.webhook);
        if (this.pending[0] === update) this.pending.shift();
      }
    } finally {
      this.delivering = false;
    }
  }

  private connectionsOpen = 0;
  /** One of `webhookConnections` delivery loops: takes the next update off the queue and posts it. */
  private async deliverConcurrently() {
    this.connectionsOpen++;
    try {
      for (let update = this.take(1)[0]; update && this.webhook && !this.stopped; update = this.take(1)[0]) {
        this.pending.shift();
        await this.post(update, this.webhook);
      }
    } finally {
      this.connectionsOpen--;
    }
  }

  private async post(update: Update, hook: NonNullable<FakeTelegram['webhook']>) {
    const attempts = this.options.webhookAttempts ?? 3;
    for (let attempt = 1; attempt <= attempts && !this.stopped; attempt++) {
      let status = 0;
      let error = 'Connection refused';
      try {
        const res = await fetch(hook.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(hook.secret && { 'x-telegram-bot-api-secret-token': hook.secret }),
          },
          body: JSON.stringify(update),
          signal: this.abort.signal,
        });
        status = res.status;
        error = `Wrong response from the webhook: ${status} ${res.statusText}`;
        await res.arrayBuffer();
      } catch {}
      this.webhookDeliveries.push({ update_id: update.update_id, attempt, status, at: Date.now() });
      this.events.emit('change');
      if (status >= 200 && status < 300) return;
      hook.lastError = { date: now(), message: error };
      if (attempt < attempts) await delay(this.options.webhookRetryDelayMs ?? 20);
    }
  }

  // ---- Chats and messages ----

  private chatId(b: Body): number {
    const id = b.chat_id;
    if (typeof id === 'number' || (typeof id === 'string' && /^-?\d+$/.test(id))) return Number(id);
    throw bad('chat not found');
  }
  private chatOf(id: number): Chat {
    return (
      this.chats.get(id) ??
      ((id < 0
        ? { id, type: 'supergroup', title: `Chat ${id}` }
        : { id, type: 'private', first_name: `User ${id}` }) as Chat)
    );
  }
  /** The chat of a user's message: a private chat is the user's own, a group keeps its title. */
  private userChat(id: number, from: UserSpec, type?: Chat['type'], title?: string): Chat {
    const known = this.chats.get(id) as { type: Chat['type']; title?: string } | undefined;
    const kind = type ?? known?.type ?? (id < 0 ? 'supergroup' : 'private');
    const chat = (
      kind === 'private'
        ? { id, type: kind, first_name: from.first_name, username: from.username }
        : { id, type: kind, title: title ?? known?.title ?? `Chat ${id}` }
    ) as Chat;
    this.chats.set(id, chat);
    return chat;
  }
  private botUser(): User {
    const { id, first_name, username } = this.botInfo;
    return { id, is_bot: true, first_name, username };
  }
  private user(spec: UserSpec): User {
    const user = { is_bot: false, ...spec } as User;
    if (user.id !== this.botInfo.id) this.users.set(user.id, user);
    return user;
  }
  private store(chat: Chat, fields: Body): Message {
    const id = (this.lastMessageId.get(chat.id) ?? 0) + 1;
    this.lastMessageId.set(chat.id, id);
    const msg = { message_id: id, date: now(), chat, ...fields } as Message;
    this.messages.set(`${chat.id}:${id}`, msg);
    return msg;
  }

  private botMessage(b: Body, fields: Body): Message {
    const chatId = this.chatId(b);
    if (this.leftChats.has(chatId))
      throw new ApiError(403, 'Forbidden: bot is not a member of the supergroup chat');
    if (this.neverStarted.has(chatId))
      throw new ApiError(403, "Forbidden: bot can't initiate conversation with a user");
    this.checkMarkup(b.reply_markup);
    const replyTo = b.reply_parameters?.message_id ?? b.reply_to_message_id;
    return this.store(this.chatOf(chatId), {
      from: this.botUser(),
      ...fields,
      ...(replyTo && { reply_to_message: this.getMessage(chatId, replyTo) }),
      ...(b.reply_markup?.inline_keyboard && { reply_markup: b.reply_markup }),
    });
  }

  private checkMarkup(markup?: Body) {
    for (const row of markup?.inline_keyboard ?? []) {
      for (const button of row as Body[]) {
        if (!button.text) throw bad('text buttons are unallowed in the inline keyboard');
        const data = button.callback_data;
        if (data !== undefined && (!data || Buffer.byteLength(data) > 64)) throw bad('BUTTON_DATA_INVALID');
      }
    }
  }

  private edit(b: Body, change: { text?: string }): Message | true {
    if (b.inline_message_id) return true;
    const msg = this.getMessage(this.chatId(b), Number(b.message_id));
    if (!msg) throw bad('message to edit not found');
    if (msg.from?.id !== this.botInfo.id) throw bad("message can't be edited");
    if (change.text !== undefined) {
      if (!change.text.trim()) throw bad('message text is empty');
      checkEntities(change.text, b.parse_mode);
    }
    const markup = b.reply_markup?.inline_keyboard ? b.reply_markup : undefined;
    this.checkMarkup(markup);
    const sameText = change.text === undefined || change.text === msg.text;
    if (sameText && JSON.stringify(markup) === JSON.stringify(msg.reply_markup)) throw bad(UNCHANGED);
    const edited = { ...msg, ...change, edit_date: now(), reply_markup: markup } as Message;
    this.messages.set(`${msg.chat.id}:${msg.message_id}`, edited);
    this.outbox.push(edited);
    return edited;
  }

  private sendFile(b: Body, call: RecordedCall, kind: 'photo' | 'document'): Message {
    const file = call.files?.[kind];
    const size = file?.size ?? 0;
    if (file) this.uploads.push({ ...file, method: call.method, chatId: this.chatId(b) });
    else if (typeof b[kind] !== 'string' || !b[kind]) throw bad(`there is no ${kind} in the request`);
    const fileId = `${kind}-${++this.seq}`;
    const meta = { file_id: fileId, file_unique_id: `u${fileId}`, file_size: size };
    const media =
      kind === 'photo'
        ? { photo: [{ ...meta, width: 90, height: 90 }] }
        : { document: { ...meta, file_name: file?.filename ?? 'document' } };
    return this.botMessage(b, { ...media, ...(b.caption && { caption: String(b.caption) }) });
  }
}

function reply(res: ServerResponse, status: number, payload: unknown) {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(payload));
}

export async function startFakeTelegram(options?: FakeTelegramOptions): Promise<FakeTelegram> {
  return new FakeTelegram(options).start();
}
