import { and, eq, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { roles, units } from '../../../db/schema';
import { ROLE_RANK, type Role } from '../types';

export interface HeldRole {
  role: Role;
  /** null: the whole organisation. */
  unitId: number | null;
  unitCode: string | null;
  unitName: string | null;
  unitPath: string | null;
  source: string;
}

export interface UnitScope {
  id: number;
  path: string;
}

/** The one role check of Pulse: a role on a unit covers its subtree; a higher role includes the lower ones. */
export function can(held: readonly HeldRole[], needed: Role, unit?: UnitScope | null): boolean {
  return held.some(
    (r) =>
      ROLE_RANK[r.role] >= ROLE_RANK[needed] &&
      (r.unitPath === null || unit == null || unit.path.startsWith(r.unitPath)),
  );
}

/** The highest role a person holds anywhere, or null when they hold none. */
export function highestRole(held: readonly HeldRole[]): Role | null {
  let best: Role | null = null;
  for (const r of held) if (best === null || ROLE_RANK[r.role] > ROLE_RANK[best]) best = r.role;
  return best;
}

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
