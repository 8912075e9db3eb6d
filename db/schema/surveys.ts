import {
  boolean,
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
import { people, units } from './org';

/**
 * Multi-question surveys (phiếu khảo sát). The anonymity rules shape these tables as they shape polls':
 * - an answer is never a row beside a person: choices are counters in `survey_cells` (one row per
 *   survey, question and unit, all options in one array), written only as aggregated increments of
 *   at least k answers of the cell (all but k of 2k held), a cell below k at closing withheld;
 * - a person's progress (`survey_progress`) is the question index and nothing else: the answers of
 *   an unfinished survey live in the memory of the process that holds the conversation;
 * - open-text answers (`survey_texts`) have a random id, a unit and the hour, never a person.
 */

export const SURVEY_QUESTION_KINDS = ['scale', 'yesno', 'choice', 'nps', 'text'] as const;
export type SurveyQuestionKind = (typeof SURVEY_QUESTION_KINDS)[number];

export interface SurveyQuestion {
  kind: SurveyQuestionKind;
  /** Vietnamese first; `en` when the file or bank gives it. */
  text: { vi: string; en?: string };
  /** Only for `choice`. */
  options?: string[];
  /** The bank's theme, when it came from the bank. */
  theme?: string;
  /** The bank's id, for trends between runs. */
  bankId?: string;
}

/** A survey defined in a scenario file (`surveys:`); `/khaosat start KEY` opens a run of it. */
export const surveyTemplates = pgTable('survey_templates', {
  key: text('key').primaryKey(),
  title: text('title').notNull(),
  questions: jsonb('questions').$type<SurveyQuestion[]>().notNull(),
  minAnswers: smallint('min_answers').notNull(),
  minTexts: smallint('min_texts').notNull(),
  active: boolean('active').notNull().default(true),
  /** A pulse drawn from the question bank: this many questions each run, the next in its rotation. */
  bankSize: smallint('bank_size'),
  /** A recurring template: each time `cron` fires, a run opens for `audience` (unit codes). */
  cron: text('cron'),
  audience: jsonb('audience').$type<string[]>(),
  closesAfterMinutes: integer('closes_after_minutes'),
  /** The next occurrence; claimed by the scheduler with FOR UPDATE SKIP LOCKED. */
  nextRunAt: timestamp('next_run_at', { withTimezone: true }),
});

export const SURVEY_STATUSES = ['open', 'closing', 'closed'] as const;

/** One run of a survey: its questions are frozen when it opens. */
export const surveys = pgTable(
  'surveys',
  {
    id: serial('id').primaryKey(),
    /** The template it came from; null for a pulse drawn from the question bank. */
    templateKey: text('template_key'),
    /** For a bank pulse: which run of the rotation (0, 1, …). */
    bankRun: integer('bank_run'),
    title: text('title').notNull(),
    questions: jsonb('questions').$type<SurveyQuestion[]>().notNull(),
    /** Unit ids; their subtrees are asked. */
    audience: jsonb('audience').$type<number[]>().notNull(),
    /** The highest role id when it opened: roles granted later do not make their holder its audience. */
    roleWatermark: integer('role_watermark'),
    status: text('status', { enum: SURVEY_STATUSES }).notNull().default('open'),
    minAnswers: smallint('min_answers').notNull(),
    minTexts: smallint('min_texts').notNull(),
    closesAt: timestamp('closes_at', { withTimezone: true }).notNull(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    /** Contributions held by processes that died before writing them (kill -9). */
    lostBallots: integer('lost_ballots').notNull().default(0),
    createdBy: integer('created_by').references(() => people.id, { onDelete: 'set null' }),
    /** When the one reminder goes out (groups, and each unfinished person by DM); null once sent. */
    remindAt: timestamp('remind_at', { withTimezone: true }),
    /** The occurrence of a recurring template this run belongs to: a template runs once per occurrence. */
    occurrence: timestamp('occurrence', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('surveys_template_occurrence_uq').on(t.templateKey, t.occurrence),
    uniqueIndex('surveys_template_bank_run_uq').on(t.templateKey, t.bankRun),
  ],
);

/**
 * The result cells: per (survey, question, unit) how many answered (`n`) and per option how many
 * (`counts`; none for open text). Increments come only in batches of at least k answers of the cell
 * (all but k of 2k held, runtime/process-lease).
 */
export const surveyCells = pgTable(
  'survey_cells',
  {
    surveyId: integer('survey_id')
      .notNull()
      .references(() => surveys.id, { onDelete: 'cascade' }),
    question: smallint('question').notNull(),
    unitId: integer('unit_id')
      .notNull()
      .references(() => units.id, { onDelete: 'cascade' }),
    n: integer('n').notNull().default(0),
    counts: integer('counts').array().notNull(),
    /** Answers of a cell that stayed below k at closing: only how many, never what (nor their texts). */
    withheld: integer('withheld').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.surveyId, t.question, t.unitId] })],
);

/** How many people of each unit finished the survey (written with the same batches). */
export const surveyUnits = pgTable(
  'survey_units',
  {
    surveyId: integer('survey_id')
      .notNull()
      .references(() => surveys.id, { onDelete: 'cascade' }),
    unitId: integer('unit_id')
      .notNull()
      .references(() => units.id, { onDelete: 'cascade' }),
    finished: integer('finished').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.surveyId, t.unitId] })],
);

/** Open-text answers: random id, unit, hour; no person. Written in shuffled batches. */
export const surveyTexts = pgTable('survey_texts', {
  id: uuid('id').primaryKey().defaultRandom(),
  surveyId: integer('survey_id')
    .notNull()
    .references(() => surveys.id, { onDelete: 'cascade' }),
  question: smallint('question').notNull(),
  unitId: integer('unit_id')
    .notNull()
    .references(() => units.id, { onDelete: 'cascade' }),
  hour: timestamp('hour', { withTimezone: true }).notNull(),
  text: text('text').notNull(),
  /** Given to the hot-spot matcher (once its hour has ended and its cell holds at least k). */
  signalled: boolean('signalled').notNull().default(false),
});

/**
 * Where a person is in a survey: the question index, the lowest index they may go back to
 * (`floor`: answers below it are already in a batch), and which process holds their answers so far.
 * Never an answer, never a time.
 */
export const surveyProgress = pgTable(
  'survey_progress',
  {
    surveyId: integer('survey_id')
      .notNull()
      .references(() => surveys.id, { onDelete: 'cascade' }),
    personId: integer('person_id')
      .notNull()
      .references(() => people.id, { onDelete: 'cascade' }),
    unitId: integer('unit_id')
      .notNull()
      .references(() => units.id, { onDelete: 'cascade' }),
    question: smallint('question').notNull().default(0),
    floor: smallint('floor').notNull().default(0),
    holder: text('holder'),
    finished: boolean('finished').notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.surveyId, t.personId] })],
);

/** Per survey and process: how many people's answers it holds in memory, not yet written. */
export const surveyHolders = pgTable(
  'survey_holders',
  {
    surveyId: integer('survey_id')
      .notNull()
      .references(() => surveys.id, { onDelete: 'cascade' }),
    processId: text('process_id').notNull(),
    held: integer('held').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.surveyId, t.processId] })],
);
