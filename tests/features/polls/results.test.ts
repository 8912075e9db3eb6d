import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closeDuePolls } from '../../../bot/features/polls/close';
import { flushComments, openInvites } from '../../../bot/features/polls/comments';
import type { TextSignal } from '../../../bot/kernel/text-signals';
import { identities, pollCommentInvites, pollComments } from '../../../db/schema';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { command, createHarness, dm, type Harness, message } from '../../helpers/harness';
import { auditResults, pollsWorld, seenIn, tap, worker } from './helpers';

let database: TestDatabase;
let harness: Harness;
let world: Awaited<ReturnType<typeof pollsWorld>>;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(async () => {
  await database.reset();
  harness = createHarness(database);
  world = await pollsWorld(database, harness);
});

const HOUR = 60 * 60 * 1000;

async function personOf(telegramId: number): Promise<number | undefined> {
  const [row] = await database.db
    .select({ personId: identities.personId })
    .from(identities)
    .where(eq(identities.externalId, String(telegramId)));
  return row?.personId;
}
const texts = (chatId: string | number) => harness.messenger.texts(String(chatId));

/** People 1–6 answer in CB1's group, 7–8 in T1's, 9–16 in CB2's; option = person % 5. */
async function answerCompanyPoll() {
  // Pulse knows at least k people in every unit, so the participation count may be shown.
  await seenIn(harness, world.groups.CB1, 1, 6);
  await seenIn(harness, world.groups.T1, 7, 8);
  await seenIn(harness, world.groups.T1, 17, 19);
  await seenIn(harness, world.groups.CB2, 9, 16);
  await harness.handle(command(dm(1), world.admin, '/pulse Công việc tuần này? --units CTY --closes 24h'));
  const groupOf = (n: number) => (n <= 6 ? world.groups.CB1 : n <= 8 ? world.groups.T1 : world.groups.CB2);
  for (let n = 1; n <= 16; n++) await harness.handle(tap(groupOf(n), worker(n), `pa:1:${n % 5}`));
}

async function close() {
  harness.clock.advance(25 * HOUR);
  await closeDuePolls(harness.deps, harness.clock.now());
}

describe('results and thresholds', () => {
  it('keeps results hidden while open, showing participation only', async () => {
    await answerCompanyPoll();
    await harness.handle(command(dm(1), world.admin, '/results 1'));
    const open = texts(1).at(-1)!;
    expect(open).toContain('đang mở');
    expect(open).toContain('Tham gia: 16/19 người');
    expect(open).toContain('giữ kín đến khi khảo sát đóng');
    expect(open).not.toMatch(/Trung bình|█/);
  });

  it('withholds a small unit and its complement in every view: closing messages, /results, groups', async () => {
    await answerCompanyPoll();
    harness.messenger.clear();
    await close();
    // CB1 6, T1 2, CB2 8: T1 is below 5 and left out of every total (14), so CB1 can be shown.
    const inCb2 = texts('-cb2').at(-1)!;
    expect(inCb2).toContain('Toàn bộ: 14 câu trả lời');
    expect(inCb2).toContain('Chi bộ 2 (CB2): 8 câu trả lời');
    expect(inCb2).not.toContain('Chi bộ 1 (CB1)');
    const inCb1 = texts('-cb1').at(-1)!;
    expect(inCb1).toContain('Chi bộ 1 (CB1): 6 câu trả lời');
    expect(inCb1).toContain('Tổ 1 (T1): chưa đủ câu trả lời để giữ ẩn danh (cần ít nhất 5)');
    expect(inCb1).not.toContain('Chi bộ 2');

    await harness.handle(command(dm(1), world.admin, '/results 1'));
    const full = texts(1).at(-1)!;
    expect(full).toContain('Chi bộ 1 (CB1): 6 câu trả lời');
    expect(full).toContain('Tổ 1 (T1): chưa đủ');
    expect(full).toContain('Chi bộ 2 (CB2): 8 câu trả lời');
    expect(full.match(/Trung bình/g)).toHaveLength(3);

    await harness.handle(command(dm(4), world.collaboratorT1, '/results 1'));
    const partial = texts(4).at(-1)!;
    expect(partial).toContain('Toàn bộ: 14 câu trả lời');
    expect(partial).toContain('Tổ 1 (T1): chưa đủ');
    expect(partial).not.toMatch(/Chi bộ 1 \(CB1\)|Chi bộ 2/);

    await harness.handle(command(world.groups.CB2, world.admin, '/results 1'));
    expect(texts('-cb2').at(-1)).not.toContain('Chi bộ 1');
    await harness.handle(command(dm(3), world.leaderCb2, '/results 1'));
    expect(texts(3).at(-1)).toContain('Chi bộ 2 (CB2): 8 câu trả lời');
    expect(texts(3).at(-1)).not.toContain('Tổ 1');
  });

  it('withholds the total below k and refuses people with no part in the poll', async () => {
    await harness.handle(command(world.groups.CB2, world.leaderCb2, '/poll Tăng ca?'));
    for (let n = 1; n <= 4; n++) await harness.handle(tap(world.groups.CB2, worker(n), 'pa:1:0'));
    await close();
    // Everyone seen in the group by closing time counts as asked: the four who answered and the leader.
    expect(texts('-cb2').at(-1)).toContain('Tham gia: 4/5 người (80%)');
    expect(texts('-cb2').at(-1)).toContain('Toàn bộ: chưa đủ câu trả lời');
    expect(texts('-cb2').at(-1)).not.toMatch(/█/);
    await harness.handle(command(dm(2), world.leaderCb1, '/results 1'));
    expect(texts(2).at(-1)).toContain('không có quyền');
    await harness.handle(message(world.groups.CB2, worker(1), 'chào'));
    await harness.handle(command(dm(101), worker(1), '/results 1'));
    expect(texts(101).at(-1)).toContain('không có quyền');
    await harness.handle(command(dm(1), world.admin, '/results 99'));
    expect(texts(1).at(-1)).toContain('Không có khảo sát #99');
    await harness.handle(command(dm(1), world.admin, '/results abc'));
    expect(texts(1).at(-1)).toContain('Cách dùng: /results');
  });
});

