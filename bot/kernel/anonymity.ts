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
