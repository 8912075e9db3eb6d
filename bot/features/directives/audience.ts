import { inArray, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { units } from '../../../db/schema';
import type { UnitScope } from '../../kernel/roles';

/** Covered only by organisation-wide roles: no unit path is a prefix of "/". */
const WHOLE_ORGANISATION: UnitScope = { id: 0, path: '/' };

/**
 * The unit an admin must cover to act on these units (all units when `codes` is empty): their
 * nearest common ancestor. Null when a code is unknown (the first unknown code is returned).
 */
export async function audienceScope(
  db: DbOrTx,
  codes: readonly string[],
): Promise<{ ok: true; scope: UnitScope } | { ok: false; unknown: string }> {
  const rows =
    codes.length > 0
      ? await db
          .select()
          .from(units)
          .where(inArray(units.code, [...codes]))
      : await db.select().from(units).where(isNull(units.parentId));
  const unknown = codes.find((code) => !rows.some((row) => row.code === code));
  if (unknown) return { ok: false, unknown };
  if (rows.length === 0) return { ok: true, scope: WHOLE_ORGANISATION };
  const chains = rows.map((row) => row.path.split('/').filter(Boolean));
  const common: string[] = [];
  for (let i = 0; chains.every((chain) => chain[i] !== undefined && chain[i] === chains[0]![i]); i++)
    common.push(chains[0]![i]!);
  if (common.length === 0) return { ok: true, scope: WHOLE_ORGANISATION };
  return { ok: true, scope: { id: Number(common.at(-1)), path: `/${common.join('/')}/` } };
}