describe('results of a --dm poll', () => {
  it('go to the groups of the units asked, each showing the cells under its unit', async () => {
    const cty = {
      platform: 'telegram' as const,
      externalId: '-cty',
      kind: 'group' as const,
      title: 'Công ty',
    };
    await harness.handle(command(cty, world.admin, '/link CTY'));
    for (let n = 1; n <= 12; n++) {
      await harness.handle(message(n <= 6 ? world.groups.CB1 : world.groups.CB2, worker(n), 'có mặt'));
    }
    await harness.handle(command(dm(1), world.admin, '/pulse Ổn không? --units CTY --dm'));
    for (let n = 1; n <= 12; n++) await harness.handle(tap(dm(100 + n), worker(n), `pa:1:${n % 5}`));
    harness.messenger.clear();
    await close();
    const inCompanyGroup = texts('-cty').at(-1)!;
    expect(inCompanyGroup).toContain('Toàn bộ: 12 câu trả lời');
    expect(inCompanyGroup).toContain('Chi bộ 1 (CB1): 6 câu trả lời');
    expect(inCompanyGroup).toContain('Chi bộ 2 (CB2): 6 câu trả lời');
    expect(texts('-cb2').at(-1)).not.toContain('Chi bộ 1');
    expect(harness.messenger.sent.filter((s) => s.chat.kind === 'dm').map((s) => s.chat.externalId)).toEqual([
      '1',
    ]);
  });
});

