import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../../db/client';
import { pollBallotHolders, pollTallies, pulseProcesses } from '../../../db/schema';
import { shuffle } from '../../kernel/shuffle';
import type { Deps } from '../../runtime/deps';
import { flushComments } from './comments';

/** How long a process's lease lasts; its scheduler renews it every few seconds. */
export const LEASE_MS = 60_000;
const RENEW_AFTER_MS = 20_000;

interface Cell {
  /** The poll's k: a batch is written once this many ballots of the cell have gathered here. */
  k: number;
  /** Ballots per option, in memory only. */
  counts: number[];
  n: number;
}

/**
 * The ballot box of one process: choices are held in memory, never in a statement of the tap's
 * transaction, and written as one aggregated increment per (poll, unit) once k ballots of that cell
 * have gathered here, or when the poll closes, or at a graceful stop. The database only knows how
 * many ballots this process holds per poll (`poll_ballot_holders`), so a poll never closes over them
 * while this process lives, and counts them as lost once its lease has expired (kill -9).
 * One instance per process, passed in deps.
 */
export class BallotBox {
  readonly processId: string;
  private readonly polls = new Map<number, Map<number, Cell>>();
  private leaseRenewedAt = 0;
  /** Flushes run one at a time, so two never take the same ballots. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(processId: string = randomUUID()) {
    this.processId = processId;
  }

  /** Ballots held for a poll (all cells), for tests and the shutdown log. */
  held(pollId?: number): number {
    let total = 0;
    for (const [id, cells] of this.polls) {
      if (pollId !== undefined && id !== pollId) continue;
      for (const cell of cells.values()) total += cell.n;
    }
    return total;
  }

  /** Renews this process's lease when it is getting old (cheap: one write per 20 s at most). */
  async ensureLease(db: DbOrTx, now: Date): Promise<void> {
    if (now.getTime() - this.leaseRenewedAt < RENEW_AFTER_MS && this.leaseRenewedAt <= now.getTime()) return;
    await this.renewLease(db, now);
  }

  async renewLease(db: DbOrTx, now: Date): Promise<void> {
    const leaseUntil = new Date(now.getTime() + LEASE_MS);
    await db
      .insert(pulseProcesses)
      .values({ id: this.processId, leaseUntil })
      .onConflictDoUpdate({ target: pulseProcesses.id, set: { leaseUntil } });
    this.leaseRenewedAt = now.getTime();
  }

  /** Gives the lease up at a graceful stop, once everything is flushed. */
  async release(db: DbOrTx): Promise<void> {
    await db.delete(pulseProcesses).where(eq(pulseProcesses.id, this.processId));
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
      cell = { k: Math.max(1, ballot.k), counts: new Array(ballot.options).fill(0), n: 0 };
      cells.set(ballot.unitId, cell);
    }
    cell.counts[ballot.option] = (cell.counts[ballot.option] ?? 0) + 1;
    cell.n++;
    // A failed write puts the ballots back: they go with the next batch, or at closing.
    if (cell.n >= cell.k) await this.flush(db, ballot.pollId, { closing: false }).catch(() => 0);
  }

  /**
   * Writes what this process holds for the polls. `closing`: every cell, whatever its size (the
   * poll is closing, or the process stops); otherwise only cells that have gathered k.
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
      const batch = [...cells.entries()].filter(([, cell]) => cell.n > 0 && (closing || cell.n >= cell.k));
      if (batch.length === 0) continue;
      // Taken out before writing and put back if the write fails: a ballot is written at most once.
      for (const [unitId] of batch) cells.delete(unitId);
      try {
        await writeBatch(db, this.processId, pollId, batch);
      } catch (error) {
        for (const [unitId, cell] of batch) mergeBack(cells, unitId, cell);
        throw error;
      }
      if (cells.size === 0) this.polls.delete(pollId);
      written += batch.reduce((total, [, cell]) => total + cell.n, 0);
    }
    return written;
  }
}

function mergeBack(cells: Map<number, Cell>, unitId: number, cell: Cell): void {
  const current = cells.get(unitId);
  if (!current) {
    cells.set(unitId, cell);
    return;
  }
  current.n += cell.n;
  cell.counts.forEach((c, i) => {
    current.counts[i] = (current.counts[i] ?? 0) + c;
  });
}

/**
 * One transaction: each cell's aggregated increment is added to its tally (cells in a random order,
 * so not even statement order follows the taps) and this process's held count goes down by as many.
 */
async function writeBatch(
  db: DbOrTx,
  processId: string,
  pollId: number,
  batch: [number, Cell][],
): Promise<void> {
  shuffle(batch);
  const total = batch.reduce((sum, [, cell]) => sum + cell.n, 0);
  const write = async (tx: Tx) => {
    for (const [unitId, cell] of batch) {
      const added = sql.join(
        cell.counts.map((c, i) => sql`coalesce(${pollTallies.counts}[${i + 1}::int], 0) + ${c}::int`),
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

/** A graceful stop writes every ballot this process holds (even a cell below k: better than losing it). */
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
