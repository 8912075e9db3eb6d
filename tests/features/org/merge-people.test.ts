import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mergePeople } from '../../../bot/features/org/merge';
import { people, pollParticipation, polls } from '../../../db/schema';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(() => database.reset());

describe('mergePeople', () => {
  it('links two accounts that both answered the same poll, keeping one participation row', async () => {
    const { db } = database;
    const [a, b] = await db
      .insert(people)
      .values([{ displayName: 'Lan' }, { displayName: 'Lan (Zalo)' }])
      .returning();
    const now = new Date('2026-03-05T02:00:00Z');
    const [first, second] = await db
      .insert(polls)
      .values(
        [1, 2].map((n) => ({
          question: `Câu hỏi ${n}`,
          kind: 'yesno' as const,
          options: ['Có', 'Không'],
          audience: [],
          dm: true,
          comments: false,
          minAnswers: 5,
          minComments: 10,
          locale: 'vi' as const,
          audienceSize: 2,
          createdAt: now,
          closesAt: now,
        })),
      )
      .returning();
    await db.insert(pollParticipation).values([
      { pollId: first!.id, personId: a!.id },
      { pollId: first!.id, personId: b!.id },
      { pollId: second!.id, personId: b!.id },
    ]);

    await db.transaction((tx) => mergePeople(tx, b!.id, a!.id));

    const rows = await db.select().from(pollParticipation).orderBy(pollParticipation.pollId);
    expect(rows).toEqual([
      { pollId: first!.id, personId: a!.id },
      { pollId: second!.id, personId: a!.id },
    ]);
    expect((await db.select().from(people)).map((p) => p.id)).toEqual([a!.id]);
  });
});
