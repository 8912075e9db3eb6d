import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PulseApp } from '../../bot/app';
import { issueLinkCode } from '../../bot/features/account-links';
import { lexiconOf } from '../../bot/features/hotspots';
import {
  chatMembers,
  chats,
  directives,
  identities,
  incidents,
  incidentVerdicts,
  people,
  pollParticipation,
  pollTallies,
  roles,
  units,
} from '../../db/schema';
import { applyScenario } from '../../scenarios/engine';
import { formatErrors, parseScenario } from '../../scenarios/load';
import { TEST_LEXICON } from '../features/hotspots/setup';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { seedOrg } from '../helpers/harness';
import { DRIVERS, type StoryDriver } from './drivers';

/**
 * The same user stories on every platform, each through its real adapter and local fake server.
 * Add a story once here and it runs on Telegram, Slack, Zalo (degraded: DMs, numbered choices)
 * and the sandbox.
 */
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());

describe.each(DRIVERS.map((make) => [make().platform, make] as const))('stories on %s', (_platform, make) => {
  let driver: StoryDriver;
  let app: PulseApp;
  beforeEach(async () => {
    await database.reset();
    await seedOrg(database);
    driver = make();
    app = await driver.start(database);
  });

  /** The worker, once Pulse knows them, holds a role in Chi bộ 1. */
  async function workerOfCb1() {
    await driver.command('worker', '/start');
    const [cb1] = await database.db.select().from(units).where(eq(units.code, 'CB1'));
    await database.db.insert(roles).values({
      personId: await driver.personOf(database, 'worker'),
      unitId: cb1!.id,
      role: 'worker',
      source: 'scenario',
    });
  }
  afterEach(() => driver.stop());

  it('a newcomer is greeted by name and shown the commands, in Vietnamese', async () => {
    expect(await driver.command('worker', '/start')).toContain(`Xin chào ${driver.names.worker}!`);
    const help = await driver.command('worker', '/help');
    expect(help).toContain('Các lệnh bạn dùng được:');
    expect(help).toContain('/whoami');
    expect(help).not.toContain('/role');
  });

  it('after /lang en, help comes in English', async () => {
    expect(await driver.command('worker', '/lang en')).toBe('Language set to English.');
    expect(await driver.command('worker', '/help')).toContain('Commands you can use:');
  });

  it('an admin binds the unit’s group with /link, or is told clearly why not', async () => {
    const reply = await driver.command('admin', '/link CB1', 'group');
    const bound = await database.db.select().from(chats);
    if (driver.groups) {
      expect(reply).toContain('với đơn vị Chi bộ 1 (CB1)');
      expect(bound.map((c) => c.unitId)).toEqual([expect.any(Number)]);
    } else {
      expect(reply).toContain('chưa cho bot tham gia nhóm');
      expect(bound).toEqual([]);
    }
  });

  it('a worker without the role is refused and nothing changes', async () => {
    const reply = await driver.command('worker', '/role grant admin @quantri CB1');
    expect(reply).toContain('Bạn không có quyền dùng lệnh /role');
    expect(reply).toContain('quản trị');
  });

  it('a person links this account with a code from another platform and confirms with a button', async () => {
    const [elsewhere] = await database.db
      .insert(people)
      .values({ displayName: 'Lan (nơi khác)' })
      .returning();
    const other = driver.platform === 'sandbox' ? 'telegram' : 'sandbox';
    await database.db
      .insert(identities)
      .values({ personId: elsewhere!.id, platform: other, externalId: 'lan-x' });
    const code = await issueLinkCode(database.db, elsewhere!.id, other, new Date());

    const prompt = await driver.command('worker', `/linkaccount ${code}`);
    expect(prompt).toContain('với Lan (nơi khác)?');
    const done = await driver.press('worker', 'Liên kết');
    expect(done).toContain('Đã liên kết.');
    expect(await driver.personOf(database, 'worker')).toBe(elsewhere!.id);
    const [worker] = await database.db.select().from(people).where(eq(people.id, elsewhere!.id));
    expect(worker?.displayName).toBe('Lan (nơi khác)');
  });

  it('an admin asks Chi bộ 1 a poll; the worker answers it; counts are right and nobody is named', async () => {
    await workerOfCb1();
    const created = await driver.command(
      'admin',
      '/poll Ca nào phù hợp hơn? | Ca sáng | Ca chiều --units CB1 --dm',
    );
    expect(created).toContain('Đã tạo khảo sát #1');
    await driver.sees('worker', /Ca nào phù hợp hơn\?/);
    await driver.press('worker', 'Ca chiều');
    await driver.sees('worker', /Đã ghi nhận câu trả lời ẩn danh/);
    await driver.press('worker', 'Ca sáng');
    await driver.sees('worker', /mỗi người chỉ trả lời một lần/);

    const open = await driver.command('admin', '/results 1');
    // One person asked: saying "1/1 answered" would name them as a participant.
    expect(open).toContain('Số người đã trả lời không hiển thị');
    expect(open).not.toMatch(/Tham gia: \d/);
    expect(open).toContain('Kết quả được giữ kín đến khi khảo sát đóng');
    await driver.command('admin', '/close 1');
    await driver.sees('admin', /Đã đóng khảo sát #1/);
    await driver.command('admin', '/results 1');
    const closed = await driver.sees('admin', /Kết quả khảo sát #1 — đã đóng/);
    expect(closed).toContain('chưa đủ câu trả lời để giữ ẩn danh');
    expect(closed).not.toContain(driver.names.worker);
    // One answer in the unit, below k: it is counted, but what was chosen is never stored; who
    // answered is kept apart and never says what.
    const tallies = await database.db.select().from(pollTallies);
    expect(tallies.map((t) => [t.counts, t.withheld])).toEqual([[[0, 0], 1]]);
    const [participation] = await database.db.select().from(pollParticipation);
    expect(Object.keys(participation!).sort()).not.toContain('option');
  });

  it('a pushed directive reaches the worker, who acknowledges it, and /reach counts it', async () => {
    await workerOfCb1();
    if (driver.groups) {
      expect(await driver.command('admin', '/link CB1', 'group')).toContain('Chi bộ 1 (CB1)');
      await driver.say('worker', 'Chào cả nhà', 'group');
      await waitForMembership(database, await driver.personOf(database, 'worker'));
    }
    const now = app.deps.clock.now();
    await database.db.insert(directives).values({
      key: 'NV1',
      title: 'Quán triệt Kết luận 100-KL/TW',
      body: 'Các chi bộ tổ chức quán triệt tới toàn thể đảng viên.',
      audience: ['CB1'],
      scheduleKind: 'at',
      at: new Date(now.getTime() + 30 * 86_400_000),
      ack: true,
      materialisedUntil: now,
      nextOccurrenceAt: new Date(now.getTime() + 30 * 86_400_000),
      createdAt: now,
      updatedAt: now,
    });
    // Where the admin is in the audience, the directive's own DM may come before the command's
    // answer now that test apps send at fast rates: look for the answer, not at the next message.
    await driver.command('admin', '/push NV1');
    await driver.sees('admin', driver.groups ? /tới 1 nhóm;/ : /tới 0 nhóm và 1 người qua tin nhắn riêng/);
    await app.scheduler.runAll();
    await driver.sees('worker', /Quán triệt Kết luận 100-KL\/TW/);
    await driver.press('worker', '✅ Đã nắm');
    await driver.sees('worker', /Đã ghi nhận: bạn đã nắm nhiệm vụ/);

    await driver.command('admin', '/reach NV1');
    const reach = await driver.sees('admin', /Mức độ truyền đạt nhiệm vụ NV1/);
    expect(reach).toContain(
      driver.groups
        ? 'Chi bộ 1 (CB1): 1/1 nhóm đã nhận · đã nắm 1/'
        : 'Tin nhắn riêng (nền tảng không có nhóm): 1/1 người đã nhận · đã nắm 1 người',
    );
    expect(reach).toContain('1 người đã nắm');
    expect(reach).not.toContain(driver.names.worker);
  });

  it('a surge of a worry in the unit reaches an admin as a hot-spot alert, acknowledged with a button', async () => {
    const lexicon = parseScenario(TEST_LEXICON.replace('{excerpts}', 'false'), 'lexicon.yaml');
    if (!lexicon.ok) throw new Error(formatErrors(lexicon.errors));
    await applyScenario(database.db, lexicon.scenario, { now: new Date() });
    await lexiconOf(app.deps).refresh(database.db);
    await workerOfCb1();
    const worries = ['Công ty nợ lương 3 tháng rồi', 'cty no luong that', 'lg chậm quá ae'];
    if (driver.groups) {
      await driver.command('admin', '/link CB1', 'group');
      for (const text of worries) await driver.say('worker', text, 'group');
    } else {
      // No groups on this platform: the same worries arrive as anonymous feedback does (dated to
      // the hour), and their alert goes out at the top of the next hour.
      const [cb1] = await database.db.select().from(units).where(eq(units.code, 'CB1'));
      const hour = Math.floor(app.deps.clock.now().getTime() / 3_600_000) * 3_600_000;
      for (const text of worries) {
        await app.deps.signals.publish({
          text,
          source: 'feedback',
          unitId: cb1!.id,
          chatId: null,
          at: new Date(hour),
        });
      }
      await app.scheduler.runAll(new Date(hour + 3_600_000));
    }
    // Nobody leads CB1 or the company: the first step falls through to the admins.
    const alert = await driver.sees('admin', /Điểm nóng #1/);
    expect(alert).toContain('Tiền lương');
    expect(alert).toContain('Chi bộ 1 (CB1)');
    expect(alert).not.toContain(driver.names.worker);
    await driver.press('admin', 'Xác nhận đã nhận');
    expect(await driver.sees('admin', /Đã xác nhận điểm nóng #1/)).toContain(
      'các bước báo tiếp theo đã dừng',
    );
    const [incident] = await database.db.select().from(incidents);
    expect(incident?.status).toBe('acknowledged');
    // Leaders teach it: a verdict with a button (a numbered choice on Zalo), stored once per leader.
    await driver.press('admin', 'Báo nhầm');
    expect(await driver.sees('admin', /Đã ghi nhận #1: báo nhầm/)).toContain('bộ từ khóa');
    const verdicts = await database.db.select().from(incidentVerdicts);
    expect(verdicts.map((v) => [v.topicId, v.verdict])).toEqual([['wages', 'false_alarm']]);
  });
});

async function waitForMembership(database: TestDatabase, personId: number) {
  for (let i = 0; i < 200; i++) {
    const rows = await database.db.select().from(chatMembers).where(eq(chatMembers.personId, personId));
    if (rows.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('the worker never became a known member of the group');
}
