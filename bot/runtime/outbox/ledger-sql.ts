import { type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';

/**
 * The columns every delivery ledger shares (the outbox, directive deliveries, poll deliveries,
 * report runs): `id`, `status` (pending → sending → sent | failed | …), `attempts`, `claimed_at`
 * (the lease). Some also keep when a row is due again (`due`) and why it last failed (`error`).
 */
export interface LedgerTable {
  table: string;
  /** The column of "not before" (the outbox's `not_before`); without one, a row is due at once. */
  due?: string;
  /** The column of the last failure's reason; without one, reasons are logged only. */
  error?: string;
  /** The column naming the claiming process. */
  claimedBy?: string;
}

export interface ClaimOptions {
  batch: number;
  leaseMs: number;
  now: Date;
  /** Rows not to claim (given back earlier in this run, or held back in this process). */
  skip?: readonly number[];
  /** A further condition over the table's columns (only some kinds, one poll). */
  where?: SQL;
  worker?: string;
}

const ident = (name: string) => sql.identifier(name);
const ts = (at: Date) => sql`${at.toISOString()}::timestamptz`;
const ids = (list: readonly number[]) =>
  sql.join(
    list.map((id) => sql`${id}`),
    sql`, `,
  );

function rowsOf<T>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

/**
 * Claims up to `batch` rows due now — pending ones whose time has come, and rows still `sending`
 * whose lease ran out (their process died) — with FOR UPDATE SKIP LOCKED, so two processes never
 * claim one row. Each claim counts an attempt. Returns the ids, oldest due first.
 */
export async function claimLedger(db: DbOrTx, t: LedgerTable, o: ClaimOptions): Promise<number[]> {
  const table = ident(t.table);
  const stale = new Date(o.now.getTime() - o.leaseMs);
  const due = t.due ? sql` and ${ident(t.due)} <= ${ts(o.now)}` : sql``;
  const skip = o.skip && o.skip.length > 0 ? sql` and id not in (${ids(o.skip)})` : sql``;
  const where = o.where ? sql` and (${o.where})` : sql``;
  const by = t.claimedBy && o.worker ? sql`, ${ident(t.claimedBy)} = ${o.worker}` : sql``;
  const order = t.due ? sql`${ident(t.due)}, id` : sql`id`;
  const rows = rowsOf<{ id: number | string }>(
    await db.execute(sql`
      update ${table} set status = 'sending', claimed_at = ${ts(o.now)}, attempts = attempts + 1${by}
      where id in (
        select id from ${table}
        where ((status = 'pending'${due}) or (status = 'sending' and claimed_at < ${ts(stale)}))${skip}${where}
        order by ${order} limit ${o.batch}
        for update skip locked)
      returning id`),
  );
  return rows.map((row) => Number(row.id));
}

/** Keeps this process's leases on rows it still holds. */
export async function renewLedger(db: DbOrTx, t: LedgerTable, list: readonly number[], now: Date) {
  if (list.length === 0) return;
  await db.execute(sql`
    update ${ident(t.table)} set claimed_at = ${ts(now)}
    where id in (${ids(list)}) and status = 'sending'`);
}

export interface Release {
  /** Due again at (the ledger's `due` column); at once without one. */
  notBefore?: Date;
  /** The attempt this claim counted is not counted (a rate limit, a process stopping). */
  attemptGivenBack: boolean;
  reason?: string;
}

/** Rows claimed and not sent go back to pending (only while still `sending`: a cancel stays). */
export async function releaseLedger(db: DbOrTx, t: LedgerTable, list: readonly number[], r: Release) {
  if (list.length === 0) return;
  const sets: SQL[] = [sql`status = 'pending'`, sql`claimed_at = null`];
  if (r.attemptGivenBack) sets.push(sql`attempts = greatest(attempts - 1, 0)`);
  if (t.due && r.notBefore) sets.push(sql`${ident(t.due)} = ${ts(r.notBefore)}`);
  if (t.error && r.reason !== undefined) sets.push(sql`${ident(t.error)} = ${r.reason}`);
  await db.execute(sql`
    update ${ident(t.table)} set ${sql.join(sets, sql`, `)}
    where id in (${ids(list)}) and status = 'sending'`);
}

/** A row that will not be sent: failed, with the reason where the ledger keeps one. */
export async function failLedger(db: DbOrTx, t: LedgerTable, id: number, reason: string) {
  const error = t.error ? sql`, ${ident(t.error)} = ${reason}` : sql``;
  await db.execute(sql`update ${ident(t.table)} set status = 'failed'${error} where id = ${id}`);
}

/**
 * The earliest moment something of this ledger becomes claimable: a pending row's due time, or a
 * claimed row's lease end (its process may have died). Undefined when nothing waits.
 */
export async function nextDueOf(db: DbOrTx, t: LedgerTable, leaseMs: number, where?: SQL) {
  const pendingAt = t.due
    ? sql`min(${ident(t.due)}) filter (where status = 'pending')`
    : sql`null::timestamptz`;
  const filter = where ? sql` and (${where})` : sql``;
  const [row] = rowsOf<{ pending_at: string | Date | null; lease_at: string | Date | null }>(
    await db.execute(sql`
      select ${pendingAt} as pending_at,
        min(claimed_at) filter (where status = 'sending') as lease_at
      from ${ident(t.table)} where status in ('pending', 'sending')${filter}`),
  );
  const times = [
    row?.pending_at ? new Date(row.pending_at).getTime() : Number.NaN,
    row?.lease_at ? new Date(row.lease_at).getTime() + leaseMs : Number.NaN,
  ].filter(Number.isFinite);
  return times.length > 0 ? new Date(Math.min(...times)) : undefined;
}
