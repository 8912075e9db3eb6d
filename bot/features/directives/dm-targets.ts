import { inArray, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { units } from '../../../db/schema';
import type { Platform } from '../../kernel/types';
import type { MessengerRouter } from '../../runtime/messenger-router';
import { unitDmAudience } from '../org';

export interface DmTarget {
  personId: number;
  platform: Platform;
  externalId: string;
}

/**
 * "No groups → DMs": the people of the audience's units (all units when `unitCodes` is empty)
 * reachable only on a platform without group chats and in none of the units' groups — each once,
 * on one account, however many of the units they hold roles in.
 */
export async function dmTargets(
  db: DbOrTx,
  messenger: MessengerRouter,
  unitCodes: readonly string[],
): Promise<DmTarget[]> {
  const roots = await db
    .select({ path: units.path })
    .from(units)
    .where(unitCodes.length > 0 ? inArray(units.code, [...unitCodes]) : isNull(units.parentId));
  const byPerson = new Map<number, DmTarget>();
  for (const root of roots) {
    for (const account of await unitDmAudience(db, messenger, root)) {
      if (!byPerson.has(account.personId)) byPerson.set(account.personId, account);
    }
  }
  return [...byPerson.values()].sort((a, b) => a.personId - b.personId);
}
