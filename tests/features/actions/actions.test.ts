import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PulseApp } from '../../../bot/app';
import { beforeAfter, isAboutTopic, openDueFollowUps } from '../../../bot/features/actions';
import { pollSeries, polls, pollTallies, pollUnits, unitActions, units } from '../../../db/schema';
import { type FakeTelegram, startFakeTelegram } from '../../fakes/telegram-server';
import { FakeClock } from '../../helpers/clock';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import {
  applyWorld,
  CB1_GROUP,
  CB2_GROUP,
  LEADER,
  LogSink,
  say,
  sendsTo,
  startApp,
  tap,
  WORKERS,
} from '../dialogue/world';

const NOW = new Date('2026-03-05T02:00:00Z');
const DAY = 24 * 60 * 60 * 1000;

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
  clock = new FakeClock(NOW);
  await applyWorld(database, NOW);
  app = await startApp(database, fake, clock, new LogSink());
});
afterEach(async () => {
  await app.stop();
  await fake.stop();
});

async function unitId(code: string): Promise<number> {
  const [row] = await database.db.select().from(units).where(eq(units.code, code));
  return row!.id;
}

/** A closed 1–5 poll of CB1 with the given counts (😞…😀), closed at `closedAt`. */
async function closedPoll(question: string, counts: number[], closedAt: Date): Promise<number> {
  const cb1 = await unitId('CB1');
  const [poll] = await database.db
    .insert(polls)
    .values({
      question,
      kind: 'scale',
      options: ['😞', '🙁', '😐', '🙂', '😀'],
      audience: [cb1],
      dm: false,
      comments: false,
      minAnswers: 5,
      minComments: 10,
      status: 'closed',
      locale: 'vi',
      audienceSize: 10,
      createdAt: new Date(closedAt.getTime() - DAY),
      closesAt: closedAt,
      closedAt,
    })
    .returning();
  await database.db.insert(pollUnits).values({ pollId: poll!.id, unitId: cb1, members: 10 });
  await database.db.insert(pollTallies).values({ pollId: poll!.id, unitId: cb1, counts, accepting: false });
  return poll!.id;
}

const actionCount = async () =>
  (await database.db.select({ n: sql<number>`count(*)::int` }).from(unitActions))[0]!.n;

