import { and, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { pollCommentInvites, pollCommentMarks, polls, pollUnits, units } from '../../../db/schema';
import type { HeldRole } from '../../kernel/roles';
import { isWithinPath } from '../../kernel/roles';
import { shuffle } from '../../kernel/shuffle';
import type { Deps } from '../../runtime/deps';
import { commentsOf } from './comment-box';

export type CommentOutcome = 'saved' | 'already' | 'not_invited' | 'closed' | 'unknown';

/** The polls (of these) on which the person has used their comment: marks read per poll, matched here. */
async function usedOn(deps: Deps, personId: number, pollIds: readonly number[]): Promise<Set<number>> {
  const box = commentsOf(deps);
  const used = new Set<number>();
  if (pollIds.length === 0) return used;
  // All marks of the polls, compared in memory: a statement naming this person's tag would let a
  // statement log tie the tag (and so the comment batch) to the request's account.
  const marks = await deps.db
    .select({ pollId: pollCommentMarks.pollId, tag: pollCommentMarks.tag })
    .from(pollCommentMarks)
    .where(inArray(pollCommentMarks.pollId, [...pollIds]));
  const stored = new Set(marks.map((m) => `${m.pollId}:${m.tag}`));
  for (const pollId of pollIds) {
    const tag = box.tag(pollId, personId);
    if (box.isHeld(pollId, tag) || stored.has(`${pollId}:${tag}`)) used.add(pollId);
  }
  return used;
}

/** Open polls on which this person may still leave their one comment. */
export async function openInvites(
  deps: Deps,
  personId: number,
): Promise<{ pollId: number; question: string }[]> {
  const invites = await deps.db
    .select({ pollId: polls.id, question: polls.question })
    .from(pollCommentInvites)
    .innerJoin(polls, eq(polls.id, pollCommentInvites.pollId))
    .where(and(eq(pollCommentInvites.personId, personId), eq(polls.status, 'open')))
    .orderBy(polls.id);
  const used = await usedOn(
    deps,
    personId,
    invites.map((i) => i.pollId),
  );
  return invites.filter((i) => !used.has(i.pollId));
}

/**
 * Takes a comment with the poll, the commenter's unit and the hour — not the person — into this
 * process's comment box. Nothing is written by this request: the invite (kept since the answer) is
 * never changed, and the comment and its keyed "used" mark are written at the hourly step
 * (`flushComments`) with the hour's others, shuffled. Its hot-spot signal is published then too.
 */
export async function submitComment(
  deps: Deps,
  input: { pollId: number; personId: number; roles: readonly HeldRole[]; text: string; now: Date },
): Promise<CommentOutcome> {
  const text = input.text.normalize('NFC').trim();
  const [poll] = await deps.db.select({ status: polls.status }).from(polls).where(eq(polls.id, input.pollId));
  if (!poll) return 'unknown';
  if (poll.status !== 'open') return 'closed';
  const [invited] = await deps.db
    .select({ pollId: pollCommentInvites.pollId })
    .from(pollCommentInvites)
    .where(and(eq(pollCommentInvites.pollId, input.pollId), eq(pollCommentInvites.personId, input.personId)));
  if (!invited) return 'not_invited';
  const box = commentsOf(deps);
  // Checked and held with no await in between: two messages of one person cannot both pass.
  const marks = await deps.db
    .select({ tag: pollCommentMarks.tag })
    .from(pollCommentMarks)
    .where(eq(pollCommentMarks.pollId, input.pollId));
  const unitId = await commentUnit(deps.db, input.pollId, input.roles);
  const tag = box.tag(input.pollId, input.personId);
  if (box.isHeld(input.pollId, tag) || marks.some((m) => m.tag === tag)) return 'already';
  box.hold({ pollId: input.pollId, unitId, text, tag, now: input.now });
  return 'saved';
}

/**
 * The hourly step for comments (and closing: `pollIds`; a graceful stop: `all`): writes what this
 * process holds, then publishes the written comments' hot-spot signals, at their hour.
 */
export async function flushComments(
  deps: Deps,
  now: Date,
  scope: { pollIds?: readonly number[]; all?: boolean } = {},
): Promise<number> {
  const written = await commentsOf(deps).flush(deps.db, now, scope);
  for (const comment of shuffle([...written])) {
    await deps.signals.publish({
      text: comment.text,
      source: 'poll_comment',
      unitId: comment.unitId,
      chatId: null,
      at: comment.hour,
    });
  }
  return written.length;
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
