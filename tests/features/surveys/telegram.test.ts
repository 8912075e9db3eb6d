import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PulseApp } from '../../../bot/app';
import { surveyTemplates } from '../../../db/schema';
import { type FakeTelegram, type RecordedCall, startFakeTelegram } from '../../fakes/telegram-server';
import { FakeClock } from '../../helpers/clock';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { seedOrg } from '../../helpers/harness';
import { startTelegramApp } from '../../helpers/telegram-app';
import { FIVE_QUESTIONS } from './helpers';

const ADMIN = { id: 1, first_name: 'Quản trị', username: 'quantri' };
const WORKERS = Array.from({ length: 12 }, (_, i) => ({ id: 201 + i, first_name: `Thợ ${i + 1}` }));
const GROUPS = { CB1: -100_201, CB2: -100_202 };

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
  await database.db.insert(surveyTemplates).values({
    key: 'quy-4',
    title: 'Khảo sát quý 4',
    questions: FIVE_QUESTIONS,
    minAnswers: 5,
    minTexts: 5,
  });
});
afterEach(async () => {
  await app?.stop();
  app = undefined;
  await fake.stop();
});

type Keyboard = { inline_keyboard: { text: string; callback_data?: string }[][] };

const sentTo = (chatId: number) => (c: RecordedCall) =>
  c.method === 'sendMessage' && Number(c.body.chat_id) === chatId && c.status === 200;

/** Waits for the bot's next message to a chat; returns its id, text and button data. */
async function nextMessage(chatId: number, since: number) {
  const call = await fake.waitFor(sentTo(chatId), { since, timeoutMs: 10_000 });
  const keyboard = call.body.reply_markup as Keyboard | undefined;
  return {
    id: (call.result as { message_id: number }).message_id,
    text: String(call.body.text),
    data: (keyboard?.inline_keyboard ?? []).flat().flatMap((b) => (b.callback_data ? [b.callback_data] : [])),
  };
}

async function say(
  chatId: number,
  from: (typeof WORKERS)[number] | typeof ADMIN,
  text: string,
  group = false,
) {
  const since = fake.calls.length;
  fake.message({
    chatId,
    chatType: group ? 'supergroup' : 'private',
    chatTitle: group ? 'Chi bộ' : undefined,
    from,
    text,
  });
  return since;
}

/** Worker n's answer to question q: an option index, or typed text for the last one. */
const planOf = (n: number) => [(n - 1) % 5, n % 2, n % 3, (n + 3) % 11, `Ý kiến của thợ ${n}`] as const;

describe('surveys on Telegram (real grammY, fake Bot API over HTTP)', () => {
  it('12 workers answer a 5-question survey in DM, one question per message, across a restart', async () => {
    const clock = new FakeClock();
    app = await startTelegramApp(database, fake, {}, clock);
    for (const [code, chatId] of Object.entries(GROUPS)) {
      const since = await say(chatId, ADMIN, `/link ${code}`, true);
      await nextMessage(chatId, since);
    }
    WORKERS.forEach((w, i) => {
      fake.message({
        chatId: i < 8 ? GROUPS.CB1 : GROUPS.CB2,
        chatType: 'supergroup',
        from: w,
        text: 'chào cả nhà',
      });
    });
    let since = await say(ADMIN.id, ADMIN, '/khaosat start quy-4 --units CB1,CB2');
    expect((await nextMessage(ADMIN.id, since)).text).toContain(
      'Đã mở phiếu khảo sát #1 (5 câu), đăng vào 2 nhóm',
    );

    // Each worker opens the survey in the DM and answers; workers 1–6 stop after two questions.
    const current = new Map<number, { id: number; data: string[] }>();
    const press = async (w: (typeof WORKERS)[number], value: number | string) => {
      const at = current.get(w.id)!;
      const start = fake.calls.length;
      if (typeof value === 'string')
        fake.message({ chatId: w.id, chatType: 'private', from: w, text: value });
      else {
        const data = at.data.find((d) => d.startsWith('sva:') && d.endsWith(`:${value}`))!;
        fake.callback({ chatId: w.id, messageId: at.id, from: w, data });
      }
      const next = await nextMessage(w.id, start);
      current.set(w.id, next);
      return next.text;
    };
    for (const [i, w] of WORKERS.entries()) {
      since = await say(w.id, w, '/lamkhaosat 1');
      const first = await nextMessage(w.id, since);
      expect(first.text).toContain('Câu 1/5');
      expect(first.data).toEqual([
        'sva:1:0:0',
        'sva:1:0:1',
        'sva:1:0:2',
        'sva:1:0:3',
        'sva:1:0:4',
        'sva:1:0:s',
      ]);
      current.set(w.id, first);
      if (i < 6) {
        await press(w, planOf(i + 1)[0]);
        expect(await press(w, planOf(i + 1)[1])).toContain('Câu 3/5');
      }
    }
    // Every press was answered privately; nothing went to the groups after the announcement.
    await fake.waitUntil(() => fake.callbackAnswers.length >= 12);

    // Restart: the new process takes the taps on the messages already in the chats.
    await app.stop();
    app = await startTelegramApp(database, fake, {}, clock);
    const groupCalls = fake.calls.filter(
      (c) => c.method === 'sendMessage' && Number(c.body.chat_id) < 0,
    ).length;
    for (const [i, w] of WORKERS.entries()) {
      const plan = planOf(i + 1);
      for (let q = i < 6 ? 2 : 0; q < 5; q++) {
        const text = await press(w, plan[q]!);
        expect(text).toContain(q < 4 ? `Câu ${q + 2}/5` : 'Xong! Cảm ơn bạn');
      }
    }
    expect(fake.calls.filter((c) => c.method === 'sendMessage' && Number(c.body.chat_id) < 0).length).toBe(
      groupCalls,
    );

    since = await say(ADMIN.id, ADMIN, '/khaosat close 1');
    expect((await nextMessage(ADMIN.id, since)).text).toContain('Đã đóng phiếu #1');
    since = await say(ADMIN.id, ADMIN, '/khaosat results 1');
    const results = (await nextMessage(ADMIN.id, since)).text;
    expect(results.match(/Toàn bộ \(8\)/g)?.length).toBe(4);
    expect(results).toContain('💬 8 ý kiến');
    expect(results).toContain('Ý kiến của thợ 2');
    expect(results).not.toContain('Ý kiến của thợ 9');
    expect(results).not.toContain('CB2');
    expect(results).toContain('chỉ số eNPS -25');
  });
});
