import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ballotsOf } from '../../../bot/features/polls/ballot-box';
import { closeDuePolls, closePollNow } from '../../../bot/features/polls/close';
import { refreshParticipation } from '../../../bot/features/polls/participation';
import { sendDueReminders } from '../../../bot/features/polls/reminders';
import {
  identities,
  people,
  pollBallotHolders,
  pollParticipation,
  polls,
  pollTallies,
  roles,
} from '../../../db/schema';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { command, createHarness, dm, type Harness, message } from '../../helpers/harness';
import { RecordingMessenger } from '../../helpers/recording-messenger';
import { auditResults, buttonData, pollsWorld, seenIn, tap, worker } from './helpers';

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
const texts = (chatId: string) => harness.messenger.texts(chatId);
const lastAnswer = () => harness.messenger.answers.at(-1);

async function pollCount() {
  return (await database.db.select().from(polls)).length;
}

describe('creating a poll', () => {
  it('posts a 1–5 pulse to the group it was typed in and the groups of its sub-units, not elsewhere', async () => {
    await seenIn(harness, world.groups.CB1, 1, 5);
    await seenIn(harness, world.groups.T1, 6, 10);
    await harness.handle(command(world.groups.CB1, world.leaderCb1, '/pulse Tuần này bạn thấy thế nào?'));
    const posted = harness.messenger.sent.filter((s) => s.message.buttons);
    expect(posted.map((s) => s.chat.externalId).sort()).toEqual(['-cb1', '-t1']);
    const poll = posted[0]!.message;
    expect(poll.text).toContain('Tuần này bạn thấy thế nào?');
    expect(poll.text).toContain('0 người đã trả lời');
    expect(poll.text).toContain('ẩn danh');
    expect(poll.buttons![0]!.map((b) => b.label)).toEqual(['😞 1', '🙁 2', '😐 3', '🙂 4', '😀 5']);
    expect(texts('-cb1').at(-1)).toContain('Đã tạo khảo sát #1');
    expect(texts('-cb2')).toEqual([]);
    expect(await auditResults(database, 'pulse')).toEqual(['ok']);
  });

  it('makes a yes/no poll without options and a choice poll with them', async () => {
    await harness.handle(command(dm(1), world.admin, '/poll Có nên tăng ca thứ bảy? --units CB2'));
    expect(buttonData(harness, '-cb2')).toEqual(['pa:1:0', 'pa:1:1']);
    const yesNo = harness.messenger.sent.find((s) => s.chat.externalId === '-cb2')!;
    expect(yesNo.message.buttons!.flat().map((b) => b.label)).toEqual(['Có', 'Không']);
    await harness.handle(
      command(dm(1), world.admin, '/poll Ca nào? | Sáng | Chiều | Đêm --units CB2 --comments'),
    );
    const choice = harness.messenger.last()!;
    expect(harness.messenger.sent.at(-2)!.message.buttons!.map((row) => row.map((b) => b.label))).toEqual([
      ['Sáng'],
      ['Chiều'],
      ['Đêm'],
      ['💬 Thêm ý kiến'],
    ]);
    expect(choice.message.text).toContain('Đã tạo khảo sát #2');
  });

  it('explains wrong arguments and creates nothing', async () => {
    const cases: [string, string][] = [
      ['/poll Ca nào? | Sáng', 'từ 2 đến 10 lựa chọn'],
      ['/poll Ca nào? | Sáng | sáng', 'trùng nhau'],
      ['/poll Ca nào? | Sáng | | Đêm', 'để trống'],
      ['/pulse Ổn không? | A | B', '/pulse là thang 1–5'],
      ['/pulse Ổn không? --min 2', '--min phải là số nguyên từ 3'],
      ['/pulse Ổn không? --closes hôm qua', 'Cách dùng: /pulse'],
      ['/pulse Ổn không? --closes 2020-01-01T08:00', 'ít nhất 5 phút'],
      ['/pulse Ổn không? --closes 2026-02-30T08:00', 'Không hiểu thời hạn'],
      ['/pulse Ổn không? --units KHONGCO', 'Không tìm thấy đơn vị có mã "KHONGCO"'],
      ['/pulse Ổn không? --frobnicate', 'Cách dùng: /pulse'],
      ['/pulse', 'Cách dùng: /pulse'],
    ];
    // A mistake concerns its author only: the explanation goes to their DM, the group sees nothing.
    const inGroup = texts('-cb1').length;
    for (const [text, expected] of cases) {
      await harness.handle(command(world.groups.CB1, world.admin, text));
      expect(texts(world.admin.externalId).at(-1), text).toContain(expected);
    }
    expect(texts('-cb1')).toHaveLength(inGroup);
    await harness.handle(command(dm(1), world.admin, '/pulse Ổn không?'));
    expect(texts('1').at(-1)).toContain('--units');
    expect(await pollCount()).toBe(0);
    expect(harness.messenger.sent.filter((s) => s.message.buttons)).toEqual([]);
  });

  it('refuses a leader outside their subtree and a worker, and audits the refusal', async () => {
    await harness.handle(command(dm(2), world.leaderCb1, '/pulse Ổn không? --units CB2'));
    expect(texts('2').at(-1)).toContain('không có quyền');
    await harness.handle(command(dm(2), world.leaderCb1, '/pulse Ổn không? --units T1,CB2'));
    expect(texts('2').at(-1)).toContain('không có quyền');
    await harness.handle(message(world.groups.CB1, worker(1), 'chào'));
    const inGroup = texts('-cb1').length;
    await harness.handle(command(world.groups.CB1, worker(1), '/pulse Ổn không?'));
    expect(texts(worker(1).externalId).at(-1)).toContain('không có quyền');
    expect(texts('-cb1')).toHaveLength(inGroup);
    expect(await pollCount()).toBe(0);
    expect(await auditResults(database, 'pulse')).toEqual(['refused', 'refused', 'refused']);
    await harness.handle(command(dm(2), world.leaderCb1, '/pulse Ổn không? --units T1'));
    expect(await pollCount()).toBe(1);
  });

  it('says so when the units have no bound group, and suggests --dm', async () => {
    await harness.handle(command(world.groups.CB2, world.admin, '/unlink'));
    await harness.handle(command(dm(1), world.admin, '/pulse Ổn không? --units CB2'));
    expect(texts('1').at(-1)).toContain('--dm');
    expect(await pollCount()).toBe(0);
  });
});

