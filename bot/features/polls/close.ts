import { and, eq, inArray, lte, type SQL, sql } from 'drizzle-orm';
import type { Tx } from '../../../db/client';
import {
  pollCommentInvites,
  pollCommentMarks,
  pollComments,
  pollDeliveries,
  pollParticipation,
  polls,
  pollTallies,
  pollUnits,
} from '../../../db/schema';
import { localeOr } from '../../kernel/i18n';
import type { Deps } from '../../runtime/deps';
import { deliverOutbox } from '../../runtime/outbox/deliver';
import { enqueue } from '../../runtime/outbox/store';
import { settleHolders } from '../../runtime/process-lease';
import { dmAccounts } from '../org';
import { announcementTargets } from './announce';
import { groupMembers } from './audience';
import { ballotsOf, POLL_HOLDERS } from './ballot-box';
import { flushComments } from './comments';
import { deliverPending } from './deliver';
import { shownAnsweredCount } from './participation';
import { closedPollMessage } from './render';
import { deliveryChat, type PollRow } from './types';

const REWRITE_BATCH = 5000;
const optionsSum = sql`(select coalesce(sum(c), 0)::int from unnest(${pollTallies.counts}) as c)`;

/**
 * Closing happens in two steps, so a poll never closes over ballots a live process still holds:
 * 1. claim: the poll stops accepting (status `closing`, tallies not accepting);
 * 2. every process writes what it holds for closing polls (its scheduler does, every few seconds;
 *    the closer does at once), and the poll is finished once no live process holds any of its
 *    ballots. Ballots of a process whose lease has expired (killed) are counted as lost.
 */
export async function closeDuePolls(deps: Deps, now: Date): Promise<number> {
  await claimForClosing(deps, and(eq(polls.status, 'open'), lte(polls.closesAt, now))!, now);
  return (await settleClosing(deps, now)).length;
}

/** Closes one poll early (/close). False when it was not open. */
export async function closePollNow(deps: Deps, pollId: number, now: Date): Promise<boolean> {
  const claimed = await claimForClosing(deps, and(eq(polls.id, pollId), eq(polls.status, 'open'))!, now);
  await settleClosing(deps, now);
  return claimed.length > 0;
}

/**
 * This process's part of closing (a scheduler job every few seconds): renew the lease, write the
 * ballots held for closing polls, and finish those that nobody alive still holds ballots of.
 */
export async function settleClosing(deps: Deps, now: Date): Promise<PollRow[]> {
  await ballotsOf(deps).renewLease(deps.db, now);
  const closing = await deps.db.select({ id: polls.id }).from(polls).where(eq(polls.status, 'closing'));
  if (closing.length === 0) return [];
  await flushComments(deps, now, { pollIds: closing.map((p) => p.id) }).catch((error) =>
    deps.logger.error({ err: error }, 'held comments could not be written; kept for the next step'),
  );
  await ballotsOf(deps).flush(
    deps.db,
    closing.map((p) => p.id),
    { closing: true },
  );
  const closed = await finishClosing(deps, now);
  await announceClosing(deps, closed);
  return closed;
}

async function claimForClosing(deps: Deps, due: SQL, now: Date): Promise<{ id: number }[]> {
  return deps.db.transaction(async (tx) => {
    // NO KEY UPDATE: answers hold KEY SHARE locks on the poll (participation's foreign key), which
    // FOR UPDATE would conflict with — a burst of answers would keep SKIP LOCKED from ever closing it.
    const claimable = tx
      .select({ id: polls.id })
      .from(polls)
      .where(due)
      .for('no key update', { skipLocked: true });
    const claimed = await tx
      .update(polls)
      .set({ status: 'closing', closedAt: now, remindAt: null })
      .where(inArray(polls.id, claimable))
      .returning({ id: polls.id });
    if (claimed.length > 0) {
      // Answers share-lock their tally row: this waits for those in flight; later ones find it closed.
      await tx
        .update(pollTallies)
        .set({ accepting: false })
        .where(
          inArray(
            pollTallies.pollId,
            claimed.map((p) => p.id),
          ),
        );
    }
    return claimed;
  });
}

/** Finishes the closing polls no live process holds ballots of; a dead process's ballots are lost. */
async function finishClosing(deps: Deps, now: Date): Promise<PollRow[]> {
  return deps.db.transaction(async (tx) => {
    const candidates = await tx
      .select()
      .from(polls)
      .where(eq(polls.status, 'closing'))
      .for('no key update', { skipLocked: true });
    const closed: PollRow[] = [];
    for (const candidate of candidates) {
      const holders = await settleHolders(tx, POLL_HOLDERS, candidate.id, now);
      if (holders.waiting) continue;
      const lost = holders.lost;
      if (lost > 0) deps.logger.warn({ poll: candidate.id, lost }, 'ballots lost with a process that died');
      const [poll] = await tx
        .update(polls)
        .set({ status: 'closed', lostBallots: sql`${polls.lostBallots} + ${lost}::int` })
        .where(eq(polls.id, candidate.id))
        .returning();
      await sealBallotBox(tx, poll!.id);
      const final = poll!.dm ? poll! : await recountGroupAudience(tx, poll!);
      closed.push(final);
      await queueResults(deps, tx, poll!);
      await queueClosedCopies(deps, tx, final);
    }
    return closed;
  });
}

/**
 * Erases what the storage itself remembers about the order of answers: participation and comments
 * are rewritten in an order unrelated to when they were written, in this one transaction, so
 * neither row order nor transaction ids (xmin) follow the answers anymore.
 */
