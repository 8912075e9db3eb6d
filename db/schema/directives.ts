import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { PLATFORMS } from '../../bot/kernel/types';
import { chats, people, units } from './org';

const at = (name: string) => timestamp(name, { withTimezone: true });

/**
 * A key task pushed to unit chats on a schedule. Directives come from scenario files (`key` is the
 * file's id). `materialisedUntil` is the schedule cursor: occurrences up to it have been turned
 * into ledger rows (or recorded as skipped); `nextOccurrenceAt` is the next one after it.
 */
export const directives = pgTable(
  'directives',
  {
    id: serial('id').primaryKey(),
    key: text('key').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    source: text('source'),
    /** Unit codes; empty means the whole organisation. */
    audience: jsonb('audience').$type<string[]>().notNull().default([]),
    scheduleKind: text('schedule_kind', { enum: ['at', 'cron'] }).notNull(),
    at: at('at'),
    cron: text('cron'),
    startsAt: at('starts_at'),
    endsAt: at('ends_at'),
    ack: boolean('ack').notNull().default(false),
    remindAfterSeconds: integer('remind_after_seconds'),
    /** Groups whose acknowledgement rate is below this (0–1) get the reminder. */
    remindBelow: real('remind_below').notNull().default(0.8),
    materialisedUntil: at('materialised_until').notNull(),
    nextOccurrenceAt: at('next_occurrence_at'),
    cancelledAt: at('cancelled_at'),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('directives_key_uq').on(t.key),
    index('directives_next_idx').on(t.nextOccurrenceAt).where(sql`${t.cancelledAt} is null`),
  ],
);

/** One planned (or manual) send of a directive; `skipped` when it was missed beyond the grace window. */
export const directiveOccurrences = pgTable(
  'directive_occurrences',
  {
    directiveId: integer('directive_id')
      .notNull()
      .references(() => directives.id, { onDelete: 'cascade' }),
    occurrence: at('occurrence').notNull(),
    status: text('status', { enum: ['due', 'skipped'] }).notNull(),
    manual: boolean('manual').notNull().default(false),
    remindAt: at('remind_at'),
    remindedAt: at('reminded_at'),
    createdAt: at('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.directiveId, t.occurrence] }),
    index('directive_occurrences_remind_idx').on(t.remindAt).where(sql`${t.remindedAt} is null`),
  ],
);

/**
 * The delivery ledger: one row per (directive, occurrence, chat, kind) — or, for a person reachable
 * only on a platform without groups (Zalo), per (directive, occurrence, person, kind) with the DM
 * account to use — written before the send and marked after it, so a restart resumes without loss
 * and several processes never send twice.
 */
export const directiveDeliveries = pgTable(
  'directive_deliveries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    directiveId: integer('directive_id')
      .notNull()
      .references(() => directives.id, { onDelete: 'cascade' }),
    occurrence: at('occurrence').notNull(),
    /** A bound group chat; null for a DM row. */
    chatId: integer('chat_id').references(() => chats.id, { onDelete: 'cascade' }),
    /** A DM row: the person, and the account it goes to (fixed when the row is written). */
    personId: integer('person_id').references(() => people.id, { onDelete: 'cascade' }),
    dmPlatform: text('dm_platform', { enum: PLATFORMS }),
    dmExternalId: text('dm_external_id'),
    kind: text('kind', { enum: ['post', 'reminder'] })
      .notNull()
      .default('post'),
    status: text('status', { enum: ['pending', 'sending', 'sent', 'failed', 'skipped'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: at('next_attempt_at').notNull(),
    lastError: text('last_error'),
    platformMessageId: text('platform_message_id'),
    claimedBy: text('claimed_by'),
    claimedAt: at('claimed_at'),
    sentAt: at('sent_at'),
    /** The acknowledgement count last written on the sent message, and when. */
    ackShown: integer('ack_shown').notNull().default(0),
    ackEditedAt: at('ack_edited_at'),
  },
  (t) => [
    uniqueIndex('directive_deliveries_key_uq').on(t.directiveId, t.occurrence, t.chatId, t.kind),
    uniqueIndex('directive_deliveries_dm_key_uq').on(t.directiveId, t.occurrence, t.personId, t.kind),
    check('directive_deliveries_one_recipient', sql`(${t.chatId} is null) <> (${t.personId} is null)`),
    index('directive_deliveries_due_idx')
      .on(t.nextAttemptAt)
      .where(sql`${t.status} in ('pending', 'sending')`),
    index('directive_deliveries_message_idx').on(t.chatId, t.platformMessageId),
    /** Reports pick the posts of a period. */
    index('directive_deliveries_occurrence_idx').on(t.occurrence),
  ],
);

/** "Đã nắm": one per person per directive. Counted, never listed by name. */
export const directiveAcks = pgTable(
  'directive_acks',
  {
    directiveId: integer('directive_id')
      .notNull()
      .references(() => directives.id, { onDelete: 'cascade' }),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    /** The unit of the chat where the button was pressed (null in a DM or an unbound chat). */
    unitId: integer('unit_id').references(() => units.id, { onDelete: 'set null' }),
    chatId: integer('chat_id').references(() => chats.id, { onDelete: 'set null' }),
    at: at('at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.directiveId, t.personId] }),
    index('directive_acks_chat_idx').on(t.directiveId, t.chatId),
  ],
);
