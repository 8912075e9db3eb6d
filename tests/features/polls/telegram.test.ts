import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PulseApp } from '../../../bot/app';
import { type FakeTelegram, startFakeTelegram } from '../../fakes/telegram-server';
import { FakeClock } from '../../helpers/clock';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { seedOrg } from '../../helpers/harness';
import { startTelegramApp } from '../../helpers/telegram-app';

const ADMIN = { id: 1, first_name: 'Quản trị', username: 'quantri' };
const WORKERS = [7, 8, 9].map((id) => ({ id, first_name: `Thợ ${id}`, username: `tho${id}` }));
const GROUP = -100_777;

let database: TestDatabase;
let fake: FakeTelegram;
let app: PulseApp | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(async () => {
  await database.reset();
  fake = await startFakeTelegram();
  const org = await seedOrg(database);
  await org.personWith(ADMIN.id, 'Quản trị', { role: 'admin', unit: null });
});
afterEach(async () => {
  await app?.stop();
  app = undefined;
  await fake.stop();
});

type Keyboard = { inline_keyboard: { text: string; callback_data?: string; url?: string }[][] };

describe('polls on Telegram (real grammY, fake Bot API over HTTP)', () => {
  it('posts a pulse, takes taps with a private toast only, counts participation and posts results', async () => {
    const clock = new FakeClock();
    app = await startTelegramApp(database, fake, {}, clock);
    const toGroup = (c: { method: string; body: Record<string, unknown> }) =>
      c.method === 'sendMessage' && Number(c.body.chat_id) === GROUP;

    fake.message({
      chatId: GROUP,
      chatType: 'supergroup',
      chatTitle: 'Chi bộ 1',
      from: ADMIN,
      text: '/link CB1',
    });
    await fake.waitFor(toGroup);
    // Pulse must know at least k people of the group before it shows how many answered.
    for (const person of [...WORKERS, ...[5, 6].map((id) => ({ id, first_name: `Thợ ${id}` }))])
      fake.message({ chatId: GROUP, chatType: 'supergroup', from: person, text: 'chào cả nhà' });
    let since = fake.calls.length;
    fake.message({
      chatId: GROUP,
      chatType: 'supergroup',
      from: ADMIN,
      text: '/pulse Ca này ổn không? --comments',
    });
    const posted = await fake.waitFor((c) => toGroup(c) && c.status === 200 && Boolean(c.body.reply_markup), {
      since,
    });
    const keyboard = posted.body.reply_markup as Keyboard;
    expect(keyboard.inline_keyboard[0]!.map((b) => b.callback_data)).toEqual([
      'pa:1:0',
      'pa:1:1',
      'pa:1:2',
      'pa:1:3',
      'pa:1:4',
    ]);
    expect(keyboard.inline_keyboard[1]![0]!.url).toBe('https://t.me/pulse_test_bot?start=cmt-1');
    const pollMessageId = (posted.result as { message_id: number }).message_id;
    await fake.waitFor((c) => toGroup(c) && String(c.body.text).includes('Đã tạo khảo sát #1'));

    since = fake.calls.length;
    const queries = WORKERS.map((worker, i) =>
      fake.callback({ chatId: GROUP, messageId: pollMessageId, from: worker, data: `pa:1:${i}` }),
    );
    const again = await (async () => {
      await fake.waitUntil(() => fake.callbackAnswers.length >= 3);
      return fake.callback({ chatId: GROUP, messageId: pollMessageId, from: WORKERS[0]!, data: 'pa:1:4' });
    })();
    await fake.waitUntil(() => fake.callbackAnswers.length >= 4);
    const toasts = new Map(fake.callbackAnswers.map((a) => [a.callback_query_id, a]));
    for (const id of queries) {
      // Private to the presser either way; longer than a toast shows (100), it is an alert.
      expect(toasts.get(id)).toMatchObject({
        text: expect.stringContaining('Đã ghi nhận'),
        show_alert: toasts.get(id)!.text!.length > 100,
      });
    }
    expect(toasts.get(again)!.text).toContain('đã trả lời khảo sát này rồi');
    expect(fake.calls.slice(since).filter(toGroup)).toEqual([]);

    // The participation job also ticks on its own (every 5 s): the latest edit is what people see.
    await app.scheduler.runAll();
    const edits = fake.calls.filter(
      (c) => c.method === 'editMessageText' && c.body.message_id === pollMessageId,
    );
    expect(edits.at(-1)?.body.text).toContain('3 người đã trả lời');

    since = fake.calls.length;
    fake.message({ chatId: GROUP, chatType: 'supergroup', from: ADMIN, text: '/close 1' });
    const results = await fake.waitFor(
      (c) => toGroup(c) && String(c.body.text).includes('Kết quả khảo sát #1'),
      {
        since,
      },
    );
    expect(results.body.text).toContain('Toàn bộ: chưa đủ câu trả lời để giữ ẩn danh (cần ít nhất 5)');
    const closedEdit = fake.calls
      .slice(since)
      .find((c) => c.method === 'editMessageText' && c.body.message_id === pollMessageId);
    expect((closedEdit?.body.reply_markup as Keyboard | undefined)?.inline_keyboard ?? []).toEqual([]);
    expect(fake.getMessage(GROUP, pollMessageId)?.text).toContain('Đã đóng');
  });
});
