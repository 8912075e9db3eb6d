import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { autoRetry } from '@grammyjs/auto-retry';
import { Api, Bot, GrammyError, InlineKeyboard, InputFile, webhookCallback } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeTelegram, startFakeTelegram } from './telegram-server';

const TOKEN = '123456:TEST-token';
const alice = { id: 42, first_name: 'Alice', username: 'alice', language_code: 'vi' };
const GROUP = -100777;

let fake: FakeTelegram;
const bots: Bot[] = [];
beforeEach(async () => {
  fake = await startFakeTelegram();
});
afterEach(async () => {
  await Promise.all(bots.splice(0).map((b) => (b.isRunning() ? b.stop() : undefined)));
  await fake.stop();
});

const api = () => new Api(TOKEN, { apiRoot: fake.apiRoot });
function newBot() {
  const bot = new Bot(TOKEN, { client: { apiRoot: fake.apiRoot } });
  bot.catch((err) => {
    throw err.error;
  });
  bots.push(bot);
  return bot;
}
/** Starts long polling and resolves once the bot is ready (after getMe and deleteWebhook). */
function startPolling(bot: Bot) {
  return new Promise<void>((resolve, reject) => {
    bot.start({ onStart: () => resolve(), timeout: 5 }).catch(reject);
  });
}

