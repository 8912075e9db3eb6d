import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findKnownActor } from '../../../bot/features/org/actor';
import { ensureChatWithUnit } from '../../../bot/features/org/chats';
import { resolvePerson } from '../../../bot/features/org/people';
import { rolesOf } from '../../../bot/runtime/roles';
import { chatMembers, chats, people, roles, units } from '../../../db/schema';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(() => database.reset());

const user = { platform: 'telegram' as const, externalId: '4242', displayName: 'Chị Lan', username: 'lan' };
const group = { platform: 'telegram' as const, externalId: '-100777', kind: 'group' as const, title: 'Tổ 1' };

async function seedUnitWithChat() {
  const { db } = database;
  const [unit] = await db
    .insert(units)
    .values({ code: 'T1', name: 'Tổ 1', path: '/1/', depth: 0 })
    .returning();
  const { chat } = await ensureChatWithUnit(db, group);
  await db
    .update(chats)
    .set({ unitId: unit!.id, boundAt: new Date('2026-12-01T01:02:03Z') })
    .where(eq(chats.id, chat.id));
  return unit!;
}

describe('findKnownActor: who is behind an update, in one statement', () => {
  it('returns exactly what the step-by-step lookups return', async () => {
    const { db } = database;
    const unit = await seedUnitWithChat();
    const person = await resolvePerson(db, user);
    await db.update(people).set({ locale: 'en' }).where(eq(people.id, person.id));
    await db.insert(roles).values([
      { personId: person.id, unitId: unit.id, role: 'worker', source: 'scenario' },
      { personId: person.id, unitId: null, role: 'admin', source: 'env' },
    ]);

    const known = await findKnownActor(db, user, group);
    const [stepPerson] = await db.select().from(people).where(eq(people.id, person.id));
    expect(known?.person).toEqual(stepPerson);
    expect(known?.person.createdAt).toBeInstanceOf(Date);
    expect(known?.username).toBe('lan');
    const byRole = (a: { role: string }, b: { role: string }) => a.role.localeCompare(b.role);
    expect([...(known?.roles ?? [])].sort(byRole)).toEqual([...(await rolesOf(db, person.id))].sort(byRole));
    expect(known?.group).toEqual(await ensureChatWithUnit(db, group));
    expect(known?.group?.chat.boundAt?.toISOString()).toBe('2026-12-01T01:02:03.000Z');
  });

  it('knows nobody for a new account, and no group for a chat never seen', async () => {
    const { db } = database;
    expect(await findKnownActor(db, user, group)).toBeUndefined();
    await resolvePerson(db, user);
    const known = await findKnownActor(db, user, group);
    expect(known?.group).toBeNull();
    expect(known?.roles).toEqual([]);
  });

  it('makes the membership of a bound group active only when asked and only when it is not', async () => {
    const { db } = database;
    await seedUnitWithChat();
    const person = await resolvePerson(db, user);
    const membership = () =>
      db.select({ active: chatMembers.active }).from(chatMembers).where(eq(chatMembers.personId, person.id));

    await findKnownActor(db, user, group);
    expect(await membership()).toEqual([]);

    const first = await findKnownActor(db, user, group, { recordMember: true });
    expect(first?.memberRecorded).toBe(true);
    expect(await membership()).toEqual([{ active: true }]);

    await db.update(chatMembers).set({ active: false }).where(eq(chatMembers.personId, person.id));
    await findKnownActor(db, user, group, { recordMember: true });
    expect(await membership()).toEqual([{ active: true }]);

    // An active member's message writes nothing: the row version stays the same.
    const version = async () =>
      (await database.query<{ xmin: string }>(sql`select xmin::text as xmin from chat_members`))[0]?.xmin;
    const before = await version();
    await findKnownActor(db, user, group, { recordMember: true });
    expect(await version()).toBe(before);
  });
});
