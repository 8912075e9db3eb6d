import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LEASE_MS, surveyBoxOf } from '../../bot/features/surveys/box';
import { closeDueSurveys } from '../../bot/features/surveys/close';
import { renderResults, surveyResults } from '../../bot/features/surveys/results';
import { translator } from '../../bot/messages';
import { surveyCells, surveyHolders, surveys, surveyTemplates, surveyTexts } from '../../db/schema';
import { answer, surveysWorld, worker } from '../features/surveys/helpers';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { command, createHarness, dm, type Harness } from '../helpers/harness';

/**
 * The attacker reads the database while a survey is open — system columns, row order, per-cell
 * counts after every answer — and must learn nothing finer than a batch of k answers of one cell.
 */
let database: TestDatabase;
const MINUTE = 60_000;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(() => database.reset());

const ADMIN = { platform: 'telegram' as const, externalId: '1', displayName: 'Quản trị' };

/** A two-question template (scale, open text) with k = `k` for both. */
async function openSurvey(harness: Harness, k: number, units = 'CB1,CB2') {
  await database.db.insert(surveyTemplates).values({
    key: 'ngan',
    title: 'Khảo sát ngắn',
    questions: [
      { kind: 'scale', text: { vi: 'Bạn hài lòng với ca làm không?' } },
      { kind: 'text', text: { vi: 'Bạn muốn góp ý gì?' } },
    ],
    minAnswers: k,
    minTexts: k,
  });
  await harness.handle(command(dm(1), ADMIN, `/khaosat start ngan --units ${units}`));
}

async function take(harness: Harness, n: number, from = 0) {
  const who = worker(n);
  await harness.handle(command(dm(who.externalId), who, '/lamkhaosat 1'));
  if (from <= 0) await answer(harness, who, n % 5);
  await answer(harness, who, `góp ý số ${n}`);
}

interface CellSnapshot {
  question: number;
  unit_id: number;
  n: number;
  counts: number[];
  withheld: number;
  xmin: string;
}

const snapshotCells = () =>
  database.query<CellSnapshot>(
    sql`select question, unit_id, n, counts, withheld, xmin::text as xmin from survey_cells order by question, unit_id`,
  );

describe('an open survey read from the database', () => {
  it('shows no cell move finer than k, keeps k back, and writes in transactions of no tap', async () => {
    const harness = createHarness(database);
    await surveysWorld(database, harness);
    const k = 3;
    await openSurvey(harness, k, 'CB1');
    const steps = new Map<string, number[]>();
    const last = new Map<string, number>();
    const tapTx = new Set<string>();
    const writeTx = new Set<string>();
    let textRows: { xmin: string; text: string }[] = [];
    for (let n = 1; n <= 8; n++) {
      await take(harness, n);
      await surveyBoxOf(harness.deps).idle();
      for (const row of await database.query<{ xmin: string }>(
        sql`select xmin::text as xmin from survey_progress`,
      ))
        tapTx.add(row.xmin);
      for (const cell of await snapshotCells()) {
        const cellKey = `${cell.question}:${cell.unit_id}`;
        const n0 = last.get(cellKey) ?? 0;
        const total = cell.counts.map(Number).reduce((a, b) => a + b, 0);
        if (cell.question === 0) expect(total).toBe(cell.n);
        if (cell.n !== n0) {
          steps.set(cellKey, [...(steps.get(cellKey) ?? []), cell.n - n0]);
          writeTx.add(cell.xmin);
        }
        // All but k: at least k answers of the cell are always still held back.
        expect(cell.n).toBeLessThanOrEqual(n - k);
        last.set(cellKey, cell.n);
      }
      // Rows in storage order (ctid): each batch of texts is one transaction of at least k rows.
      textRows = await database.query<{ xmin: string; text: string }>(
        sql`select xmin::text as xmin, text from survey_texts order by ctid`,
      );
      const runs: number[] = [];
      textRows.forEach((row, i) => {
        if (i === 0 || textRows[i - 1]!.xmin !== row.xmin) runs.push(0);
        runs[runs.length - 1]!++;
        writeTx.add(row.xmin);
      });
      for (const run of runs) expect(run).toBeGreaterThanOrEqual(k);
      expect(new Set(textRows.map((row) => row.xmin)).size).toBe(runs.length);
    }
    // Eight finished, k = 3: at six held, three of each cell were written and three kept back.
    const cb1Id = (await database.query<{ id: number }>(sql`select id from units where code = 'CB1'`))[0]!.id;
    const cb1 = (question: number) => steps.get(`${question}:${cb1Id}`);
    expect(cb1(0)).toEqual([3]);
    expect(cb1(1)).toEqual([3]);
    expect(textRows).toHaveLength(3);
    // No write shares a transaction with a tap.
    for (const xmin of writeTx) expect(tapTx.has(xmin)).toBe(false);
    expect(surveyBoxOf(harness.deps).held(1)).toBe(10);

    // Closing writes the rest; the results count all eight and every text once.
    await harness.handle(command(dm(1), ADMIN, '/khaosat close 1'));
    const [survey] = await database.db.select().from(surveys).where(eq(surveys.id, 1));
    expect(survey!.status).toBe('closed');
    const results = await surveyResults(database.db, survey!);
    expect(results.questions[0]!.total.n).toBe(8);
    expect(results.questions[0]!.total.counts).toEqual([1, 2, 2, 2, 1]);
    expect(results.questions[1]!.texts.sort()).toEqual(
      Array.from({ length: 8 }, (_, i) => `góp ý số ${i + 1}`).sort(),
    );
  });
});

