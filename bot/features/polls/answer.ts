import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { pollDeliveries, polls } from '../../../db/schema';
import type { Platform } from '../../kernel/types';
import type { BallotBox } from './ballot-box';

export type AnswerOutcome =
  | { kind: 'recorded'; comments: boolean; k: number }
  | { kind: 'already' }
  | { kind: 'closed' }
  | { kind: 'unknown' }
  | { kind: 'not_audience' }
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
  eligible: number | string;
  accepting: number | string;
  joined: number | string;
  held: number | string;
  comments: boolean | null;
  unit_id: number | string | null;
  options: number | string | null;
  k: number | string | null;
}

/**
 * Records one answer in one statement (one round trip, atomic), with no option in it: only a person
 * of the poll's audience (a worker of its units whose role existed when it opened, or whom Pulse saw
 * in its groups) may answer; the counter of the unit where the button was tapped is share-locked
 * while it accepts answers (an answer racing the closing transaction waits for it and then finds it
 * closed); participation is inserted (its primary key is the one-answer-per-person rule, across
 * chats, platforms and processes) and only if that inserted a row, this process's count of held
 * ballots goes up. The choice itself goes to the process's ballot box (memory), written later as
 * part of a batch of at least k of the same cell, so no row, transaction, statement or WAL record
 * of this tap carries it.
 */
export async function recordAnswer(db: Db, ballots: BallotBox, input: AnswerInput): Promise<AnswerOutcome> {
  const { pollId, personId, option, now } = input;
  await ballots.ensureLease(db, now);
  const result = await db.execute(sql`
    with target as (
      select d.unit_id, p.comments, jsonb_array_length(p.options) as options, p.min_answers as k,
             p.role_watermark, p.audience
      from polls p
      join poll_deliveries d on d.poll_id = p.id
        and d.platform = ${input.chat.platform}
        and d.chat_external_id = ${input.chat.externalId}
        and d.purpose in ('poll', 'reminder')
      where p.id = ${pollId} and p.status = 'open' and p.closes_at > ${now.toISOString()}::timestamptz
      limit 1
    ), eligible as (
      select 1 from target, roles r
      join units u on u.id = r.unit_id
      where r.person_id = ${personId} and r.role = 'worker'
        and (r.source = 'seen' or target.role_watermark is null or r.id <= target.role_watermark)
        -- Admins, leaders and collaborators are workers only by an explicit role, never by being seen.
        and (r.source <> 'seen' or not exists (
          select 1 from roles s where s.person_id = r.person_id and s.role <> 'worker'))
        and exists (
          select 1 from units a
          where a.id in (select (jsonb_array_elements_text(target.audience))::int)
            and u.path like a.path || '%'
        )
      limit 1
    ), tally as (
      select t.poll_id from poll_tallies t join target on t.unit_id = target.unit_id
      where t.poll_id = ${pollId} and t.accepting and ${option}::int >= 0 and ${option}::int < target.options
        and exists (select 1 from eligible)
      for share of t
    ), joined as (
      insert into poll_participation (poll_id, person_id)
      select ${pollId}, ${personId} from tally
      on conflict do nothing
      returning poll_id
    ), held as (
      insert into poll_ballot_holders (poll_id, process_id, held)
      select ${pollId}, ${ballots.processId}, 1 from joined
      on conflict (poll_id, process_id) do update set held = poll_ballot_holders.held + 1
      returning held
    ), invited as (
      insert into poll_comment_invites (poll_id, person_id)
      select ${pollId}, ${personId} from joined, target where target.comments
      on conflict do nothing
    )
    select (select count(*) from target) as open, (select count(*) from eligible) as eligible,
           (select count(*) from tally) as accepting, (select count(*) from joined) as joined,
           (select count(*) from held) as held, (select comments from target) as comments,
           (select unit_id from target) as unit_id, (select options from target) as options,
           (select k from target) as k`);
  const [row] = rowsOf<BallotRow>(result);
  if (Number(row?.held) === 1) {
    const k = Number(row?.k);
    // After the commit: the ballot is in exactly one place, this process's memory (held = +1).
    await ballots.add(db, { pollId, unitId: Number(row?.unit_id), option, options: Number(row?.options), k });
    return { kind: 'recorded', comments: row?.comments === true, k };
  }
  if (Number(row?.accepting) === 1) return { kind: 'already' };
  if (Number(row?.open) === 1 && Number(row?.eligible) === 0) return { kind: 'not_audience' };
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