describe('closing the loop on Telegram', () => {
  it('records an action; marked done it posts “you said, we did”, opens the follow-up pulse, and shows before/after', async () => {
    await closedPoll(
      'Anh chị hài lòng với tiền lương tháng này?',
      [1, 3, 1, 0, 0],
      new Date(NOW.getTime() - 10 * DAY),
    );
    // Below k: left out of the figure.
    await closedPoll('Lương có trả đúng hạn không?', [4, 0, 0, 0, 0], new Date(NOW.getTime() - 5 * DAY));
    // Another topic: left out.
    await closedPoll('Nhà ăn có ngon không?', [0, 0, 0, 0, 9], new Date(NOW.getTime() - 5 * DAY));

    const since = fake.calls.length;
    fake.message({
      chatId: LEADER.id,
      chatType: 'private',
      from: LEADER,
      text: '/hanhdong CB1 lương Từ tháng 4 trả lương đúng ngày 5',
    });
    const recorded = await fake.waitFor(sendsTo(LEADER.id), { since });
    expect(String(recorded.body.text)).toContain('Đã ghi hành động #1 cho Chi bộ 1 (chủ đề: lương)');
    const button = fake.sent(LEADER.id).at(-1)!;
    expect(button.reply_markup!.inline_keyboard[0]![0]).toMatchObject({
      text: '✅ Đã làm xong',
      callback_data: 'act:1',
    });
    expect(fake.sent(CB1_GROUP)).toHaveLength(0);

    // A worker's press changes nothing.
    expect(await tap(fake, WORKERS[0]!, LEADER.id, button.message_id, 'act:1')).toContain('/hanhdong');
    expect((await database.db.select().from(unitActions))[0]!.status).toBe('open');
    expect(await tap(fake, LEADER, LEADER.id, button.message_id, 'act:99')).toContain('Nút này đã cũ');

    clock.set(new Date(NOW.getTime() + 2 * DAY));
    const done = await tap(fake, LEADER, LEADER.id, button.message_id, 'act:1');
    expect(done).toContain('Hành động #1 đã xong. Đã báo 1 nhóm');
    const posts = fake.sent(CB1_GROUP);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.text).toContain('Anh chị đã nói, chúng tôi đã làm — Chi bộ 1');
    expect(posts[0]!.text).toContain('Từ tháng 4 trả lương đúng ngày 5');
    expect(fake.sent(CB2_GROUP)).toHaveLength(0);
    // Done twice: said so, nothing posted again.
    expect(await say(fake, LEADER, '/hanhdong done 1')).toContain('đã được đánh dấu xong');
    expect(fake.sent(CB1_GROUP)).toHaveLength(1);

    // The follow-up pulse waits its three days.
    expect(await openDueFollowUps(app.deps, new Date(NOW.getTime() + 4 * DAY))).toBe(0);
    clock.set(new Date(NOW.getTime() + 5 * DAY));
    expect(await openDueFollowUps(app.deps, clock.now())).toBe(1);
    expect(await openDueFollowUps(app.deps, clock.now())).toBe(0);
    const [action] = await database.db.select().from(unitActions);
    const [followUp] = await database.db.select().from(polls).where(eq(polls.id, action!.followUpPollId!));
    expect(followUp).toMatchObject({ kind: 'scale', status: 'open', audience: [await unitId('CB1')] });
    expect(followUp!.question).toContain('lương');
    expect(fake.sent(CB1_GROUP).at(-1)!.text).toContain(followUp!.question);

    // The follow-up closes with six answers: the report shows before and after.
    await database.db
      .update(pollTallies)
      .set({ counts: [0, 0, 1, 2, 3] })
      .where(eq(pollTallies.pollId, followUp!.id));
    await database.db
      .update(polls)
      .set({ status: 'closed', closedAt: new Date(NOW.getTime() + 6 * DAY) })
      .where(eq(polls.id, followUp!.id));
    const figures = await beforeAfter(database.db, action!);
    expect(figures.before).toEqual({ mean: 2, answers: 5, polls: 1 });
    expect(figures.after).toEqual({ mean: 4.33, answers: 6, polls: 1 });
    const list = await say(fake, LEADER, '/hanhdong list');
    expect(list).toContain('Trước: 2.00/5 (5 câu trả lời) · Sau: 4.33/5 (6 câu trả lời)');
    // The next report shows the before/after.
    const since2 = fake.calls.length;
    fake.message({
      chatId: LEADER.id,
      chatType: 'private',
      from: LEADER,
      text: '/report CB1 --period last-week',
    });
    const report = await fake.waitFor((c) => sendsTo(LEADER.id)(c) && String(c.body.text).includes('📊'), {
      since: since2,
    });
    expect(String(report.body.text)).toContain('📣 #1 Chi bộ 1 · lương: trước 2,0 → sau 4,3');
  });

  it('shows no figure for a side whose cells are all below k', async () => {
    await closedPoll('Tiền lương có đủ sống không?', [1, 1, 1, 0, 0], new Date(NOW.getTime() - DAY));
    await say(fake, LEADER, '/hanhdong CB1 lương Tăng lương cơ bản');
    const [action] = await database.db.select().from(unitActions);
    expect(await beforeAfter(database.db, action!)).toEqual({ before: null, after: null });
    expect(await say(fake, LEADER, '/hanhdong list CB1')).toContain('Trước: chưa đủ câu trả lời');
  });

  it('counts a pulse series keyed by the topic as the topic’s, whatever its question says', async () => {
    const [series] = await database.db
      .insert(pollSeries)
      .values({
        key: 'luong',
        question: 'Thu nhập tháng này thế nào?',
        kind: 'scale',
        options: ['😞', '🙁', '😐', '🙂', '😀'],
        audience: ['CB1'],
        cron: '0 8 * * 1',
        closesAfterMinutes: 1440,
        minAnswers: 5,
        minComments: 10,
      })
      .returning();
    const id = await closedPoll(
      'Thu nhập tháng này thế nào?',
      [0, 0, 5, 0, 0],
      new Date(NOW.getTime() - DAY),
    );
    await database.db.update(polls).set({ seriesId: series!.id }).where(eq(polls.id, id));
    await say(fake, LEADER, '/hanhdong CB1 lương Tăng lương cơ bản');
    const [action] = await database.db.select().from(unitActions);
    expect((await beforeAfter(database.db, action!)).before).toEqual({ mean: 3, answers: 5, polls: 1 });
  });

  it('refuses wrong arguments and roles with a clear message, changing nothing', async () => {
    expect(await say(fake, LEADER, '/hanhdong')).toContain('Cách dùng');
    expect(await say(fake, LEADER, '/hanhdong CB1 lương')).toContain('Cách dùng');
    expect(await say(fake, LEADER, '/hanhdong CB1 lư*ơng Tăng lương')).toContain('Cách dùng');
    expect(await say(fake, LEADER, '/hanhdong NOPE lương Tăng lương')).toContain('Không có đơn vị mã NOPE');
    expect(await say(fake, LEADER, '/hanhdong CB2 lương Tăng lương')).toContain('Chi bộ 1');
    expect(await say(fake, WORKERS[0]!, '/hanhdong CB1 lương Tăng lương')).toContain('/hanhdong');
    expect(await say(fake, LEADER, '/hanhdong done 99')).toContain('Không có hành động #99');
    expect(await say(fake, LEADER, '/hanhdong done abc')).toContain('Cách dùng');
    expect(await say(fake, LEADER, `/hanhdong CB1 lương ${'x'.repeat(501)}`)).toContain('dài quá 500');
    expect(await actionCount()).toBe(0);
    expect(fake.sent(CB1_GROUP)).toHaveLength(0);
  });

  it('matches a topic as whole folded words', () => {
    expect(isAboutTopic('Anh chị hài lòng với tiền LƯƠNG?', 'lương')).toBe(true);
    expect(isAboutTopic('Luong thang nay?', 'lương')).toBe(true);
    expect(isAboutTopic('An toàn lò chợ thế nào?', 'an-toàn')).toBe(true);
    expect(isAboutTopic('Lương thực ở nhà ăn', 'lương-tháng')).toBe(false);
    expect(isAboutTopic('Chat luong bua an', 'lương')).toBe(true);
    expect(isAboutTopic('Chất lượng bữa ăn', 'lương')).toBe(false);
  });
});