describe('answering', () => {
  it('acknowledges privately without the choice, counts once per person, and shows participation only', async () => {
    await seenIn(harness, world.groups.CB1, 1, 5);
    await seenIn(harness, world.groups.T1, 6, 10);
    await harness.handle(command(world.groups.CB1, world.leaderCb1, '/pulse Ổn không?'));
    const [, , , fourth] = buttonData(harness, '-cb1');
    harness.messenger.clear();
    await harness.handle(tap(world.groups.CB1, worker(1), fourth!));
    expect(lastAnswer()).toMatchObject({ text: expect.stringContaining('Đã ghi nhận'), alert: false });
    expect(lastAnswer()!.text).not.toMatch(/4|🙂/);
    await harness.handle(tap(world.groups.T1, worker(1), 'pa:1:0'));
    expect(lastAnswer()!.text).toContain('đã trả lời khảo sát này rồi');
    expect(harness.messenger.sent).toEqual([]);

    // The choice is held in this process's memory until k answers of the unit gather (or closing):
    // the database knows who answered and that one ballot is held, not what it says.
    const tallies = await database.db.select().from(pollTallies).orderBy(pollTallies.unitId);
    expect(tallies.map((t) => t.counts)).toEqual([
      [0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0],
    ]);
    expect(await database.db.select().from(pollParticipation)).toHaveLength(1);
    expect(await database.db.select({ held: pollBallotHolders.held }).from(pollBallotHolders)).toEqual([
      { held: 1 },
    ]);
    expect(ballotsOf(harness.deps).held(1)).toBe(1);

    await harness.handle(tap(world.groups.CB1, worker(2), 'pa:1:4'));
    expect(await refreshParticipation(harness.deps)).toBe(2);
    expect(harness.messenger.edits.map((e) => e.message.text)).toEqual([
      expect.stringContaining('2 người đã trả lời'),
      expect.stringContaining('2 người đã trả lời'),
    ]);
    expect(await refreshParticipation(harness.deps)).toBe(0);
  });

  it('answers stale, foreign and closed buttons with an alert and changes nothing', async () => {
    await harness.handle(command(world.groups.CB1, world.leaderCb1, '/pulse Ổn không?'));
    harness.messenger.clear();
    for (const data of ['pa:99:0', 'pa:1:7', 'pa:x:1', 'pa:1']) {
      await harness.handle(tap(world.groups.CB1, worker(1), data));
      expect(lastAnswer(), data).toMatchObject({
        alert: true,
        text: expect.stringContaining('Nút này đã cũ'),
      });
    }
    await harness.handle(tap(world.groups.CB2, worker(1), 'pa:1:0'));
    expect(lastAnswer()!.text).toContain('Nút này đã cũ');
    harness.clock.advance(25 * HOUR);
    await harness.handle(tap(world.groups.CB1, worker(1), 'pa:1:0'));
    expect(lastAnswer()).toMatchObject({ alert: true, text: expect.stringContaining('đã đóng') });
    await closeDuePolls(harness.deps, harness.clock.now());
    await harness.handle(tap(world.groups.CB1, worker(2), 'pa:1:0'));
    expect(lastAnswer()!.text).toContain('đã đóng');
    expect(await database.db.select().from(pollParticipation)).toEqual([]);
    expect((await database.db.select().from(pollTallies)).every((t) => t.counts.every((c) => c === 0))).toBe(
      true,
    );
  });

  it('asks each member privately with --dm and counts a DM answer at the person’s unit', async () => {
    for (const n of [1, 2]) await harness.handle(message(world.groups.T1, worker(n), 'chào'));
    await harness.handle(message(world.groups.CB1, worker(3), 'chào'));
    harness.messenger.clear();
    await harness.handle(command(dm(2), world.leaderCb1, '/poll Ổn không? --units CB1 --dm'));
    const dms = harness.messenger.sent.filter((s) => s.chat.kind === 'dm' && s.message.buttons);
    // The audience is the workers: the leader and the T1 collaborator are not asked.
    expect(dms.map((s) => s.chat.externalId).sort()).toEqual(['101', '102', '103']);
    expect(harness.messenger.sent.filter((s) => s.chat.kind === 'group')).toEqual([]);
    await harness.handle(tap(dm(101), worker(1), 'pa:1:0'));
    expect(lastAnswer()!.text).toContain('Đã ghi nhận');
    // Someone the poll was not sent to (not in CB1) cannot answer it with a forged button.
    await harness.handle(tap(dm(105), worker(5), 'pa:1:0'));
    expect(lastAnswer()!.text).toContain('Nút này đã cũ');
    harness.messenger.edits.length = 0;
    await closePollNow(harness.deps, 1, harness.clock.now());
    // Each DM copy says the poll is closed and loses its buttons.
    const edited = harness.messenger.edits.filter((e) => e.ref.chat.kind === 'dm');
    expect(edited.map((e) => e.ref.chat.externalId).sort()).toEqual(['101', '102', '103']);
    for (const edit of edited) expect(edit.message.buttons ?? []).toEqual([]);
    expect(edited[0]!.message.text).toContain('🔒 Đã đóng lúc');
    const tallies = await database.db.select().from(pollTallies);
    const t1 = tallies.find((t) => t.unitId === world.org.ids.T1)!;
    // One answer, below k: counted, but what was chosen is never stored.
    expect(t1).toMatchObject({ counts: [0, 0], withheld: 1 });
  });
});