async function sealBallotBox(tx: Tx, pollId: number): Promise<void> {
  // A cell below k is never published; with several processes its options may have been written
  // (each process wrote its own few at closing): they are erased here, leaving only participation.
  await tx
    .update(pollTallies)
    .set({
      counts: sql`array_fill(0, array[cardinality(${pollTallies.counts})])`,
      withheld: sql`${pollTallies.withheld} + ${optionsSum}`,
    })
    .where(
      and(
        eq(pollTallies.pollId, pollId),
        sql`${optionsSum} > 0`,
        sql`${optionsSum} + ${pollTallies.withheld} < (select ${polls.minAnswers} from ${polls} where ${polls.id} = ${pollId})`,
      ),
    );
  await tx.delete(pollCommentInvites).where(eq(pollCommentInvites.pollId, pollId));
  await tx.delete(pollCommentMarks).where(eq(pollCommentMarks.pollId, pollId));
  const participants = await tx
    .delete(pollParticipation)
    .where(eq(pollParticipation.pollId, pollId))
    .returning({ personId: pollParticipation.personId });
  const personIds = participants.map((p) => p.personId).sort((a, b) => a - b);
  for (let i = 0; i < personIds.length; i += REWRITE_BATCH) {
    await tx
      .insert(pollParticipation)
      .values(personIds.slice(i, i + REWRITE_BATCH).map((personId) => ({ pollId, personId })));
  }
  const comments = await tx.delete(pollComments).where(eq(pollComments.pollId, pollId)).returning();
  comments.sort((a, b) => (a.id < b.id ? -1 : 1));
  for (let i = 0; i < comments.length; i += REWRITE_BATCH) {
    await tx.insert(pollComments).values(comments.slice(i, i + REWRITE_BATCH));
  }
}

/**
 * Pulse only knows the members of a group it has seen (a message, a join, a tap), so a group poll's
 * audience is counted again at closing, when everyone who answered has been seen.
 */
async function recountGroupAudience(tx: Tx, poll: PollRow): Promise<PollRow> {
  const sent = await tx
    .select({
      platform: pollDeliveries.platform,
      externalId: pollDeliveries.chatExternalId,
      chatKind: pollDeliveries.chatKind,
      unitId: pollDeliveries.unitId,
    })
    .from(pollDeliveries)
    .where(and(eq(pollDeliveries.pollId, poll.id), eq(pollDeliveries.purpose, 'poll')));
  const groups = sent.flatMap((d) =>
    d.chatKind === 'group' && d.unitId !== null
      ? [{ platform: d.platform, externalId: d.externalId, unitId: d.unitId }]
      : [],
  );
  const known = await groupMembers(tx, groups);
  // People without a group were asked by DM: one each, at their unit.
  let total = known.total;
  for (const d of sent) {
    if (d.chatKind !== 'dm' || d.unitId === null) continue;
    known.perUnit.set(d.unitId, (known.perUnit.get(d.unitId) ?? 0) + 1);
    total++;
  }
  for (const [unitId, members] of known.perUnit) {
    await tx
      .update(pollUnits)
      .set({ members })
      .where(and(eq(pollUnits.pollId, poll.id), eq(pollUnits.unitId, unitId)));
  }
  const [updated] = await tx
    .update(polls)
    .set({ audienceSize: total })
    .where(eq(polls.id, poll.id))
    .returning();
  return updated!;
}

/**
 * Results go where announcements go (every group the poll was posted in, or for a --dm poll the
 * groups of the units asked, and people without a group by DM), each showing its own unit's part,
 * and to the creator in full.
 */
async function queueResults(deps: Deps, tx: Tx, poll: PollRow): Promise<void> {
  const rows: (typeof pollDeliveries.$inferInsert)[] = (await announcementTargets(deps, tx, poll)).map(
    (target) => ({ ...target, pollId: poll.id, purpose: 'result' }),
  );
  if (poll.creatorPersonId !== null) {
    const [account] = await dmAccounts(tx, deps.messenger, poll.creatorPersonId);
    if (account) {
      rows.push({
        pollId: poll.id,
        purpose: 'result',
        platform: account.platform,
        chatExternalId: account.externalId,
        chatKind: 'dm',
        unitId: null,
        locale: poll.locale,
      });
    }
  }
  if (rows.length > 0) await tx.insert(pollDeliveries).values(rows).onConflictDoNothing();
}

/**
 * Every copy of the poll, in groups and in each person's DM, is to say it is closed and lose its
 * buttons: one outbox row each (thousands for a --dm poll), written with the closing itself so a
 * crash after the commit cannot lose them, and paced like every fan-out.
 */
async function queueClosedCopies(deps: Deps, tx: Tx, poll: PollRow): Promise<void> {
  const answered = await shownAnsweredCount(tx, poll.id);
  const posted = await tx
    .select()
    .from(pollDeliveries)
    .where(
      and(
        eq(pollDeliveries.pollId, poll.id),
        eq(pollDeliveries.purpose, 'poll'),
        eq(pollDeliveries.status, 'sent'),
      ),
    );
  await enqueue(
    tx,
    posted.flatMap((row) =>
      row.messageId
        ? [
            {
              key: `poll_closing:${row.id}`,
              kind: 'poll_closing',
              to: { edit: { chat: deliveryChat(row), messageId: row.messageId } },
              message: closedPollMessage(poll, {
                locale: localeOr(row.locale, deps.config.locale),
                timeZone: deps.config.timezone,
                answered,
              }),
              notBefore: deps.clock.now(),
            },
          ]
        : [],
    ),
  );
}

/** After the commit: edits the poll messages to closed and sends the results. */
async function announceClosing(deps: Deps, closed: readonly PollRow[]): Promise<void> {
  for (const poll of closed) {
    deps.logger.info({ poll: poll.id }, 'poll closed');
    await deliverOutbox(deps, { kinds: ['poll_closing'] });
    await deliverPending(deps, { pollIds: [poll.id] });
  }
}
