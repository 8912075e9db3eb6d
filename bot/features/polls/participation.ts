import { and, count, eq, gt, inArray, lt, ne, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { pollDeliveries, pollParticipation, polls, pollUnits } from '../../../db/schema';
import { MIN_THRESHOLD } from '../../kernel/anonymity';
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
 * The polls (among `pollIds`, or all open ones) whose participation count is withheld: one of their
 * units has between 1 and k-1 people in its audience, so a poll-wide count — live, or at close beside
 * the published unit figures — could tell whether that unit's few people took part.
 */
async function withheldPolls(db: DbOrTx, pollIds?: readonly number[]): Promise<Set<number>> {
  const rows = await db
    .selectDistinct({ pollId: pollUnits.pollId })
    .from(pollUnits)
    .innerJoin(polls, eq(polls.id, pollUnits.pollId))
    .where(
      and(
        gt(pollUnits.members, 0),
        lt(pollUnits.members, sql`greatest(${polls.minAnswers}, ${MIN_THRESHOLD})`),
        pollIds ? inArray(pollUnits.pollId, [...pollIds]) : eq(polls.status, 'open'),
      ),
    );
  return new Set(rows.map((row) => row.pollId));
}

/**
 * The poll-wide "N people have answered" as it may be shown (group message, reminder, closing
 * message, /polls, /results), or null when it is withheld. It is a count over the poll's whole
 * audience, never per chat or unit, and shown only when every unit of the poll has at least k
 * people asked: then it and the published unit figures together tell at most how many answered in
 * units of k or more people, never whether one of a few did.
 */
export async function shownAnsweredCount(db: DbOrTx, pollId: number): Promise<number | null> {
  if ((await withheldPolls(db, [pollId])).has(pollId)) return null;
  return answeredCount(db, pollId);
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
  const withheld = await withheldPolls(db);
  let edited = 0;
  for (const { pollId, answered } of open) {
    if (withheld.has(pollId)) continue;
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
