import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PulseApp } from '../../bot/app';
import { issueLinkCode } from '../../bot/core/account-links';
import { applyScenario } from '../../bot/core/scenarios';
import { chats, identities, incidents, people, roles } from '../../db/schema';
import { formatErrors, parseScenario } from '../../scenarios/load';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { seedOrg } from '../helpers/harness';
import { TEST_LEXICON } from '../hotspots/setup';
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
  let org: Awaited<ReturnType<typeof seedOrg>>;
  beforeEach(async () => {
    await database.reset();
    org = await seedOrg(database);
    driver = make();
    app = await driver.start(database);
  });
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

  it('a surge of a worry in the unit reaches an admin as a hot-spot alert, acknowledged with a button', async () => {
    const lexicon = parseScenario(TEST_LEXICON.replace('{excerpts}', 'false'), 'lexicon.yaml');
    if (!lexicon.ok) throw new Error(formatErrors(lexicon.errors));
    await applyScenario(database.db, lexicon.scenario, { now: new Date() });
    await app.deps.lexicon.refresh(database.db);
    await driver.command('worker', '/start');
    const worker = await driver.personOf(database, 'worker');
    await database.db
      .insert(roles)
      .values({ personId: worker, unitId: org.ids.CB1, role: 'worker', source: 'command' });
    const worries = ['Công ty nợ lương 3 tháng rồi', 'cty no luong that', 'lg chậm quá ae'];
    if (driver.groups) {
      await driver.command('admin', '/link CB1', 'group');
      for (const text of worries) await driver.say('worker', text, 'group');
    } else {
      // No groups on this platform: the same worries arrive as anonymous feedback does (dated to
      // the hour), and their alert goes out at the top of the next hour.
      const hour = Math.floor(app.deps.clock.now().getTime() / 3_600_000) * 3_600_000;
      for (const text of worries) {
        await app.deps.signals.publish({
          text,
          source: 'feedback',
          unitId: org.ids.CB1,
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
  });
});
