import { and, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { pollCommentInvites, pollComments, polls, pollUnits, units } from '../../../db/schema';
import type { HeldRole } from '../../kernel/roles';
import { isWithinPath } from '../../kernel/roles';
import { floorToHour } from '../../kernel/time';
import type { Deps } from '../../runtime/deps';

export type CommentOutcome = 'saved' | 'not_invited' | 'closed' | 'unknown';

/** Open polls on which this person may still leave their one comment. */
export async function openInvites(
  db: DbOrTx,
  personId: number,
): Promise<{ pollId: number; question: string }[]> {
  return db
    .select({ pollId: polls.id, question: polls.question })
    .from(pollCommentInvites)
    .innerJoin(polls, eq(polls.id, pollCommentInvites.pollId))
    .where(and(eq(pollCommentInvites.personId, personId), eq(polls.status, 'open')))
    .orderBy(polls.id);
}

/**
 * Stores a comment with the poll, the commenter's unit and the hour — not the person. The invite
 * (kept since the answer) is deleted in the same transaction, so each person comments once.
 */
export async function submitComment(
  deps: Deps,
  input: { pollId: number; personId: number; roles: readonly HeldRole[]; text: string; now: Date },
): Promise<CommentOutcome> {
  const text = input.text.normalize('NFC').trim();
  const hour = floorToHour(input.now);
  const saved = await deps.db.transaction(async (tx) => {
    const [poll] = await tx.select({ status: polls.status }).from(polls).where(eq(polls.id, input.pollId));
    if (!poll) return 'unknown' as const;
    if (poll.status !== 'open') return 'closed' as const;
    const invited = await tx
      .delete(pollCommentInvites)
      .where(
        and(eq(pollCommentInvites.pollId, input.pollId), eq(pollCommentInvites.personId, input.personId)),
      )
      .returning({ pollId: pollCommentInvites.pollId });
    if (invited.length === 0) return 'not_invited' as const;
    const unitId = await commentUnit(tx, input.pollId, input.roles);
    await tx.insert(pollComments).values({ pollId: input.pollId, unitId, text, hour });
    return { unitId };
  });
  if (typeof saved === 'string') return saved;
  await deps.signals.publish({ text, source: 'poll_comment', unitId: saved.unitId, chatId: null, at: hour });
  return 'saved';
}

/** The deepest cell of the poll that contains one of the person's units (their unit, as results know it). */
async function commentUnit(db: DbOrTx, pollId: number, held: readonly HeldRole[]): Promise<number> {
  const cells = await db
    .select({ id: units.id, path: units.path, depth: units.depth })
    .from(pollUnits)
    .innerJoin(units, eq(units.id, pollUnits.unitId))
    .where(eq(pollUnits.pollId, pollId));
  const mine = held.flatMap((r) => (r.unitPath ? [r.unitPath] : []));
  const containing = cells
    .filter((cell) => mine.some((path) => isWithinPath(path, cell.path)))
    .sort((a, b) => b.depth - a.depth);
  return (containing[0] ?? cells.sort((a, b) => a.depth - b.depth)[0])!.id;
}
