import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { LOCALES } from '../../bot/kernel/i18n';
import { PLATFORMS } from '../../bot/kernel/types';
import { people, units } from './org';

/**
 * Anonymous polls. The anonymity rules shape these tables:
 * - a choice is never a row: it is a counter in `poll_tallies` (one row per poll and unit, all
 *   options in one array, so not even the row touched last tells which option was chosen);
 * - who answered (`poll_participation`) carries nothing but (poll, person): no time, no serial id;
 * - free text (`poll_comments`) has a random id, a unit and the hour, never a person.
 */

export const POLL_KINDS = ['scale', 'yesno', 'choice'] as const;

/** A recurring pulse defined in a scenario file (`polls:`); each run is a row of `polls`. */
export const pollSeries = pgTable('poll_series', {
  id: serial('id').primaryKey(),
  /** The scenario file's key for this pulse. */
  key: text('key').notNull().unique(),
  question: text('question').notNull(),
  kind: text('kind', { enum: POLL_KINDS }).notNull(),
  options: jsonb('options').$type<string[]>().notNull(),
  /** Unit codes; each run asks these units and their subtrees. */
  audience: jsonb('audience').$type<string[]>().notNull(),
  dm: boolean('dm').notNull().default(false),
  comments: boolean('comments').notNull().default(false),
  cron: text('cron').notNull(),
  closesAfterMinutes: integer('closes_after_minutes').notNull(),
  minAnswers: smallint('min_answers').notNull(),
  minComments: smallint('min_comments').notNull(),
  active: boolean('active').notNull().default(true),
  /** The next occurrence; claimed by the scheduler with FOR UPDATE SKIP LOCKED. */
  nextRunAt: timestamp('next_run_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const polls = pgTable(
  'polls',
  {
    id: serial('id').primaryKey(),
    question: text('question').notNull(),
    kind: text('kind', { enum: POLL_KINDS }).notNull(),
    options: jsonb('options').$type<string[]>().notNull(),
    /** The units asked (roots of the audience), as chosen by the creator. */
    audience: jsonb('audience').$type<number[]>().notNull(),
    dm: boolean('dm').notNull(),
    comments: boolean('comments').notNull(),
    minAnswers: smallint('min_answers').notNull(),
    minComments: smallint('min_comments').notNull(),
    /** `closing`: no longer accepting; waits until every live process has flushed its ballots. */
    status: text('status', { enum: ['open', 'closing', 'closed'] })
      .notNull()
      .default('open'),
    /** Null for a run of a series. */
    creatorPersonId: integer('creator_person_id').references(() => people.id, { onDelete: 'set null' }),
    seriesId: integer('series_id').references(() => pollSeries.id, { onDelete: 'set null' }),
    /** The series occurrence this run belongs to: a series runs once per occurrence. */
    occurrence: timestamp('occurrence', { withTimezone: true }),
    locale: text('locale', { enum: LOCALES }).notNull(),
    /** How many people were asked, when the poll was sent. */
    audienceSize: integer('audience_size').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    closesAt: timestamp('closes_at', { withTimezone: true }).notNull(),
    remindAt: timestamp('remind_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    /**
     * The highest `roles.id` when the poll opened: the audience is fixed then. A worker role granted
     * later (by /role or a scenario) does not let its holder answer; roles Pulse infers from being
     * seen in the poll's group (source "seen") do. Null for polls opened before this rule.
     */
    roleWatermark: integer('role_watermark'),
    /** Ballots a process held in memory and never wrote (it died: kill -9, power loss). */
    lostBallots: integer('lost_ballots').notNull().default(0),
  },
  (t) => [
    uniqueIndex('polls_series_occurrence_uq').on(t.seriesId, t.occurrence),
    index('polls_status_closes_idx').on(t.status, t.closesAt),
    /** Reports pick the polls of a period. */
    index('polls_created_idx').on(t.createdAt),
  ],
);

/** The cells of a poll's results: units where answers are counted, with how many were asked there. */
export const pollUnits = pgTable(
  'poll_units',
  {
    pollId: integer('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    unitId: integer('unit_id')
      .notNull()
      .references(() => units.id, { onDelete: 'cascade' }),
    members: integer('members').notNull(),
  },
  (t) => [primaryKey({ columns: [t.pollId, t.unitId] })],
);

/**
 * Every message Pulse sends for a poll: the poll itself (to a group or a person's DM), group
 * reminders and closing results. Written before the send, marked after it, so a restart resumes
 * and several processes never send the same one twice.
 */
export const pollDeliveries = pgTable(
  'poll_deliveries',
  {
    id: serial('id').primaryKey(),
    pollId: integer('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    purpose: text('purpose', { enum: ['poll', 'reminder', 'result'] }).notNull(),
    platform: text('platform', { enum: PLATFORMS }).notNull(),
    chatExternalId: text('chat_external_id').notNull(),
    chatKind: text('chat_kind', { enum: ['group', 'dm'] }).notNull(),
    /** The unit whose tally counts a tap on this message. */
    unitId: integer('unit_id').references(() => units.id, { onDelete: 'set null' }),
    locale: text('locale', { enum: LOCALES }).notNull(),
    status: text('status', { enum: ['pending', 'sending', 'sent', 'failed'] })
      .notNull()
      .default('pending'),
    claimedAt: timestamp('claimed_at', { withTimezone: true }),
    attempts: smallint('attempts').notNull().default(0),
    messageId: text('message_id'),
    /** The participation count the message shows, so it is edited only when it changes. */
    shownCount: integer('shown_count').notNull().default(0),
  },
  (t) => [
    uniqueIndex('poll_deliveries_target_uq').on(t.pollId, t.purpose, t.platform, t.chatExternalId),
    index('poll_deliveries_pending_idx').on(t.status).where(sql`${t.status} in ('pending', 'sending')`),
  ],
);

/** Who has answered: the key alone enforces one answer per person per poll, across chats, platforms and processes. */
export const pollParticipation = pgTable(
  'poll_participation',
  {
    pollId: integer('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.pollId, t.personId] })],
);

/** The ballot box: `counts[i]` is how many chose option i, per poll and unit. */
export const pollTallies = pgTable(
  'poll_tallies',
  {
    pollId: integer('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    unitId: integer('unit_id')
      .notNull()
      .references(() => units.id, { onDelete: 'cascade' }),
    counts: integer('counts').array().notNull(),
    /** Ballots counted without their options: a closed cell below k, never published, keeps only how many. */
    withheld: integer('withheld').notNull().default(0),
    /** Cleared in the closing transaction: an answer racing the close finds it false and is rolled back. */
    accepting: boolean('accepting').notNull().default(true),
  },
  (t) => [primaryKey({ columns: [t.pollId, t.unitId] })],
);

/**
 * How many ballots each process holds in memory for a poll, not yet added to the tallies. Raised in
 * the tap's statement, lowered in the same transaction that adds the batch to `poll_tallies`, so a
 * ballot is in exactly one of the two places; a poll closes only when no live process holds any.
 */
export const pollBallotHolders = pgTable(
  'poll_ballot_holders',
  {
    pollId: integer('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    processId: text('process_id').notNull(),
    held: integer('held').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.pollId, t.processId] })],
);

/** The lease of each running Pulse process (renewed by its scheduler); expired = dead, its held ballots lost. */
export const pulseProcesses = pgTable('pulse_processes', {
  id: text('id').primaryKey(),
  leaseUntil: timestamp('lease_until', { withTimezone: true }).notNull(),
});

/** A person who answered a poll with comments and may still send one comment. */
export const pollCommentInvites = pgTable(
  'poll_comment_invites',
  {
    pollId: integer('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ columns: [t.pollId, t.personId] }),
    index('poll_comment_invites_person_idx').on(t.personId),
  ],
);

/**
 * That someone has used their one comment on a poll: a keyed hash (HMAC under a key derived from
 * PULSE_SECRET) of poll and person, written with the hour's shuffled batch of comments. Without the
 * key it names nobody; the invite itself is never changed on use. Deleted when the poll closes.
 */
export const pollCommentMarks = pgTable(
  'poll_comment_marks',
  {
    pollId: integer('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    tag: text('tag').notNull(),
  },
  (t) => [primaryKey({ columns: [t.pollId, t.tag] })],
);

export const pollComments = pgTable(
  'poll_comments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    pollId: integer('poll_id')
      .notNull()
      .references(() => polls.id, { onDelete: 'cascade' }),
    unitId: integer('unit_id')
      .notNull()
      .references(() => units.id, { onDelete: 'cascade' }),
    text: text('text').notNull(),
    /** Rounded down to the hour. */
    hour: timestamp('hour', { withTimezone: true }).notNull(),
  },
  (t) => [index('poll_comments_poll_idx').on(t.pollId)],
);
