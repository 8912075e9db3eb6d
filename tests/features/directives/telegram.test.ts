import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PulseApp } from '../../../bot/app';
import { directiveAcks, directiveDeliveries, directives } from '../../../db/schema';
import { type FakeTelegram, startFakeTelegram } from '../../fakes/telegram-server';
import { FakeClock } from '../../helpers/clock';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { startTelegramApp } from '../../helpers/telegram-app';
import { applyText, CAMPAIGN, directiveId } from './fixtures';

const ADMIN = { id: 1, first_name: 'Quản trị' };
const LAN = { id: 10, first_name: 'Lan' };
const CB1 = -1001;
const NV1_AT = new Date('2024-03-15T01:00:00Z');

let database: TestDatabase;
let fake: FakeTelegram;
let app: PulseApp;
let clock: FakeClock;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(async () => {
  await database.reset();
  fake = await startFakeTelegram();
  await applyText(
    database,
    CAMPAIGN.replace('Hoàn thành trước 30/3/2024', 'Hoàn thành trước 30/3 <gấp> & đủ'),
  );
  clock = new FakeClock(new Date('2024-03-12T01:00:00Z'));
  app = await startTelegramApp(database, fake, {}, clock);
});
afterEach(async () => {
  await app.stop();
  await fake.stop();
});

const toChat = (chatId: number) => (call: { method: string; body: Record<string, unknown> }) =>
  call.method === 'sendMessage' && Number(call.body.chat_id) === chatId;

