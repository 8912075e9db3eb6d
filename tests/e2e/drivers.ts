/**
 * One driver per platform for the table-driven stories (stories.test.ts): each starts the real
 * Pulse against that platform's local fake and plays a person typing, writing in the unit's group,
 * and pressing buttons, then reads what that person sees. A story written once runs on every
 * platform; where a platform lacks something (Zalo: groups, buttons) the driver does what a user
 * of that platform does instead (type the choice's number). The sandbox is driven through its HTTP
 * API and event stream, as its web page is.
 */
import { and, eq } from 'drizzle-orm';
import pino from 'pino';
import { type PulseApp, startPulse } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import type { Platform } from '../../bot/kernel/types';
import { chats, identities, people } from '../../db/schema';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-server';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram-server';
import { type FakeZaloOa, startFakeZaloOa } from '../fakes/zalo-oa-server';
import { type FakeZalo, startFakeZalo } from '../fakes/zalo-server';
import { FakeClock } from '../helpers/clock';
import type { TestDatabase } from '../helpers/db';
import { freePort } from '../helpers/net';
import { FAST_RATES } from '../helpers/rates';
import { openEvents } from '../sandbox/helpers';

export type Who = 'admin' | 'worker';
export type Where = 'dm' | 'group';

export interface StoryDriver {
  readonly platform: Platform;
  /** Whether people can write to Pulse in a group chat on this platform. */
  readonly groups: boolean;
  /** The display names Pulse learns for each person. */
  readonly names: Record<Who, string>;
  start(database: TestDatabase): Promise<PulseApp>;
  stop(): Promise<void>;
  /** Types a command (text with its leading slash, as on Telegram) and resolves with the next text `who` sees. */
  command(who: Who, text: string, where?: Where): Promise<string>;
  /** Writes plain text, as a person chatting (resolves once the platform took it, not once Pulse handled it). */
  say(who: Who, text: string, where?: Where): Promise<void>;
  /** Resolves with the first text `who` has seen, or sees within a few seconds, that matches. */
  sees(who: Who, match: RegExp): Promise<string>;
  /** Presses the button labelled `label` on the latest message `who` saw with it, and resolves with the answer. */
  press(who: Who, label: string): Promise<string>;
  /** The person behind this platform's account of `who` (once Pulse has seen it). */
  personOf(database: TestDatabase, who: Who): Promise<number>;
}

async function startApp(database: TestDatabase, env: Record<string, string>): Promise<PulseApp> {
  const config = loadConfig({ HOST: '127.0.0.1', PGLITE_DIR: 'memory://', PORT: '0', ...FAST_RATES, ...env });
  return startPulse({
    config,
    database,
    clock: new FakeClock(new Date()),
    logger: pino({ level: 'silent' }),
  });
}

async function personByIdentity(database: TestDatabase, platform: Platform, externalId: string) {
  const [found] = await database.db
    .select({ personId: identities.personId })
    .from(identities)
    .where(and(eq(identities.platform, platform), eq(identities.externalId, externalId)));
  if (!found) throw new Error(`No person has the ${platform} account ${externalId} yet`);
  return found.personId;
}

// ---- Telegram ----

const TELEGRAM_GROUP = -100_777;
const TELEGRAM_PEOPLE = {
  admin: { id: 1, first_name: 'Quản trị', username: 'quantri' },
  worker: { id: 7, first_name: 'Lan', username: 'lan' },
};

