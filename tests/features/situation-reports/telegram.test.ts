import { eq } from 'drizzle-orm';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PulseApp } from '../../../bot/app';
import { collectReport, renderChatText, resolvePeriod } from '../../../bot/features/reports';
import { blocksToDocx, compileBlocks } from '../../../bot/features/situation-reports';
import type { TextSignal } from '../../../bot/kernel/text-signals';
import { auditLog, reportRequests, reportSubmissions, units } from '../../../db/schema';
import { type FakeTelegram, startFakeTelegram } from '../../fakes/telegram-server';
import { FakeClock } from '../../helpers/clock';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { applyOrg, capturingLogger, DEADLINE, FIRST_OF_APRIL, startApp, unitId, user } from './fixtures';

const ADMIN = user(1, 'Quản trị');
const LEADER_CTY = user(2, 'Bí thư Đảng ủy');
const LEADER1 = user(11, 'Bí thư Một');
const CTV1 = user(12, 'Hà');
const LEADER2 = user(21, 'Bí thư Hai');
const LEADER3 = user(31, 'Bí thư Ba');
const WORKER = user(41, 'Nam');

/** Distinctive report texts: they must reach the compiled report and never a log line. */
const CB1_MIND = 'Anh em phân xưởng yên tâm sản xuất, phấn khởi vì có việc làm đều';
const CB1_ISSUE_DRAFT = 'Chưa có gì nổi cộm';
const CB1_ISSUE = 'Một số anh em lo chậm lương tháng này, nhà tắm khu lò thiếu nước nóng ca ba';
const CB2_MIND = 'Tư tưởng ổn định, đảng viên gương mẫu trong ca đêm';

let database: TestDatabase;
let fake: FakeTelegram;
let app: PulseApp;
let clock: FakeClock;
let log: ReturnType<typeof capturingLogger>;
let signals: TextSignal[];

async function start() {
  app = await startApp(database, fake, clock, log.logger);
  app.deps.signals.subscribe(async (signal) => {
    signals.push(signal);
  });
}

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(async () => {
  await database.reset();
  await applyOrg(database);
  fake = await startFakeTelegram();
  clock = new FakeClock(FIRST_OF_APRIL);
  log = capturingLogger();
  signals = [];
  await start();
});
afterEach(async () => {
  // The dispatcher writes an admin command's audit row after its reply: let it land before the
  // next test truncates (on PostgreSQL the two would deadlock).
  await auditSettled();
  await app.stop();
  await fake.stop();
});

