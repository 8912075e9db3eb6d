import { sql } from 'drizzle-orm';
import type { Tx } from '../../../db/client';
import { pollDeliveries, polls, pollTallies, pollUnits } from '../../../db/schema';
import type { Locale } from '../../kernel/i18n';
import type { Deps } from '../../runtime/deps';
import type { UnitRow } from '../org';
import { grouplessTargets, groupMembers, groupTargets, type PersonTarget, personTargets } from './audience';
import { type PollKind, type PollRow, REMINDER_BEFORE_MS } from './types';

export interface PollDraft {
  question: string;
  kind: PollKind;
  /** For a scale: the five emoji; for yes/no: the two labels in the poll's language. */
  options: string[];
  /** The units asked; their subtrees are included. */
  audience: UnitRow[];
  dm: boolean;
  comments: boolean;
  closesAt: Date;
  minAnswers: number;
  minComments: number;
  creatorPersonId: number | null;
  locale: Locale;
  series?: { id: number; occurrence: Date };
}

export type CreateOutcome =
  | { ok: true; poll: PollRow; targets: number }
  | { ok: false; reason: 'no_chats' | 'no_people' | 'duplicate_occurrence' };

const INSERT_BATCH = 1000;

/**
 * Creates the poll, its result cells (one per unit asked, with how many people are there), a zeroed
 * tally per cell, and one pending delivery per group (or per person for --dm). Nothing is sent here:
 * `deliverPending` sends what this wrote, after the transaction commits.
 */
export async function createPoll(deps: Deps, tx: Tx, draft: PollDraft, now: Date): Promise<CreateOutcome> {
  const deliveries: (typeof pollDeliveries.$inferInsert)[] = [];
  const members = new Map<number, number>();
  let audienceSize: number;
  if (draft.dm) {
    const people = await personTargets(tx, deps.messenger, draft.audience);
    if (people.length === 0) return { ok: false, reason: 'no_people' };
    for (const person of people) {
      members.set(person.unitId, (members.get(person.unitId) ?? 0) + 1);
      deliveries.push(personDelivery(person, deps.config.locale));
    }
    audienceSize = people.length;
  } else {
    const groups = await groupTargets(tx, deps.messenger, draft.audience);
    const groupless = await grouplessTargets(tx, deps.messenger, draft.audience);
    if (groups.length === 0 && groupless.length === 0) return { ok: false, reason: 'no_chats' };
    const known = await groupMembers(tx, groups);
    for (const [unitId, count] of known.perUnit) members.set(unitId, count);
    for (const group of groups) {
      deliveries.push({
        pollId: 0,
        purpose: 'poll',
        platform: group.platform,
        chatExternalId: group.externalId,
        chatKind: 'group',
        unitId: group.unitId,
        locale: deps.config.locale,
      });
    }
    // "No groups → DMs": people only on a platform without groups get the group poll privately.
    for (const person of groupless) {
      members.set(person.unitId, (members.get(person.unitId) ?? 0) + 1);
      deliveries.push(personDelivery(person, deps.config.locale));
    }
    audienceSize = known.total + groupless.length;
  }

  const open = draft.closesAt.getTime() - now.getTime();
  const [poll] = await tx
    .insert(polls)
    .values({
      question: draft.question,
      kind: draft.kind,
      options: draft.options,
      audience: draft.audience.map((unit) => unit.id),
      dm: draft.dm,
      comments: draft.comments,
      minAnswers: draft.minAnswers,
      minComments: draft.minComments,
      creatorPersonId: draft.creatorPersonId,
      seriesId: draft.series?.id ?? null,
      occurrence: draft.series?.occurrence ?? null,
      locale: draft.locale,
      audienceSize,
      createdAt: now,
      // The audience is fixed now: worker roles granted after this id do not answer (see answer.ts).
      roleWatermark: sql`(select coalesce(max(id), 0) from roles)`,
      closesAt: draft.closesAt,
      remindAt:
        open >= 2 * REMINDER_BEFORE_MS ? new Date(draft.closesAt.getTime() - REMINDER_BEFORE_MS) : null,
    })
    .onConflictDoNothing()
    .returning();
  if (!poll) return { ok: false, reason: 'duplicate_occurrence' };

  const cells = [...members.entries()];
  await tx
    .insert(pollUnits)
    .values(cells.map(([unitId, count]) => ({ pollId: poll.id, unitId, members: count })));
  await tx.insert(pollTallies).values(
    cells.map(([unitId]) => ({
      pollId: poll.id,
      unitId,
      counts: sql`array_fill(0, array[${draft.options.length}::int])`,
    })),
  );
  for (let i = 0; i < deliveries.length; i += INSERT_BATCH) {
    await tx
      .insert(pollDeliveries)
      .values(deliveries.slice(i, i + INSERT_BATCH).map((d) => ({ ...d, pollId: poll.id })))
      .onConflictDoNothing();
  }
  deps.logger.info({ poll: poll.id, dm: draft.dm, targets: deliveries.length }, 'poll created');
  return { ok: true, poll, targets: deliveries.length };
}

function personDelivery(person: PersonTarget, fallback: Locale): typeof pollDeliveries.$inferInsert {
  return {
    pollId: 0,
    purpose: 'poll',
    platform: person.platform,
    chatExternalId: person.externalId,
    chatKind: 'dm',
    unitId: person.unitId,
    locale: person.locale === 'en' || person.locale === 'vi' ? person.locale : fallback,
  };
}
