import { type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../../db/client';
import type { Period } from '../model';
import { at, num, type ReportScope, rowsOf } from './sql';

/** Anonymous feedback about units of the scope's subtree in the period: the count only. */
export function feedbackStatement(scope: Pick<ReportScope, 'path'>, period: Period): SQL {
  return sql`select count(*)::int as n from feedback f
      join units u on u.id = f.unit_id and u.path like ${`${scope.path}%`}
      where f.hour >= ${at(period.from)} and f.hour < ${at(period.to)}`;
}

export async function feedbackCount(
  db: DbOrTx,
  scope: Pick<ReportScope, 'path'>,
  period: Period,
): Promise<number> {
  const [row] = await rowsOf<{ n: number }>(db, feedbackStatement(scope, period));
  return num(row?.n);
}
