import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dmAccounts, unitDmAudience } from '../../bot/features/org/reach';
import { chatMembers, chats, identities } from '../../db/schema';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { createHarness, type Harness, seedOrg } from '../helpers/harness';
import { RecordingMessenger } from '../helpers/recording-messenger';

let database: TestDatabase;
let harness: Harness;
let org: Awaited<ReturnType<typeof seedOrg>>;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(async () => {
  await database.reset();
  const zalo = new RecordingMessenger('zalo', {
    buttons: false,
    groups: false,
    edit: false,
    ephemeral: false,
    maxTextLength: 2000,
  });
  harness = createHarness(database, {}, [zalo]);
  org = await seedOrg(database);
});

async function withZalo(personId: number, zaloId: string) {
  await database.db.insert(identities).values({ personId, platform: 'zalo', externalId: zaloId });
}

describe('reaching people on platforms without groups', () => {
  it('DMs the unit’s people who see none of its groups, and nobody twice', async () => {
    const telegramOnly = await org.personWith(1, 'Chỉ Telegram', { role: 'worker', unit: 'CB1' });
    const zaloInTeam = await org.personWith(2, 'Zalo ở Tổ 1', { role: 'worker', unit: 'T1' });
    await withZalo(zaloInTeam.id, 'z2');
    const inGroup = await org.personWith(3, 'Cả hai, trong nhóm', { role: 'worker', unit: 'CB1' });
    await withZalo(inGroup.id, 'z3');
    const leader = await org.personWith(4, 'Bí thư', { role: 'leader', unit: 'CB1' });
    await withZalo(leader.id, 'z4');
    const [cb1Group] = await database.db
      .insert(chats)
      .values({ platform: 'telegram', externalId: '-1', unitId: org.ids.CB1, inviteToken: 'a' })
      .returning();
    const [cb2Group] = await database.db
      .insert(chats)
      .values({ platform: 'telegram', externalId: '-2', unitId: org.ids.CB2, inviteToken: 'b' })
      .returning();
    await database.db.insert(chatMembers).values([
      { chatId: cb1Group!.id, personId: inGroup.id, active: true },
      { chatId: cb2Group!.id, personId: leader.id, active: true },
    ]);

    const cb1 = { path: `/${org.ids.CTY}/${org.ids.CB1}/` };
    const audience = await unitDmAudience(database.db, harness.deps.messenger, cb1);
    expect(audience).toEqual([
      { personId: zaloInTeam.id, platform: 'zalo', externalId: 'z2' },
      { personId: leader.id, platform: 'zalo', externalId: 'z4' },
    ]);
    expect(audience.some((a) => a.personId === telegramOnly.id)).toBe(false);

    const cb2 = { path: `/${org.ids.CTY}/${org.ids.CB2}/` };
    expect(await unitDmAudience(database.db, harness.deps.messenger, cb2)).toEqual([]);
  });

  it('lists a person’s accounts on running platforms, those with buttons first', async () => {
    const person = await org.personWith(5, 'Hai tài khoản');
    await withZalo(person.id, 'z5');
    await database.db.insert(identities).values({ personId: person.id, platform: 'slack', externalId: 'U5' });
    const accounts = await dmAccounts(database.db, harness.deps.messenger, person.id);
    expect(accounts.map((a) => a.platform)).toEqual(['telegram', 'zalo']);

    await database.db.delete(identities);
    await withZalo(person.id, 'z5');
    expect((await dmAccounts(database.db, harness.deps.messenger, person.id)).map((a) => a.platform)).toEqual(
      ['zalo'],
    );
  });
});
