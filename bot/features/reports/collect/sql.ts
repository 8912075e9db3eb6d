import { type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../../db/client';

/** Rows of a raw statement on either driver (PGlite returns `{ rows }`, postgres.js an array). */
export async function rowsOf<T>(db: DbOrTx, statement: SQL): Promise<T[]> {
  const result = (await db.execute(statement)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

/** The unit a report is about; `leaf` when it has no children (then it is its own only row). */
export interface ReportScope {
  id: number;
  path: string;
  leaf: boolean;
}

export const at = (date: Date) => sql`${date.toISOString()}::timestamptz`;

/**
 * The reported units as a CTE `r(id, path)`: the scope's children, or the scope itself when it
 * has none. A row of any unit in the subtree belongs to the reported unit whose path prefixes its
 * own; rows of the scope unit itself belong to none (rid null) and are kept as their own cell.
 */
export function reportedUnits(scopeId: number, leaf: boolean): SQL {
  return leaf
    ? sql`r as (select id, path from units where id = ${scopeId})`
    : sql`r as (select id, path from units where parent_id = ${scopeId})`;
}

export const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
