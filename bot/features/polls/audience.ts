import { and, countDistinct, eq, inArray, isNotNull, like, or } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { chatMembers, chats, identities, people, roles, units } from '../../../db/schema';
import type { UnitScope } from '../../kernel/roles';
import type { Platform } from '../../kernel/types';
import type { MessengerRouter } from '../../runtime/messenger-router';
import { unitDmAudience } from '../org';

export interface GroupTarget {
  platform: Platform;
  externalId: string;
  unitId: number;
}

export interface PersonTarget {
  personId: number;
  platform: Platform;
  externalId: string;
  /** The unit whose tally counts this person's answer. */
  unitId: number;
  locale: string | null;
}

const BATCH = 5000;

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
    .filter((row) => messenger.has(row.platform))
    .map((row) => ({ platform: row.platform, externalId: row.externalId, unitId: row.unitId! }));
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

/** Each worker's deepest unit among their worker roles inside the roots' subtrees (where their answer counts). */
async function homeUnits(
  db: DbOrTx,
  roots: readonly UnitScope[],
  onlyPeople?: readonly number[],
): Promise<Map<number, { unitId: number; depth: number }>> {
  const home = new Map<number, { unitId: number; depth: number }>();
  const scopes = onlyPeople
    ? Array.from({ length: Math.ceil(onlyPeople.length / BATCH) }, (_, i) =>
        inArray(roles.personId, onlyPeople.slice(i * BATCH, (i + 1) * BATCH)),
      )
    : [undefined];
  for (const scope of scopes) {
    const held = await db
      .select({ personId: roles.personId, unitId: units.id, depth: units.depth })
      .from(roles)
      .innerJoin(units, eq(units.id, roles.unitId))
      // The audience is the workers: a leader or collaborator answers only if also a worker there.
      .where(and(eq(roles.role, 'worker'), isNotNull(roles.unitId), withinAny(roots), scope))
      .orderBy(roles.personId, units.id);
    for (const row of held) {
      const current = home.get(row.personId);
      if (!current || row.depth > current.depth) home.set(row.personId, row);
    }
  }
  return home;
}

/** How a platform's capabilities rank for DMs: buttons first, then edits (as `dmAccounts` does). */
function richness(messenger: MessengerRouter, platform: Platform): number {
  const c = messenger.capabilities(platform);
  return (c.buttons ? 2 : 0) + (c.edit ? 1 : 0);
}

/**
 * Every worker of the roots' subtrees, each once, at their deepest such unit,
 * on their richest account on a platform this process can send to.
 */
export async function personTargets(
  db: DbOrTx,
  messenger: MessengerRouter,
  roots: readonly UnitScope[],
): Promise<PersonTarget[]> {
  if (roots.length === 0) return [];
  const home = await homeUnits(db, roots);
  const personIds = [...home.keys()];
  const accounts = new Map<number, { platform: Platform; externalId: string; locale: string | null }>();
  for (let i = 0; i < personIds.length; i += BATCH) {
    const rows = await db
      .select({
        personId: identities.personId,
        platform: identities.platform,
        externalId: identities.externalId,
        locale: people.locale,
      })
      .from(identities)
      .innerJoin(people, eq(people.id, identities.personId))
      .where(inArray(identities.personId, personIds.slice(i, i + BATCH)))
      .orderBy(identities.id);
    for (const row of rows) {
      const platform = row.platform;
      if (!messenger.has(platform)) continue;
      const current = accounts.get(row.personId);
      if (!current || richness(messenger, platform) > richness(messenger, current.platform)) {
        accounts.set(row.personId, { platform, externalId: row.externalId, locale: row.locale });
      }
    }
  }
  return personIds.flatMap((personId) => {
    const account = accounts.get(personId);
    return account ? [{ personId, unitId: home.get(personId)!.unitId, ...account }] : [];
  });
}

/**
 * "No groups → DMs": people reachable only on platforms without group chats (Zalo) and in none of
 * the subtrees' bound groups get by DM what the groups get — the poll, reminders, results.
 */
export async function grouplessTargets(
  db: DbOrTx,
  messenger: MessengerRouter,
  roots: readonly UnitScope[],
): Promise<PersonTarget[]> {
  const byPerson = new Map<number, { platform: Platform; externalId: string }>();
  for (const root of roots) {
    for (const account of await unitDmAudience(db, messenger, root)) {
      if (!byPerson.has(account.personId)) byPerson.set(account.personId, account);
    }
  }
  if (byPerson.size === 0) return [];
  const home = await homeUnits(db, roots, [...byPerson.keys()]);
  const locales = new Map(
    (
      await db
        .select({ id: people.id, locale: people.locale })
        .from(people)
        .where(inArray(people.id, [...byPerson.keys()]))
    ).map((row) => [row.id, row.locale]),
  );
  return [...byPerson.entries()].flatMap(([personId, account]) => {
    const unit = home.get(personId);
    return unit ? [{ personId, ...account, unitId: unit.unitId, locale: locales.get(personId) ?? null }] : [];
  });
}
