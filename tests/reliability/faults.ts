import type { Db } from '../../db/client';

/**
 * Database faults for the fault-injection suite, on the real database (PGlite or Postgres):
 * while `down`, every statement fails as a connection to a stopped server would; `failSelects`
 * fails that many of the next reads — selects and raw statements (the update's first lookup is one) —
 * an error inside a handler, after the update was claimed.
 * `injected` counts the statements refused.
 */
export interface Faults {
  down: boolean;
  failSelects: number;
  injected: number;
  /** Called with the table of every insert (to arm a fault right after a given write). */
  onInsert?: (table: unknown) => void;
}

const STATEMENTS = new Set([
  'select',
  'selectDistinct',
  'insert',
  'update',
  'delete',
  'execute',
  'transaction',
]);

export function withFaults(db: Db): { db: Db; faults: Faults } {
  const faults: Faults = { down: false, failSelects: 0, injected: 0 };
  const proxy = new Proxy(db, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || !STATEMENTS.has(property) || typeof value !== 'function')
        return value;
      return (...args: unknown[]) => {
        const select = (property === 'select' || property === 'execute') && faults.failSelects > 0;
        if (faults.down || select) {
          if (select) faults.failSelects--;
          faults.injected++;
          throw new Error('connect ECONNREFUSED 127.0.0.1:5432 (injected fault)');
        }
        if (property === 'insert') faults.onInsert?.(args[0]);
        return value.apply(target, args);
      };
    },
  });
  return { db: proxy, faults };
}

/** Sends per chat as the fake platform saw them: lost = chats with none, duplicated = sends beyond one. */
export function tally(expected: number[], received: number[]) {
  const counts = new Map<number, number>();
  for (const id of received) counts.set(id, (counts.get(id) ?? 0) + 1);
  return {
    lost: expected.filter((id) => !counts.has(id)).length,
    duplicated: [...counts.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0),
    strangers: [...counts.keys()].filter((id) => !expected.includes(id)).length,
  };
}
