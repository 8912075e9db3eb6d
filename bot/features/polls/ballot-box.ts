import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../../db/client';
import { pollBallotHolders, polls, pollTallies } from '../../../db/schema';
import { shuffle } from '../../kernel/shuffle';
import type { Deps } from '../../runtime/deps';
import {
  type HolderTable,
  heldByOthers,
  LEASE_MS,
  ProcessLease,
  takeAllButK,
} from '../../runtime/process-lease';
import { flushComments } from './comments';

export { LEASE_MS };

/** How many ballots each process holds per poll (runtime/process-lease). */
export const POLL_HOLDERS: HolderTable = {
  table: pollBallotHolders,
  subject: pollBallotHolders.pollId,
  process: pollBallotHolders.processId,
  held: pollBallotHolders.held,
};

interface Cell {
  /** The poll's k: every batch this process writes for the cell holds at least k ballots. */
  k: number;
  /** Number of options of the poll. */
  options: number;
  /** The chosen option of each ballot held, in memory only (shuffled before any is written). */
  ballots: number[];
}

/**
 * The ballot box of one process: choices are held in memory, never in a statement of the tap's
 * transaction, and written as one aggregated increment per (poll, unit). Every increment holds at
 * least k ballots, so no difference between two states of a tally (a snapshot, the WAL, a trigger)
 * tells less than k answers apart: once a cell holds 2k ballots here, all but k of them (chosen at
 * random) are written and k stay behind, so the closing write of the rest is at least k too. A
 * cell that never gathers k here at all is written with its options at closing only when it can be
 * published; below k, only how many ballots it holds is written, never their options.
 * The database only knows how many ballots this process holds per poll (`poll_ballot_holders`), so
 * a poll never closes over them while this process lives, and counts them as lost once its lease
 * has expired (kill -9 loses at most 2k − 1 ballots per cell of this process).
 */
export class BallotBox {
  readonly processId: string;
  private readonly lease: ProcessLease;
  private readonly polls = new Map<number, Map<number, Cell>>();
  /** Flushes run one at a time, so two never take the same ballots. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(processId?: string) {
    this.lease = new ProcessLease(processId);
    this.processId = this.lease.processId;
  }

  /** Ballots held for a poll (all cells), for tests and the shutdown log. */
  held(pollId?: number): number {
    let total = 0;
    for (const [id, cells] of this.polls) {
      if (pollId !== undefined && id !== pollId) continue;
      for (const cell of cells.values()) total += cell.ballots.length;
    }
    return total;
  }

  /** Renews this process's lease when it is getting old (runtime/process-lease). */
  ensureLease(db: DbOrTx, now: Date): Promise<void> {
    return this.lease.ensure(db, now);
  }

  renewLease(db: DbOrTx, now: Date): Promise<void> {
    return this.lease.renew(db, now);
  }

  /** Gives the lease up at a graceful stop, once everything is flushed. */
  release(db: DbOrTx): Promise<void> {
    return this.lease.release(db);
  }

  /**
   * Adds a ballot whose participation (and this process's held count) is already committed. When the
   * cell has gathered k ballots, writes them as one batch.
   */
  async add(
    db: DbOrTx,
    ballot: { pollId: number; unitId: number; option: number; options: number; k: number },
  ): Promise<void> {
    let cells = this.polls.get(ballot.pollId);
    if (!cells) {
      cells = new Map();
      this.polls.set(ballot.pollId, cells);
    }
    let cell = cells.get(ballot.unitId);
    if (!cell) {
      cell = { k: Math.max(1, ballot.k), options: ballot.options, ballots: [] };
      cells.set(ballot.unitId, cell);
    }
    cell.ballots.push(ballot.option);
    // A failed write puts the ballots back: they go with the next batch, or at closing.
    if (cell.ballots.length >= 2 * cell.k)
      await this.flush(db, ballot.pollId, { closing: false }).catch(() => 0);
  }

  /**
   * Writes what this process holds for the polls. `closing` (the poll is closing, or the process
   * stops): every cell it holds, but a cell whose published total would stay below k is written
   * without its options; otherwise only the cells that hold 2k or more, keeping k of each back.
   */
  flush(
    db: DbOrTx,
    pollIds: number | readonly number[] | 'all',
    options: { closing: boolean },
  ): Promise<number> {
    const run = this.queue.then(() => this.flushNow(db, pollIds, options));
    this.queue = run.catch(() => {});
    return run;
  }

  private async flushNow(
    db: DbOrTx,
    pollIds: number | readonly number[] | 'all',
    { closing }: { closing: boolean },
  ): Promise<number> {
    const ids =
      pollIds === 'all' ? [...this.polls.keys()] : typeof pollIds === 'number' ? [pollIds] : pollIds;
    let written = 0;
    for (const pollId of ids) {
      const cells = this.polls.get(pollId);
      if (!cells) continue;
      const batch: Batch[] = [];
      for (const [unitId, cell] of cells) {
        if (cell.ballots.length === 0) continue;
        if (closing) {
          batch.push({ unitId, cell, taken: cell.ballots });
          cells.delete(unitId);
        } else if (cell.ballots.length >= 2 * cell.k) {
          // Taken out before writing and put back if the write fails: a ballot is written at most once.
          batch.push({ unitId, cell, taken: takeAllButK(cell.ballots, cell.k) });
        }
      }
      if (batch.length === 0) continue;
      try {
        await writeBatch(db, this.processId, pollId, batch, closing);
      } catch (error) {
        for (const entry of batch) putBack(cells, entry);
        throw error;
      }
      for (const [unitId, cell] of cells) if (cell.ballots.length === 0) cells.delete(unitId);
      if (cells.size === 0) this.polls.delete(pollId);
      written += batch.reduce((total, entry) => total + entry.taken.length, 0);
    }
    return written;
  }
}

