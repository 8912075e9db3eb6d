import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { pollDeliveries, polls } from '../../../db/schema';
import type { Platform } from '../../kernel/types';

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

interface BallotRow {
  open: number | string;
  accepting: number | string;
  joined: number | string;
  counted: number | string;
  comments: boolean | null;
}

/**
 * Records one answer in one statement (one round trip, atomic): lock the counter of the unit where
 * the button was tapped — only while it accepts answers, so an answer racing the closing transaction
 * waits for it and then finds it closed —, insert participation (its primary key is the one-answer-
 * per-person rule, across chats, platforms and processes), and only if that inserted a row, add one
 * to the counter. Nothing else is written, so no row, order or time ties the person to the option.
 */
export async function recordAnswer(db: Db, input: AnswerInput): Promise<AnswerOutcome> {
  const { pollId, personId, option, now } = input;
  const index = option + 1;
  const result = await db.execute(sql`
    with target as (
      select d.unit_id, p.comments, jsonb_array_length(p.options) as options
      from polls p
      join poll_deliveries d on d.poll_id = p.id
        and d.platform = ${input.chat.platform}
        and d.chat_external_id = ${input.chat.externalId}
        and d.purpose in ('poll', 'reminder')
      where p.id = ${pollId} and p.status = 'open' and p.closes_at > ${now.toISOString()}::timestamptz
      limit 1
    ), tally as (
      select t.poll_id from poll_tallies t join target on t.unit_id = target.unit_id
      where t.poll_id = ${pollId} and t.accepting and ${option}::int < target.options
      for update of t
    ), joined as (
      insert into poll_participation (poll_id, person_id)
      select ${pollId}, ${personId} from tally
      on conflict do nothing
      returning poll_id
    ), counted as (
      update poll_tallies set counts[${index}::int] = poll_tallies.counts[${index}::int] + 1
      from target
      where poll_tallies.poll_id = ${pollId} and poll_tallies.unit_id = target.unit_id
        and exists (select 1 from joined)
      returning poll_tallies.poll_id
    ), invited as (
      insert into poll_comment_invites (poll_id, person_id)
      select ${pollId}, ${personId} from joined, target where target.comments
      on conflict do nothing
    )
    select (select count(*) from target) as open, (select count(*) from tally) as accepting,
           (select count(*) from joined) as joined, (select count(*) from counted) as counted,
           (select comments from target) as comments`);
  const [row] = rowsOf<BallotRow>(result);
  if (Number(row?.counted) === 1) return { kind: 'recorded', comments: row?.comments === true };
  if (Number(row?.accepting) === 1) return { kind: 'already' };
  return explainRefusal(db, input);
}

/** Why nothing was recorded (the rare path): unknown here, closed, or an option the poll lacks. */
async function explainRefusal(db: Db, input: AnswerInput): Promise<AnswerOutcome> {
  const [target] = await db
    .select({
      status: polls.status,
      closesAt: polls.closesAt,
      optionCount: sql<number>`jsonb_array_length(${polls.options})`.mapWith(Number),
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
  // Open and valid, yet the counter refused: the closing transaction got there first.
  return { kind: 'closed' };
}

/** Rows of a raw statement: PGlite returns `{ rows }`, postgres.js the array itself. */
function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows?: T[] }).rows ?? []);
}