describe('FakeTelegram', () => {
  it('answers getMe and records the token', async () => {
    const me = await api().getMe();
    expect(me).toMatchObject({ id: 999000, is_bot: true, username: 'pulse_test_bot', can_join_groups: true });
    expect(fake.calls[0]).toMatchObject({ method: 'getMe', token: TOKEN, status: 200 });
  });

  it('records sendMessage with an inline keyboard and returns a proper Message', async () => {
    const keyboard = new InlineKeyboard().text('Yes', 'vote:yes').text('No', 'vote:no');
    const first = await api().sendMessage(GROUP, '<b>Vote</b>', {
      parse_mode: 'HTML',
      reply_markup: keyboard,
    });
    const second = await api().sendMessage(GROUP, 'again', { link_preview_options: { is_disabled: true } });
    expect(first).toMatchObject({
      message_id: 1,
      chat: { id: GROUP, type: 'supergroup' },
      from: { id: 999000, is_bot: true },
      text: '<b>Vote</b>',
      reply_markup: {
        inline_keyboard: [
          [
            { text: 'Yes', callback_data: 'vote:yes' },
            { text: 'No', callback_data: 'vote:no' },
          ],
        ],
      },
    });
    expect(second.message_id).toBe(2);
    expect(fake.calls.map((c) => c.body.reply_markup?.inline_keyboard?.[0]?.[1]?.callback_data)).toEqual([
      'vote:no',
      undefined,
    ]);
    expect(fake.sent(GROUP).map((m) => m.text)).toEqual(['<b>Vote</b>', 'again']);

    const edited = await api().editMessageText(GROUP, 1, 'Closed');
    expect(edited).toMatchObject({ text: 'Closed', edit_date: expect.any(Number) });
    expect(edited).not.toHaveProperty('reply_markup'); // editing text without reply_markup drops the keyboard
    await expect(api().editMessageText(GROUP, 1, 'Closed')).rejects.toThrow(/message is not modified/);
    await expect(api().editMessageText(GROUP, 99, 'x')).rejects.toThrow(/message to edit not found/);
  });

  it('rejects what Telegram would reject', async () => {
    await expect(api().sendMessage(GROUP, 'Hi. Bye!', { parse_mode: 'MarkdownV2' })).rejects.toThrow(
      /Character '\.' is reserved/,
    );
    await expect(api().sendMessage(GROUP, 'a < b', { parse_mode: 'HTML' })).rejects.toThrow(
      /can't parse entities/,
    );
    const tooLong = new InlineKeyboard().text('x', 'd'.repeat(65));
    await expect(api().sendMessage(GROUP, 'x', { reply_markup: tooLong })).rejects.toThrow(
      /BUTTON_DATA_INVALID/,
    );
    await expect(
      api().sendMessage(GROUP, 'Hi\\. *Bye*\\!', { parse_mode: 'MarkdownV2' }),
    ).resolves.toBeTruthy();
  });

  it('delivers an injected message to bot.start() long polling and records ctx.reply', async () => {
    const bot = newBot();
    bot.command('start', (ctx) => ctx.reply(`Hello ${ctx.from?.first_name}`));
    await startPolling(bot);
    fake.message({ chatId: alice.id, from: alice, text: '/start' });
    const call = await fake.waitFor((c) => c.method === 'sendMessage');
    expect(call.body).toMatchObject({ chat_id: alice.id, text: 'Hello Alice' });
    expect(fake.sent(alice.id)[0]).toMatchObject({
      message_id: 2,
      chat: { type: 'private', first_name: 'Alice' },
    });
    await bot.stop();
    // bot.stop() confirmed the update, so nothing is pending any more.
    expect(await api().getUpdates({ timeout: 0 })).toEqual([]);
  });

  it('answers a callback query via answerCallbackQuery', async () => {
    const bot = newBot();
    bot.callbackQuery(/^vote:(.+)$/, (ctx) =>
      ctx.answerCallbackQuery({ text: `Got ${ctx.match[1]}`, show_alert: true }),
    );
    await startPolling(bot);
    const poll = await bot.api.sendMessage(GROUP, 'Vote?', {
      reply_markup: new InlineKeyboard().text('Yes', 'vote:yes'),
    });
    const id = fake.callback({ chatId: GROUP, messageId: poll.message_id, from: alice, data: 'vote:yes' });
    await fake.waitForCalls('answerCallbackQuery');
    expect(fake.callbackAnswers).toEqual([{ callback_query_id: id, text: 'Got yes', show_alert: true }]);
  });

  it('returns 429 with retry_after once, then succeeds with auto-retry', async () => {
    const client = api();
    client.config.use(autoRetry());
    fake.failNext('sendMessage', { status: 429, retryAfter: 1 });
    const started = Date.now();
    const msg = await client.sendMessage(GROUP, 'after the flood');
    expect(msg.text).toBe('after the flood');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(fake.calls.map((c) => c.status)).toEqual([429, 200]);
    expect(fake.rejected429).toBe(1);
  });

  it('rate-limits send methods over a 1 s window', async () => {
    fake.rateLimit({ perSecond: 2, retryAfter: 3 });
    await api().sendMessage(GROUP, '1');
    await api().sendMessage(GROUP, '2');
    const error = await api()
      .sendMessage(GROUP, '3')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GrammyError);
    expect(error).toMatchObject({ error_code: 429, parameters: { retry_after: 3 } });
    expect(fake.rejected429).toBe(1);
    fake.failNext('sendMessage', { status: 403, description: 'Forbidden: bot was blocked by the user' });
    fake.rateLimit(undefined);
    await expect(api().sendMessage(alice.id, 'x')).rejects.toMatchObject({ error_code: 403 });
  });

  it('POSTs updates to a webhook with the secret header and retries non-2xx answers', async () => {
    const bot = newBot();
    await bot.init();
    bot.on('message:text', (ctx) => ctx.reply(`echo ${ctx.message.text}`));
    const handle = webhookCallback(bot, 'http', { secretToken: 's3cret' });
    const secrets: unknown[] = [];
    const hook = createServer((req, res) => {
      secrets.push(req.headers['x-telegram-bot-api-secret-token']);
      if (secrets.length === 1) return void res.writeHead(500).end();
      void handle(req, res);
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
      await api().setWebhook(url, { secret_token: 's3cret' });
      await expect(api().getUpdates()).rejects.toMatchObject({ error_code: 409 });
      const update = fake.message({ chatId: GROUP, chatTitle: 'Team', from: alice, text: 'ping' });
      await fake.waitUntil(() => fake.webhookDeliveries.find((d) => d.status === 200));
      expect(fake.sent(GROUP)[0]).toMatchObject({ text: 'echo ping', chat: { title: 'Team' } });
      expect(secrets).toEqual(['s3cret', 's3cret']);
      expect(fake.webhookDeliveries.map((d) => [d.attempt, d.status])).toEqual([
        [1, 500],
        [2, 200],
      ]);
      const info = await api().getWebhookInfo();
      expect(info).toMatchObject({
        url,
        pending_update_count: 0,
        last_error_message: expect.stringMatching(/500/),
      });
      expect(update.message_id).toBe(1);
    } finally {
      hook.closeAllConnections();
      await new Promise((resolve) => hook.close(resolve));
    }
  });

  it('a message injected after stop() returns while a webhook is set (several connections)', async () => {
    const many = await startFakeTelegram({ webhookConnections: 8 });
    await new Api(TOKEN, { apiRoot: many.apiRoot }).setWebhook('http://127.0.0.1:9/hook');
    await many.stop();
    // A test's traffic timer still running after its server stopped: this used to start and end a
    // delivery loop forever, at 100 % CPU, and the whole test run hung.
    many.message({ chatId: 1, from: alice, text: 'sau khi dừng' });
    expect(many.webhookDeliveries).toEqual([]);
  });

  it('answers unknown methods with 404', async () => {
    const raw = api().raw as unknown as Record<string, (p: object) => Promise<unknown>>;
    await expect(raw.fooBar!({})).rejects.toMatchObject({
      error_code: 404,
      description: 'Not Found: method not found',
    });
    await expect(fake.waitFor((c) => c.method === 'never', { timeoutMs: 20 })).rejects.toThrow(
      /timed out after 20 ms waiting for a matching call[\s\S]*fooBar → 404/,
    );
  });

  it('holds getUpdates until timeout and releases it on stop()', async () => {
    const started = Date.now();
    expect(await api().getUpdates({ timeout: 0.05 })).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    const held = api().getUpdates({ timeout: 30 });
    await fake.waitForCalls('getUpdates', 2);
    await fake.stop();
    expect(await held).toEqual([]);
  });

  it('keeps commands by scope, uploads files, polls and member updates', async () => {
    const scope = { type: 'chat' as const, chat_id: GROUP };
    await api().setMyCommands([{ command: 'pulse', description: 'Run a poll' }], {
      scope,
      language_code: 'vi',
    });
    expect(fake.commandsByScope.get(`chat:${GROUP}@vi`)).toEqual([
      { command: 'pulse', description: 'Run a poll' },
    ]);
    expect(await api().getMyCommands({ scope, language_code: 'vi' })).toHaveLength(1);

    const photo = await api().sendPhoto(GROUP, new InputFile(Buffer.alloc(1234), 'chart.png'), {
      caption: 'Chart',
    });
    expect(photo).toMatchObject({ caption: 'Chart', photo: [{ file_size: 1234 }] });
    expect(fake.uploads).toMatchObject([
      { method: 'sendPhoto', field: 'photo', filename: 'chart.png', size: 1234 },
    ]);

    const pollMsg = await api().sendPoll(GROUP, 'Mood?', [{ text: 'Good' }, { text: 'Bad' }]);
    fake.vote({ pollId: pollMsg.poll.id, user: alice, optionIds: [0] });
    expect((await api().stopPoll(GROUP, pollMsg.message_id)).options[0]?.voter_count).toBe(1);

    fake.memberJoined({ chatId: GROUP, user: alice });
    fake.chatMemberUpdate({ chatId: GROUP, user: alice, oldStatus: 'member', newStatus: 'kicked' });
    const updates = await api().getUpdates({ allowed_updates: ['message', 'poll', 'chat_member'] });
    expect(updates.map((u) => Object.keys(u)[1])).toEqual(['poll', 'message', 'chat_member']);
    expect(await api().getChatMember(GROUP, alice.id)).toMatchObject({
      status: 'kicked',
      user: { first_name: 'Alice' },
    });
  });
});
