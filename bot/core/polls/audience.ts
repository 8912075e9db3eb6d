import { and, countDistinct, eq, inArray, isNotNull, like, or } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { chatMembers, chats, identities, people, roles, units } from '../../../db/schema';
import type { MessengerRouter } from '../messenger-router';
import type { UnitScope } from '../org/roles';
import type { Platform } from '../types';

export interface GroupTarget {
  platform: Platform;
  externalId: string;
  unitId: number;
}

export interface PersonTarget {
  personId: number;
  platform: Platform;
  externalId: string;
  unitId: number;
  locale: string | null;
}

/** Units inside any of the roots' subtrees (the roots included). */
export function withinAny(roots: readonly Pick<UnitScope, 'path'>[]) {
  return or(...roots.map((root) => like(units.path, `${root.path}%`)));
}

/** Every bound group chat of the roots' subtrees, on platforms this process can send to. */
export async function groupTargets(
  db: DbOrTx,
  messenger: MessengerRouter,
  roots: readonly UnitScope[],
): Promise<GroupTarget[]> {
  if (roots.length === 0) return [];
  const rows = await db
    .select({ platform: chats.platform, externalId: chats.externalId, unitId: chats.unitId })
    .from(chats)
    .innerJoin(units, eq(units.id, chats.unitId))
    .where(withinAny(roots))
    .orderBy(chats.id);
  return rows
    .filter((row) => messenger.has(row.platform as Platform))
    .map((row) => ({ platform: row.platform as Platform, externalId: row.externalId, unitId: row.unitId! }));
}

/** Known members of the target groups, per unit and overall (a person in two groups counts once overall). */
export async function groupMembers(
  db: DbOrTx,
  targets: readonly GroupTarget[],
): Promise<{ perUnit: Map<number, number>; total: number }> {
  const perUnit = new Map<number, number>(targets.map((t) => [t.unitId, 0]));
  if (targets.length === 0) return { perUnit, total: 0 };
  const inTargets = and(
    eq(chatMembers.active, true),
    or(...targets.map((t) => and(eq(chats.platform, t.platform), eq(chats.externalId, t.externalId)))),
  );
  const rows = await db
    .select({ unitId: chats.unitId, members: countDistinct(chatMembers.personId) })
    .from(chatMembers)
    .innerJoin(chats, eq(chats.id, chatMembers.chatId))
    .where(inTargets)
    .groupBy(chats.unitId);
  for (const row of rows) if (row.unitId !== null) perUnit.set(row.unitId, row.members);
  const [all] = await db
    .select({ total: countDistinct(chatMembers.personId) })
    .from(chatMembers)
    .innerJoin(chats, eq(chats.id, chatMembers.chatId))
    .where(inTargets);
  return { perUnit, total: all?.total ?? 0 };
}

/**
 * Everyone holding a role on a unit of the roots' subtrees, each once, at their deepest such unit,
 * reachable on their first account whose platform this process can send to.
 */
export async function personTargets(
  db: DbOrTx,
  messenger: MessengerRouter,
  roots: readonly UnitScope[],
): Promise<PersonTarget[]> {
  if (roots.length === 0) return [];
  const held = await db
    .select({ personId: roles.personId, unitId: units.id, depth: units.depth })
    .from(roles)
    .innerJoin(units, eq(units.id, roles.unitId))
    .where(and(isNotNull(roles.unitId), withinAny(roots)))
    .orderBy(roles.personId, units.id);
  const home = new Map<number, { unitId: number; depth: number }>();
  for (const row of held) {
    const current = home.get(row.personId);
    if (!current || row.depth > current.depth) home.set(row.personId, row);
  }
  const personIds = [...home.keys()];
  const accounts = new Map<number, { platform: Platform; externalId: string; locale: string | null }>();
  for (let i = 0; i < personIds.length; i += 5000) {
    const rows = await db
      .select({
        personId: identities.personId,
        platform: identities.platform,
        externalId: identities.externalId,
        locale: people.locale,
      })
      .from(identities)
      .innerJoin(people, eq(people.id, identities.personId))
      .where(inArray(identities.personId, personIds.slice(i, i + 5000)))
      .orderBy(identities.id);
    for (const row of rows) {
      const platform = row.platform as Platform;
      if (!accounts.has(row.personId) && messenger.has(platform)) {
        accounts.set(row.personId, { platform, externalId: row.externalId, locale: row.locale });
      }
    }
  }
  return personIds.flatMap((personId) => {
    const account = accounts.get(personId);
    return account ? [{ personId, unitId: home.get(personId)!.unitId, ...account }] : [];
  });
}
