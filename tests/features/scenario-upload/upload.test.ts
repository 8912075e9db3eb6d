import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PulseApp } from '../../../bot/app';
import { auditLog, directives, roles, scenarioUploads, units } from '../../../db/schema';
import { runScenarioText } from '../../../scenarios/service';
import { type FakeTelegram, type RecordedCall, startFakeTelegram } from '../../fakes/telegram-server';
import { FakeClock } from '../../helpers/clock';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { seedOrg } from '../../helpers/harness';
import { startTelegramApp } from '../../helpers/telegram-app';

const ADMIN = { id: 1, first_name: 'Quản trị' };
const WORKER = { id: 7, first_name: 'Lan' };

const FILE = `version: 1
units:
  - { code: CTY, name: Công ty }
directives:
  - { id: NV1, title: An toàn lò, body: Kiểm tra an toàn đầu ca, schedule: { at: "2026-03-10T08:00" }, ack: true }
`;

let database: TestDatabase;
let fake: FakeTelegram;
let app: PulseApp;
const clock = new FakeClock(new Date('2026-03-05T02:00:00Z'));

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(async () => {
  await database.reset();
  fake = await startFakeTelegram();
  const org = await seedOrg(database);
  const admin = await org.personWith(ADMIN.id, 'Quản trị');
  // Given by /role, so the file (which does not list it) does not revoke it.
  await database.db
    .insert(roles)
    .values({ personId: admin.id, unitId: null, role: 'admin', source: 'command' });
  const worker = await org.personWith(WORKER.id, 'Lan');
  await database.db
    .insert(roles)
    .values({ personId: worker.id, unitId: org.ids.T1, role: 'worker', source: 'seen' });
  app = await startTelegramApp(database, fake, {}, clock);
});
afterEach(async () => {
  await app.stop();
  await fake.stop();
});

const toDm = (chatId: number) => (call: RecordedCall) =>
  call.method === 'sendMessage' && Number(call.body.chat_id) === chatId;

async function send(from: typeof ADMIN, text: string) {
  const since = fake.calls.length;
  fake.message({ chatId: from.id, chatType: 'private', from, text });
  return (await fake.waitFor(toDm(from.id), { since })).body;
}

async function sendFile(from: typeof ADMIN, fileName: string, content: string | Buffer) {
  const since = fake.calls.length;
  fake.document({ chatId: from.id, chatType: 'private', from, fileName, content });
  return (await fake.waitFor(toDm(from.id), { since })).body;
}

function buttonsOf(body: Record<string, unknown>): string[] {
  const markup = body.reply_markup as
    | { inline_keyboard: { text: string; callback_data: string }[][] }
    | undefined;
  return markup?.inline_keyboard.flat().map((b) => b.callback_data) ?? [];
}

/** Presses a button under the plan; returns the toast and the DM reply that follows (if any). */
async function press(data: string, from = ADMIN) {
  const since = fake.calls.length;
  const id = fake.callback({ chatId: from.id, messageId: 1, from, data });
  const answer = await fake.waitFor(
    (c) => c.method === 'answerCallbackQuery' && c.body.callback_query_id === id,
    { since },
  );
  return String(answer.body.text ?? '');
}

