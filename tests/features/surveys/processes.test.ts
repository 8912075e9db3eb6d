import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { closeDueSurveys } from '../../../bot/features/surveys/close';
import { surveyCells, surveys } from '../../../db/schema';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { command, createHarness, dm } from '../../helpers/harness';
import { answer, lastText, surveysWorld, tap, worker } from './helpers';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(() => database.reset());

describe('surveys across two processes', () => {
  it('a conversation moved to another process loses and doubles nothing, and closing waits for both', async () => {
    const a = createHarness(database);
    const { admin } = await surveysWorld(database, a);
    const b = createHarness(database);
    await a.handle(command(dm(1), admin, '/khaosat start quy-4 --units CB1'));
    // Worker 1 answers two questions on A, then the next taps reach B.
    const w1 = worker(1);
    await a.handle(command(dm(w1.externalId), w1, '/lamkhaosat 1'));
    await answer(a, w1, 4);
    await answer(a, w1, 0);
    await b.handle(command(dm(w1.externalId), w1, '/lamkhaosat 1'));
    expect(lastText(b, w1.externalId)).toContain('Bạn làm tiếp từ câu 3/5');
    await answer(b, w1, 2);
    expect(lastText(b, w1.externalId)).toContain('Câu 4/5');
    // Back within B works (and the choice is changed); back to what A holds is refused.
    await b.handle(tap(dm(w1.externalId), w1, 'svb:1:3'));
    expect(lastText(b, w1.externalId)).toContain('Câu 3/5');
    await b.handle(tap(dm(w1.externalId), w1, 'svb:1:2'));
    expect(lastText(b, w1.externalId)).toContain('Không quay lại được');
    await answer(b, w1, 1);
    await answer(b, w1, 10);
    await answer(b, w1, 'xong');
    for (let n = 2; n <= 5; n++) {
      const who = worker(n);
      await b.handle(command(dm(who.externalId), who, '/lamkhaosat 1'));
      for (const value of [4, 0, 1, 10, 's'] as const) await answer(b, who, value);
    }
    // B closes it, but A is alive and still holds worker 1's first two answers: it waits.
    await b.handle(command(dm(1), admin, '/khaosat close 1'));
    expect(lastText(b, '1')).toContain('đang đóng');
    expect((await database.db.select().from(surveys).where(eq(surveys.id, 1)))[0]?.status).toBe('closing');
    // A's tick writes what it holds; B's next tick closes.
    await closeDueSurveys(a.deps, a.deps.clock.now());
    await closeDueSurveys(b.deps, b.deps.clock.now());
    const [row] = await database.db.select().from(surveys).where(eq(surveys.id, 1));
    expect(row).toMatchObject({ status: 'closed', lostBallots: 0 });
    const cells = await database.db.select().from(surveyCells).orderBy(surveyCells.question);
    // Every question answered by all five exactly once (worker 1: q1–q2 on A, q3–q5 on B, q3 changed
    // once); the one text answer is a cell below k: withheld, only its count kept.
    expect(cells.map((c) => [c.question, c.n, c.withheld])).toEqual([
      [0, 5, 0],
      [1, 5, 0],
      [2, 5, 0],
      [3, 5, 0],
      [4, 0, 1],
    ]);
    expect(cells[0]!.counts).toEqual([0, 0, 0, 0, 5]);
    expect(cells[2]!.counts).toEqual([0, 5, 0]);
  });
});
