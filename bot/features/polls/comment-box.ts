import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { and, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { pollCommentMarks, pollComments, polls } from '../../../db/schema';
import { shuffle } from '../../kernel/shuffle';
import { floorToHour } from '../../kernel/time';

const MARK_INFO = 'pulse/poll-comment-mark/v1';

export interface HeldComment {
  pollId: number;
  unitId: number;
  text: string;
  hour: Date;
  /** The keyed hash of (poll, person) that marks the one comment as used. */
  tag: string;
}

/**
 * What one process holds of the hour's poll comments, in memory only. A comment leaves no trace of
 * its sender: the invite is never changed on use, and the comment with its "used" mark — a keyed
 * hash of poll and person, which names nobody without the key — is written at the hourly step in one
 * transaction with the hour's other comments and marks, each shuffled. A `kill -9` loses what this
 * process holds; the person was told so.
 */
export class CommentBox {
  private items: HeldComment[] = [];
  private readonly key: Buffer;
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * With PULSE_SECRET the mark key is derived from it, so every process (and a restart) recognises a
   * used comment. Without it the key is this process's own random one: one comment per person then
   * holds within a process's lifetime only (docs/privacy.md says so).
   */
  constructor(secret: string | undefined) {
    this.key = secret ? Buffer.from(hkdfSync('sha256', secret, 'pulse', MARK_INFO, 32)) : randomBytes(32);
  }

  tag(pollId: number, personId: number): string {
    return createHmac('sha256', this.key).update(`${pollId}:${personId}`).digest('base64url').slice(0, 22);
  }

  isHeld(pollId: number, tag: string): boolean {
    return this.items.some((item) => item.pollId === pollId && item.tag === tag);
  }

  hold(comment: Omit<HeldComment, 'hour'> & { now: Date }): void {
    const { now, ...rest } = comment;
    this.items.push({ ...rest, hour: floorToHour(now) });
  }

  held(pollId?: number): number {
    return this.items.filter((item) => pollId === undefined || item.pollId === pollId).length;
  }

  /**
   * Writes held comments: those of hours that have ended, or every one of `pollIds` (they are
   * closing), or all (a graceful stop). Comments of a poll already closed are dropped (its results
   * are out). Returns the comments written, for their hot-spot signals.
   */
  flush(
    db: DbOrTx,
    now: Date,
    scope: { pollIds?: readonly number[]; all?: boolean } = {},
  ): Promise<HeldComment[]> {
    const run = this.queue.then(() => this.flushNow(db, now, scope));
    this.queue = run.catch(() => {});
    return run;
  }

  private async flushNow(
    db: DbOrTx,
    now: Date,
    { pollIds, all }: { pollIds?: readonly number[]; all?: boolean },
  ): Promise<HeldComment[]> {
    const hour = floorToHour(now).getTime();
    const closing = new Set(pollIds ?? []);
    const due = this.items.filter((item) => all || closing.has(item.pollId) || item.hour.getTime() < hour);
    if (due.length === 0) return [];
    this.items = this.items.filter((item) => !due.includes(item));
    try {
      return await db.transaction(async (tx) => {
        const live = await tx
          .select({ id: polls.id })
          .from(polls)
          .where(
            and(
              inArray(polls.id, [...new Set(due.map((item) => item.pollId))]),
              inArray(polls.status, ['open', 'closing']),
            ),
          );
        const open = new Set(live.map((p) => p.id));
        const candidates = due.filter((item) => open.has(item.pollId));
        if (candidates.length === 0) return [];
        // Marks first: a person who commented through two processes in one hour has one mark, and
        // only the comment whose mark went in is written — one comment per person, across processes.
        const marked = await tx
          .insert(pollCommentMarks)
          .values(shuffle(candidates.map(({ pollId, tag }) => ({ pollId, tag }))))
          .onConflictDoNothing()
          .returning({ pollId: pollCommentMarks.pollId, tag: pollCommentMarks.tag });
        const fresh = new Set(marked.map((m) => `${m.pollId}:${m.tag}`));
        const written = candidates.filter((item) => fresh.delete(`${item.pollId}:${item.tag}`));
        if (written.length === 0) return [];
        await tx
          .insert(pollComments)
          .values(shuffle(written.map(({ pollId, unitId, text, hour }) => ({ pollId, unitId, text, hour }))));
        return written;
      });
    } catch (error) {
      this.items.push(...due);
      throw error;
    }
  }
}

/** Each running Pulse (keyed by its signal bus, as `ballotsOf`) has its own comment box. */
const boxes = new WeakMap<object, CommentBox>();

export function commentsOf(deps: { signals: object; config: { secret?: string } }): CommentBox {
  let box = boxes.get(deps.signals);
  if (!box) {
    box = new CommentBox(deps.config.secret);
    boxes.set(deps.signals, box);
  }
  return box;
}
