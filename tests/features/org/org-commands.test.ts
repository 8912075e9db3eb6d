import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, chatMembers, chats, identities, roles } from '../../../db/schema';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import {
  command,
  createHarness,
  dm,
  group,
  type Harness,
  message,
  seedOrg,
  user,
} from '../../helpers/harness';

let database: TestDatabase;
let harness: Harness;
let org: Awaited<ReturnType<typeof seedOrg>>;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(async () => {
  await database.reset();
  harness = createHarness(database);
  org = await seedOrg(database);
});

const admin = user(1, 'Quản trị');
const lastText = () => harness.messenger.last()?.message.text ?? '';

async function workerRoleUnits(telegramId: number) {
  const rows = await database.db
    .select({ unitId: roles.unitId, source: roles.source })
    .from(roles)
    .innerJoin(identities, eq(identities.personId, roles.personId))
    .where(and(eq(identities.externalId, String(telegramId)), eq(roles.role, 'worker')));
  return rows;
}

describe('/start and /help', () => {
  it('greets in Vietnamese by default and lists only what the caller may run', async () => {
    await harness.handle(command(dm(7), user(7, 'Lan'), '/start'));
    expect(lastText()).toContain('Xin chào Lan');
    await harness.handle(command(dm(7), user(7, 'Lan'), '/help'));
    expect(lastText()).toContain('/whoami');
    expect(lastText()).not.toContain('/link ');
    expect(lastText()).toContain('/linkaccount [MÃ] —');

    await org.personWith(1, 'Quản trị', { role: 'admin', unit: null });
    await harness.handle(command(dm(1), admin, '/help'));
    // Each command with its arguments.
    const help = lastText();
    expect(help).toContain('/link MÃ_ĐƠN_VỊ —');
    expect(help).toContain('/role grant|revoke VAI_TRÒ NGƯỜI MÃ_ĐƠN_VỊ —');
    expect(help).toContain('/lang vi|en —');
    expect(help).toContain('/push MÃ_NHIỆM_VỤ [MÃ_ĐƠN_VỊ …] —');
    expect(help).toContain('/report [MÃ_ĐƠN_VỊ] [--period');
    expect(help).toContain('/keywords [add|remove CHỦ_ĐỀ');
    expect(help).toContain('/ack SỐ —');
    for (const line of help.split('\n').filter((l) => l.startsWith('/')))
      expect(line, line).toMatch(/^\/[a-z]+( \S.*)? — \S/);
  });

  it('answers in English after /lang en, and refuses a bad language with the usage', async () => {
    await harness.handle(command(dm(7), user(7), '/lang fr'));
    expect(lastText()).toContain('Cách dùng: /lang vi');
    await harness.handle(command(dm(7), user(7), '/lang en'));
    expect(lastText()).toBe('Language set to English.');
    await harness.handle(command(dm(7), user(7), '/help'));
    expect(lastText()).toContain('Commands you can use');
  });

  it('says which command is unknown', async () => {
    await harness.handle(command(dm(7), user(7), '/frobnicate'));
    expect(lastText()).toContain('/frobnicate');
  });
});

describe('/link and /unlink', () => {
  beforeEach(() => org.personWith(1, 'Quản trị', { role: 'admin', unit: null }));

  it('binds a group to a unit, offers the DM deep link, and is idempotent', async () => {
    await harness.handle(command(group('-100', 'Tổ 1 chat'), admin, '/link t1'));
    const reply = harness.messenger.last()!.message;
    expect(reply.text).toContain('Tổ 1 (T1)');
    const [chat] = await database.db.select().from(chats);
    expect(chat?.unitId).toBe(org.ids.T1);
    expect(reply.buttons?.[0]?.[0]).toEqual({
      label: 'Nhắn riêng với Pulse',
      startPayload: chat!.inviteToken,
    });

    await harness.handle(command(group('-100', 'Tổ 1 chat'), admin, '/link T1'));
    expect(lastText()).toContain('đã gắn');
  });

  it('rejects an unknown unit, a bad code and a DM, changing nothing', async () => {
    await harness.handle(command(group('-100'), admin, '/link NOPE'));
    expect(lastText()).toContain('NOPE');
    await harness.handle(command(group('-100'), admin, '/link'));
    expect(lastText()).toContain('Cách dùng: /link');
    await harness.handle(command(dm(1), admin, '/link CB1'));
    expect(lastText()).toContain('chỉ dùng trong nhóm');
    const rows = await database.db.select().from(chats);
    expect(rows.every((c) => c.unitId === null)).toBe(true);
    const audit = await database.db.select({ result: auditLog.result }).from(auditLog);
    expect(audit.map((a) => a.result)).toEqual(['usage', 'usage', 'usage']);
  });

  it('unlinks a bound group and says so when not bound', async () => {
    await harness.handle(command(group('-100'), admin, '/unlink'));
    expect(lastText()).toContain('chưa gắn');
    await harness.handle(command(group('-100'), admin, '/link CB1'));
    await harness.handle(command(group('-100'), admin, '/unlink'));
    expect(lastText()).toContain('Đã gỡ');
    const [chat] = await database.db.select().from(chats);
    expect(chat?.unitId).toBeNull();
  });
});

