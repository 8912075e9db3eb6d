import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  index,
  integer,
  pgTable,
  serial,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { people, units } from './org';

const at = (name: string) => timestamp(name, { withTimezone: true });

export const REPORT_RECIPIENTS = ['leaders', 'admins'] as const;
export const REPORT_PERIODS = ['week', 'month', 'quarter'] as const;
export const REPORT_FORMATS = ['chat', 'md', 'csv', 'docx'] as const;

/**
 * A scheduled situation report from a scenario file (`reports:`): for one unit (`unitCode`) or for
 * each child of a unit (`eachChildOf`), sent to that unit's leaders or to the admins over it.
 * `nextRunAt` is claimed by the scheduler with FOR UPDATE SKIP LOCKED.
 */
export const reportSchedules = pgTable('report_schedules', {
  id: serial('id').primaryKey(),
  key: text('key').notNull().unique(),
  cron: text('cron').notNull(),
  unitCode: text('unit_code'),
  eachChildOf: text('each_child_of'),
  recipients: text('recipients', { enum: REPORT_RECIPIENTS }).notNull(),
  period: text('period', { enum: REPORT_PERIODS }).notNull(),
  format: text('format', { enum: REPORT_FORMATS }).notNull(),
  active: boolean('active').notNull().default(true),
  nextRunAt: at('next_run_at'),
});

/**
 * The send ledger: one row per (schedule, occurrence, unit, recipient), written before the send
 * and marked after it, so a restart resumes and N processes never send the same report twice.
 */
export const reportRuns = pgTable(
  'report_runs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    scheduleId: integer('schedule_id')
      .notNull()
      .references(() => reportSchedules.id, { onDelete: 'cascade' }),
    occurrence: at('occurrence').notNull(),
    unitId: integer('unit_id')
      .notNull()
      .references(() => units.id, { onDelete: 'cascade' }),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    status: text('status', { enum: ['pending', 'sending', 'sent', 'failed'] })
      .notNull()
      .default('pending'),
    attempts: smallint('attempts').notNull().default(0),
    claimedAt: at('claimed_at'),
    sentAt: at('sent_at'),
  },
  (t) => [
    uniqueIndex('report_runs_key_uq').on(t.scheduleId, t.occurrence, t.unitId, t.personId),
    index('report_runs_pending_idx').on(t.id).where(sql`${t.status} in ('pending', 'sending')`),
  ],
);
