import { type SQL, sql } from 'drizzle-orm';

/**
 * Thresholds and suppression: the one place that decides which counts of anonymous answers may be
 * shown. Every view of results (chat, closing message, /results, trends, exports) goes through
 * `suppress`, so a breakdown can never be subtracted from another to expose fewer than k answers.
 */

/** Default k for choices (scale, yes/no, options). */
export const MIN_ANSWERS = 5;
/** Default k for free text (comments). */
export const MIN_COMMENTS = 10;
/** No poll or scenario may set a threshold below this. */
export const MIN_THRESHOLD = 3;
export const MAX_THRESHOLD = 100;

export interface Cell<K> {
  key: K;
  /** How many answers the cell holds. */
  n: number;
}

export interface SuppressedView<K> {
  cells: (Cell<K> & { shown: boolean })[];
  total: number;
  totalShown: boolean;
}

/**
 * Primary suppression hides every cell with 0 < n < k. Complementary suppression then hides the
 * next smallest shown cells until the hidden cells add up to 0 or at least k (or nothing is left
 * to hide), so "total minus the shown cells" never reveals fewer than k answers. The total is
 * withheld when it is itself below k. Empty cells (n = 0) reveal nothing and stay shown.
 */
export function suppress<K>(cells: readonly Cell<K>[], k: number): SuppressedView<K> {
  const total = cells.reduce((sum, cell) => sum + cell.n, 0);
  const hidden = new Set<number>();
  let hiddenSum = 0;
  cells.forEach((cell, index) => {
    if (cell.n > 0 && cell.n < k) {
      hidden.add(index);
      hiddenSum += cell.n;
    }
  });
  while (hiddenSum > 0 && hiddenSum < k) {
    let smallest = -1;
    cells.forEach((cell, index) => {
      if (hidden.has(index) || cell.n === 0) return;
      if (smallest < 0 || cell.n < cells[smallest]!.n) smallest = index;
    });
    if (smallest < 0) break;
    hidden.add(smallest);
    hiddenSum += cells[smallest]!.n;
  }
  return {
    cells: cells.map((cell, index) => ({ ...cell, shown: !hidden.has(index) })),
    total,
    totalShown: total >= k,
  };
}

/** A threshold from a poll or scenario: a whole number in [MIN_THRESHOLD, MAX_THRESHOLD]. */
export function isValidThreshold(k: number): boolean {
  return Number.isInteger(k) && k >= MIN_THRESHOLD && k <= MAX_THRESHOLD;
}

/**
 * THE RULE FOR EVERY PUBLISHED FIGURE. A figure from anonymous answers is a sum of (poll, unit)
 * cells, each from a CLOSED poll and each holding at least that poll's k answers; a cell below k is
 * left out of every total in every view, and an open poll never counts. A period selects whole
 * polls by the moment they closed (`closed_at`), so a period boundary always falls between whole
 * cells. Then any difference of two published figures — two periods, a unit and its parent, a
 * report and /results — is itself a sum of whole cells of at least k answers.
 */
export interface RawCell {
  /** Whether the poll is closed. */
  closed: boolean;
  /** The poll's threshold. */
  k: number;
  /** Answers in the cell. */
  n: number;
}

/** Whether one (poll, unit) cell may take part in any published figure. */
export function isPublishable(cell: RawCell): boolean {
  return cell.closed && cell.n >= Math.max(cell.k, MIN_THRESHOLD);
}

/** The cells that may be published; the others are dropped from every total. */
export function publishableCells<C extends RawCell>(cells: readonly C[]): C[] {
  return cells.filter(isPublishable);
}

/**
 * The same rule inside a SQL statement, for the report statements that aggregate in the database:
 * the condition a row with the poll's `status` and `min_answers` and the cell's answer count `n`
 * must meet. Kept beside `isPublishable` so the two can never drift apart.
 */
export function publishableSql(status: SQL, minAnswers: SQL, n: SQL): SQL {
  return sql`(${status} = 'closed' and ${n} >= greatest(${minAnswers}, ${MIN_THRESHOLD}))`;
}

/** A poll is in a period when it closed inside it: whole polls, so whole cells. */
export function closedInSql(closedAt: SQL, from: SQL, to: SQL): SQL {
  return sql`(${closedAt} >= ${from} and ${closedAt} < ${to})`;
}

/**
 * The counterpart of `participationShown` inside a SQL statement: true when a cell's participation
 * may not be shown (its audience is below k, or it holds 1 to k-1 answers).
 */
export function participationHiddenSql(members: SQL, minAnswers: SQL, n: SQL): SQL {
  const k = sql`greatest(${minAnswers}, ${MIN_THRESHOLD})`;
  return sql`(${members} < ${k} or (${n} > 0 and ${n} < ${k}))`;
}

/**
 * Participation of one unit (how many of its audience answered, or that none did) may be shown
 * only where the unit's audience has at least k people, and then only as a count of at least k or
 * as zero; between 1 and k-1 it is withheld like the answers.
 */
export function participationShown(members: number, n: number, k: number): boolean {
  if (members < Math.max(k, MIN_THRESHOLD)) return false;
  return n === 0 || n >= k;
}
