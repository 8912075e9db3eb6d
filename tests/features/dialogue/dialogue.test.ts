import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PulseApp } from '../../../bot/app';
import { closeDueDialogues, dialogueSummaries, flushQuestions } from '../../../bot/features/dialogue';
import type { TextSignal } from '../../../bot/kernel/text-signals';
import { deliverOutbox } from '../../../bot/runtime/outbox/deliver';
import { dialogueQuestions, dialogues, dialogueVotes } from '../../../db/schema';
import { type FakeTelegram, startFakeTelegram } from '../../fakes/telegram-server';
import { FakeClock } from '../../helpers/clock';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import type { Harness } from '../../helpers/harness';
import { installLexicon, TEST_LEXICON } from '../hotspots/setup';
import {
  ADMIN,
  applyWorld,
  CB1_GROUP,
  CB2_GROUP,
  LEADER,
  LogSink,
  STRANGER,
  say,
  sendsTo,
  startApp,
  tap,
  WORKERS,
} from './world';

/** 09:00 in Hà Nội. */
const OPENED = new Date('2026-03-05T02:00:00Z');
const QUESTIONS = [
  'Bao giờ sửa nhà tắm khu lò giếng Q1?',
  'Thưởng Tết năm nay tính thế nào Q2?',
  'Ca ba có được thêm bữa ăn không Q3?',
  'Xe đưa đón công nhân có thêm chuyến không Q4?',
  'Khi nào cấp bảo hộ lao động mới Q5?',
  'Lương tháng này trả ngày nào Q6?',
  'Có tổ chức khám sức khỏe định kỳ không Q7?',
  'Nhà ăn có thể mở sớm hơn không Q8?',
];

let database: TestDatabase;
let fake: FakeTelegram;
let app: PulseApp;
let clock: FakeClock;
let logs: LogSink;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(async () => {
  await database.reset();
  fake = await startFakeTelegram();
  clock = new FakeClock(OPENED);
  await applyWorld(database, OPENED);
  logs = new LogSink();
  app = await startApp(database, fake, clock, logs, {
    PULSE_SECRET: 'a-test-secret-of-at-least-32-characters!!',
  });
});
afterEach(async () => {
  await app.stop();
  await fake.stop();
});

const count = async (table: typeof dialogues | typeof dialogueQuestions | typeof dialogueVotes) =>
  (await database.db.select({ n: sql<number>`count(*)::int` }).from(table))[0]!.n;

/** The message id in the CB1 group of each question number. */
function postedQuestions(): Map<number, { messageId: number; text: string; data: string }> {
  const byNumber = new Map<number, { messageId: number; text: string; data: string }>();
  for (const m of fake.sent(CB1_GROUP)) {
    const match = /Câu hỏi #(\d+)/.exec(m.text ?? '');
    const data = (m.reply_markup?.inline_keyboard[0]?.[0] as { callback_data?: string } | undefined)
      ?.callback_data;
    if (match && data) byNumber.set(Number(match[1]), { messageId: m.message_id, text: m.text!, data });
  }
  return byNumber;
}

async function openAndAsk(): Promise<Map<number, { messageId: number; text: string; data: string }>> {
  expect(await say(fake, LEADER, '/doithoai CB1 --until 17:00')).toContain(
    'Đã mở phiên đối thoại #1 cho Chi bộ 1',
  );
  for (let i = 0; i < QUESTIONS.length; i++) {
    clock.set(new Date(OPENED.getTime() + (i + 1) * 5 * 60_000));
    expect(await say(fake, WORKERS[i]!, `/hoi ${QUESTIONS[i]}`)).toContain('Đã nhận câu hỏi ẩn danh');
  }
  clock.set(new Date('2026-03-05T03:05:00Z'));
  expect(await flushQuestions(app.deps, clock.now())).toBe(8);
  return postedQuestions();
}