describe('/role', () => {
  beforeEach(() => org.personWith(1, 'Quản trị', { role: 'admin', unit: 'CB1' }));

  it('grants and revokes by @username, reporting no-ops', async () => {
    await org.personWith(42, 'Hùng');
    await harness.handle(command(dm(1), admin, '/role grant leader @u42 T1'));
    expect(lastText()).toBe('Đã cấp vai trò lãnh đạo đơn vị tại Tổ 1 (T1) cho Hùng.');
    await harness.handle(command(dm(1), admin, '/role grant leader @u42 T1'));
    expect(lastText()).toContain('đã có vai trò');
    await harness.handle(command(dm(1), admin, '/role revoke leader telegram:42 T1'));
    expect(lastText()).toContain('Đã thu hồi');
    await harness.handle(command(dm(1), admin, '/role revoke leader 42 T1'));
    expect(lastText()).toContain('không có vai trò');
  });

  it('refuses an unknown person, an unknown role and a unit outside the admin subtree', async () => {
    await harness.handle(command(dm(1), admin, '/role grant leader @ghost T1'));
    expect(lastText()).toContain('@ghost');
    await harness.handle(command(dm(1), admin, '/role grant boss @u1 T1'));
    expect(lastText()).toContain('Cách dùng: /role');
    await harness.handle(command(dm(1), admin, '/role grant leader @u1 CB2'));
    expect(lastText()).toContain('không có quyền');
    const granted = await database.db.select().from(roles).where(eq(roles.source, 'command'));
    expect(granted).toEqual([]);
  });
});

describe('people seen in bound groups become workers', () => {
  beforeEach(async () => {
    await org.personWith(1, 'Quản trị', { role: 'admin', unit: null });
    await harness.handle(command(group('-cb1'), admin, '/link CB1'));
    await harness.handle(command(group('-t1'), admin, '/link T1'));
    await harness.handle(command(group('-cb2'), admin, '/link CB2'));
  });

  it('places a person in the most specific unit they were seen in, and moves them when they leave', async () => {
    await harness.handle(message(group('-cb1'), user(9, 'Mai'), 'chào cả nhà'));
    expect(await workerRoleUnits(9)).toEqual([{ unitId: org.ids.CB1, source: 'seen' }]);
    await harness.handle({ kind: 'member_joined', chat: group('-t1'), from: user(9, 'Mai') });
    expect(await workerRoleUnits(9)).toEqual([{ unitId: org.ids.T1, source: 'seen' }]);
    await harness.handle(message(group('-cb2'), user(9, 'Mai'), 'hello'));
    expect(await workerRoleUnits(9)).toEqual([{ unitId: org.ids.T1, source: 'seen' }]);

    await harness.handle({ kind: 'member_left', chat: group('-t1'), from: user(9, 'Mai') });
    const [unit] = await workerRoleUnits(9);
    expect([org.ids.CB1, org.ids.CB2]).toContain(unit?.unitId);
    const memberships = await database.db.select().from(chatMembers);
    expect(memberships.filter((m) => !m.active)).toHaveLength(1);
  });

  it('does not make a worker of someone whose higher role covers the unit', async () => {
    await org.personWith(20, 'Bí thư', { role: 'leader', unit: 'CB1' });
    await harness.handle(message(group('-t1'), user(20, 'Bí thư'), 'chào tổ 1'));
    expect(await workerRoleUnits(20)).toEqual([]);
    await harness.handle(message(group('-cb2'), user(20, 'Bí thư'), 'chào chi bộ 2'));
    expect(await workerRoleUnits(20)).toEqual([{ unitId: org.ids.CB2, source: 'seen' }]);
  });

  it('does not move a worker placed by a scenario', async () => {
    await org.personWith(10, 'Đức', { role: 'worker', unit: 'CB2' });
    await harness.handle(message(group('-t1'), user(10, 'Đức'), 'xin chào'));
    expect(await workerRoleUnits(10)).toEqual([{ unitId: org.ids.CB2, source: 'scenario' }]);
  });

  it('a deep link from the group opens the DM with the unit known', async () => {
    const [chat] = await database.db.select().from(chats).where(eq(chats.externalId, '-t1'));
    await harness.handle(command(dm(11), user(11, 'Thu'), `/start ${chat!.inviteToken}`));
    expect(lastText()).toContain('Tổ 1 (T1)');
    expect(await workerRoleUnits(11)).toEqual([{ unitId: org.ids.T1, source: 'seen' }]);

    await harness.handle(command(dm(12), user(12), '/start notatoken'));
    expect(lastText()).toContain('không còn hiệu lực');
    expect(await workerRoleUnits(12)).toEqual([]);
  });

  it('/whoami lists the roles', async () => {
    await harness.handle(message(group('-t1'), user(9, 'Mai'), 'chào'));
    await harness.handle(command(dm(9), user(9, 'Mai'), '/whoami'));
    expect(lastText()).toContain('người lao động — Tổ 1 (T1)');
  });
});
