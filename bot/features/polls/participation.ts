import { and, count, eq, inArray, ne } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { pollDeliveries, pollParticipation, polls } from '../../../db/schema';
import { localeOr } from '../../kernel/i18n';
import type { Deps } from '../../runtime/deps';
import { pollMessage } from './render';
import { deliveryChat } from './types';

export async function answeredCount(db: DbOrTx, pollId: number): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(pollParticipation)
    .where(eq(pollParticipation.pollId, pollId));
  return row?.n ?? 0;
}

/**
 * Edits group poll messages whose "N people have answered" is behind (a scheduler job every few
 * seconds, so a burst of answers costs one edit per message per tick, not one per answer). Each
 * message is claimed by moving its shown count forward, so two processes never edit the same one.
 */
export async function refreshParticipation(deps: Deps): Promise<number> {
  const { db } = deps;
  const open = await db
    .select({ pollId: polls.id, answered: count(pollParticipation.personId) })
    .from(polls)
    .leftJoin(pollParticipation, eq(pollParticipation.pollId, polls.id))
    .where(eq(polls.status, 'open'))
    .groupBy(polls.id);
  let edited = 0;
  for (const { pollId, answered } of open) {
    const stale = db
      .select({ id: pollDeliveries.id })
      .from(pollDeliveries)
      .where(
        and(
          eq(pollDeliveries.pollId, pollId),
          eq(pollDeliveries.purpose, 'poll'),
          eq(pollDeliveries.chatKind, 'group'),
          eq(pollDeliveries.status, 'sent'),
          ne(pollDeliveries.shownCount, answered),
        ),
      )
      .for('update', { skipLocked: true });
    const claimed = await db
      .update(pollDeliveries)
      .set({ shownCount: answered })
      .where(inArray(pollDeliveries.id, stale))
      .returning();
    if (claimed.length === 0) continue;
    const [poll] = await db.select().from(polls).where(eq(polls.id, pollId));
    if (!poll) continue;
    for (const row of claimed) {
      if (!row.messageId) continue;
      const message = pollMessage(poll, {
        locale: localeOr(row.locale, deps.config.locale),
        timeZone: deps.config.timezone,
        answered,
      });
      try {
        await deps.messenger.edit({ chat: deliveryChat(row), messageId: row.messageId }, message);
        edited++;
      } catch (error) {
        deps.logger.warn({ err: error, poll: pollId }, 'participation edit failed');
      }
    }
  }
  return edited;
}