describe('reminders and closing', () => {
  it('reminds the groups three hours before closing, then posts the results and takes the buttons off', async () => {
    await seenIn(harness, world.groups.CB1, 1, 6);
    await seenIn(harness, world.groups.T1, 7, 11);
    await harness.handle(command(world.groups.CB1, world.leaderCb1, '/pulse Ổn không? --closes 24h'));
    for (let n = 1; n <= 6; n++) await harness.handle(tap(world.groups.CB1, worker(n), `pa:1:${n % 5}`));
    harness.messenger.clear();
    harness.clock.advance(20 * HOUR);
    expect(await sendDueReminders(harness.deps, harness.clock.now())).toBe(0);
    harness.clock.advance(1 * HOUR);
    expect(await sendDueReminders(harness.deps, harness.clock.now())).toBe(1);
    expect(texts('-cb1')).toEqual([expect.stringContaining('Còn 3 giờ để trả lời khảo sát #1')]);
    expect(texts('-t1')).toEqual([expect.stringContaining('Còn 3 giờ')]);
    expect(harness.messenger.sent.every((s) => s.chat.kind === 'group')).toBe(true);
    expect(await sendDueReminders(harness.deps, harness.clock.now())).toBe(0);

    await harness.handle(tap(world.groups.T1, worker(7), 'pa:1:2'));
    harness.messenger.clear();
    harness.clock.advance(3 * HOUR);
    expect(await closeDuePolls(harness.deps, harness.clock.now())).toBe(1);
    const result = texts('-cb1').at(-1)!;
    expect(result).toContain('Kết quả khảo sát #1');
    expect(result).toContain('Tham gia: 7/');
    // CB1's own cell has 6, T1 has 1: T1 is withheld and left out of the total, so CB1 can be shown.
    expect(result).toContain('Toàn bộ: 6 câu trả lời');
    expect(result).toContain('Trung bình');
    expect(result).toContain('Chi bộ 1 (CB1): 6 câu trả lời');
    expect(result).toContain('Tổ 1 (T1): chưa đủ câu trả lời');
    expect(texts('-t1').at(-1)).toContain('Tổ 1 (T1): chưa đủ');
    expect(texts('-t1').at(-1)).not.toContain('Chi bộ 1 (CB1)');
    expect(texts('1').at(-1) ?? texts('2').at(-1)).toContain('Kết quả khảo sát #1');
    expect(harness.messenger.edits.map((e) => e.message.buttons)).toEqual([[], []]);
    expect(await closeDuePolls(harness.deps, harness.clock.now())).toBe(0);
  });
});