export function telegramDriver(): StoryDriver {
  let fake: FakeTelegram;
  let app: PulseApp | undefined;
  const presses = new Map<string, Who>();

  /** Texts `who` sees, in order: messages in their DM and in the group, and answers to their presses. */
  const seen = (who: Who) =>
    fake.calls.flatMap((call) => {
      if (call.status !== 200) return [];
      const chat = Number(call.body.chat_id);
      if (call.method === 'sendMessage' && (chat === TELEGRAM_PEOPLE[who].id || chat === TELEGRAM_GROUP)) {
        return [String(call.body.text)];
      }
      if (
        call.method === 'answerCallbackQuery' &&
        presses.get(call.body.callback_query_id) === who &&
        call.body.text
      ) {
        return [String(call.body.text)];
      }
      return [];
    });
  const next = async (who: Who, act: () => void) => {
    const before = seen(who).length;
    act();
    return fake.waitUntil(() => seen(who)[before], { what: `a reply to ${who}` });
  };
  const chatOf = (who: Who, where: Where) =>
    where === 'group'
      ? { chatId: TELEGRAM_GROUP, chatType: 'supergroup' as const, chatTitle: 'Chi bộ 1' }
      : { chatId: TELEGRAM_PEOPLE[who].id, chatType: 'private' as const };

  return {
    platform: 'telegram',
    groups: true,
    names: { admin: 'Quản trị', worker: 'Lan' },
    async start(database) {
      fake = await startFakeTelegram();
      app = await startApp(database, {
        TELEGRAM_BOT_TOKEN: '123456:TEST-token-for-the-fake-server',
        TELEGRAM_API_ROOT: fake.apiRoot,
        BOT_ADMINS: `telegram:${TELEGRAM_PEOPLE.admin.id}`,
      });
      return app;
    },
    async stop() {
      await app?.stop();
      await fake.stop();
    },
    command: (who, text, where = 'dm') =>
      next(who, () => fake.message({ ...chatOf(who, where), from: TELEGRAM_PEOPLE[who], text })),
    async say(who, text, where = 'dm') {
      fake.message({ ...chatOf(who, where), from: TELEGRAM_PEOPLE[who], text });
    },
    sees: (who, match) =>
      fake.waitUntil(() => seen(who).find((text) => match.test(text)), { what: `${match}` }),
    press(who, label) {
      const chats = [TELEGRAM_PEOPLE[who].id, TELEGRAM_GROUP];
      const message = fake
        .sent()
        .filter((m) => chats.includes(m.chat.id))
        .reverse()
        .find((m) => keyboardOf(m).some((b) => b.text === label));
      if (!message) throw new Error(`Telegram: ${who} saw no button "${label}"`);
      const button = keyboardOf(message).find((b) => b.text === label)!;
      return next(who, () => {
        const id = fake.callback({
          chatId: message.chat.id,
          messageId: message.message_id,
          from: TELEGRAM_PEOPLE[who],
          data: button.callback_data!,
        });
        presses.set(id, who);
      });
    },
    personOf: (database, who) => personByIdentity(database, 'telegram', String(TELEGRAM_PEOPLE[who].id)),
  };
}

function keyboardOf(message: { reply_markup?: unknown }): { text: string; callback_data?: string }[] {
  const markup = message.reply_markup as
    | { inline_keyboard?: { text: string; callback_data?: string }[][] }
    | undefined;
  return markup?.inline_keyboard?.flat() ?? [];
}

// ---- Slack ----

const SLACK_SECRET = 'storiessigningsecret0123456789ab';
const SLACK_CHANNEL = 'C0CB1';
const SLACK_PEOPLE = {
  admin: { id: 'UADMIN', name: 'quantri', real_name: 'Quản trị' },
  worker: { id: 'ULAN', name: 'lan', real_name: 'Lan' },
};

