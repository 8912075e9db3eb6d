import { randomUUID } from 'node:crypto';
import { and, eq, gt, ne, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { DbOrTx, Tx } from '../../db/client';
import { pulseProcesses } from '../../db/schema';
import { shuffle } from '../kernel/shuffle';

/**
 * The mechanism polls' ballot box and surveys' box share, so that anonymous answers held in a
 * process's memory are never lost by a closing that does not wait for them, nor published finer
 * than k:
 * - each process has a lease (`pulse_processes`), renewed by its scheduler;
 * - a holder table says how much each process holds per subject (a poll, a survey) — a count, never
 *   what — so a closing waits while a live holder holds anything and counts a dead one's as lost;
 * - a cell of answers is written only once it holds 2k, all but k of them chosen at random
 *   (`takeAllButK`), so every write holds at least k and so does the closing write of the rest.
 */

/** How long a process's lease lasts; its scheduler renews it every few seconds. */
export const LEASE_MS = 60_000;
const RENEW_AFTER_MS = 20_000;

export class ProcessLease {
  readonly processId: string;
  private renewedAt = 0;

  constructor(processId: string = randomUUID()) {
    this.processId = processId;
  }

  /** Renews the lease when it is getting old (cheap: one write per 20 s at most). */
  async ensure(db: DbOrTx, now: Date): Promise<void> {
    if (now.getTime() - this.renewedAt < RENEW_AFTER_MS && this.renewedAt <= now.getTime()) return;
    await this.renew(db, now);
  }

  async renew(db: DbOrTx, now: Date): Promise<void> {
    const leaseUntil = new Date(now.getTime() + LEASE_MS);
    await db
      .insert(pulseProcesses)
      .values({ id: this.processId, leaseUntil })
      .onConflictDoUpdate({ target: pulseProcesses.id, set: { leaseUntil } });
    this.renewedAt = now.getTime();
  }

  /** Gives the lease up at a graceful stop, once everything held is written. */
  async release(db: DbOrTx): Promise<void> {
    await db.delete(pulseProcesses).where(eq(pulseProcesses.id, this.processId));
  }
}

/** A table of (subject, process, held): how much each process holds of a poll or a survey. */
export interface HolderTable {
  table: PgTable;
  subject: PgColumn;
  process: PgColumn;
  held: PgColumn;
}

/** How much processes other than this one hold of the subject (dead ones included). */
export async function heldByOthers(
  tx: DbOrTx,
  holders: HolderTable,
  subjectId: number,
  processId: string,
): Promise<number> {
  const [row] = await tx
    .select({ held: sql<number>`coalesce(sum(${holders.held}), 0)::int` })
    .from(holders.table)
    .where(and(eq(holders.subject, subjectId), ne(holders.process, processId), gt(holders.held, 0)));
  return Number(row?.held ?? 0);
}

/**
 * The last step of a closing: `waiting` while a live process still holds something of the subject;
 * otherwise what dead processes held is `lost`, and the subject's holder rows are deleted.
 */
export async function settleHolders(
  tx: Tx,
  holders: HolderTable,
  subjectId: number,
  now: Date,
): Promise<{ waiting: true } | { waiting: false; lost: number }> {
  const rows = await tx
    .select({ held: sql<number>`${holders.held}`.mapWith(Number), leaseUntil: pulseProcesses.leaseUntil })
    .from(holders.table)
    .leftJoin(pulseProcesses, eq(pulseProcesses.id, holders.process))
    .where(and(eq(holders.subject, subjectId), gt(holders.held, 0)));
  if (rows.some((row) => row.leaseUntil !== null && row.leaseUntil > now)) return { waiting: true };
  await tx.delete(holders.table).where(eq(holders.subject, subjectId));
  return { waiting: false, lost: rows.reduce((total, row) => total + row.held, 0) };
}

/**
 * The all-but-k rule of a cell held in memory: nothing while it holds fewer than 2k; else all but k
 * of its values, chosen at random and taken out of `values` (the k left stay for the next write).
 */
export function takeAllButK<T>(values: T[], k: number): T[] {
  if (values.length < 2 * k) return [];
  shuffle(values);
  return values.splice(k);
}
