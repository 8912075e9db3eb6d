import { bigserial, index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { PLATFORMS } from '../../bot/kernel/types';
import { people } from './org';

/**
 * A scenario file an admin sent to the bot in chat, waiting for its "Áp dụng" / "Huỷ" button.
 * The text is kept so apply runs on exactly the file that was planned; `planText` is the plan the
 * admin saw, so apply refuses when the database moved on since (the plan would differ).
 */
export const scenarioUploads = pgTable(
  'scenario_uploads',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    platform: text('platform', { enum: PLATFORMS }).notNull(),
    fileName: text('file_name').notNull(),
    text: text('text').notNull(),
    planText: text('plan_text').notNull(),
    status: text('status', { enum: ['pending', 'applied', 'cancelled', 'superseded'] })
      .notNull()
      .default('pending'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
  },
  (t) => [index('scenario_uploads_person_idx').on(t.personId, t.status)],
);
