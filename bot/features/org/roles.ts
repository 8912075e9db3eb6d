import { and, eq, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { roles } from '../../../db/schema';
import type { Role } from '../../kernel/types';

type RoleSource = (typeof roles.$inferInsert)['source'];

/** Grants a role; returns false when the person already had exactly that role there. */
export async function grantRole(
  db: DbOrTx,
  grant: { personId: number; unitId: number | null; role: Role; source: RoleSource },
): Promise<boolean> {
  const inserted = await db.insert(roles).values(grant).onConflictDoNothing().returning({ id: roles.id });
  return inserted.length > 0;
}

/** Revokes a role; returns false when there was nothing to revoke. */
export async function revokeRole(
  db: DbOrTx,
  target: { personId: number; unitId: number | null; role: Role },
): Promise<boolean> {
  const deleted = await db
    .delete(roles)
    .where(
      and(
        eq(roles.personId, target.personId),
        eq(roles.role, target.role),
        target.unitId === null ? isNull(roles.unitId) : eq(roles.unitId, target.unitId),
      ),
    )
    .returning({ id: roles.id });
  return deleted.length > 0;
}