describe('a scenario file sent to the bot in chat', () => {
  it('answers a pasted file with the CLI plan in local time, applies it with the button, audited, once', async () => {
    const plan = await send(ADMIN, FILE);
    expect(plan.text).toContain('📋 Kế hoạch thay đổi của scenario.yaml (1 thay đổi)');
    // The very lines `npm run scenario -- plan` prints, times in Asia/Ho_Chi_Minh.
    const cli = await runScenarioText(database.db, FILE, 'scenario.yaml', 'plan', {
      now: clock.now(),
      timezone: 'Asia/Ho_Chi_Minh',
    });
    expect(cli.kind).toBe('planned');
    for (const line of (cli as { lines: string[] }).lines) expect(plan.text).toContain(line);
    expect(plan.text).toContain('+ directive NV1 "An toàn lò" (at 08:00 10/03/2026 Asia/Ho_Chi_Minh)');
    expect(plan.text).toContain('= kept unit CB1');
    const [apply, cancel] = buttonsOf(plan);
    expect(apply).toMatch(/^scnup:a:\d+$/);
    expect(cancel).toMatch(/^scnup:x:\d+$/);
    expect(await database.db.select().from(directives)).toEqual([]);

    const since = fake.calls.length;
    expect(await press(apply!)).toContain('Đã áp dụng scenario.yaml: 1 thay đổi');
    await fake.waitFor(toDm(ADMIN.id), { since });
    expect((await database.db.select().from(directives)).map((d) => d.key)).toEqual(['NV1']);
    const audit = await database.db.select().from(auditLog).where(eq(auditLog.command, 'scenario-upload'));
    expect(audit).toMatchObject([{ result: 'ok', args: 'scenario.yaml', detail: '1 change(s)' }]);

    // A second press (or a retry) is stale: nothing more happens.
    expect(await press(apply!)).toContain('đã được áp dụng rồi');
    expect(await press(cancel!)).toContain('đã được áp dụng rồi');
    expect(await database.db.select().from(directives)).toHaveLength(1);
    expect(
      await database.db.select().from(auditLog).where(eq(auditLog.command, 'scenario-upload')),
    ).toHaveLength(1);
  });

  it('takes a YAML document and refuses a bad one with file:line:field, changing nothing', async () => {
    const bad = FILE.replace('at: "2026-03-10T08:00"', 'at: "2026-13-10T08:00"').replace(
      'ack: true',
      'ack: maybe',
    );
    const reply = await sendFile(ADMIN, 'ke-hoach.yaml', bad);
    expect(reply.text).toContain('❌ Tệp ke-hoach.yaml có');
    expect(reply.text).toMatch(/ke-hoach\.yaml:5:\d+ directives\[0\]\.(schedule\.at|ack): /);
    expect(reply.text).toContain('chưa thay đổi gì');
    expect(buttonsOf(reply)).toEqual([]);
    expect(await database.db.select().from(scenarioUploads)).toEqual([]);

    const good = await sendFile(ADMIN, 'ke-hoach.yaml', FILE);
    expect(good.text).toContain('📋 Kế hoạch thay đổi của ke-hoach.yaml');
    await press(buttonsOf(good)[0]!);
    expect((await database.db.select().from(directives)).map((d) => d.key)).toEqual(['NV1']);
  });

  it('refuses a worker politely and keeps nothing', async () => {
    const reply = await send(WORKER, FILE);
    expect(reply.text).toContain('Chỉ quản trị viên của cả công ty');
    const file = await sendFile(WORKER, 'x.yaml', FILE);
    expect(file.text).toContain('Chỉ quản trị viên của cả công ty');
    expect(await database.db.select().from(scenarioUploads)).toEqual([]);
    // Nor may a worker press an admin's button.
    const plan = await send(ADMIN, FILE);
    expect(await press(buttonsOf(plan)[0]!, WORKER)).toContain('Không tìm thấy kế hoạch này');
    expect(await database.db.select().from(directives)).toEqual([]);
  });

  it('says a superseded plan is stale, and re-plans when the data moved on since', async () => {
    const first = await send(ADMIN, FILE);
    const second = await send(ADMIN, FILE.replace('An toàn lò', 'An toàn lò chợ'));
    expect(await press(buttonsOf(first)[0]!)).toContain('đã cũ');
    expect(await database.db.select().from(directives)).toEqual([]);
    expect(await press(buttonsOf(second)[1]!)).toContain('Đã huỷ');
    expect(await press(buttonsOf(second)[0]!)).toContain('đã bị huỷ');
    expect(await database.db.select().from(directives)).toEqual([]);

    // Planned, then the same file applied elsewhere (the CLI): the button shows the new plan instead.
    const third = await send(ADMIN, FILE);
    await runScenarioText(database.db, FILE, 'cli.yaml', 'apply', {
      now: clock.now(),
      timezone: 'Asia/Ho_Chi_Minh',
    });
    const since = fake.calls.length;
    expect(await press(buttonsOf(third)[0]!)).toContain('Dữ liệu đã thay đổi');
    const replan = await fake.waitFor((c) => toDm(ADMIN.id)(c) && String(c.body.text).includes('hợp lệ'), {
      since,
    });
    expect(replan.body.text).toContain('không có gì để áp dụng');
    expect(await database.db.select().from(directives)).toHaveLength(1);
  });

  it('plans and applies the shipped 2027 plan sent as a document, its plan in one message', async () => {
    const text = readFileSync(
      fileURLToPath(new URL('../../../scenarios/2027-dlxh.yaml', import.meta.url)),
      'utf8',
    );
    const plan = await sendFile(ADMIN, '2027-dlxh.yaml', text);
    expect(plan.text).toContain('📋 Kế hoạch thay đổi của 2027-dlxh.yaml');
    expect(String(plan.text).length).toBeLessThanOrEqual(4096);
    const since = fake.calls.length;
    expect(await press(buttonsOf(plan)[0]!)).toContain('Đã áp dụng 2027-dlxh.yaml');
    await fake.waitFor(toDm(ADMIN.id), { since });
    expect((await database.db.select().from(directives)).length).toBeGreaterThanOrEqual(6);
  }, 60_000);

  it('cuts a plan longer than one message, saying how many lines are left out', async () => {
    const many = Array.from(
      { length: 300 },
      (_, i) => `      - { code: T-${i}, name: Tổ số ${i} của công ty }`,
    );
    const text = `version: 1\nunits:\n  - code: CTY\n    name: Công ty\n    children:\n${many.join('\n')}\n`;
    const plan = await send(ADMIN, text);
    expect(plan.text).toContain('(300 thay đổi)');
    expect(plan.text).toMatch(/… và \d+ dòng nữa/);
    expect(String(plan.text).length).toBeLessThanOrEqual(4096);
    await press(buttonsOf(plan)[0]!);
    expect((await database.db.select().from(units)).length).toBe(304);
  });

  it('refuses a file over the size limit with its size, before reading it', async () => {
    const big = `${FILE}\n${'# padding\n'.repeat(30_000)}`;
    const reply = await sendFile(ADMIN, 'big.yaml', big);
    expect(reply.text).toMatch(/Tệp kịch bản dài quá: \d+ kB, tối đa 256 kB/);
    expect(fake.calls.some((c) => c.method === 'getFile')).toBe(false);
    expect(await database.db.select().from(scenarioUploads)).toEqual([]);
  });
});
