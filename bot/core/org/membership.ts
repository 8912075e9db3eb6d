import { and, desc, eq, isNotNull } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { chatMembers, chats, roles, units } from '../../../db/schema';
import type { UnitRow } from './units';

/**
 * A person seen in a bound group (message, button, join) becomes a worker of the group's unit.
 * When seen in several, the most specific (deepest) unit wins; ties keep the first. Only roles
 * Pulse inferred (source "seen") move: a worker role from a scenario or /role is authoritative.
 */
export async function recordSeen(db: DbOrTx, personId: number, chatId: number, unit: UnitRow): Promise<void> {
  await db
    .insert(chatMembers)
    .values({ chatId, personId, active: true })
    .onConflictDoUpdate({ target: [chatMembers.chatId, chatMembers.personId], set: { active: true } });
  const held = await db
    .select({ id: roles.id, role: roles.role, source: roles.source, depth: units.depth, path: units.path })
    .from(roles)
    .leftJoin(units, eq(units.id, roles.unitId))
    .where(eq(roles.personId, personId));
  // Admins, leaders and collaborators over this unit are members of its groups, not its workers.
  const coveredByHigherRole = held.some(
    (r) => r.role !== 'worker' && (r.path === null || unit.path.startsWith(r.path)),
  );
  const workerRoles = held.filter((r) => r.role === 'worker');
  if (coveredByHigherRole || workerRoles.some((r) => r.source !== 'seen')) return;
  const seen = workerRoles.find((r) => r.source === 'seen');
  if (!seen) {
    await db
      .insert(roles)
      .values({ personId, unitId: unit.id, role: 'worker', source: 'seen' })
      .onConflictDoNothing();
    return;
  }
  if (unit.depth > (seen.depth ?? -1))
    await db.update(roles).set({ unitId: unit.id }).where(eq(roles.id, seen.id));
}

/** Records that a person left a group; their inferred unit moves to the deepest group they are still in. */
export async function recordLeft(db: DbOrTx, personId: number, chatId: number): Promise<void> {
  await db
    .update(chatMembers)
    .set({ active: false })
    .where(and(eq(chatMembers.chatId, chatId), eq(chatMembers.personId, personId)));
  const [deepest] = await db
    .select({ unitId: units.id })
    .from(chatMembers)
    .innerJoin(chats, eq(chats.id, chatMembers.chatId))
    .innerJoin(units, eq(units.id, chats.unitId))
    .where(and(eq(chatMembers.personId, personId), eq(chatMembers.active, true), isNotNull(chats.unitId)))
    .orderBy(desc(units.depth), chatMembers.chatId)
    .limit(1);
  const seenRole = and(eq(roles.personId, personId), eq(roles.role, 'worker'), eq(roles.source, 'seen'));
  if (deepest) await db.update(roles).set({ unitId: deepest.unitId }).where(seenRole);
  else await db.delete(roles).where(seenRole);
}
