import { eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { units } from '../../../db/schema';
import { isWithinPath } from '../../kernel/roles';

export type { UnitRow } from '../../runtime/types';

import type { UnitRow } from '../../runtime/types';

export async function findUnitByCode(db: DbOrTx, code: string): Promise<UnitRow | undefined> {
  const [row] = await db.select().from(units).where(eq(units.code, code.trim().toUpperCase())).limit(1);
  return row;
}

export async function findUnitById(db: DbOrTx, id: number): Promise<UnitRow | undefined> {
  const [row] = await db.select().from(units).where(eq(units.id, id)).limit(1);
  return row;
}

/** The unit's ancestors from the root down, itself included. */
export async function unitChain(db: DbOrTx, unit: UnitRow): Promise<UnitRow[]> {
  const ids = unit.path.split('/').filter(Boolean).map(Number);
  const rows = await db.select().from(units).where(inArray(units.id, ids));
  return rows.sort((a, b) => a.depth - b.depth);
}

export function isWithin(unit: Pick<UnitRow, 'path'>, ancestor: Pick<UnitRow, 'path'>): boolean {
  return isWithinPath(unit.path, ancestor.path);
}

export function unitLabel(unit: Pick<UnitRow, 'code' | 'name'>): string {
  return `${unit.name} (${unit.code})`;
}
