import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatRef, InboundEvent, UserRef } from '../../../bot/kernel/types';
import { auditLog, chatMembers, chats, identities, linkCodes, people, roles } from '../../../db/schema';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { command, createHarness, dm, group, type Harness, seedOrg, user } from '../../helpers/harness';
import { RecordingMessenger } from '../../helpers/recording-messenger';

let database: TestDatabase;
let harness: Harness;
let zalo: RecordingMessenger;
let org: Awaited<ReturnType<typeof seedOrg>>;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(async () => {
  await database.reset();
  zalo = new RecordingMessenger('zalo', {
    buttons: false,
    groups: false,
    edit: false,
    ephemeral: false,
    maxTextLength: 2000,
  });
  harness = createHarness(database, {}, [zalo]);
  org = await seedOrg(database);
});

const an = user(1, 'Nguyễn Văn An');
const anZalo: UserRef = { platform: 'zalo', externalId: 'z-an', displayName: 'An Zalo' };
const anZaloDm: ChatRef = { platform: 'zalo', externalId: 'z-an', kind: 'dm' };
let counter = 0;
const zaloSays = (text: string, from = anZalo, chat = anZaloDm): InboundEvent =>
  text.startsWith('/')
    ? {
        ...(command(chat, from, text) as Extract<InboundEvent, { kind: 'command' }>),
        updateId: `z${++counter}`,
      }
    : { kind: 'message', chat, from, text, updateId: `z${++counter}` };

async function codeFromTelegram(from = an): Promise<string> {
  await harness.handle(command(dm(from.externalId), from, '/linkaccount'));
  const text = harness.messenger.last()?.message.text ?? '';
  const code = /: ([0-9A-Z]{8})\n/.exec(text)?.[1];
  expect(code, text).toBeDefined();
  return code!;
}

async function personOf(platform: string, externalId: string) {
  const [row] = await database.db
    .select({ personId: identities.personId })
    .from(identities)
    .where(eq(identities.externalId, externalId));
  expect(row, `${platform}:${externalId}`).toBeDefined();
  return row!.personId;
}

