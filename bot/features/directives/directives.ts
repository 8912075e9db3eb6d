import { and, eq, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { directiveDeliveries, directives } from '../../../db/schema';

export type DirectiveRow = typeof directives.$inferSelect;

/** Directive ids are case-insensitive (stored upper case). */
export async function findDirective(db: DbOrTx, key: string): Promise<DirectiveRow | undefined> {
  const [row] = await db
    .select()
    .from(directives)
    .where(eq(directives.key, key.trim().toUpperCase()))
    .limit(1);
  return row;
}

export async function findDirectiveById(db: DbOrTx, id: number): Promise<DirectiveRow | undefined> {
  const [row] = await db.select().from(directives).where(eq(directives.id, id)).limit(1);
  return row;
}

export async function listDirectives(db: DbOrTx): Promise<DirectiveRow[]> {
  return db.select().from(directives).orderBy(directives.key);
}

/**
 * Stops a directive: no further occurrences, and sends not yet made are marked skipped. A send
 * already in flight finishes. Returns false when it was already cancelled.
 */
export async function cancelDirective(db: DbOrTx, id: number, now: Date): Promise<boolean> {
  const cancelled = await db
    .update(directives)
    .set({ cancelledAt: now, nextOccurrenceAt: null, updatedAt: now })
    .where(and(eq(directives.id, id), isNull(directives.cancelledAt)))
    .returning({ cancelledAt: directives.cancelledAt });
  await db
    .update(directiveDeliveries)
    .set({ status: 'skipped', lastError: 'cancelled' })
    .where(and(eq(directiveDeliveries.directiveId, id), eq(directiveDeliveries.status, 'pending')));
  return cancelled.length > 0;
}