interface Batch {
  unitId: number;
  cell: Cell;
  /** The ballots of this write (all of the cell's at closing, else all but k). */
  taken: number[];
}

function putBack(cells: Map<number, Cell>, { unitId, cell, taken }: Batch): void {
  const current = cells.get(unitId);
  if (!current) {
    cells.set(unitId, { ...cell, ballots: [...taken] });
    return;
  }
  if (current !== cell || taken !== cell.ballots) current.ballots.push(...taken);
}

/**
 * One transaction: each cell's aggregated increment is added to its tally (cells in a random order,
 * so not even statement order follows the taps) and this process's held count goes down by as many.
 * When the poll is closing, a cell whose tally plus this increment stays below k, while no other
 * process holds ballots of the poll, is never published: only how many is written, not the options.
 */
async function writeBatch(
  db: DbOrTx,
  processId: string,
  pollId: number,
  batch: Batch[],
  closing: boolean,
): Promise<void> {
  shuffle(batch);
  const total = batch.reduce((sum, entry) => sum + entry.taken.length, 0);
  const write = async (tx: Tx) => {
    // A graceful stop while the poll is still open writes everything: its later answers may yet
    // lift the cell to k, and a ballot left out would be lost.
    const final =
      closing &&
      (await isClosing(tx, pollId)) &&
      (await heldByOthers(tx, POLL_HOLDERS, pollId, processId)) === 0;
    const tallies = final ? await talliesOf(tx, pollId) : undefined;
    for (const { unitId, cell, taken } of batch) {
      if (tallies && (tallies.get(unitId) ?? 0) + taken.length < cell.k) {
        await tx
          .update(pollTallies)
          .set({ withheld: sql`${pollTallies.withheld} + ${taken.length}::int` })
          .where(and(eq(pollTallies.pollId, pollId), eq(pollTallies.unitId, unitId)));
        continue;
      }
      const counts = new Array<number>(cell.options).fill(0);
      for (const option of taken) counts[option] = (counts[option] ?? 0) + 1;
      const added = sql.join(
        counts.map((c, i) => sql`coalesce(${pollTallies.counts}[${i + 1}::int], 0) + ${c}::int`),
        sql`, `,
      );
      await tx
        .update(pollTallies)
        .set({ counts: sql`array[${added}]` })
        .where(and(eq(pollTallies.pollId, pollId), eq(pollTallies.unitId, unitId)));
    }
    await tx
      .update(pollBallotHolders)
      .set({ held: sql`${pollBallotHolders.held} - ${total}::int` })
      .where(and(eq(pollBallotHolders.pollId, pollId), eq(pollBallotHolders.processId, processId)));
  };
  await db.transaction(write);
}

async function isClosing(tx: Tx, pollId: number): Promise<boolean> {
  const [row] = await tx.select({ status: polls.status }).from(polls).where(eq(polls.id, pollId));
  return row?.status === 'closing';
}

/** Ballots already written per unit of a poll. */
async function talliesOf(tx: Tx, pollId: number): Promise<Map<number, number>> {
  const rows = await tx
    .select({ unitId: pollTallies.unitId, counts: pollTallies.counts, withheld: pollTallies.withheld })
    .from(pollTallies)
    .where(eq(pollTallies.pollId, pollId));
  return new Map(rows.map((row) => [row.unitId, row.counts.reduce((a, b) => a + b, row.withheld)]));
}

/**
 * Each running Pulse (each `Deps`, keyed by its signal bus, which copies of `deps` share) has its
 * own ballot box, created on first use: the polls feature keeps its state out of the shared `Deps`.
 */
const boxes = new WeakMap<object, BallotBox>();

export function ballotsOf(deps: { signals: object }): BallotBox {
  let box = boxes.get(deps.signals);
  if (!box) {
    box = new BallotBox();
    boxes.set(deps.signals, box);
  }
  return box;
}

/** A graceful stop writes every ballot this process holds, by the closing rule (better than losing them). */
export async function flushBallotsAtStop(deps: Deps): Promise<void> {
  // Held comments first (every hour), while the database is still there.
  await flushComments(deps, deps.clock.now(), { all: true }).catch((error) =>
    deps.logger.error({ err: error }, 'held comments could not be written at shutdown'),
  );
  const ballots = ballotsOf(deps);
  const held = ballots.held();
  try {
    await ballots.flush(deps.db, 'all', { closing: true });
    await ballots.release(deps.db);
    if (held > 0) deps.logger.info({ held }, 'ballots written at shutdown');
  } catch (error) {
    deps.logger.error({ err: error, held: ballots.held() }, 'ballots could not be written at shutdown');
  }
}
