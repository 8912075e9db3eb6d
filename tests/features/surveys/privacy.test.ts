import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { surveyBoxOf } from '../../../bot/features/surveys/box';
import { surveyCells, surveyProgress, surveyTemplates, surveyTexts } from '../../../db/schema';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { command, createHarness, dm, type Harness } from '../../helpers/harness';
import { answer, dumpDatabase, lastText, surveysWorld, tap, worker } from './helpers';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(() => database.reset());

function rows<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows: T[] }).rows ?? []);
}

/** A harness whose logs (info and above) are kept as text. */
function loggedHarness(): { harness: Harness; logs: string[] } {
  const logs: string[] = [];
  const harness = createHarness(database);
  const stream = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  harness.deps.logger = pino({ level: 'info' }, stream);
  return { harness, logs };
}

async function openTextFirst(harness: Harness) {
  await database.db.insert(surveyTemplates).values({
    key: 'text-first',
    title: 'Góp ý',
    questions: [
      { kind: 'text', text: { vi: 'Điều gì làm bạn lo nhất?' } },
      { kind: 'scale', text: { vi: 'Bạn yên tâm về việc làm không?' } },
    ],
    minAnswers: 5,
    minTexts: 5,
  });
  await harness.handle(
    command(
      dm(1),
      { platform: 'telegram', externalId: '1', displayName: 'Quản trị' },
      '/khaosat start text-first --units CB1',
    ),
  );
}

