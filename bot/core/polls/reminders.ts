import { and, eq, inArray, lte } from 'drizzle-orm';
import { pollDeliveries, polls, units } from '../../../db/schema';
import type { Deps } from '../deps';
import { groupTargets } from './audience';
import { deliverPending } from './deliver';

/**
 * Reminds the groups that a poll closes soon (a scheduler job). Reminders go to groups only — for a
 * --dm poll, the groups of the units asked — never to "the people who have not answered".
 */
export async function sendDueReminders(deps: Deps, now: Date): Promise<number> {
  const reminded = await deps.db.transaction(async (tx) => {
    const due = tx
      .select({ id: polls.id })
      .from(polls)
      .where(and(eq(polls.status, 'open'), lte(polls.remindAt, now)))
      // Not FOR UPDATE: answers hold KEY SHARE locks on the poll, and SKIP LOCKED would skip it.
      .for('no key update', { skipLocked: true });
    const claimed = await tx.update(polls).set({ remindAt: null }).where(inArray(polls.id, due)).returning();
    for (const poll of claimed) {
      const roots = await tx
        .select({ id: units.id, path: units.path })
        .from(units)
        .where(inArray(units.id, poll.audience));
      const groups = poll.dm
        ? await groupTargets(tx, deps.messenger, roots)
        : await tx
            .select({
              platform: pollDeliveries.platform,
              externalId: pollDeliveries.chatExternalId,
              unitId: pollDeliveries.unitId,
            })
            .from(pollDeliveries)
            .where(
              and(
                eq(pollDeliveries.pollId, poll.id),
                eq(pollDeliveries.purpose, 'poll'),
                eq(pollDeliveries.status, 'sent'),
              ),
            );
      if (groups.length === 0) continue;
      await tx
        .insert(pollDeliveries)
        .values(
          groups.map((group) => ({
            pollId: poll.id,
            purpose: 'reminder' as const,
            platform: group.platform,
            chatExternalId: group.externalId,
            chatKind: 'group' as const,
            unitId: group.unitId,
            locale: deps.config.locale,
          })),
        )
        .onConflictDoNothing();
    }
    return claimed;
  });
  if (reminded.length > 0) await deliverPending(deps, { pollIds: reminded.map((poll) => poll.id) });
  return reminded.length;
}
