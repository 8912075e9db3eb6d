import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ballotsOf, LEASE_MS } from '../../bot/features/polls/ballot-box';
import { closePollNow, settleClosing } from '../../bot/features/polls/close';
import { loadResults, renderResults } from '../../bot/features/polls/results';
import { people, pollBallotHolders, pollParticipation, polls, pollTallies, roles } from '../../db/schema';
import { pollsWorld, tap, worker } from '../features/polls/helpers';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { command, createHarness, dm, type Harness, message } from '../helpers/harness';

/**
 * The attacker here reads the database while a poll is open — system columns, row order, a trigger
 * recording the transaction of every write — or taps as someone outside the poll's audience.
 */
let database: TestDatabase;
let harness: Harness;
let world: Awaited<ReturnType<typeof pollsWorld>>;
const MINUTE = 60_000;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.destroy();
});
beforeEach(async () => {
  await database.reset();
  harness = createHarness(database);
  world = await pollsWorld(database, harness);
});

/** Workers 1..n are seen in CB1's group before the poll opens (the poll's audience). */
async function openPoll(n: number, units = 'CB1') {
  for (let i = 1; i <= n; i++) await harness.handle(message(world.groups.CB1, worker(i), 'chào'));
  await harness.handle(command(dm(1), world.admin, `/pulse Ổn không? --units ${units} --closes 24h`));
  harness.messenger.clear();
}

const sumOf = (counts: number[]) => counts.reduce((a, b) => a + b, 0);

async function cb1Counts(): Promise<number[]> {
  const [row] = await database.db
    .select({ counts: pollTallies.counts })
    .from(pollTallies)
    .where(eq(pollTallies.unitId, world.org.ids.CB1));
  return row!.counts;
}

describe('who may answer', () => {
  it('refuses the admin, the leader and the collaborator, politely, and records nothing', async () => {
    await openPoll(1);
    for (const [person, chat] of [
      [world.admin, world.groups.CB1],
      [world.leaderCb1, world.groups.CB1],
      [world.collaboratorT1, world.groups.T1],
      // Seen in CB1's group, the T1 collaborator is a member there, but staff are never inferred workers.
      [world.collaboratorT1, world.groups.CB1],
    ] as const) {
      await harness.handle(tap(chat, person, 'pa:1:0'));
      expect(harness.messenger.answers.at(-1)).toMatchObject({
        alert: true,
        text: expect.stringContaining('chỉ dành cho người lao động'),
      });
    }
    expect(await database.db.select().from(pollParticipation)).toEqual([]);
    expect(await database.db.select().from(pollBallotHolders)).toEqual([]);
    expect(ballotsOf(harness.deps).held()).toBe(0);
    // A worker still answers.
    await harness.handle(tap(world.groups.CB1, worker(1), 'pa:1:0'));
    expect(harness.messenger.answers.at(-1)!.text).toContain('Đã ghi nhận');
    expect(await database.db.select().from(pollParticipation)).toHaveLength(1);
  });

  it('refuses a worker role granted after the poll opened; a leader who is also a worker counts once', async () => {
    const [leader] = await database.db
      .select({ id: people.id })
      .from(people)
      .where(eq(people.displayName, 'Bí thư Một'));
    await database.db
      .insert(roles)
      .values({ personId: leader!.id, unitId: world.org.ids.CB1, role: 'worker', source: 'command' });
    await openPoll(0);
    const [collaborator] = await database.db
      .select({ id: people.id })
      .from(people)
      .where(eq(people.displayName, 'Cộng tác viên'));
    // Granted once the poll is open: an admin filling the unit with known answers.
    await database.db
      .insert(roles)
      .values({ personId: collaborator!.id, unitId: world.org.ids.T1, role: 'worker', source: 'command' });
    await harness.handle(tap(world.groups.T1, world.collaboratorT1, 'pa:1:0'));
    expect(harness.messenger.answers.at(-1)!.text).toContain('chỉ dành cho người lao động');
    await harness.handle(tap(world.groups.CB1, world.leaderCb1, 'pa:1:0'));
    await harness.handle(tap(world.groups.T1, world.leaderCb1, 'pa:1:1'));
    expect(harness.messenger.answers.map((a) => a.text.slice(0, 14))).toEqual([
      expect.stringContaining('Cảm ơn'),
      expect.stringContaining('Đã ghi nhận'),
      expect.stringContaining('Bạn đã trả lời'),
    ]);
    expect(await database.db.select().from(pollParticipation)).toEqual([{ pollId: 1, personId: leader!.id }]);
  });
});