async function auditSettled() {
  const count = async () => (await database.db.select({ id: auditLog.id }).from(auditLog)).length;
  for (let last = -1, now = await count(); now !== last; now = await count()) {
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

const dmsTo = (id: number) => fake.sent(id).filter((m) => 'text' in m && m.text);
const textsTo = (id: number) => dmsTo(id).map((m) => m.text ?? '');

/** Waits for the next message Pulse sends to this person after `since` calls. */
async function nextTo(id: number, since: number) {
  const call = await fake.waitFor(
    (c) => (c.method === 'sendMessage' || c.method === 'sendDocument') && Number(c.body.chat_id) === id,
    { since },
  );
  return String(call.body.text ?? call.body.caption ?? '');
}

async function say(who: { id: number; first_name: string }, text: string): Promise<string> {
  const since = fake.calls.length;
  fake.message({ chatId: who.id, chatType: 'private', from: who, text });
  return nextTo(who.id, since);
}

/** Presses the button of the latest message to `who` whose label matches (or whose data is given). */
async function press(who: { id: number; first_name: string }, label: string | RegExp, replyTo = who.id) {
  const message = [...dmsTo(who.id)]
    .reverse()
    .find((m) =>
      m.reply_markup?.inline_keyboard
        .flat()
        .some((b) => (typeof label === 'string' ? b.text === label : label.test(b.text))),
    );
  if (!message) throw new Error(`no button ${label} for ${who.id}:\n${textsTo(who.id).join('\n---\n')}`);
  const button = message
    .reply_markup!.inline_keyboard.flat()
    .find((b) => (typeof label === 'string' ? b.text === label : label.test(b.text)))!;
  const since = fake.calls.length;
  fake.callback({
    chatId: who.id,
    messageId: message.message_id,
    from: who,
    data: String((button as { callback_data: string }).callback_data),
  });
  return nextTo(replyTo, since);
}

async function request() {
  const [row] = await database.db.select().from(reportRequests);
  return row!;
}

describe('situation reports on Telegram', () => {
  it('runs the monthly loop: asked, drafted, edited, confirmed, restarted mid-draft, reminded, escalated, late, compiled', async () => {
    await app.scheduler.runAll(FIRST_OF_APRIL);
    // The monthly request from the scenario reaches the three cells' leaders and the collaborator.
    for (const who of [LEADER1, CTV1, LEADER2, LEADER3]) {
      expect(textsTo(who.id).join('\n'), String(who.id)).toContain('📝 Yêu cầu báo cáo #1');
    }
    expect(textsTo(LEADER2.id)[0]).toContain('Hạn gửi: 00:00 05/04/2024');
    expect(textsTo(LEADER2.id)[0]).toContain('2. Vấn đề bức xúc, nổi cộm');
    expect(textsTo(WORKER.id)).toEqual([]);
    expect(textsTo(ADMIN.id)).toEqual([]);

    // CB1: the collaborator drafts section by section, edits section 2, passes it to the leader.
    expect(await press(CTV1, '✍️ Viết báo cáo')).toContain('Mục 1/5: Tình hình tư tưởng chung');
    expect(await say(CTV1, CB1_MIND)).toContain('Mục 2/5');
    expect(await say(CTV1, CB1_ISSUE_DRAFT)).toContain('Mục 3/5');
    expect(await say(CTV1, 'Đồng tình với quy định mới về ca kíp')).toContain('Mục 4/5');
    expect(await say(CTV1, 'Đề nghị sửa bình nóng lạnh')).toContain('Mục 5/5');
    const summary = await press(CTV1, '4');
    expect(summary).toContain('📋 Bản nháp báo cáo của Chi bộ Khai thác 1');
    expect(summary).toContain(CB1_ISSUE_DRAFT);
    expect(await press(CTV1, '✏️ 2')).toContain(`Nội dung hiện có:\n${CB1_ISSUE_DRAFT}`);
    const edited = await say(CTV1, CB1_ISSUE);
    expect(edited).toContain(CB1_ISSUE);
    expect(edited).not.toContain(CB1_ISSUE_DRAFT);
    const since = fake.calls.length;
    expect(await press(CTV1, '📤 Chuyển lãnh đạo xác nhận')).toContain('Đã chuyển bản nháp tới lãnh đạo');
    expect(await nextTo(LEADER1.id, since)).toContain(
      'Cộng tác viên Hà đã soạn báo cáo của Chi bộ Khai thác 1',
    );
    expect(await press(LEADER1, '✅ Xác nhận và gửi')).toContain('✅ Đã gửi báo cáo của Chi bộ Khai thác 1');

    // The worry in the report raised a hot-spot signal, without its author.
    const cb1 = await unitId(database, 'CB1');
    const raised = signals.filter((s) => s.source === 'situation_report');
    expect(raised.map((s) => s.text)).toContain(CB1_ISSUE);
    expect(raised.every((s) => s.unitId === cb1 && s.chatId === null)).toBe(true);
    expect(Object.keys(raised[0]!).sort()).toEqual(['at', 'chatId', 'source', 'text', 'unitId']);

    // CB2: the leader answers one section, Pulse restarts, the draft is still there.
    await press(LEADER2, '✍️ Viết báo cáo');
    expect(await say(LEADER2, CB2_MIND)).toContain('Mục 2/5');
    await app.stop();
    await start();
    expect(await say(LEADER2, 'Không có')).toContain('Mục 3/5');
    // … and pastes the rest in one message.
    const pasted = await say(LEADER2, '3. Ủng hộ chủ trương sắp xếp lại tổ đội\n4. Không có kiến nghị\n5. 5');
    expect(pasted).toContain('📋 Bản nháp báo cáo của Chi bộ Đào lò');
    expect(pasted).toContain(CB2_MIND);
    expect(await press(LEADER2, '📤 Gửi báo cáo')).toContain('✅ Đã gửi báo cáo của Chi bộ Đào lò');

    // CB3 says nothing: reminded a day before, its leader at the deadline, the committee's leader a day after.
    const before = new Date(DEADLINE.getTime() - 20 * 3_600_000);
    clock.set(before);
    await app.scheduler.runAll(before);
    expect(textsTo(LEADER3.id).at(-1)).toContain('🔔 Nhắc: Chi bộ Cơ điện chưa gửi báo cáo #1');
    expect(textsTo(LEADER1.id).join('\n')).not.toContain('🔔');
    clock.set(DEADLINE);
    await app.scheduler.runAll(DEADLINE);
    expect(textsTo(LEADER3.id).at(-1)).toContain('⏰ Chi bộ Cơ điện chưa gửi báo cáo #1');
    expect(textsTo(LEADER_CTY.id)).toEqual([]);
    // The compiled report went to the admin at the deadline, in Word and Markdown.
    const files = fake.uploads.filter((u) => u.chatId === ADMIN.id).map((u) => u.filename);
    // Two outbox rows, sent in either order.
    expect(files.sort()).toEqual(['tong-hop-1.docx', 'tong-hop-1.md']);
    const dayAfter = new Date(DEADLINE.getTime() + 24 * 3_600_000);
    clock.set(dayAfter);
    await app.scheduler.runAll(dayAfter);
    expect(textsTo(LEADER_CTY.id).at(-1)).toContain('⚠️ Chi bộ Cơ điện vẫn chưa gửi báo cáo #1');
    await app.scheduler.runAll(dayAfter);
    expect(textsTo(LEADER_CTY.id)).toHaveLength(1);

    // CB3 sends late: accepted, marked late.
    await press(LEADER3, '✍️ Viết báo cáo');
    await say(LEADER3, '1. Ổn định\n2. Thiếu phụ tùng thay thế\n3. Không có\n4. Cấp phụ tùng\n5. 3');
    expect(await press(LEADER3, '📤 Gửi báo cáo')).toContain('ghi nhận là gửi muộn');
    const status = await say(ADMIN, '/requests 1');
    expect(status).toContain('Đúng hạn 2, gửi muộn 1, chưa gửi 0 / 3 đơn vị');
    expect(status).toContain('✅ Chi bộ Khai thác 1: đã gửi');
    expect(status).toContain('⏰ Chi bộ Cơ điện: gửi muộn');

    // The compiled Word file holds both on-time submissions under their units, and the measured figures.
    const req = await request();
    const xml = strFromU8(
      unzipSync(await blocksToDocx(await compileBlocks(app.deps, req, 'vi')))['word/document.xml']!,
    );
    for (const text of [
      CB1_MIND,
      CB1_ISSUE,
      CB2_MIND,
      'Chi bộ Khai thác 1',
      'Chi bộ Đào lò',
      'Số đơn vị đã gửi: 3/3 (gửi muộn: 1)',
    ])
      expect(xml).toContain(text);
    expect(xml).not.toContain(CB1_ISSUE_DRAFT);
    // … and the network's coverage: one cell of three has a collaborator, who has reported.
    expect(xml).toContain('Độ phủ: 1/3 chi bộ có cộng tác viên.');
    expect(xml).toContain('Chưa có cộng tác viên: Chi bộ Đào lò, Chi bộ Cơ điện');
    expect(xml).not.toContain('Chưa báo cáo lần nào');
    expect(xml).toContain('Số liệu Pulse ghi nhận trong tháng');
    const [cty] = await database.db.select().from(units).where(eq(units.code, 'CTY'));
    const period = resolvePeriod('month', req.occurrenceAt!, app.deps.config.timezone)!;
    const measured = renderChatText(
      await collectReport(app.deps, { unit: cty!, period, locale: 'vi' }),
      'vi',
    );
    const xmlText = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
    for (const line of measured.split('\n').filter((l) => l.trim() !== ''))
      expect(xml).toContain(xmlText(line));

    // Report text never reaches the logs.
    const logged = log.lines.join('\n');
    expect(logged).toContain('situation report submitted');
    for (const text of [CB1_MIND, CB1_ISSUE, CB1_ISSUE_DRAFT, CB2_MIND, 'Thiếu phụ tùng'])
      expect(logged).not.toContain(text);
  });

  it('a worker can neither submit nor read a report', async () => {
    await app.scheduler.runAll(FIRST_OF_APRIL);
    const cb1 = await unitId(database, 'CB1');
    let since = fake.calls.length;
    fake.callback({ chatId: WORKER.id, messageId: 1, from: WORKER, data: `sr:w:1:${cb1}` });
    expect(await nextTo(WORKER.id, since)).toContain(
      'Chỉ lãnh đạo và cộng tác viên dư luận của Chi bộ Khai thác 1',
    );
    expect(await database.db.select().from(reportSubmissions)).toEqual([]);
    // A leader of another cell cannot write CB1's report either.
    since = fake.calls.length;
    fake.callback({ chatId: LEADER2.id, messageId: 1, from: LEADER2, data: `sr:w:1:${cb1}` });
    expect(await nextTo(LEADER2.id, since)).toContain('Chỉ lãnh đạo và cộng tác viên');
    for (const command of ['/requests', '/tonghop 1', '/ctv'])
      expect(await say(WORKER, command), command).not.toMatch(/Chi bộ Khai thác 1|tong-hop|Cộng tác viên Hà/);
    expect(fake.uploads).toEqual([]);
  });

  it('bad input gets a clear message and changes nothing', async () => {
    await app.scheduler.runAll(FIRST_OF_APRIL);
    await press(LEADER1, '✍️ Viết báo cáo');
    expect(await say(LEADER1, CB1_MIND)).toContain('Mục 2/5');
    const saved = async () => (await database.db.select().from(reportSubmissions))[0]!;
    const before = await saved();

    expect(await say(LEADER1, '\u0007 \u0000 ')).toContain('Mục «Vấn đề bức xúc, nổi cộm» đang trống');
    expect(await say(LEADER1, 'x'.repeat(10_000))).toContain('Tin nhắn dài 10000 ký tự, quá 9000');
    expect(await say(LEADER1, 'y'.repeat(3500))).toContain('dài 3500 ký tự, quá 3000');
    expect(await say(LEADER1, '1. Có\n2. ')).toContain('đang trống');
    expect(await saved()).toEqual(before);

    // Sending with empty sections is refused.
    await say(LEADER1, 'Bình thường');
    await say(LEADER1, 'Không');
    await say(LEADER1, 'Không');
    expect(await say(LEADER1, '9')).toContain('số từ 1 đến 5');
    expect((await saved()).status).toBe('draft');

    // An ad hoc request for an unknown unit, a bad or past deadline, an unknown template.
    expect(await say(ADMIN, '/yeucau KHONG-CO --until 17:00')).toContain('Không có đơn vị mã «KHONG-CO»');
    expect(await say(ADMIN, '/yeucau CTY --until mai')).toContain('«mai» không phải là hạn gửi');
    expect(await say(ADMIN, '/yeucau CTY --until 07:00')).toContain('đã qua');
    expect(await say(ADMIN, '/yeucau CTY --until 17:00 --template khac')).toContain(
      'Không có mẫu báo cáo «khac»',
    );
    expect(await say(ADMIN, '/yeucau CTY')).toContain('Cách dùng: /yeucau');
    expect(await database.db.select().from(reportRequests)).toHaveLength(1);

    // A good one reaches the three cells.
    const since = fake.calls.length;
    expect(
      await say(ADMIN, '/yeucau CTY --until 17:00 --template dot-xuat Dư luận về việc đổi ca'),
    ).toContain('Đã gửi yêu cầu báo cáo #2 tới 3 đơn vị, hạn 17:00 01/04/2024');
    expect(await nextTo(LEADER3.id, since)).toContain('📝 Yêu cầu báo cáo #2: Dư luận về việc đổi ca');
  });

  it('/ctv lists the collaborators with their last report, cells without one and those who never reported', async () => {
    const reply = await say(ADMIN, '/ctv');
    expect(reply).toContain('• Chi bộ Khai thác 1 (CB1)');
    expect(reply).toContain('– Cộng tác viên Hà: chưa báo cáo lần nào');
    expect(reply).toContain('Độ phủ: 1/3 chi bộ có cộng tác viên.');
    expect(reply).toContain('Chưa có cộng tác viên: Chi bộ Đào lò, Chi bộ Cơ điện');
  });
});