describe('/linkaccount across platforms', () => {
  it('links a Zalo account to a Telegram admin after a numbered confirmation, and tells the Telegram account', async () => {
    const admin = await org.personWith(1, 'Nguyễn Văn An', { role: 'admin', unit: 'CB1' });
    const code = await codeFromTelegram();
    expect(harness.messenger.last()?.message.text).toContain('Trong 10 phút');
    const [stored] = await database.db.select().from(linkCodes);
    expect(stored?.codeHash).not.toContain(code);
    expect(JSON.stringify(stored)).not.toContain(code);

    await harness.handle(zaloSays(`/linkaccount ${code.toLowerCase()}`));
    const confirm = zalo.last()!.message.text;
    expect(confirm).toContain('Liên kết tài khoản Zalo này với Nguyễn Văn An?');
    expect(confirm).toContain('quản trị');
    expect(confirm).toContain('1. Liên kết\n2. Huỷ');
    expect(await personOf('zalo', 'z-an')).not.toBe(admin.id);

    await harness.handle(zaloSays('1'));
    expect(zalo.answers.at(-1)?.text).toBe(
      'Đã liên kết. Tài khoản Zalo này giờ thuộc về Nguyễn Văn An. Các tài khoản: Telegram, Zalo.',
    );
    expect(await personOf('zalo', 'z-an')).toBe(admin.id);
    expect(await database.db.select().from(people)).toHaveLength(1);
    expect(harness.messenger.last()?.message.text).toContain('Một tài khoản Zalo vừa được liên kết');
    expect(harness.messenger.last()?.chat.externalId).toBe('1');
    const audit = await database.db.select().from(auditLog);
    expect(audit).toEqual([
      expect.objectContaining({ command: 'linkaccount', result: 'ok', actorPersonId: admin.id, args: '' }),
    ]);

    await harness.handle(zaloSays('/whoami'));
    expect(zalo.last()?.message.text).toContain('quản trị — Chi bộ 1 (CB1)');
    expect(zalo.last()?.message.text).toContain('Tài khoản: telegram, zalo');

    await harness.handle(zaloSays(`/linkaccount ${code}`));
    expect(zalo.last()?.message.text).toContain('Mã không đúng hoặc đã hết hạn');
  });

  it('refuses a wrong or expired code and changes nothing', async () => {
    await org.personWith(1, 'Nguyễn Văn An', { role: 'admin', unit: 'CB1' });
    const code = await codeFromTelegram();
    await harness.handle(zaloSays('/linkaccount ZZZZZZZZ'));
    expect(zalo.last()?.message.text).toContain('Mã không đúng hoặc đã hết hạn');
    await harness.handle(zaloSays('/linkaccount %%'));
    expect(zalo.last()?.message.text).toContain('Cách dùng: /linkaccount');

    harness.clock.advance(11 * 60 * 1000);
    await harness.handle(zaloSays(`/linkaccount ${code}`));
    expect(zalo.last()?.message.text).toContain('Mã không đúng hoặc đã hết hạn');
    expect(await database.db.select().from(people)).toHaveLength(2);
    expect(await database.db.select().from(linkCodes)).toHaveLength(0);
  });

  it('does nothing when the user cancels, or when another account answers the confirmation', async () => {
    await org.personWith(1, 'Nguyễn Văn An', { role: 'admin', unit: 'CB1' });
    const code = await codeFromTelegram();
    await harness.handle(zaloSays(`/linkaccount ${code}`));
    await harness.handle(zaloSays('huỷ'));
    expect(zalo.answers.at(-1)?.text).toBe('Đã huỷ liên kết. Không có gì thay đổi.');

    // Another person presses a forged or forwarded confirmation: refused.
    const [row] = await database.db.select().from(linkCodes);
    const intruder: UserRef = { platform: 'zalo', externalId: 'z-intruder', displayName: 'Kẻ lạ' };
    await harness.handle({
      kind: 'button',
      chat: { platform: 'zalo', externalId: 'z-intruder', kind: 'dm' },
      from: intruder,
      data: `la:y:${row!.id}`,
      pressId: 'z-intruder',
    });
    expect(zalo.answers.at(-1)).toEqual(
      expect.objectContaining({ pressId: 'z-intruder', text: expect.stringContaining('không phải của bạn') }),
    );
    expect(await database.db.select().from(people)).toHaveLength(3);
  });

  it('refuses a second account on the same platform and a link to oneself', async () => {
    await org.personWith(1, 'Nguyễn Văn An', { role: 'admin', unit: 'CB1' });
    await org.personWith(2, 'Trần Bình');
    const code = await codeFromTelegram();
    await harness.handle(command(dm(2), user(2, 'Trần Bình'), `/linkaccount ${code}`));
    expect(harness.messenger.last()?.message.text).toBe(
      'Nguyễn Văn An đã có một tài khoản Telegram. Mỗi người chỉ liên kết một tài khoản trên mỗi nền tảng. Không có gì thay đổi.',
    );
    await harness.handle(command(dm(1), an, `/linkaccount ${code}`));
    expect(harness.messenger.last()?.message.text).toBe(
      'Tài khoản này đã thuộc về Nguyễn Văn An. Không có gì thay đổi.',
    );
  });

  it('merges roles, memberships and history of the joining person, keeping one inferred unit', async () => {
    const admin = await org.personWith(1, 'Nguyễn Văn An', { role: 'worker', unit: 'CB1' });
    await harness.handle(zaloSays('/start'));
    const zaloPerson = await personOf('zalo', 'z-an');
    await database.db.insert(roles).values([
      { personId: zaloPerson, unitId: org.ids.CB2, role: 'leader', source: 'command' },
      { personId: zaloPerson, unitId: org.ids.T1, role: 'worker', source: 'seen' },
    ]);
    const [chat] = await database.db
      .insert(chats)
      .values({ platform: 'telegram', externalId: '-5', unitId: org.ids.T1, inviteToken: 't5' })
      .returning();
    await database.db.insert(chatMembers).values({ chatId: chat!.id, personId: zaloPerson, active: true });
    await database.db.insert(auditLog).values({
      at: new Date(),
      actorPersonId: zaloPerson,
      platform: 'zalo',
      command: 'role',
      args: '',
      result: 'ok',
    });

    const code = await codeFromTelegram();
    await harness.handle(zaloSays(`/linkaccount ${code}`));
    await harness.handle(zaloSays('Liên kết'));

    const held = await database.db.select().from(roles).where(eq(roles.personId, admin.id));
    expect(held.map((r) => `${r.role}@${r.unitId}/${r.source}`).sort()).toEqual(
      [`leader@${org.ids.CB2}/command`, `worker@${org.ids.CB1}/scenario`].sort(),
    );
    const members = await database.db.select().from(chatMembers);
    expect(members).toEqual([{ chatId: chat!.id, personId: admin.id, active: true }]);
    const audit = await database.db.select().from(auditLog).where(eq(auditLog.command, 'role'));
    expect(audit[0]?.actorPersonId).toBe(admin.id);
    expect(await database.db.select().from(people).where(eq(people.id, zaloPerson))).toEqual([]);
  });

  it('in a Telegram group, sends the code by DM and says so in the group', async () => {
    await org.personWith(1, 'Nguyễn Văn An');
    await harness.handle(command(group('-100'), an, '/linkaccount'));
    const [toDm, inGroup] = harness.messenger.sent.slice(-2);
    expect(toDm?.chat).toEqual({ platform: 'telegram', externalId: '1', kind: 'dm' });
    expect(toDm?.message.text).toMatch(/Mã liên kết của bạn: [0-9A-Z]{8}/);
    expect(inGroup?.chat.externalId).toBe('-100');
    expect(inGroup?.message.text).toBe('Pulse đã gửi mã liên kết riêng cho bạn.');
  });
});