describe('an open poll read from the database', () => {
  it('ties no tap to a choice: tallies move only by whole batches of k, in transactions of no tap', async () => {
    await openPoll(12);
    const seen: { participation: Set<string>; batches: { xmin: string; counts: number[] }[] } = {
      participation: new Set(),
      batches: [],
    };
    let before = await cb1Counts();
    const ctids = new Set<string>();
    for (let i = 1; i <= 12; i++) {
      await harness.handle(tap(world.groups.CB1, worker(i), `pa:1:${i % 5}`));
      // After every tap, the attacker takes a snapshot with system columns.
      const part = await database.query<{ xmin: string }>(
        sql`select xmin::text from poll_participation where poll_id = 1`,
      );
      for (const p of part) seen.participation.add(p.xmin);
      const [tally] = await database.query<{ xmin: string; ctid: string; counts: number[] }>(
        sql`select xmin::text, ctid::text, counts from poll_tallies where poll_id = 1 and unit_id = ${world.org.ids.CB1}`,
      );
      ctids.add(tally!.ctid);
      const now = tally!.counts.map(Number);
      if (sumOf(now) !== sumOf(before)) seen.batches.push({ xmin: tally!.xmin, counts: now });
      before = now;
    }
    // Twelve taps, k = 5: at ten held, five were written and five kept back, so the closing write
    // is never fewer than k either; seven ballots are still in memory.
    expect(seen.batches.map((b) => sumOf(b.counts))).toEqual([5]);
    expect(ballotsOf(harness.deps).held(1)).toBe(7);
    for (const batch of seen.batches) expect(seen.participation.has(batch.xmin)).toBe(false);
    // The cell's row moved (ctid) only with the batch, never with a tap.
    expect(ctids.size).toBe(2);

    // The feature works: closing writes the rest and the results count all twelve.
    await closePollNow(harness.deps, 1, harness.clock.now());
    expect(sumOf(await cb1Counts())).toBe(12);
    const text = renderResults(await loadResults(database.db, 1), {
      locale: 'vi',
      timeZone: harness.config.timezone,
      visibleUnits: 'all',
      comments: false,
    });
    expect(text).toContain('Chi bộ 1 (CB1): 12 câu trả lời');
  });

  it('teaches a trigger recording txid_current() on both tables nothing finer than a batch of k', async () => {
    try {
      await database.query(
        sql.raw('create table spy (table_name text, txid bigint, unit_id int, counts int[])'),
      );
      await database.query(
        sql.raw(`create function spy_write() returns trigger language plpgsql as $$
        begin
          if tg_table_name = 'poll_tallies' then
            insert into spy values (tg_table_name, txid_current(), new.unit_id, new.counts);
          else
            insert into spy values (tg_table_name, txid_current(), null, null);
          end if;
          return new;
        end $$`),
      );
      await database.query(
        sql.raw(
          'create trigger spy_participation after insert on poll_participation for each row execute function spy_write()',
        ),
      );
      await database.query(
        sql.raw(
          'create trigger spy_tallies after insert or update on poll_tallies for each row execute function spy_write()',
        ),
      );
    } catch (error) {
      // PGlite builds without plpgsql cannot run this attack; Postgres (CI) does.
      console.warn(`trigger attack skipped: ${(error as Error).message}`);
      return;
    }
    try {
      await openPoll(11);
      for (let i = 1; i <= 11; i++) await harness.handle(tap(world.groups.CB1, worker(i), `pa:1:${i % 5}`));
      await closePollNow(harness.deps, 1, harness.clock.now());
      const log = await database.query<{
        table_name: string;
        txid: string;
        unit_id: number | null;
        counts: number[] | null;
      }>(sql`select table_name, txid::text, unit_id, counts from spy`);
      const tapTx = new Set(log.filter((l) => l.table_name === 'poll_participation').map((l) => l.txid));
      const tallyWrites = log.filter((l) => l.table_name === 'poll_tallies' && l.counts);
      // No tally write shares a transaction with a participation insert made at tap time…
      const sealTx = log.filter((l) => l.table_name === 'poll_participation').at(-1)!.txid;
      for (const write of tallyWrites) {
        if (write.txid !== sealTx) expect(tapTx.has(write.txid)).toBe(false);
      }
      // …and every step of the cell's total is a batch of at least k: 5 once ten were held, then
      // the six left at closing (the closing step's `accepting = false` rewrites the row with no
      // change: a step of 0).
      const cb1 = tallyWrites
        .filter((w) => Number(w.unit_id) === world.org.ids.CB1)
        .map((w) => sumOf(w.counts!.map(Number)));
      const steps = cb1.map((n, i) => n - (i > 0 ? cb1[i - 1]! : 0)).filter((step) => step !== 0);
      expect(steps).toEqual([5, 6]);
    } finally {
      for (const statement of [
        'drop trigger if exists spy_participation on poll_participation',
        'drop trigger if exists spy_tallies on poll_tallies',
        'drop function if exists spy_write()',
        'drop table if exists spy',
      ])
        await database.query(sql.raw(statement));
    }
  });
});