describe('comments', () => {
  it('takes no plain DM as a comment unless the person pressed Thêm ý kiến: the DM gets the menu', async () => {
    await harness.handle(command(dm(1), world.admin, '/pulse Ý kiến về bữa ca? --units CB2 --comments'));
    await harness.handle(tap(world.groups.CB2, worker(1), 'pa:1:3'));
    expect(harness.messenger.answers.at(-1)!.text).toContain('Thêm ý kiến');
    await harness.handle(message(dm(101), worker(1), 'alo, bao giờ có lương tháng 12?'));
    expect(texts(101).at(-1)).toContain('Pulse không đọc tin nhắn thường');
    harness.clock.advance(HOUR);
    await flushComments(harness.deps, harness.clock.now());
    expect(await database.db.select().from(pollComments)).toEqual([]);
    // After the button, the next DM is the comment.
    await harness.handle(command(dm(101), worker(1), '/start cmt-1'));
    await harness.handle(message(dm(101), worker(1), 'Cơm nguội'));
    expect(texts(101).at(-1)).toContain('Đã nhận ý kiến ẩn danh');
    // The window: worker 2 pressed the button but wrote only 31 minutes later.
    await harness.handle(tap(world.groups.CB2, worker(2), 'pa:1:4'));
    await harness.handle(command(dm(102), worker(2), '/start cmt-1'));
    expect(texts(102).at(-1)).toContain('trong 30 phút');
    harness.clock.advance(31 * 60_000);
    await harness.handle(message(dm(102), worker(2), 'Muộn'));
    expect(texts(102).at(-1)).toContain('Pulse không đọc tin nhắn thường');
  });

  it('takes one comment per person after answering, shows them only past the free-text threshold', async () => {
    const seen: TextSignal[] = [];
    harness.deps.signals.subscribe(async (signal) => void seen.push(signal));
    await harness.handle(command(dm(1), world.admin, '/pulse Ý kiến về bữa ca? --units CB1,CB2 --comments'));
    await harness.handle(command(dm(150), worker(50), '/start cmt-1'));
    expect(texts(150).at(-1)).toContain('sau khi đã trả lời');

    // CB2 11 people, T1 7, CB1 3: every one answers and comments.
    const groupOf = (n: number) =>
      n <= 11 ? world.groups.CB2 : n <= 18 ? world.groups.T1 : world.groups.CB1;
    for (let n = 1; n <= 21; n++) {
      await harness.handle(tap(groupOf(n), worker(n), `pa:1:${n % 5}`));
      expect(harness.messenger.answers.at(-1)!.text).toContain('Thêm ý kiến');
      await harness.handle(command(dm(100 + n), worker(n), '/start cmt-1'));
      expect(texts(100 + n).at(-1)).toContain('Hãy gõ ý kiến của bạn vào đây');
      await harness.handle(message(dm(100 + n), worker(n), `Ý kiến số ${n}: cơm nguội`));
      expect(texts(100 + n).at(-1)).toContain('Đã nhận ý kiến ẩn danh');
    }
    // Used invites are not deleted (that would tell who commented): the comment waits in memory.
    expect(await database.db.select().from(pollCommentInvites)).toHaveLength(21);
    expect(await database.db.select().from(pollComments)).toEqual([]);
    expect(seen).toEqual([]);
    await harness.handle(command(dm(101), worker(1), '/comment 1 Ý kiến thứ hai'));
    expect(texts(101).at(-1)).toContain('đã gửi ý kiến cho khảo sát #1 rồi');
    // The hourly step writes them as one batch; a second comment is still refused afterwards.
    harness.clock.advance(HOUR);
    expect(await flushComments(harness.deps, harness.clock.now())).toBe(21);
    await harness.handle(command(dm(101), worker(1), '/comment 1 Ý kiến thứ hai'));
    expect(texts(101).at(-1)).toContain('đã gửi ý kiến cho khảo sát #1 rồi');
    // A plain DM is no longer taken as a comment once the one comment is used.
    expect(await openInvites(harness.deps, (await personOf(101))!)).toEqual([]);
    const inGroup = texts('-cb2').length;
    await harness.handle(command(world.groups.CB2, worker(1), '/comment 1 ở nhóm'));
    // Told in their DM: the group does not read about it.
    expect(texts(101).at(-1)).toContain('chỉ dùng trong tin nhắn riêng');
    expect(texts('-cb2')).toHaveLength(inGroup);
    expect(await database.db.select().from(pollComments)).toHaveLength(21);
    expect(seen.map((s) => [s.source, s.chatId, s.at.getTime() % HOUR])).toEqual(
      Array(21).fill(['poll_comment', null, 0]),
    );
    expect(JSON.stringify(seen)).not.toMatch(/Công nhân|cn\d/);

    await harness.handle(command(dm(1), world.admin, '/results 1'));
    expect(texts(1).at(-1)).not.toContain('cơm nguội');
    await close();
    await harness.handle(command(dm(1), world.admin, '/results 1'));
    const full = texts(1).at(-1)!;
    expect(full).toContain('Ý kiến (21)');
    // Comments (k = 10): CB1's 3 are hidden, and T1's 7 with them; together (10) they are shown pooled.
    const [labelled = '', pooled = ''] = full.split('Các đơn vị khác');
    for (let n = 1; n <= 11; n++) expect(labelled).toContain(`Ý kiến số ${n}:`);
    for (let n = 12; n <= 21; n++) expect(pooled).toContain(`Ý kiến số ${n}:`);
    expect(labelled).toMatch(/Chi bộ 2 \(CB2\):\n• /);

    await harness.handle(command(dm(3), world.leaderCb2, '/results 1'));
    const partial = texts(3).at(-1)!;
    expect(partial).toContain('Ý kiến số 1:');
    expect(partial).not.toMatch(/Ý kiến số (1[2-9]|2\d):/);
    expect(partial).toContain('chưa đủ 10 nên không hiển thị');
    expect(texts('-cb2').at(-1)).not.toContain('cơm nguội');
    await harness.handle(command(world.groups.CB2, world.admin, '/results 1'));
    expect(texts('-cb2').at(-1)).not.toContain('cơm nguội');
  });

  it('with several polls inviting a comment, the button pressed says which; refuses after closing', async () => {
    await harness.handle(command(dm(1), world.admin, '/pulse Một? --units CB2 --comments --closes 2h'));
    await harness.handle(command(dm(1), world.admin, '/pulse Hai? --units CB2 --comments --closes 5h'));
    await harness.handle(tap(world.groups.CB2, worker(1), 'pa:1:0'));
    await harness.handle(tap(world.groups.CB2, worker(1), 'pa:2:0'));
    await harness.handle(message(dm(101), worker(1), 'cho khảo sát nào?'));
    expect(texts(101).at(-1)).toContain('Pulse không đọc tin nhắn thường');
    expect(await database.db.select().from(pollComments)).toEqual([]);
    harness.clock.advance(3 * HOUR);
    await closeDuePolls(harness.deps, harness.clock.now());
    await harness.handle(command(dm(101), worker(1), '/comment 1 muộn'));
    expect(texts(101).at(-1)).toContain('đã đóng');
    await harness.handle(command(dm(101), worker(1), '/start cmt-1'));
    expect(texts(101).at(-1)).toContain('Bạn chỉ gửi được một ý kiến cho khảo sát #1');
    await harness.handle(command(dm(101), worker(1), '/start cmt-2'));
    await harness.handle(message(dm(101), worker(1), 'giờ chỉ còn khảo sát hai'));
    expect(texts(101).at(-1)).toContain('Đã nhận ý kiến ẩn danh của bạn cho khảo sát #2');
  });
});