describe('people without groups', () => {
  it('get a group poll, its reminder and its results by DM on a platform without groups', async () => {
    const zalo = new RecordingMessenger('zalo', {
      buttons: false,
      groups: false,
      edit: false,
      ephemeral: false,
      maxTextLength: 2000,
    });
    harness.deps.messenger.register(zalo);
    const [person] = await database.db.insert(people).values({ displayName: 'Thợ Zalo' }).returning();
    await database.db
      .insert(identities)
      .values({ personId: person!.id, platform: 'zalo', externalId: 'z-77' });
    await database.db
      .insert(roles)
      .values({ personId: person!.id, unitId: world.org.ids.CB2, role: 'worker', source: 'scenario' });

    await harness.handle(command(world.groups.CB2, world.leaderCb2, '/pulse Ổn không? --closes 24h'));
    expect(zalo.sent.map((s) => [s.chat.externalId, s.chat.kind])).toEqual([['z-77', 'dm']]);
    expect(zalo.sent[0]!.message.text).toContain('Ổn không?');
    const from = { platform: 'zalo' as const, externalId: 'z-77', displayName: 'Thợ Zalo' };
    await harness.handle(tap({ platform: 'zalo', externalId: 'z-77', kind: 'dm' }, from, 'pa:1:4'));
    expect(zalo.answers.at(-1)!.text).toContain('Đã ghi nhận');
    expect(ballotsOf(harness.deps).held(1)).toBe(1);

    harness.clock.advance(21 * HOUR);
    await sendDueReminders(harness.deps, harness.clock.now());
    expect(zalo.texts('z-77').at(-1)).toContain('Còn 3 giờ');
    harness.clock.advance(4 * HOUR);
    await closeDuePolls(harness.deps, harness.clock.now());
    expect(zalo.texts('z-77').at(-1)).toContain('Kết quả khảo sát #1');
    const [tally] = await database.db.select().from(pollTallies);
    expect(tally).toMatchObject({ unitId: world.org.ids.CB2, counts: [0, 0, 0, 0, 0], withheld: 1 });
    expect(texts('-cb2').at(-1)).toContain('Kết quả khảo sát #1');
  });
});