export function slackDriver(): StoryDriver {
  let fake: FakeSlack;
  let app: PulseApp | undefined;
  const next = async (who: Who, act: () => Promise<number>) => {
    const id = SLACK_PEOPLE[who].id;
    const before = fake.visibleTo(id).length;
    const status = await act();
    if (status !== 200) throw new Error(`Slack answered ${status}`);
    return unescapeSlack((await fake.waitUntil(() => fake.visibleTo(id)[before])).text);
  };
  const channelOf = (who: Who, where: Where) =>
    where === 'group' ? SLACK_CHANNEL : fake.dmOf(SLACK_PEOPLE[who].id);

  return {
    platform: 'slack',
    groups: true,
    names: { admin: 'Quản trị', worker: 'Lan' },
    async start(database) {
      fake = await startFakeSlack({ token: 'xoxb-stories', users: Object.values(SLACK_PEOPLE) });
      fake.addChannel(SLACK_CHANNEL, 'chi-bo-1');
      const port = await freePort();
      app = await startApp(database, {
        SLACK_BOT_TOKEN: 'xoxb-stories',
        SLACK_SIGNING_SECRET: SLACK_SECRET,
        SLACK_API_URL: fake.apiUrl,
        BOT_ADMINS: `slack:${SLACK_PEOPLE.admin.id}`,
        PORT: String(port),
      });
      fake.connect(`http://127.0.0.1:${port}/slack/events`, SLACK_SECRET);
      return app;
    },
    async stop() {
      await app?.stop();
      await fake.stop();
    },
    /** `/link CB1` is typed as `/pulse link CB1`. */
    command: (who, text, where = 'dm') =>
      next(who, () =>
        fake.slashCommand({
          user: SLACK_PEOPLE[who].id,
          channel: channelOf(who, where),
          text: text.replace(/^\//, ''),
        }),
      ),
    async say(who, text, where = 'dm') {
      const status = await fake.message({ user: SLACK_PEOPLE[who].id, channel: channelOf(who, where), text });
      if (status !== 200) throw new Error(`Slack answered ${status}`);
    },
    sees: async (who, match) =>
      unescapeSlack(
        (
          await fake.waitUntil(() =>
            fake.visibleTo(SLACK_PEOPLE[who].id).find((d) => match.test(unescapeSlack(d.text))),
          )
        ).text,
      ),
    press: (who, label) => next(who, () => fake.pressButton({ user: SLACK_PEOPLE[who].id, label })),
    personOf: (database, who) => personByIdentity(database, 'slack', SLACK_PEOPLE[who].id),
  };
}

/** What a Slack client shows for the escaped text of a message. */
const unescapeSlack = (text: string) =>
  text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

// ---- Zalo ----

const ZALO_TOKEN = '1459232241454765289:stories';
const ZALO_PEOPLE = {
  admin: { id: 'zl-admin', display_name: 'Quản trị' },
  worker: { id: 'zl-lan', display_name: 'Lan' },
};

/** Zalo in its degraded form: DMs only, and a button is pressed by typing its number. */
export function zaloDriver(): StoryDriver {
  let fake: FakeZalo;
  let app: PulseApp | undefined;
  const next = async (who: Who, act: () => void) => {
    const id = ZALO_PEOPLE[who].id;
    const since = fake.sent(id).length;
    act();
    return (await fake.waitUntil(() => fake.sent(id)[since])).text;
  };
  const type = (who: Who, text: string) => fake.message({ from: ZALO_PEOPLE[who], text });

  return {
    platform: 'zalo',
    groups: false,
    names: { admin: 'Quản trị', worker: 'Lan' },
    async start(database) {
      fake = await startFakeZalo({ token: ZALO_TOKEN });
      app = await startApp(database, {
        ZALO_BOT_TOKEN: ZALO_TOKEN,
        ZALO_API_ROOT: fake.apiRoot,
        BOT_ADMINS: `zalo:${ZALO_PEOPLE.admin.id}`,
      });
      return app;
    },
    async stop() {
      await app?.stop();
      await fake.stop();
    },
    /** There is no group on Zalo: a command meant for one is typed in the DM, as a user would try. */
    command: (who, text) => next(who, () => type(who, text)),
    async say(who, text) {
      type(who, text);
    },
    sees: async (who, match) =>
      (await fake.waitUntil(() => fake.sent(ZALO_PEOPLE[who].id).find((m) => match.test(m.text)))).text,
    press(who, label) {
      const id = ZALO_PEOPLE[who].id;
      const prompt = fake
        .sent(id)
        .reverse()
        .find((m) => new RegExp(`^\\d+\\. ${escapeRegExp(label)}$`, 'm').test(m.text));
      if (!prompt) throw new Error(`Zalo: ${who} saw no choice "${label}"`);
      const number = new RegExp(`^(\\d+)\\. ${escapeRegExp(label)}$`, 'm').exec(prompt.text)![1]!;
      return next(who, () => type(who, number));
    },
    personOf: (database, who) => personByIdentity(database, 'zalo', ZALO_PEOPLE[who].id),
  };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// ---- Zalo Official Account ----

export const ZALO_OA = {
  appId: '3482178216594085616',
  appSecret: 'oa-app-secret-for-tests',
  oaSecretKey: 'oa-secret-key-for-tests',
  refreshToken: 'rt-initial-refresh-token-0001',
};
const OA_GROUP = 'oag-cb1';
const OA_PEOPLE = { admin: 'oa-admin', worker: 'oa-lan' };

/** The env that points Pulse at a fake OA. */
export function zaloOaEnv(fake: FakeZaloOa): Record<string, string> {
  return {
    ZALO_OA_APP_ID: ZALO_OA.appId,
    ZALO_OA_APP_SECRET: ZALO_OA.appSecret,
    ZALO_OA_SECRET_KEY: ZALO_OA.oaSecretKey,
    ZALO_OA_REFRESH_TOKEN: ZALO_OA.refreshToken,
    ZALO_OA_API_ROOT: fake.root,
    ZALO_OA_OAUTH_ROOT: fake.root,
  };
}

/** The OA in a unit's Zalo group (GMF): groups, numbered choices typed in the group or the DM. */
export function zaloOaDriver(): StoryDriver {
  let fake: FakeZaloOa;
  let app: PulseApp | undefined;
  /** What `who` sees: their DM with the OA and the unit's group, in order. */
  const seen = (who: Who) =>
    fake.sentMessages.filter(
      (m) => (m.to === 'user' && m.id === OA_PEOPLE[who]) || (m.to === 'group' && m.id === OA_GROUP),
    );
  const type = async (who: Who, text: string, where: Where) => {
    const status =
      where === 'group'
        ? await fake.groupText({ from: OA_PEOPLE[who], group: OA_GROUP, text })
        : await fake.userText({ from: OA_PEOPLE[who], text });
    if (status !== 200) throw new Error(`Pulse answered the OA webhook with ${status}`);
  };
  const next = async (who: Who, act: () => Promise<void>) => {
    const before = seen(who).length;
    await act();
    return (await fake.waitUntil(() => seen(who)[before])).text;
  };

  return {
    platform: 'zalo-oa',
    groups: true,
    names: { admin: 'Quản trị', worker: 'Lan' },
    async start(database) {
      fake = await startFakeZaloOa({
        ...ZALO_OA,
        users: { [OA_PEOPLE.admin]: 'Quản trị', [OA_PEOPLE.worker]: 'Lan' },
      });
      const port = await freePort();
      app = await startApp(database, {
        ...zaloOaEnv(fake),
        BOT_ADMINS: `zalo-oa:${OA_PEOPLE.admin}`,
        PORT: String(port),
      });
      fake.connect(`http://127.0.0.1:${port}/zalo-oa/webhook`);
      return app;
    },
    async stop() {
      await app?.stop();
      await fake.stop();
    },
    command: (who, text, where = 'dm') => next(who, () => type(who, text, where)),
    say: (who, text, where = 'dm') => type(who, text, where),
    sees: async (who, match) => (await fake.waitUntil(() => seen(who).find((m) => match.test(m.text)))).text,
    press(who, label) {
      const line = new RegExp(`^(\\d+)\\. ${escapeRegExp(label)}$`, 'm');
      const prompt = [...seen(who)].reverse().find((m) => line.test(m.text));
      if (!prompt) throw new Error(`Zalo OA: ${who} saw no choice "${label}"`);
      const number = line.exec(prompt.text)![1]!;
      return next(who, () => type(who, number, prompt.to === 'group' ? 'group' : 'dm'));
    },
    personOf: (database, who) => personByIdentity(database, 'zalo-oa', OA_PEOPLE[who]),
  };
}

// ---- Sandbox ----

const SANDBOX_PEOPLE = { admin: 'Quản trị', worker: 'Lan' };
const SANDBOX_GROUP = 'grp:grp-cb1';

/** The sandbox through its HTTP API, reading what each persona sees on its event stream. */
export function sandboxDriver(): StoryDriver {
  let app: PulseApp | undefined;
  let base = '';
  const streams = new Map<Who, Awaited<ReturnType<typeof openEvents>>>();
  /** Bot messages and toasts the persona has seen, in order. */
  const seen = (who: Who) => {
    const stream = streams.get(who)!;
    return [
      ...stream.messages().filter((m) => m.sender === 'bot'),
      ...stream.toasts().map((t) => ({ text: t.text, buttons: null, chat: '', id: 0 })),
    ];
  };
  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`sandbox ${path}: ${response.status} ${await response.text()}`);
  };
  const next = async (who: Who, act: () => Promise<void>) => {
    const before = seen(who).length;
    await act();
    return (await waitFor(() => seen(who)[before])).text;
  };

  return {
    platform: 'sandbox',
    groups: true,
    names: SANDBOX_PEOPLE,
    async start(database) {
      for (const [key, name] of Object.entries(SANDBOX_PEOPLE)) {
        const [person] = await database.db.insert(people).values({ displayName: name }).returning();
        await database.db
          .insert(identities)
          .values({ personId: person!.id, platform: 'sandbox', externalId: key });
      }
      await database.db.insert(chats).values({
        platform: 'sandbox',
        externalId: 'grp-cb1',
        title: 'Chi bộ 1',
        inviteToken: 'sandbox-cb1',
      });
      app = await startApp(database, { SANDBOX: 'on', BOT_ADMINS: 'sandbox:admin' });
      base = `http://127.0.0.1:${app.port}`;
      for (const who of ['admin', 'worker'] as const) streams.set(who, await openEvents(base, who));
      return app;
    },
    async stop() {
      for (const stream of streams.values()) stream.close();
      await app?.stop();
    },
    command: (who, text, where = 'dm') =>
      next(who, () =>
        post('/sandbox/api/send', {
          persona: who,
          chat: where === 'group' ? SANDBOX_GROUP : `dm:${who}`,
          text,
        }),
      ),
    async say(who, text, where = 'dm') {
      await post('/sandbox/api/send', {
        persona: who,
        chat: where === 'group' ? SANDBOX_GROUP : `dm:${who}`,
        text,
      });
    },
    sees: async (who, match) => (await waitFor(() => seen(who).find((m) => match.test(m.text)))).text,
    press(who, label) {
      const message = seen(who)
        .reverse()
        .find((m) => m.buttons?.flat().some((b) => b.label === label));
      const button = message?.buttons?.flat().find((b) => b.label === label);
      if (!message || !button || !('data' in button))
        throw new Error(`sandbox: ${who} saw no button "${label}"`);
      return next(who, () =>
        post('/sandbox/api/press', {
          persona: who,
          chat: message.chat,
          messageId: message.id,
          data: button.data,
        }),
      );
    },
    personOf: (database, who) => personByIdentity(database, 'sandbox', who),
  };
}

async function waitFor<T>(check: () => T | undefined, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > until) throw new Error('timed out waiting for what the persona sees');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export const DRIVERS: (() => StoryDriver)[] = [
  telegramDriver,
  slackDriver,
  zaloDriver,
  zaloOaDriver,
  sandboxDriver,
];