describe('/polls and /close', () => {
  it('lists what the caller may see, and closes only with the leader role over every unit asked', async () => {
    await harness.handle(command(dm(1), world.admin, '/pulse Toàn công ty? --units CTY'));
    await harness.handle(command(dm(2), world.leaderCb1, '/pulse Chỉ CB1? --units CB1'));
    await harness.handle(command(dm(3), world.leaderCb2, '/polls'));
    expect(texts(3).at(-1)).toContain('#1 Toàn công ty?');
    expect(texts(3).at(-1)).not.toContain('Chỉ CB1');
    await harness.handle(command(dm(4), world.collaboratorT1, '/polls'));
    expect(texts(4).at(-1)).toMatch(/#2 Chỉ CB1\?[\s\S]*#1 Toàn công ty\?/);

    await harness.handle(command(dm(2), world.leaderCb1, '/close 1'));
    expect(texts(2).at(-1)).toContain('không có quyền');
    await harness.handle(command(dm(4), world.collaboratorT1, '/close 2'));
    expect(texts(4).at(-1)).toContain('không có quyền');
    harness.messenger.clear();
    await harness.handle(command(dm(2), world.leaderCb1, '/close 2'));
    expect(texts(2).at(-1)).toContain('Đã đóng khảo sát #2');
    expect(texts('-cb1').at(-1)).toContain('Kết quả khảo sát #2');
    await harness.handle(command(dm(1), world.admin, '/close 2'));
    expect(texts(1).at(-1)).toContain('đã đóng rồi');
    await harness.handle(command(dm(1), world.admin, '/close 1'));
    expect(texts(1).at(-1)).toContain('Đã đóng khảo sát #1');
    expect(await auditResults(database, 'close')).toEqual(['refused', 'refused', 'ok', 'usage', 'ok']);
    await harness.handle(command(dm(3), world.leaderCb2, '/polls'));
    expect(texts(3).at(-1)).toContain('đã đóng');
  });
});
