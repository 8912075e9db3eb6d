import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ballotsOf } from '../../../bot/features/polls/ballot-box';
import { closePollNow, settleClosing } from '../../../bot/features/polls/close';
import { loadResults, renderResults } from '../../../bot/features/polls/results';
import { type Database, openDatabase } from '../../../db/client';
import { pollBallotHolders, pollParticipation, polls, pollTallies } from '../../../db/schema';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { command, createHarness, dm, type Harness, message } from '../../helpers/harness';
import { pollsWorld, tap, worker } from './helpers';

let database: TestDatabase;
let other: Database | undefined;
let harness: Harness;
let world: Awaited<ReturnType<typeof pollsWorld>>;
const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

beforeAll(async () => {
  database = await createTestDatabase();
  // A second, independent connection pool to the same database: what a second Pulse process is to Postgres.
  if (database.url) other = await openDatabase({ databaseUrl: database.url, pgliteDir: '', poolSize: 5 });
});
afterAll(async () => {
  await other?.close();
  await database.destroy();
});
beforeEach(async () => {
  await database.reset();
  harness = createHarness(database);
  world = await pollsWorld(database, harness);
  await harness.handle(command(dm(1), world.admin, '/pulse Ổn không? --units CB1,CB2'));
  harness.messenger.clear();
});

/** What the tallies count, who took part, and what each process still holds (DB counter and memory). */
async function counts(...others: Harness[]) {
  const tallies = await database.db.select().from(pollTallies);
  const holders = await database.db.select().from(pollBallotHolders);
  return {
    counted: tallies.reduce((a, t) => a + t.withheld + t.counts.reduce((x, y) => x + y, 0), 0),
    participants: (await database.db.select().from(pollParticipation)).length,
    held: holders.reduce((a, h) => a + h.held, 0),
    inMemory: [harness, ...others].reduce((a, h) => a + ballotsOf(h.deps).held(), 0),
  };
}

describe('concurrent answers', () => {
  it('counts one answer when the same person taps many times at once', async () => {
    // Seen in the group first (the audience): a first-ever tap racing its own role write could be refused.
    await harness.handle(message(world.groups.CB1, worker(1), 'chào'));
    const taps = Array.from({ length: 8 }, (_, i) =>
      harness.handle(tap(i % 2 ? world.groups.CB1 : world.groups.CB2, worker(1), `pa:1:${i % 5}`)),
    );
    await Promise.all(taps);
    expect(harness.messenger.answers.filter((a) => a.text.includes('Đã ghi nhận'))).toHaveLength(1);
    expect(harness.messenger.answers.filter((a) => a.text.includes('đã trả lời'))).toHaveLength(7);
    // One ballot, below k: held in memory, counted at closing.
    expect(await counts()).toEqual({ counted: 0, participants: 1, held: 1, inMemory: 1 });
    await closePollNow(harness.deps, 1, harness.clock.now());
    expect(await counts()).toEqual({ counted: 1, participants: 1, held: 0, inMemory: 0 });
  });

  it.skipIf(!onPostgres)(
    'counts one answer per person when two processes take taps of the same people',
    async () => {
      const second = createHarness({ ...database, db: other!.db });
      const people = Array.from({ length: 30 }, (_, i) => worker(i + 1));
      await Promise.all(
        people.flatMap((person, i) => [
          harness.handle(tap(world.groups.CB1, person, `pa:1:${i % 5}`)),
          second.handle(tap(world.groups.CB2, person, `pa:1:${(i + 1) % 5}`)),
        ]),
      );
      const answers = [...harness.messenger.answers, ...second.messenger.answers];
      expect(answers.filter((a) => a.text.includes('Đã ghi nhận'))).toHaveLength(30);
      expect(answers.filter((a) => a.text.includes('đã trả lời khảo sát này rồi'))).toHaveLength(30);
      // Each process wrote its k-batches; the rest is in memory, and the database knows how many.
      const open = await counts(second);
      expect(open.participants).toBe(30);
      expect(open.counted + open.held).toBe(30);
      expect(open.held).toBe(open.inMemory);
      // Closing waits for the other process: it writes its ballots at its next scheduler step.
      await closePollNow(harness.deps, 1, harness.clock.now());
      if (ballotsOf(second.deps).held() > 0) {
        expect((await database.db.select().from(polls))[0]!.status).toBe('closing');
      }
      await settleClosing(second.deps, second.clock.now());
      await settleClosing(harness.deps, harness.clock.now());
      expect((await database.db.select().from(polls))[0]!.status).toBe('closed');
      expect(await counts(second)).toEqual({ counted: 30, participants: 30, held: 0, inMemory: 0 });
    },
  );

  it.skipIf(!onPostgres)(
    'never counts an answer after the closing transaction, even when they race',
    async () => {
      const second = createHarness({ ...database, db: other!.db });
      const taps = Array.from({ length: 100 }, (_, i) =>
        (i % 2 ? harness : second).handle(tap(world.groups.CB1, worker(i + 1), `pa:1:${i % 5}`)),
      );
      // Close once some taps have been answered, while the others are still on their way.
      const answered = () => harness.messenger.answers.length + second.messenger.answers.length;
      const closing = (async () => {
        while (answered() < 10) await new Promise((resolve) => setTimeout(resolve, 1));
        await closePollNow(harness.deps, 1, harness.clock.now());
      })();
      await Promise.all([...taps, closing]);
      await settleClosing(second.deps, second.clock.now());
      await settleClosing(harness.deps, harness.clock.now());
      // Whichever process finishes the closing (the last to write what it held) posts the results.
      const atClose = [...harness.messenger.texts('-cb1'), ...second.messenger.texts('-cb1')].find((t) =>
        t.includes('Kết quả khảo sát #1'),
      )!;
      const { counted, participants, held, inMemory } = await counts(second);
      expect(counted).toBe(participants);
      expect({ held, inMemory }).toEqual({ held: 0, inMemory: 0 });
      const recorded = [...harness.messenger.answers, ...second.messenger.answers].filter((a) =>
        a.text.includes('Đã ghi nhận'),
      );
      expect(recorded).toHaveLength(participants);
      expect(answered()).toBe(100);
      const later = renderResults(await loadResults(database.db, 1), {
        locale: 'vi',
        timeZone: harness.config.timezone,
        visibleUnits: { under: `/${world.org.ids.CTY}/${world.org.ids.CB1}/` },
        comments: false,
      });
      expect(later).toBe(atClose);
    },
  );
});
