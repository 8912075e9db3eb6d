import { and, eq, inArray, isNotNull, like, or, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { chats, units } from '../../../db/schema';
import type { Platform } from '../../kernel/types';

/**
 * The bound group chats of the given units and everything below them (all bound chats when
 * `unitCodes` is empty), on the platforms this process can send to.
 */
export async function targetChatIds(
  db: DbOrTx,
  unitCodes: readonly string[],
  platforms: readonly Platform[],
): Promise<number[]> {
  if (platforms.length === 0) return [];
  let within: SQL | undefined;
  if (unitCodes.length > 0) {
    const roots = await db
      .select({ path: units.path })
      .from(units)
      .where(inArray(units.code, [...unitCodes]));
    if (roots.length === 0) return [];
    within = or(...roots.map((root) => like(units.path, `${root.path}%`)));
  }
  const rows = await db
    .select({ id: chats.id })
    .from(chats)
    .innerJoin(units, eq(units.id, chats.unitId))
    .where(and(isNotNull(chats.unitId), inArray(chats.platform, [...platforms]), within))
    .orderBy(chats.id);
  return rows.map((row) => row.id);
}