describe('surveys against a database reader, a log reader and a curious admin', () => {
  it('never stores an unfinished survey’s answers, nor a batch below k, anywhere', async () => {
    const { harness, logs } = loggedHarness();
    await surveysWorld(database, harness);
    await openTextFirst(harness);
    const marker = 'bí mật chậm lương tháng 11';
    const w1 = worker(1);
    await harness.handle(command(dm(w1.externalId), w1, '/lamkhaosat 1'));
    await answer(harness, w1, marker);
    expect(lastText(harness, w1.externalId)).toContain('Câu 2/2');
    // Unfinished: the database has the index, never the answer.
    let dump = await dumpDatabase(database);
    expect(dump).not.toContain(marker);
    expect(await database.db.select().from(surveyProgress)).toEqual([
      expect.objectContaining({ question: 1, floor: 0, finished: false }),
    ]);
    expect(await database.db.select().from(surveyCells)).toEqual([]);
    // Finished, but alone in its batch (k = 5): still only in memory.
    await answer(harness, w1, 3);
    dump = await dumpDatabase(database);
    expect(dump).not.toContain(marker);
    expect(await database.db.select().from(surveyTexts)).toEqual([]);
    // Four more finish: five answers per cell are still held (a cell is written once it holds 2k,
    // all but k of it), so nothing is written yet.
    for (let n = 2; n <= 5; n++) {
      await harness.handle(command(dm(worker(n).externalId), worker(n), '/lamkhaosat 1'));
      await answer(harness, worker(n), `ý kiến ${n}`);
      await answer(harness, worker(n), n % 5);
    }
    await surveyBoxOf(harness.deps).idle();
    expect(await database.db.select().from(surveyTexts)).toEqual([]);
    expect(await database.db.select().from(surveyCells)).toEqual([]);
    // Closing writes them, as one increment per cell, with no person and only the hour.
    await harness.handle(
      command(dm(1), { platform: 'telegram', externalId: '1', displayName: 'Quản trị' }, '/khaosat close 1'),
    );
    const texts = await database.db.select().from(surveyTexts);
    expect(texts.map((t) => t.text).sort()).toEqual(
      [marker, 'ý kiến 2', 'ý kiến 3', 'ý kiến 4', 'ý kiến 5'].sort(),
    );
    expect(Object.keys(texts[0]!).sort()).toEqual([
      'hour',
      'id',
      'question',
      'signalled',
      'surveyId',
      'text',
      'unitId',
    ]);
    for (const row of texts) expect(row.hour.getUTCMinutes() + row.hour.getUTCSeconds()).toBe(0);
    const [cell] = await database.db.select().from(surveyCells).where(sql`${surveyCells.question} = 1`);
    expect(cell).toMatchObject({ n: 5 });
    // System columns: the batch's transaction is none of the taps' transactions.
    const batchTx = rows<{ xmin: string }>(
      await database.db.execute(
        sql`select distinct xmin::text from survey_cells union select distinct xmin::text from survey_texts`,
      ),
    ).map((r) => r.xmin);
    const tapTx = rows<{ xmin: string }>(
      await database.db.execute(sql`select distinct xmin::text from survey_progress`),
    ).map((r) => r.xmin);
    expect(batchTx.length).toBe(1);
    expect(tapTx).not.toContain(batchTx[0]);
    // Logs at info and above carry no answer, no text, no name.
    const log = logs.join('');
    expect(log).not.toContain(marker);
    expect(log).not.toContain('ý kiến');
    expect(log).not.toContain('Công nhân');
  });

  it('a skip and an answer leave the same trace: the index moves, nothing else', async () => {
    const harness = createHarness(database);
    await surveysWorld(database, harness);
    await harness.handle(
      command(
        dm(1),
        { platform: 'telegram', externalId: '1', displayName: 'Quản trị' },
        '/khaosat start quy-4 --units CB1',
      ),
    );
    for (const [n, value] of [
      [1, 2],
      [2, 's'],
    ] as const) {
      await harness.handle(command(dm(worker(n).externalId), worker(n), '/lamkhaosat 1'));
      await answer(harness, worker(n), value);
    }
    const progress = await database.db.select().from(surveyProgress).orderBy(surveyProgress.personId);
    expect(progress.map(({ personId: _p, ...rest }) => rest)).toEqual([
      expect.objectContaining({ question: 1, finished: false }),
      expect.objectContaining({ question: 1, finished: false }),
    ]);
    expect(progress[0]!.holder).toBe(progress[1]!.holder);
  });

  it('results never let two views be subtracted: a unit below k is in no total and no line', async () => {
    const harness = createHarness(database);
    const { admin } = await surveysWorld(database, harness);
    await harness.handle(command(dm(1), admin, '/khaosat start quy-4 --units CTY'));
    // Eight CB1 workers and four CB2 workers answer question 1 with 5, and skip the rest.
    for (let n = 1; n <= 12; n++) {
      const who = worker(n);
      await harness.handle(command(dm(who.externalId), who, '/lamkhaosat 1'));
      await answer(harness, who, n <= 8 ? 0 : 4);
      for (let q = 1; q < 5; q++) await answer(harness, who, 's');
    }
    await harness.handle(command(dm(1), admin, '/khaosat close 1'));
    await harness.handle(command(dm(1), admin, '/khaosat results 1'));
    const results = lastText(harness, '1');
    // Only CB1's eight, all "1": CB2's four "5" are nowhere, not even as a difference.
    expect(results).toContain('Toàn bộ (8): điểm TB 1.0/5');
    expect(results).toContain('5 😀: 0');
    expect(results).not.toContain('CB2');
    expect(results).not.toContain('(12)');
    expect(results).not.toContain('(4)');
    // Skipped questions have no answers: withheld, no counts.
    expect(results.match(/Chưa đủ câu trả lời/g)?.length).toBe(4);
  });

  it('an unfinished survey at closing is written as its own ballot, and its person keeps only an index', async () => {
    const harness = createHarness(database);
    const { admin } = await surveysWorld(database, harness);
    await harness.handle(command(dm(1), admin, '/khaosat start quy-4 --units CB1'));
    for (let n = 1; n <= 5; n++) {
      await harness.handle(command(dm(worker(n).externalId), worker(n), '/lamkhaosat 1'));
      await answer(harness, worker(n), 1);
    }
    await harness.handle(command(dm(1), admin, '/khaosat close 1'));
    const [cell] = await database.db.select().from(surveyCells);
    expect(cell).toMatchObject({ question: 0, n: 5, counts: [0, 5, 0, 0, 0] });
    const progress = await database.db.select().from(surveyProgress);
    expect(progress.every((p) => p.holder === null && !p.finished && p.question === 1)).toBe(true);
    // Answering after closing changes nothing.
    await harness.handle(tap(dm(worker(1).externalId), worker(1), 'sva:1:1:0'));
    expect(lastText(harness, worker(1).externalId)).toContain('đã đóng');
  });
});
