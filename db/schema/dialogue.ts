import {
  index,
  integer,
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
 * Anonymous dialogues (phiên đối thoại, docs/dialogue.md): a leader opens one for a unit, workers
 * send questions by DM and upvote them in the group, the leader answers in the group.
 */
export const dialogues = pgTable(
  'dialogues',
  {
    id: serial('id').primaryKey(),
    unitId: integer('unit_id')
      .notNull()
      .references(() => units.id, { onDelete: 'cascade' }),
    /** The leader who opened it (a leader acts in the open; only workers are anonymous). */
    openedBy: integer('opened_by').references(() => people.id, { onDelete: 'set null' }),
    locale: text('locale', { enum: LOCALES }).notNull(),
    status: text('status', { enum: ['open', 'closed'] })
      .notNull()
      .default('open'),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
    closesAt: timestamp('closes_at', { withTimezone: true }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [index('dialogues_status_closes_idx').on(t.status, t.closesAt)],
);

/**
 * A worker's question: the dialogue, the text, the hour and a number given when its hour's batch is
 * written (in shuffled order). No author, no hash of one, nothing finer than the hour.
 */
export const dialogueQuestions = pgTable(
  'dialogue_questions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    dialogueId: integer('dialogue_id')
      .notNull()
      .references(() => dialogues.id, { onDelete: 'cascade' }),
    number: smallint('number').notNull(),
    text: text('text').notNull(),
    /** Rounded down to the hour. */
    hour: timestamp('hour', { withTimezone: true }).notNull(),
    votes: integer('votes').notNull().default(0),
    answer: text('answer'),
    answeredBy: integer('answered_by').references(() => people.id, { onDelete: 'set null' }),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('dialogue_questions_number_uq').on(t.dialogueId, t.number)],
);

/** Where a question was posted (per group), so a leader's reply to that message answers it. */
export const dialoguePosts = pgTable(
  'dialogue_posts',
  {
    questionId: uuid('question_id')
      .notNull()
      .references(() => dialogueQuestions.id, { onDelete: 'cascade' }),
    platform: text('platform', { enum: PLATFORMS }).notNull(),
    chatExternalId: text('chat_external_id').notNull(),
    messageId: text('message_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.chatExternalId, t.messageId] })],
);

/**
 * The vote ledger, only for "one vote per person": an HMAC-SHA256 of (person, question) under a key
 * derived from PULSE_SECRET and a random per-dialogue salt. No person id, no question id in clear,
 * no time. Deleted (with the salt) when the dialogue closes; the counts stay on the questions.
 */
export const dialogueVotes = pgTable(
  'dialogue_votes',
  {
    dialogueId: integer('dialogue_id')
      .notNull()
      .references(() => dialogues.id, { onDelete: 'cascade' }),
    token: text('token').notNull(),
  },
  (t) => [primaryKey({ columns: [t.dialogueId, t.token] })],
);

/** The per-dialogue salt of the vote ledger; deleted at the close, so old tokens cannot be recomputed. */
export const dialogueSalts = pgTable('dialogue_salts', {
  dialogueId: integer('dialogue_id')
    .primaryKey()
    .references(() => dialogues.id, { onDelete: 'cascade' }),
  salt: text('salt').notNull(),
});

/** Closing the loop ("you said, we did"): an action a leader took for a unit on a topic. */
export const unitActions = pgTable(
  'unit_actions',
  {
    id: serial('id').primaryKey(),
    unitId: integer('unit_id')
      .notNull()
      .references(() => units.id, { onDelete: 'cascade' }),
    /** A short topic word ("luong", "an-toan"), folded; polls whose question holds it are the topic's. */
    topic: text('topic').notNull(),
    text: text('text').notNull(),
    createdBy: integer('created_by').references(() => people.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    status: text('status', { enum: ['open', 'done'] })
      .notNull()
      .default('open'),
    doneAt: timestamp('done_at', { withTimezone: true }),
    doneBy: integer('done_by').references(() => people.id, { onDelete: 'set null' }),
    /** When the follow-up pulse opens; claimed by the scheduler. */
    followUpAt: timestamp('follow_up_at', { withTimezone: true }),
    followUpPollId: integer('follow_up_poll_id'),
  },
  (t) => [index('unit_actions_follow_up_idx').on(t.followUpAt)],
);