describe('closing', () => {
  it('withholds a cell of 4 answers (k = 5): only how many, no option, no text, no line', async () => {
    const a = createHarness(database);
    await surveysWorld(database, a);
    const b = createHarness(database);
    await openSurvey(a, 5);
    // CB2 has four workers: two answer on A, two on B (each process's part is below k).
    for (const n of [9, 10]) await take(a, n);
    for (const n of [11, 12]) await take(b, n);
    // CB1: five on B, published.
    for (let n = 1; n <= 5; n++) await take(b, n);
    await b.handle(command(dm(1), ADMIN, '/khaosat close 1'));
    await closeDueSurveys(a.deps, a.clock.now());
    await closeDueSurveys(b.deps, b.clock.now());
    const [survey] = await database.db.select().from(surveys);
    expect(survey).toMatchObject({ status: 'closed', lostBallots: 0 });
    const cb2 = (await database.query<{ id: number }>(sql`select id from units where code = 'CB2'`))[0]!.id;
    const cells = await database.db
      .select()
      .from(surveyCells)
      .where(eq(surveyCells.unitId, cb2))
      .orderBy(surveyCells.question);
    expect(cells.map((c) => [c.question, c.n, c.counts, c.withheld])).toEqual([
      [0, 0, [0, 0, 0, 0, 0], 4],
      [1, 0, [], 4],
    ]);
    const texts = await database.db.select().from(surveyTexts);
    expect(texts.filter((t) => t.unitId === cb2)).toEqual([]);
    expect(texts).toHaveLength(5);
    const text = renderResults(await surveyResults(database.db, survey!), translator('vi'), 'vi');
    expect(text).not.toContain('CB2');
    expect(text).toContain('CB1');
  });
});

describe('two processes', () => {
  it('lose no answer and count none twice, conversations moving between them included', async () => {
    const a = createHarness(database);
    await surveysWorld(database, a);
    const b = createHarness(database);
    await openSurvey(a, 3);
    // A gathers seven of CB1 (a write at six held), B the four of CB2 and the eighth of CB1, whose
    // conversation started on A (the scale answer stays on A, the text goes to B).
    for (let n = 1; n <= 7; n++) await take(a, n);
    const w8 = worker(8);
    await a.handle(command(dm(w8.externalId), w8, '/lamkhaosat 1'));
    await answer(a, w8, 3);
    await take(b, 8, 1);
    for (let n = 9; n <= 12; n++) await take(b, n);
    await surveyBoxOf(a.deps).idle();
    await surveyBoxOf(b.deps).idle();
    expect((await snapshotCells()).reduce((sum, cell) => sum + cell.n, 0)).toBe(6);
    // B closes; A is alive and holds answers, so the survey waits for A's tick.
    await b.handle(command(dm(1), ADMIN, '/khaosat close 1'));
    expect((await database.db.select().from(surveys))[0]!.status).toBe('closing');
    await closeDueSurveys(a.deps, a.clock.now());
    await closeDueSurveys(b.deps, b.clock.now());
    const [survey] = await database.db.select().from(surveys);
    expect(survey).toMatchObject({ status: 'closed', lostBallots: 0 });
    const results = await surveyResults(database.db, survey!);
    // Worker n chose n % 5 (0-based option): 1..12 → counts of 0..4.
    const expected = [0, 0, 0, 0, 0];
    for (let n = 1; n <= 12; n++) expected[n % 5]!++;
    expect(results.questions[0]!.total.counts).toEqual(expected);
    expect(results.questions[0]!.total.n).toBe(12);
    const texts = await database.db.select({ text: surveyTexts.text }).from(surveyTexts);
    expect(texts.map((t) => t.text).sort()).toEqual(
      Array.from({ length: 12 }, (_, i) => `góp ý số ${i + 1}`).sort(),
    );
    expect(await database.db.select().from(surveyHolders)).toEqual([]);
  });

  it('after kill -9, closes once the lease runs out and counts what the dead process held as lost', async () => {
    const a = createHarness(database);
    await surveysWorld(database, a);
    const doomed = createHarness(database);
    await openSurvey(a, 3, 'CB1');
    for (let n = 1; n <= 3; n++) await take(doomed, n);
    for (let n = 4; n <= 6; n++) await take(a, n);
    // The doomed process reported what it holds (its scheduler tick), then died.
    await closeDueSurveys(doomed.deps, doomed.clock.now());
    await a.handle(command(dm(1), ADMIN, '/khaosat close 1'));
    expect((await database.db.select().from(surveys))[0]!.status).toBe('closing');
    a.clock.advance(LEASE_MS + MINUTE);
    await closeDueSurveys(a.deps, a.clock.now());
    const [survey] = await database.db.select().from(surveys);
    expect(survey).toMatchObject({ status: 'closed', lostBallots: 6 });
    const results = await surveyResults(database.db, survey!);
    expect(results.questions[0]!.total.n).toBe(3);
  });
});
