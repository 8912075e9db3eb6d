import { and, desc, eq, isNotNull } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { chatMembers, chats, roles, units } from '../../../db/schema';
import { type HeldRole, isWithinPath } from '../../kernel/roles';
import { rolesOf } from '../../runtime/roles';
import type { UnitRow } from './units';

/**
 * A person seen in a bound group (message, button, join) becomes a worker of the group's unit.
 * When seen in several, the most specific (deepest) unit wins; ties keep the first. Only roles
 * Pulse inferred (source "seen") move: a worker role from a scenario or /role is authoritative.
 * Takes the roles the caller already loaded and returns them as they are afterwards, so the
 * hot path (a tap in a group) costs no extra query.
 */
export async function recordSeen(
  db: DbOrTx,
  personId: number,
  chatId: number,
  unit: UnitRow,
  held?: readonly HeldRole[],
  options: { membershipRecorded?: boolean } = {},
): Promise<HeldRole[]> {
  if (!options.membershipRecorded) {
    await db
      .insert(chatMembers)
      .values({ chatId, personId, active: true })
      .onConflictDoUpdate({ target: [chatMembers.chatId, chatMembers.personId], set: { active: true } });
  }
  const current = held ? [...held] : await rolesOf(db, personId);
  // Admins, leaders and collaborators over this unit are members of its groups, not its workers.
  const coveredByHigherRole = current.some(
    (r) => r.role !== 'worker' && (r.unitPath === null || isWithinPath(unit.path, r.unitPath)),
  );
  const workerRoles = current.filter((r) => r.role === 'worker');
  if (coveredByHigherRole || workerRoles.some((r) => r.source !== 'seen')) return current;
  const asWorker: HeldRole = {
    role: 'worker',
    unitId: unit.id,
    unitCode: unit.code,
    unitName: unit.name,
    unitPath: unit.path,
    source: 'seen',
  };
  const seen = workerRoles.find((r) => r.source === 'seen');
  if (!seen) {
    await db
      .insert(roles)
      .values({ personId, unitId: unit.id, role: 'worker', source: 'seen' })
      .onConflictDoNothing();
    return [...current, asWorker];
  }
  const seenDepth = seen.unitPath ? seen.unitPath.split('/').filter(Boolean).length - 1 : -1;
  if (unit.depth <= seenDepth) return current;
  await db
    .update(roles)
    .set({ unitId: unit.id })
    .where(and(eq(roles.personId, personId), eq(roles.role, 'worker'), eq(roles.source, 'seen')));
  return current.map((r) => (r === seen ? asWorker : r));
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