describe('a dialogue on Telegram', () => {
  it('posts the hour’s questions through the outbox: keyed by number and group, at the hour, naming no one', async () => {
    const posted = await openAndAsk();
    expect(posted.size).toBe(8);
    const rows = await database.query<Record<string, unknown>>(
      sql`select * from outbox where kind = 'dialogue_question' order by id`,
    );
    expect(rows).toHaveLength(8);
    const hour = Date.parse('2026-03-05T02:00:00Z');
    const step = clock.now().getTime();
    rows.forEach((row, i) => {
      expect(row.status).toBe('sent');
      // Written in number order (the shuffled order), keyed by (dialogue, number, group).
      expect(row.key).toBe(`dialogue_question:1:${i + 1}:telegram:${CB1_GROUP}`);
      expect(new Date(String(row.not_before)).getTime()).toBe(hour);
      for (const [name, value] of Object.entries(row)) {
        const flat = typeof value === 'string' ? value : JSON.stringify(value);
        for (const w of WORKERS) {
          expect(flat, name).not.toContain(String(w.id));
          expect(flat, name).not.toContain(w.first_name);
        }
        if (/_at$/.test(name) && value !== null) {
          expect(new Date(value as string).getTime(), name).toBeGreaterThanOrEqual(step);
        }
      }
    });
    // Where each went is copied for replies-as-answers.
    const posts = await database.query<{ n: number }>(sql`select count(*)::int as n from dialogue_posts`);
    expect(Number(posts[0]!.n)).toBe(8);
  });

  it('a post the outbox could not send yet is sent by the next process after a restart', async () => {
    expect(await say(fake, LEADER, '/doithoai CB1 --until 17:00')).toContain('Đã mở phiên đối thoại #1');
    for (let i = 0; i < 3; i++) {
      clock.set(new Date(OPENED.getTime() + (i + 1) * 5 * 60_000));
      await say(fake, WORKERS[i]!, `/hoi ${QUESTIONS[i]}`);
    }
    clock.set(new Date('2026-03-05T03:05:00Z'));
    fake.failNext('sendMessage', { status: 500, description: 'Internal Server Error: boom' }, 3);
    expect(await flushQuestions(app.deps, clock.now())).toBe(3);
    expect(postedQuestions().size).toBe(0);
    const pending = await database.query<{ status: string }>(
      sql`select status from outbox where kind = 'dialogue_question'`,
    );
    expect(pending.map((r) => r.status)).toEqual(['pending', 'pending', 'pending']);

    await app.stop();
    app = await startApp(database, fake, clock, logs, {
      PULSE_SECRET: 'a-test-secret-of-at-least-32-characters!!',
    });
    clock.advance(60_000);
    await deliverOutbox(app.deps, { kinds: ['dialogue_question'] });
    const posted = postedQuestions();
    expect([...posted.keys()].sort()).toEqual([1, 2, 3]);
    // Not copied into dialogue_posts yet: a leader's reply is matched through the outbox row.
    const q2 = posted.get(2)!;
    expect(await say(fake, LEADER, 'Sẽ trả lời trong tuần.', CB1_GROUP, q2.messageId)).toContain(
      'Đã ghi trả lời cho câu hỏi #2',
    );
    // Where they went is copied at the next step.
    await flushQuestions(app.deps, clock.now());
    const posts = await database.query<{ n: number }>(sql`select count(*)::int as n from dialogue_posts`);
    expect(Number(posts[0]!.n)).toBe(3);
  });

  it('opens with a post in the unit’s group, takes 8 anonymous questions and posts them at the hour', async () => {
    const since = fake.calls.length;
    expect(await say(fake, LEADER, '/doithoai CB1 --until 17:00')).toContain('tới 17:00 05/03/2026');
    const announce = await fake.waitFor(sendsTo(CB1_GROUP), { since });
    expect(String(announce.body.text)).toContain('Phiên đối thoại với lãnh đạo — Chi bộ 1');
    expect(fake.sent(CB2_GROUP)).toHaveLength(0);

    for (let i = 0; i < QUESTIONS.length; i++) {
      clock.set(new Date(OPENED.getTime() + (i + 1) * 5 * 60_000));
      await say(fake, WORKERS[i]!, `/hoi ${QUESTIONS[i]}`);
    }
    // Nothing of an asker's request is written: the hour's questions wait in memory.
    expect(await count(dialogueQuestions)).toBe(0);
    expect(postedQuestions().size).toBe(0);
    // Within the same hour the step writes nothing either.
    expect(await flushQuestions(app.deps, new Date('2026-03-05T02:55:00Z'))).toBe(0);

    const signals: TextSignal[] = [];
    app.deps.signals.subscribe(async (signal) => void signals.push(signal));
    clock.set(new Date('2026-03-05T03:05:00Z'));
    expect(await flushQuestions(app.deps, clock.now())).toBe(8);
    const posted = postedQuestions();
    expect([...posted.keys()].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const texts = [...posted.values()].map((p) => p.text);
    for (const q of QUESTIONS) expect(texts.some((t) => t.includes(q))).toBe(true);
    expect(signals.map((s) => [s.source, s.at.toISOString(), s.chatId])).toEqual(
      QUESTIONS.map(() => ['feedback', '2026-03-05T02:00:00.000Z', null]),
    );
    const rows = await database.db.select().from(dialogueQuestions);
    // Hour only: every row carries the hour, nothing finer.
    expect(new Set(rows.map((r) => r.hour.toISOString()))).toEqual(new Set(['2026-03-05T02:00:00.000Z']));
  });

  it('counts one vote per person, refuses strangers and leaders, answers stale buttons, ranks by votes', async () => {
    const posted = await openAndAsk();
    const q = (n: number) => posted.get(n)!;
    for (const worker of WORKERS.slice(0, 6)) {
      expect(await tap(fake, worker, CB1_GROUP, q(3).messageId, q(3).data)).toContain('Đã ghi nhận');
    }
    // A double vote is counted once.
    expect(await tap(fake, WORKERS[0]!, CB1_GROUP, q(3).messageId, q(3).data)).toContain(
      'đã ủng hộ câu hỏi này rồi',
    );
    for (const worker of WORKERS.slice(6, 8)) await tap(fake, worker, CB1_GROUP, q(5).messageId, q(5).data);
    // A worker of another unit, and a leader, are refused and not counted.
    expect(await tap(fake, STRANGER, CB1_GROUP, q(3).messageId, q(3).data)).toContain(
      'Chỉ người lao động của Chi bộ 1',
    );
    expect(await tap(fake, LEADER, CB1_GROUP, q(3).messageId, q(3).data)).toContain(
      'Lãnh đạo trả lời câu hỏi',
    );
    expect(await tap(fake, ADMIN, CB1_GROUP, q(3).messageId, q(3).data)).toContain(
      'Lãnh đạo trả lời câu hỏi',
    );
    // Stale or forged buttons.
    expect(await tap(fake, WORKERS[1]!, CB1_GROUP, q(3).messageId, `dv:${'0'.repeat(32)}`)).toContain(
      'Nút này đã cũ',
    );
    expect(await tap(fake, WORKERS[1]!, CB1_GROUP, q(3).messageId, 'dv:not-a-question')).toContain(
      'Nút này đã cũ',
    );

    const votes = await database.db.select().from(dialogueQuestions);
    const byNumber = new Map(votes.map((r) => [r.number, r.votes]));
    expect(byNumber.get(3)).toBe(6);
    expect(byNumber.get(5)).toBe(2);
    expect(votes.reduce((s, r) => s + r.votes, 0)).toBe(8);
    expect(await count(dialogueVotes)).toBe(8);

    const list = await say(fake, LEADER, '/doithoai list');
    expect(list.indexOf('#3 · 6 👍')).toBeGreaterThan(0);
    expect(list.indexOf('#3 · 6 👍')).toBeLessThan(list.indexOf('#5 · dưới 5 👍'));
  });

  it('takes a leader’s reply to a question as its answer, and closes with a summary in the group', async () => {
    const posted = await openAndAsk();
    const q3 = posted.get(3)!;
    for (const worker of WORKERS.slice(0, 6)) await tap(fake, worker, CB1_GROUP, q3.messageId, q3.data);
    // A worker's reply is chatter, not an answer.
    fake.message({
      chatId: CB1_GROUP,
      chatType: 'supergroup',
      from: WORKERS[9]!,
      text: 'Đúng vậy',
      replyTo: q3.messageId,
    });
    expect(await say(fake, LEADER, 'Tuần sau bắt đầu có bữa ăn ca ba.', CB1_GROUP, q3.messageId)).toContain(
      'Đã ghi trả lời cho câu hỏi #3',
    );
    expect(await say(fake, LEADER, '/doithoai answer 5 Tháng 4 cấp bảo hộ mới.', CB1_GROUP)).toContain(
      'Trả lời câu hỏi #5 — Chi bộ 1',
    );
    expect(fake.sent(CB1_GROUP).filter((m) => m.text?.includes('Đã ghi trả lời'))).toHaveLength(1);
    const answers = await database.db.select().from(dialogueQuestions);
    expect(answers.find((a) => a.number === 3)!.answer).toBe('Tuần sau bắt đầu có bữa ăn ca ba.');
    expect(
      answers
        .filter((a) => a.answer !== null)
        .map((a) => a.number)
        .sort(),
    ).toEqual([3, 5]);

    const since = fake.calls.length;
    clock.set(new Date('2026-03-05T10:00:00Z'));
    expect(await closeDueDialogues(app.deps, clock.now())).toBe(1);
    const summary = String((await fake.waitFor(sendsTo(CB1_GROUP), { since })).body.text);
    expect(summary).toContain('Phiên đối thoại Chi bộ 1 đã kết thúc');
    expect(summary).toContain('8 câu hỏi, 2 đã được trả lời; ủng hộ: 6 👍.');
    expect(summary).toContain('#3 · 6 👍 · ✅ đã trả lời');
    expect(summary.indexOf('#3 ·')).toBeLessThan(summary.indexOf('#1 ·'));
    // The vote ledger goes with the dialogue; the counts stay.
    expect(await count(dialogueVotes)).toBe(0);
    expect(await closeDueDialogues(app.deps, clock.now())).toBe(0);
    expect(await tap(fake, WORKERS[7]!, CB1_GROUP, q3.messageId, q3.data)).toContain('đã kết thúc');

    const [report] = await dialogueSummaries(database.db, {
      from: new Date('2026-03-01T00:00:00Z'),
      to: new Date('2026-04-01T00:00:00Z'),
    });
    expect(report).toMatchObject({ unitCode: 'CB1', questions: 8, answered: 2, votes: 6 });
    expect(report!.items[0]).toMatchObject({ number: 3, votes: 6 });
    const since2 = fake.calls.length;
    fake.message({
      chatId: LEADER.id,
      chatType: 'private',
      from: LEADER,
      text: '/report CB1 --period 2026-03-01..2026-03-31',
    });
    const inReport = await fake.waitFor((c) => sendsTo(LEADER.id)(c) && String(c.body.text).includes('📊'), {
      since: since2,
    });
    expect(String(inReport.body.text)).toContain('🗣 Đối thoại: 1 phiên, 8 câu hỏi, 2 đã trả lời');
    // Below k, a question's votes are withheld in reports too.
    expect(report!.items.every((i) => i.votes === null || i.votes >= 5)).toBe(true);
  });

  it('refuses wrong arguments and roles with a clear message, changing nothing', async () => {
    expect(await say(fake, LEADER, '/doithoai')).toContain('Cách dùng');
    expect(await say(fake, LEADER, '/doithoai CB1')).toContain('Cách dùng');
    expect(await say(fake, LEADER, '/doithoai CB1 --until 25:00')).toContain(
      'Không hiểu giờ kết thúc «25:00»',
    );
    expect(await say(fake, LEADER, '/doithoai CB1 --until 08:00')).toContain('sau bây giờ ít nhất 15 phút');
    expect(await say(fake, LEADER, '/doithoai CB1 --until 17:00 --dm')).toContain('--dm');
    expect(await say(fake, LEADER, '/doithoai NOPE --until 17:00')).toContain('Không có đơn vị mã NOPE');
    expect(await say(fake, LEADER, '/doithoai CB2 --until 17:00')).toContain('Chi bộ 1');
    expect(await say(fake, WORKERS[0]!, '/doithoai CB1 --until 17:00')).toContain('/doithoai');
    expect(await say(fake, WORKERS[0]!, '/hoi Có ai không?')).toContain(
      'không có phiên đối thoại nào đang mở',
    );
    // Typed in the group, the refusal concerns the leader alone: it goes to their DM, not the group.
    const since = fake.calls.length;
    fake.message({
      chatId: CB1_GROUP,
      chatType: 'supergroup',
      from: LEADER,
      text: '/doithoai answer 1 Trả lời',
    });
    const refusal = await fake.waitFor(sendsTo(LEADER.id), { since });
    expect(String(refusal.body.text)).toContain('không có phiên đối thoại');
    expect(fake.calls.slice(since).some(sendsTo(CB1_GROUP))).toBe(false);
    expect(await count(dialogues)).toBe(0);
    expect(await say(fake, LEADER, '/doithoai CB1 --until 17:00')).toContain('Đã mở');
    expect(await say(fake, LEADER, '/doithoai CB1 --until 18:00')).toContain('đang có phiên đối thoại #1');
    expect(await count(dialogues)).toBe(1);
  });

  it('attacker: no author column, no person in the vote ledger, logs clean of text and ids', async () => {
    const posted = await openAndAsk();
    const q = posted.get(1)!;
    for (const worker of WORKERS.slice(0, 5)) await tap(fake, worker, CB1_GROUP, q.messageId, q.data);
    const columns = await database.query<{ table_name: string; column_name: string }>(
      sql`select table_name, column_name from information_schema.columns
          where table_name in ('dialogue_questions', 'dialogue_votes', 'dialogue_posts') order by table_name, column_name`,
    );
    expect(columns.map((c) => `${c.table_name}.${c.column_name}`)).toEqual([
      'dialogue_posts.chat_external_id',
      'dialogue_posts.message_id',
      'dialogue_posts.platform',
      'dialogue_posts.question_id',
      'dialogue_questions.answer',
      'dialogue_questions.answered_at',
      'dialogue_questions.answered_by',
      'dialogue_questions.dialogue_id',
      'dialogue_questions.hour',
      'dialogue_questions.id',
      'dialogue_questions.number',
      'dialogue_questions.text',
      'dialogue_questions.votes',
      'dialogue_votes.dialogue_id',
      'dialogue_votes.token',
    ]);
    // answered_by is the leader (who acts in the open), never an asker.
    const dump = JSON.stringify(
      await database.query(sql`select q.*, v.token from dialogue_questions q, dialogue_votes v`),
    );
    for (const worker of WORKERS) expect(dump).not.toContain(String(worker.id));
    const people = await database.query<{ id: number }>(sql`select id from people`);
    const tokens = await database.query<{ token: string }>(sql`select token from dialogue_votes`);
    for (const { token } of tokens) for (const p of people) expect(token).not.toContain(`${p.id}:`);

    const text = logs.text();
    expect(text).toContain('dialogue opened');
    for (const question of QUESTIONS) expect(text).not.toContain(question.slice(0, 20));
    for (const worker of WORKERS) expect(text).not.toContain(String(worker.id));
  });

  it('attacker with a write trigger: no request writes; the hour’s questions are one shuffled transaction', async () => {
    const run = (text: string) => database.db.execute(sql.raw(text));
    await run('create table spy (seq bigserial primary key, table_name text, op text, txid bigint)');
    await run(`create or replace function spy_write() returns trigger language plpgsql as $$
      begin
        insert into spy (table_name, op, txid) values (tg_table_name, tg_op, txid_current());
        return null;
      end $$`);
    for (const table of ['dialogue_questions', 'dialogue_votes']) {
      await run(
        `create trigger spy_${table} after insert or update or delete on ${table} for each row execute function spy_write()`,
      );
    }
    try {
      await say(fake, LEADER, '/doithoai CB1 --until 17:00');
      for (let i = 0; i < QUESTIONS.length; i++) {
        clock.set(new Date(OPENED.getTime() + (i + 1) * 5 * 60_000));
        await say(fake, WORKERS[i]!, `/hoi ${QUESTIONS[i]}`);
      }
      const spied = () =>
        database.query<{ table_name: string; op: string; txid: string }>(sql`select * from spy order by seq`);
      expect(await spied()).toEqual([]);
      clock.set(new Date('2026-03-05T03:05:00Z'));
      await flushQuestions(app.deps, clock.now());
      const writes = await spied();
      expect(writes).toHaveLength(8);
      expect(writes.every((w) => w.table_name === 'dialogue_questions' && w.op === 'INSERT')).toBe(true);
      expect(new Set(writes.map((w) => w.txid)).size).toBe(1);
      // Numbered in shuffled order, not in the order they were asked (1 chance in 8! to coincide).
      const rows = await database.db.select().from(dialogueQuestions);
      const order = QUESTIONS.map((q) => rows.find((r) => r.text === q)!.number);
      expect(order).not.toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    } finally {
      for (const table of ['dialogue_questions', 'dialogue_votes'])
        await run(`drop trigger if exists spy_${table} on ${table}`);
      await run('drop table if exists spy');
    }
  });

  it('a critical question may be posted at once, by the asker’s choice', async () => {
    await installLexicon({ deps: app.deps, clock } as unknown as Harness, TEST_LEXICON);
    const signals: TextSignal[] = [];
    app.deps.signals.subscribe(async (signal) => void signals.push(signal));
    await say(fake, LEADER, '/doithoai CB1 --until 17:00');
    clock.set(new Date('2026-03-05T02:20:00Z'));
    const since = fake.calls.length;
    fake.message({
      chatId: WORKERS[0]!.id,
      chatType: 'private',
      from: WORKERS[0]!,
      text: '/hoi Lò chợ 3 vừa có tai nạn, người bị thương nặng, có ai lo không?',
    });
    const reply = await fake.waitFor(sendsTo(WORKERS[0]!.id), { since });
    const markup = reply.body.reply_markup as { inline_keyboard: { callback_data: string }[][] } | undefined;
    const data = markup?.inline_keyboard[0]?.[0]?.callback_data;
    expect(data).toMatch(/^dn:/);
    const message = fake.sent(WORKERS[0]!.id).at(-1)!;
    expect(await tap(fake, WORKERS[0]!, WORKERS[0]!.id, message.message_id, data!)).toContain(
      'Đã đăng ngay câu hỏi #1',
    );
    expect(postedQuestions().get(1)?.text).toContain('bị thương nặng');
    expect(await tap(fake, WORKERS[0]!, WORKERS[0]!.id, message.message_id, data!)).toContain(
      'không còn chờ',
    );
    // Sent now by choice: the hot-spot matcher hears it now, with no author and no chat.
    expect(signals).toEqual([
      expect.objectContaining({ source: 'feedback', chatId: null, at: clock.now(), sentNow: true }),
    ]);
    expect(Object.keys(signals[0]!).sort()).toEqual(['at', 'chatId', 'sentNow', 'source', 'text', 'unitId']);
  });
});
