import { ROLE_RANK, type Role } from './types';

/** Units form a tree with materialised paths ("1/4/9/"): a unit is within another when its path starts with the other's. */
export function isWithinPath(path: string, ancestorPath: string): boolean {
  return path.startsWith(ancestorPath);
}

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
      (r.unitPath === null || unit == null || isWithinPath(unit.path, r.unitPath)),
  );
}

/** The highest role a person holds anywhere, or null when they hold none. */
export function highestRole(held: readonly HeldRole[]): Role | null {
  let best: Role | null = null;
  for (const r of held) if (best === null || ROLE_RANK[r.role] > ROLE_RANK[best]) best = r.role;
  return best;
}

/** "Chi bộ Khai thác (CB-KT)" for each unit where the person holds `role` or a higher one. */
export function unitsWithRole(held: readonly HeldRole[], role: Role): string[] {
  const labels = held
    .filter((r) => ROLE_RANK[r.role] >= ROLE_RANK[role] && r.unitCode !== null)
    .map((r) => (r.unitName ? `${r.unitName} (${r.unitCode})` : r.unitCode!));
  return [...new Set(labels)];
}
