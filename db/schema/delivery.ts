import { doublePrecision, pgTable, text } from 'drizzle-orm/pg-core';

/**
 * Send rates shared by every Pulse process on one PostgreSQL (bot/runtime/delivery/shared-rate.ts):
 * one row per limited key (a platform's global rate, a chat, a group), holding the bucket's
 * theoretical arrival time (GCRA): the earliest moment, in the database's clock (ms since the
 * epoch), at which the next message under this key may go. Reserved atomically under the row's lock.
 * No message, chat content or person: keys are platform chat ids, as in `chats`.
 */
export const sendBuckets = pgTable('send_buckets', {
  key: text('key').primaryKey(),
  nextAtMs: doublePrecision('next_at_ms').notNull(),
});
