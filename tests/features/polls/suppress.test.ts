import { describe, expect, it } from 'vitest';
import { isValidThreshold, suppress } from '../../../bot/kernel/anonymity';
import { nextCronRun } from '../../../bot/kernel/cron';
import { floorToHour, parseLocalDateTime } from '../../../bot/kernel/time';

const shown = (cells: [string, number][], k: number) => {
  const view = suppress(
    cells.map(([key, n]) => ({ key, n })),
    k,
  );
  return {
    shown: view.cells.filter((c) => c.shown).map((c) => c.key),
    totalShown: view.totalShown,
  };
};

describe('suppress', () => {
  it('shows every cell of at least k, and empty cells', () => {
    expect(
      shown(
        [
          ['A', 5],
          ['B', 9],
          ['C', 0],
        ],
        5,
      ),
    ).toEqual({ shown: ['A', 'B', 'C'], totalShown: true });
  });

  it('hides a cell below k and, when that alone is below k, the next smallest too (total minus one unit)', () => {
    // Total 16 is shown; with only B hidden, 16 − 6 − 8 would give B's 2 answers away.
    expect(
      shown(
        [
          ['A', 6],
          ['B', 2],
          ['C', 8],
        ],
        5,
      ),
    ).toEqual({ shown: ['C'], totalShown: true });
  });

  it('stops hiding once the hidden cells add up to k', () => {
    expect(
      shown(
        [
          ['A', 3],
          ['B', 4],
          ['C', 6],
          ['D', 7],
        ],
        5,
      ),
    ).toEqual({ shown: ['C', 'D'], totalShown: true });
  });

  it('hides everything, the total included, when the total is below k', () => {
    expect(
      shown(
        [
          ['A', 2],
          ['B', 2],
        ],
        5,
      ),
    ).toEqual({ shown: [], totalShown: false });
  });

  it('hides the only other cell when one is below k and the total is shown', () => {
    expect(
      shown(
        [
          ['A', 1],
          ['B', 40],
        ],
        5,
      ),
    ).toEqual({ shown: [], totalShown: true });
  });

  it('for any breakdown, the hidden total is 0 or at least k', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let run = 0; run < 500; run++) {
      const k = 3 + Math.floor(random() * 8);
      const cells = Array.from({ length: 1 + Math.floor(random() * 7) }, (_, i) => ({
        key: i,
        n: Math.floor(random() * 3 * k),
      }));
      const view = suppress(cells, k);
      const hidden = view.cells.filter((c) => !c.shown).reduce((sum, c) => sum + c.n, 0);
      const allHidden = view.cells.every((c) => !c.shown || c.n === 0);
      expect(hidden === 0 || hidden >= k || allHidden, JSON.stringify({ k, cells })).toBe(true);
      for (const cell of view.cells) if (cell.shown) expect(cell.n === 0 || cell.n >= k).toBe(true);
      if (allHidden && hidden > 0 && hidden < k) expect(view.totalShown).toBe(false);
    }
  });

  it('accepts thresholds from 3 to 100 only', () => {
    expect([2, 3, 5, 100, 101, 4.5].map(isValidThreshold)).toEqual([false, true, true, true, false, false]);
  });
});

describe('time helpers', () => {
  it('round to the hour, read local wall times and find the next cron run in the time zone', () => {
    expect(floorToHour(new Date('2026-03-05T09:59:59.999Z')).toISOString()).toBe('2026-03-05T09:00:00.000Z');
    const tz = 'Asia/Ho_Chi_Minh';
    expect(parseLocalDateTime('2026-12-01T17:00', tz)?.toISOString()).toBe('2026-12-01T10:00:00.000Z');
    expect(parseLocalDateTime('2026-02-29T17:00', tz)).toBeUndefined();
    // Monday 08:00 in Hanoi is 01:00 UTC; from a Monday at 08:00 exactly, the next is a week later.
    const monday = new Date('2026-03-02T01:00:00Z');
    expect(nextCronRun('0 8 * * 1', new Date('2026-03-01T12:00:00Z'), tz).toISOString()).toBe(
      monday.toISOString(),
    );
    expect(nextCronRun('0 8 * * 1', monday, tz).toISOString()).toBe('2026-03-09T01:00:00.000Z');
    expect(nextCronRun('30 7 1 * *', monday, 'Europe/Berlin').toISOString()).toBe('2026-04-01T05:30:00.000Z');
  });
});
