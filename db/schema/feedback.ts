import { boolean, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { units } from './org';

/**
 * Anonymous feedback: the unit it concerns, the text and the hour. Nothing here, or anywhere
 * else in the database, says who sent it.
 */
export const feedback = pgTable(
  'feedback',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    unitId: integer('unit_id')
      .notNull()
      .references(() => units.id, { onDelete: 'cascade' }),
    text: text('text').notNull(),
    /** Rounded down to the hour. */
    hour: timestamp('hour', { withTimezone: true }).notNull(),
    /** Relayed to the unit's leaders (in hourly batches, so the moment of sending is not revealed). */
    relayed: boolean('relayed').notNull().default(false),
  },
  (t) => [index('feedback_unrelayed_idx').on(t.relayed, t.hour)],
);

/**
 * Kept only when the sender allowed anonymous replies: their account, sealed with a key derived
 * from PULSE_SECRET (AES-256-GCM), deleted when it expires (30 days after the feedback's hour).
 */
export const feedbackReplyHandles = pgTable('feedback_reply_handles', {
  feedbackId: uuid('feedback_id')
    .primaryKey()
    .references(() => feedback.id, { onDelete: 'cascade' }),
  sealed: text('sealed').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});