describe('directives on Telegram', () => {
  it('posts the directive as escaped HTML with the Đã nắm button; a tap is answered and counted on the message', async () => {
    clock.set(NV1_AT);
    await app.scheduler.runAll(NV1_AT);
    const post = fake.sent(CB1)[0]!;
    const call = fake.calls.find(toChat(CB1))!;
    expect(call.body.parse_mode).toBe('HTML');
    expect(call.body.text).toContain('📢 <b>Quán triệt Kết luận 100-KL/TW</b>');
    expect(call.body.text).toContain('• Hoàn thành trước 30/3 &lt;gấp&gt; &amp; đủ');
    expect(call.body.text).toContain('<a href="https://thanthongnhat.vn">Đảng ủy</a>');
    const id = await directiveId(database, 'NV1');
    expect(post.reply_markup!.inline_keyboard[0]![0]).toEqual({
      text: '✅ Đã nắm',
      callback_data: `ack:${id}`,
    });

    const queryId = fake.callback({ chatId: CB1, messageId: post.message_id, from: LAN, data: `ack:${id}` });
    await fake.waitFor((c) => c.method === 'editMessageText');
    expect(fake.callbackAnswers).toEqual([
      expect.objectContaining({ callback_query_id: queryId, text: expect.stringContaining('Đã ghi nhận') }),
    ]);
    expect(fake.getMessage(CB1, post.message_id)!.text).toContain('✅ Đã nắm: 1 người trong nhóm');
    expect(fake.getMessage(CB1, post.message_id)!.text).not.toContain('Lan');
  });

  it('counts a 👍 reaction on the post as "Đã nắm", once per person, in the same ledger as the button', async () => {
    clock.set(NV1_AT);
    await app.scheduler.runAll(NV1_AT);
    const post = fake.sent(CB1)[0]!;
    const id = await directiveId(database, 'NV1');
    const acks = async () => (await database.db.select().from(directiveAcks)).length;

    fake.reaction({ chatId: CB1, messageId: post.message_id, from: LAN, emoji: ['👍'] });
    await fake.waitFor((c) => c.method === 'editMessageText');
    expect(fake.getMessage(CB1, post.message_id)!.text).toContain('✅ Đã nắm: 1 người trong nhóm');
    expect(await acks()).toBe(1);

    // The button after the reaction, or the reaction taken off and put back: still one.
    const queryId = fake.callback({ chatId: CB1, messageId: post.message_id, from: LAN, data: `ack:${id}` });
    await fake.waitUntil(() => fake.callbackAnswers.find((a) => a.callback_query_id === queryId));
    expect(fake.callbackAnswers.at(-1)?.text).toContain('trước đó');
    fake.reaction({ chatId: CB1, messageId: post.message_id, from: LAN, emoji: [], old: ['👍'] });
    fake.reaction({ chatId: CB1, messageId: post.message_id, from: LAN, emoji: ['👍'] });
    // Another emoji, or a 👍 on a message that is no directive, acknowledges nothing.
    fake.reaction({ chatId: CB1, messageId: post.message_id, from: ADMIN, emoji: ['❤'] });
    const other = fake.message({ chatId: CB1, chatType: 'supergroup', from: ADMIN, text: 'Chào cả nhà' });
    fake.reaction({ chatId: CB1, messageId: other.message_id, from: ADMIN, emoji: ['👍'] });
    // Updates of one chat are handled in order: once /whoami is answered, the reactions were read.
    const since = fake.calls.length;
    fake.message({ chatId: CB1, chatType: 'supergroup', from: ADMIN, text: '/whoami' });
    await fake.waitFor((c) => c.method === 'sendMessage', { since });
    expect(await acks()).toBe(1);
  });

  it('answers a press in the group to the presser only: a toast, an alert when long, the rest by DM', async () => {
    clock.set(NV1_AT);
    await app.scheduler.runAll(NV1_AT);
    const post = fake.sent(CB1)[0]!;
    const id = await directiveId(database, 'NV1');
    // A title long enough that "Đã ghi nhận: bạn đã nắm nhiệm vụ «…»" passes the Bot API's 200 characters.
    const title = `Quán triệt ${'và triển khai nghị quyết '.repeat(9)}tới toàn thể đảng viên`;
    await database.db.update(directives).set({ title }).where(eq(directives.id, id));

    const since = fake.calls.length;
    const queryId = fake.callback({ chatId: CB1, messageId: post.message_id, from: LAN, data: `ack:${id}` });
    await fake.waitFor(toChat(LAN.id), { since });
    const answer = fake.callbackAnswers.find((a) => a.callback_query_id === queryId)!;
    expect(answer.text!.length).toBeLessThanOrEqual(200);
    expect(answer.text).toMatch(/^Đã ghi nhận: bạn đã nắm nhiệm vụ «Quán triệt.*…$/);
    expect(answer.show_alert).toBe(true);
    const full = fake.calls.slice(since).find(toChat(LAN.id))!;
    expect(full.body.text).toContain(`«${title}»`);
    // The group reads nothing about it (its count is edited, no message is posted).
    expect(fake.calls.slice(since).filter(toChat(CB1))).toEqual([]);

    // A short answer stays a toast.
    const again = fake.callback({ chatId: CB1, messageId: post.message_id, from: LAN, data: `ack:${id}` });
    await fake.waitUntil(() => fake.callbackAnswers.find((a) => a.callback_query_id === again));
    const short = fake.callbackAnswers.find((a) => a.callback_query_id === again)!;
    expect(short.text).toContain('trước đó');
    expect(short.show_alert).toBe(false);
    expect(fake.calls.slice(since).filter(toChat(CB1))).toEqual([]);
  });

  it('a 429 with retry_after pauses all sends and the row goes when the platform says; nothing is lost', async () => {
    fake.failNext('sendMessage', { status: 429, retryAfter: 1 });
    clock.set(NV1_AT);
    const started = Date.now();
    await app.scheduler.runAll(NV1_AT);
    expect(fake.rejected429).toBe(1);
    // The refused row waits, pending, its attempt given back, until retry_after has passed.
    const waiting = (await database.db.select().from(directiveDeliveries)).filter((r) => r.status !== 'sent');
    expect(waiting.map((r) => [r.status, r.attempts, r.lastError])).toEqual([
      ['pending', 0, 'rate limited: retry after 1s'],
    ]);
    clock.set(new Date(NV1_AT.getTime() + 1000));
    await app.scheduler.runAll(clock.now());
    // Every send to the platform waited the second out.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(
      fake
        .sent()
        .map((m) => m.chat.id)
        .sort((a, b) => a - b),
    ).toEqual([-1002, -1001]);
  });

  it('answers /reach to an admin in their DM', async () => {
    clock.set(NV1_AT);
    await app.scheduler.runAll(NV1_AT);
    const since = fake.calls.length;
    fake.message({ chatId: ADMIN.id, chatType: 'private', from: ADMIN, text: '/reach NV1' });
    const reply = await fake.waitFor(toChat(ADMIN.id), { since });
    expect(reply.body.text).toContain('• Chi bộ 1 (CB1): 1/1 nhóm đã nhận');
    expect(reply.body.text).toContain('Tổng: 2/2 nhóm đã nhận, 0 người đã nắm.');
  });
});