describe('kill -9 and closing', () => {
  it('never closes over the ballots of a live process; after its lease expires, counts them as lost', async () => {
    await openPoll(8);
    const doomed = createHarness(database);
    for (let i = 1; i <= 3; i++) await doomed.handle(tap(world.groups.CB1, worker(i), `pa:1:${i % 5}`));
    for (let i = 4; i <= 8; i++) await harness.handle(tap(world.groups.CB1, worker(i), 'pa:1:4'));
    expect(ballotsOf(doomed.deps).held(1)).toBe(3);
    // The other process lives (its lease is fresh): the poll waits in `closing`.
    await closePollNow(harness.deps, 1, harness.clock.now());
    const status = async () => (await database.db.select({ s: polls.status }).from(polls))[0]!.s;
    expect(await status()).toBe('closing');
    // Taps after the closing step are refused.
    await harness.handle(tap(world.groups.CB1, worker(9), 'pa:1:0'));
    expect(harness.messenger.answers.at(-1)!.text).toContain('đã đóng');
    // kill -9: the process is gone with its memory; its lease runs out.
    harness.clock.advance(LEASE_MS + MINUTE);
    await settleClosing(harness.deps, harness.clock.now());
    expect(await status()).toBe('closed');
    const [poll] = await database.db.select().from(polls);
    expect(poll!.lostBallots).toBe(3);
    expect(sumOf(await cb1Counts())).toBe(5);
    expect(await database.db.select().from(pollParticipation)).toHaveLength(8);
    expect(await database.db.select().from(pollBallotHolders)).toEqual([]);
  });

  it('a live process writes its ballots when the poll closes, and none twice', async () => {
    await openPoll(6);
    const other = createHarness(database);
    for (let i = 1; i <= 3; i++) await other.handle(tap(world.groups.CB1, worker(i), 'pa:1:0'));
    for (let i = 4; i <= 6; i++) await harness.handle(tap(world.groups.CB1, worker(i), 'pa:1:1'));
    await closePollNow(harness.deps, 1, harness.clock.now());
    await settleClosing(other.deps, other.clock.now());
    await settleClosing(other.deps, other.clock.now());
    await settleClosing(harness.deps, harness.clock.now());
    expect(await cb1Counts()).toEqual([3, 3, 0, 0, 0]);
    expect((await database.db.select().from(polls))[0]!.lostBallots).toBe(0);
  });

  it('a closed cell below k keeps how many answered, never what they chose', async () => {
    await openPoll(4);
    const other = createHarness(database);
    // Alone: the process is the only holder, so the options of the cell are never written.
    await harness.handle(tap(world.groups.CB1, worker(1), 'pa:1:0'));
    await harness.handle(tap(world.groups.CB1, worker(2), 'pa:1:4'));
    // Two processes: the first to write at closing cannot know the cell stays below k and writes
    // its options; the closing transaction erases them, keeping only the count.
    for (let i = 3; i <= 4; i++) await other.handle(tap(world.groups.CB1, worker(i), 'pa:1:1'));
    await closePollNow(harness.deps, 1, harness.clock.now());
    await settleClosing(other.deps, other.clock.now());
    const [tally] = await database.db
      .select()
      .from(pollTallies)
      .where(eq(pollTallies.unitId, world.org.ids.CB1));
    expect(tally!.counts).toEqual([0, 0, 0, 0, 0]);
    expect(tally!.withheld).toBe(4);
    expect((await database.db.select().from(polls))[0]!.status).toBe('closed');
    // The results say the cell is not enough, not that nobody answered.
    const text = renderResults(await loadResults(database.db, 1), {
      locale: 'vi',
      timeZone: harness.config.timezone,
      visibleUnits: 'all',
      comments: false,
    });
    expect(text).not.toContain('chưa có câu trả lời');
  });
});
