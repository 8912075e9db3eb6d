import { inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { units } from '../../../db/schema';
import { can, type HeldRole, isWithinPath, type UnitScope } from '../../kernel/roles';
import { ROLE_RANK, type Role } from '../../kernel/types';

export interface PollAccess {
  /** May see this poll at all (a role covering one of its cells, or a role inside the units asked). */
  allowed: boolean;
  /** Covers every cell: sees the whole breakdown and the pooled comments. */
  all: boolean;
  /** The cells (unit ids) shown to this person. */
  visible: Set<number>;
  /** What the dispatcher checks the role against: a unit they cover when allowed, else the first unit asked. */
  unit: UnitScope | null;
}

/** Who sees which part of a poll's results: collaborators and leaders their subtree, admins above it everything. */
export function pollAccess(
  held: readonly HeldRole[],
  role: Role,
  audience: readonly UnitScope[],
  cells: readonly UnitScope[],
): PollAccess {
  const visible = new Set(cells.filter((cell) => can(held, role, cell)).map((cell) => cell.id));
  const coveredCell = cells.find((cell) => visible.has(cell.id));
  const inside = held.find(
    (r) =>
      r.unitId !== null &&
      r.unitPath !== null &&
      ROLE_RANK[r.role] >= ROLE_RANK[role] &&
      audience.some((root) => isWithinPath(r.unitPath!, root.path)),
  );
  const unit =
    coveredCell ?? (inside ? { id: inside.unitId!, path: inside.unitPath! } : (audience[0] ?? null));
  const allowed =
    coveredCell !== undefined || inside !== undefined || audience.some((root) => can(held, role, root));
  return { allowed, all: cells.length > 0 && visible.size === cells.length, visible, unit };
}

/** Units by id, for audience roots and cells. */
export async function unitScopes(
  db: DbOrTx,
  ids: readonly number[],
): Promise<Map<number, UnitScope & { code: string; name: string }>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select({ id: units.id, path: units.path, code: units.code, name: units.name })
    .from(units)
    .where(inArray(units.id, [...ids]));
  return new Map(rows.map((row) => [row.id, row]));
}
