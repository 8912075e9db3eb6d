import { and, eq, inArray, like, notExists } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../../db/client';
import { chatMembers, chats, identities, roles, units } from '../../../db/schema';
import type { Platform } from '../../kernel/types';
import type { MessengerRouter } from '../../runtime/messenger-router';

export interface DmAccount {
  personId: number;
  platform: Platform;
  externalId: string;
}

/**
 * A person's accounts on the platforms running now, the richest first (buttons, then edits), so a
 * feature that DMs a person (an alert to a leader) picks `[0]`, or all of them.
 */
export async function dmAccounts(
  db: DbOrTx,
  router: MessengerRouter,
  personId: number,
): Promise<DmAccount[]> {
  const rows = await db
    .select({
      personId: identities.personId,
      platform: identities.platform,
      externalId: identities.externalId,
    })
    .from(identities)
    .where(eq(identities.personId, personId))
    .orderBy(identities.id);
  const score = (platform: Platform) => {
    const c = router.capabilities(platform);
    return (c.buttons ? 2 : 0) + (c.edit ? 1 : 0);
  };
  return (rows as DmAccount[])
    .filter((row) => router.has(row.platform))
    .sort((a, b) => score(b.platform) - score(a.platform));
}

/**
 * "No groups → DMs": the accounts, on running platforms without group chats (Zalo), of people who
 * hold a role in the unit's subtree and are not active members of any of the subtree's bound
 * groups — they would otherwise never see what is posted to the unit's groups. People who are in a
 * group get it there, not twice.
 */
export async function unitDmAudience(
  db: DbOrTx,
  router: MessengerRouter,
  unit: { path: string },
): Promise<DmAccount[]> {
  const groupless = router.platforms().filter((p) => !router.capabilities(p).groups);
  if (groupless.length === 0) return [];
  const groupUnits = alias(units, 'group_units');
  const inSubtree = `${unit.path}%`;
  const rows = await db
    .selectDistinct({
      personId: identities.personId,
      platform: identities.platform,
      externalId: identities.externalId,
    })
    .from(identities)
    .innerJoin(roles, eq(roles.personId, identities.personId))
    .innerJoin(units, eq(units.id, roles.unitId))
    .where(
      and(
        inArray(identities.platform, groupless),
        like(units.path, inSubtree),
        notExists(
          db
            .select({ one: chatMembers.chatId })
            .from(chatMembers)
            .innerJoin(chats, eq(chats.id, chatMembers.chatId))
            .innerJoin(groupUnits, eq(groupUnits.id, chats.unitId))
            .where(
              and(
                eq(chatMembers.personId, identities.personId),
                eq(chatMembers.active, true),
                like(groupUnits.path, inSubtree),
              ),
            ),
        ),
      ),
    )
    .orderBy(identities.personId);
  return rows as DmAccount[];
}
