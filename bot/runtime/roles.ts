import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { roles, units } from '../../db/schema';
import type { HeldRole } from '../kernel/roles';

/** The roles a person holds, with their units: what every role check (`can`) is asked about. */
export async function rolesOf(db: DbOrTx, personId: number): Promise<HeldRole[]> {
  const rows = await db
    .select({
      role: roles.role,
      unitId: roles.unitId,
      unitCode: units.code,
      unitName: units.name,
      unitPath: units.path,
      source: roles.source,
    })
    .from(roles)
    .leftJoin(units, eq(units.id, roles.unitId))
    .where(eq(roles.personId, personId));
  return rows;
}
