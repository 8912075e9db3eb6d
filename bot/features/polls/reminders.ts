import { and, eq, inArray, lte } from 'drizzle-orm';
import { pollDeliveries, polls } from '../../../db/schema';
import type { Deps } from '../../runtime/deps';
import { announcementTargets } from './announce';
import { deliverPending } from './deliver';

/**
 * Reminds the groups that a poll closes soon (a scheduler job). Reminders go to groups (and to the
 * people who have none, by DM) — never to "the people who have not answered".
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
      const targets = await announcementTargets(deps, tx, poll);
      if (targets.length === 0) continue;
      await tx
        .insert(pollDeliveries)
        .values(targets.map((target) => ({ ...target, pollId: poll.id, purpose: 'reminder' as const })))
        .onConflictDoNothing();
    }
    return claimed;
  });
  if (reminded.length > 0) await deliverPending(deps, { pollIds: reminded.map((poll) => poll.id) });
  return reminded.length;
}
