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
} from 'drizzle-orm/pg-core';
import { people, units } from './org';

const at = (name: string) => timestamp(name, { withTimezone: true });

/**
 * A recurring report request of a scenario file (`requests:`): when `next_run_at` passes, one
 * request is opened for its units. `audience` holds unit codes (empty: the whole organisation).
 */
export const reportRequestSchedules = pgTable(
  'report_request_schedules',
  {
    id: serial('id').primaryKey(),
    key: text('key').notNull(),
    title: text('title').notNull(),
    audience: jsonb('audience').$type<string[]>().notNull().default([]),
    template: text('template').notNull(),
    cron: text('cron').notNull(),
    startsAt: at('starts_at'),
    endsAt: at('ends_at'),
    /** Exactly one: the deadline is this long after each occurrence, or before this day of the month. */
    dueAfterSeconds: integer('due_after_seconds'),
    dueBeforeDay: smallint('due_before_day'),
    active: boolean('active').notNull().default(true),
    nextRunAt: at('next_run_at'),
  },
  (t) => [uniqueIndex('report_request_schedules_key_uq').on(t.key)],
);

/**
 * One request for a situation report (scheduled or ad hoc with /yeucau). Its target units are
 * fixed when it opens (`report_request_units`). `compiled_at` is set when the compiled report was
 * sent to the admins after the deadline (claimed once across processes).
 */
export const reportRequests = pgTable(
  'report_requests',
  {
    id: serial('id').primaryKey(),
    scheduleId: integer('schedule_id').references(() => reportRequestSchedules.id),
    /** The schedule's occurrence; null for ad hoc requests. */
    occurrenceAt: at('occurrence_at'),
    title: text('title').notNull(),
    scopeUnitId: integer('scope_unit_id')
      .notNull()
      .references(() => units.id),
    template: text('template').notNull(),
    /** Section titles of the template as they were when the request opened (vi, then en). */
    sections: jsonb('sections')
      .$type<{ key: string; vi: string; en: string; kind: 'text' | 'mood' }[]>()
      .notNull(),
    deadline: at('deadline').notNull(),
    createdBy: integer('created_by').references(() => people.id),
    createdAt: at('created_at').notNull(),
    compiledAt: at('compiled_at'),
  },
  (t) => [
    uniqueIndex('report_requests_occurrence_uq').on(t.scheduleId, t.occurrenceAt),
    index('report_requests_deadline_idx').on(t.deadline).where(sql`${t.compiledAt} is null`),
  ],
);

/** A unit asked to report, with how far its follow-up has gone (0 none, 1 reminded, 2 leader, 3 parent's leader). */
export const reportRequestUnits = pgTable(
  'report_request_units',
  {
    requestId: integer('request_id')
      .notNull()
      .references(() => reportRequests.id, { onDelete: 'cascade' }),
    unitId: integer('unit_id')
      .notNull()
      .references(() => units.id),
    followUpStep: smallint('follow_up_step').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.requestId, t.unitId] })],
);

/**
 * The one submission of a unit for a request. Reports are attributed (officials reporting, not
 * anonymous workers): `author_id` wrote the draft, `signed_by` sent it (the unit's leader, or a
 * collaborator's draft confirmed by the leader). The draft lives here, so it survives restarts;
 * `editing_section` is the section the editor's next message answers.
 */
export const reportSubmissions = pgTable(
  'report_submissions',
  {
    id: serial('id').primaryKey(),
    requestId: integer('request_id')
      .notNull()
      .references(() => reportRequests.id, { onDelete: 'cascade' }),
    unitId: integer('unit_id')
      .notNull()
      .references(() => units.id),
    status: text('status', { enum: ['draft', 'awaiting_leader', 'submitted'] }).notNull(),
    answers: jsonb('answers').$type<Record<string, string>>().notNull().default({}),
    authorId: integer('author_id')
      .notNull()
      .references(() => people.id),
    editorId: integer('editor_id').references(() => people.id),
    editingSection: text('editing_section'),
    signedBy: integer('signed_by').references(() => people.id),
    submittedAt: at('submitted_at'),
    late: boolean('late').notNull().default(false),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('report_submissions_unit_uq').on(t.requestId, t.unitId),
    index('report_submissions_editor_idx').on(t.editorId).where(sql`${t.editingSection} is not null`),
  ],
);
