import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import {
  pollCommentInvites,
  pollDeliveries,
  pollParticipation,
  polls,
  pollTallies,
} from '../../../db/schema';
import type { Platform } from '../types';

export type AnswerOutcome =
  | { kind: 'recorded'; comments: boolean }
  | { kind: 'already' }
  | { kind: 'closed' }
  | { kind: 'unknown' }
  | { kind: 'bad_option' };

export interface AnswerInput {
  pollId: number;
  option: number;
  personId: number;
  /** Where the button was tapped: it decides the unit whose tally counts the answer. */
  chat: { platform: Platform; externalId: string };
  now: Date;
}

/**
 * Records one answer. In one transaction: participation first (its primary key is the one-answer-
 * per-person rule, across chats, platforms and processes), then the unit's counter. Nothing else is
 * written, so no row, order or time ties the person to the option.
 */
export async function recordAnswer(db: Db, input: AnswerInput): Promise<AnswerOutcome> {
  const [target] = await db
    .select({
      status: polls.status,
      closesAt: polls.closesAt,
      optionCount: sql<number>`jsonb_array_length(${polls.options})`.mapWith(Number),
      comments: polls.comments,
      unitId: pollDeliveries.unitId,
    })
    .from(polls)
    .leftJoin(
      pollDeliveries,
      and(
        eq(pollDeliveries.pollId, polls.id),
        eq(pollDeliveries.platform, input.chat.platform),
        eq(pollDeliveries.chatExternalId, input.chat.externalId),
        inArray(pollDeliveries.purpose, ['poll', 'reminder']),
      ),
    )
    .where(eq(polls.id, input.pollId))
    .limit(1);
  // A button copied to a chat the poll was never sent to is as good as unknown.
  if (!target || target.unitId === null) return { kind: 'unknown' };
  if (target.status !== 'open' || target.closesAt <= input.now) return { kind: 'closed' };
  if (input.option < 0 || input.option >= target.optionCount) return { kind: 'bad_option' };
  const unitId = target.unitId;

  try {
    return await countAnswer(db, input, unitId, target.comments);
  } catch (error) {
    if (error instanceof ClosedMeanwhile) return { kind: 'closed' };
    throw error;
  }
}

/** Thrown inside the transaction to roll the participation back when the poll closed meanwhile. */
class ClosedMeanwhile extends Error {}

function countAnswer(db: Db, input: AnswerInput, unitId: number, comments: boolean): Promise<AnswerOutcome> {
  const index = input.option + 1;
  return db.transaction(async (tx) => {
    const joined = await tx
      .insert(pollParticipation)
      .values({ pollId: input.pollId, personId: input.personId })
      .onConflictDoNothing()
      .returning({ pollId: pollParticipation.pollId });
    if (joined.length === 0) return { kind: 'already' } as const;
    const counted = await tx
      .update(pollTallies)
      .set({
        counts: sql`${pollTallies.counts}[:${index - 1}::int] || (${pollTallies.counts}[${index}::int] + 1) || ${pollTallies.counts}[${index + 1}::int:]`,
      })
      .where(
        and(
          eq(pollTallies.pollId, input.pollId),
          eq(pollTallies.unitId, unitId),
          eq(pollTallies.accepting, true),
        ),
      )
      .returning({ pollId: pollTallies.pollId });
    // Tallies exist from creation on, so no row means the closing transaction got there first.
    if (counted.length === 0) throw new ClosedMeanwhile();
    if (comments) {
      await tx
        .insert(pollCommentInvites)
        .values({ pollId: input.pollId, personId: input.personId })
        .onConflictDoNothing();
    }
    return { kind: 'recorded', comments } as const;
  });
}
