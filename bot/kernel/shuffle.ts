import { randomInt } from 'node:crypto';

/** Shuffles in place (Fisher–Yates, crypto-random): a batch's order says nothing of arrival order. */
export function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
