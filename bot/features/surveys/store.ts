import { and, eq, gt, inArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { roles, surveyProgress, surveys, surveyTemplates } from '../../../db/schema';
import { MIN_THRESHOLD } from '../../kernel/anonymity';
import type { Deps } from '../../runtime/deps';
import type { SealInfo, SurveyBox } from './box';
import { reminderAt } from './reminders';
import { thresholdOf } from './results';
import {
  type Answer,
  MAX_TEXT_ANSWER_LENGTH,
  optionCount,
  type SurveyQuestion,
  type SurveyRow,
} from './types';

export interface SurveyDraft {
  title: string;
  questions: SurveyQuestion[];
  audience: { id: number }[];
  closesAt: Date;
  minAnswers: number;
  minTexts: number;
  templateKey: string | null;
  bankRun: number | null;
  createdBy: number | null;
  /** The occurrence of a recurring template (a run opens once per occurrence). */
  occurrence?: Date | null;
  /** When it opens (the clock's now): its one reminder is set from it. */
  openedAt?: Date;
}

/** Opens a survey: its questions and audience are frozen now, with the role watermark. */
export async function insertSurvey(db: DbOrTx, draft: SurveyDraft): Promise<SurveyRow> {
  const row = await insertSurveyOnce(db, draft);
  if (!row) throw new Error('survey run already exists');
  return row;
}

/** As insertSurvey, but undefined when the template's run of that occurrence (or bank run) exists. */
export async function insertSurveyOnce(db: DbOrTx, draft: SurveyDraft): Promise<SurveyRow | undefined> {
  const [watermark] = await db.select({ max: sql<number | null>`max(${roles.id})` }).from(roles);
  const [row] = await db
    .insert(surveys)
    .values({
      title: draft.title,
      questions: draft.questions,
      audience: draft.audience.map((unit) => unit.id),
      roleWatermark: watermark?.max === null || watermark?.max === undefined ? null : Number(watermark.max),
      minAnswers: draft.minAnswers,
      minTexts: draft.minTexts,
      closesAt: draft.closesAt,
      templateKey: draft.templateKey,
      bankRun: draft.bankRun,
      createdBy: draft.createdBy,
      occurrence: draft.occurrence ?? null,
      remindAt: draft.openedAt ? reminderAt(draft.openedAt, draft.closesAt) : null,
    })
    .onConflictDoNothing()
    .returning();
  return row;
}

/** The next run of a recurring bank template's own rotation (0 for its first). */
export async function nextTemplateBankRun(db: DbOrTx, templateKey: string): Promise<number> {
  const [row] = await db
    .select({ max: sql<number | null>`max(${surveys.bankRun})` })
    .from(surveys)
    .where(eq(surveys.templateKey, templateKey));
  return row?.max === null || row?.max === undefined ? 0 : Number(row.max) + 1;
}

export async function findSurvey(db: DbOrTx, id: number): Promise<SurveyRow | undefined> {
  const [row] = await db.select().from(surveys).where(eq(surveys.id, id));
  return row;
}

export async function findTemplate(db: DbOrTx, key: string) {
  const [row] = await db.select().from(surveyTemplates).where(eq(surveyTemplates.key, key));
  return row;
}

/** How many bank pulses ran before: the next one is run number this. */
export async function nextBankRun(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ max: sql<number | null>`max(${surveys.bankRun})` }).from(surveys);
  return row?.max === null || row?.max === undefined ? 0 : Number(row.max) + 1;
}

/**
 * The unit whose cells count a person's answers, when they belong to the survey's audience: a
 * worker role (existing when it opened, or from being seen in a group) on a unit inside it; admins,
 * leaders and collaborators only by an explicit worker role. The deepest such unit.
 */
export async function audienceUnit(db: DbOrTx, survey: SurveyRow, personId: number): Promise<number | null> {
  if (survey.audience.length === 0) return null;
  const audience = sql.join(
    survey.audience.map((id) => sql`${id}::int`),
    sql`, `,
  );
  const result = await db.execute(sql`
    select r.unit_id from roles r join units u on u.id = r.unit_id
    where r.person_id = ${personId} and r.role = 'worker'
      and (r.source = 'seen' or ${survey.roleWatermark}::int is null or r.id <= ${survey.roleWatermark}::int)
      and (r.source <> 'seen' or not exists (
        select 1 from roles s where s.person_id = r.person_id and s.role <> 'worker'))
      and exists (select 1 from units a where a.id in (${audience}) and u.path like a.path || '%')
    order by u.depth desc, r.unit_id limit 1`);
  const [row] = rowsOf<{ unit_id: number | string }>(result);
  return row ? Number(row.unit_id) : null;
}

export type BeginOutcome =
  | { kind: 'ready'; survey: SurveyRow; question: number; resumed: boolean }
  | { kind: 'finished' }
  | { kind: 'closed' }
  | { kind: 'unknown' }
  | { kind: 'not_audience' };

/** A person starts (or comes back to) a survey: where they are in it. Writes only the index row. */
export async function beginSurvey(
  db: DbOrTx,
  input: { surveyId: number; personId: number; now: Date },
): Promise<BeginOutcome> {
  const survey = await findSurvey(db, input.surveyId);
  if (!survey) return { kind: 'unknown' };
  if (survey.status !== 'open' || survey.closesAt <= input.now) return { kind: 'closed' };
  const [existing] = await db
    .select()
    .from(surveyProgress)
    .where(and(eq(surveyProgress.surveyId, survey.id), eq(surveyProgress.personId, input.personId)));
  if (existing) {
    if (existing.finished) return { kind: 'finished' };
    return { kind: 'ready', survey, question: existing.question, resumed: true };
  }
  const unitId = await audienceUnit(db, survey, input.personId);
  if (unitId === null) return { kind: 'not_audience' };
  const inserted = await db
    .insert(surveyProgress)
    .values({ surveyId: survey.id, personId: input.personId, unitId })
    .onConflictDoNothing()
    .returning({ question: surveyProgress.question });
  return { kind: 'ready', survey, question: inserted[0]?.question ?? 0, resumed: inserted.length === 0 };
}

export type StepOutcome =
  | { kind: 'next'; survey: SurveyRow; question: number }
  | { kind: 'done'; survey: SurveyRow }
  | { kind: 'stale'; survey: SurveyRow; question: number }
  | { kind: 'finished' }
  | { kind: 'closed' }
  | { kind: 'unknown' }
  | { kind: 'not_started' }
  | { kind: 'bad_answer'; survey: SurveyRow; question: number }
  | { kind: 'too_long'; max: number };

/** Whether an answer fits the question: an option in range, a text within the limit, or a skip. */
export function validAnswer(question: SurveyQuestion, answer: Answer): boolean {
  if (answer === null) return true;
  if (question.kind === 'text') return typeof answer === 'string' && answer.length > 0;
  return (
    typeof answer === 'number' && Number.isInteger(answer) && answer >= 0 && answer < optionCount(question)
  );
}

/**
 * One step forward: the answer (or a skip — the same statement) to question `question`. The row moves
 * only if the person is at that question (a tap on an old message changes nothing); the statement
 * carries no answer. The answer goes to this process's memory; at the last question the held answers
 * become a ballot of the person's (survey, unit), detached from them.
 */
export async function stepSurvey(
  deps: Pick<Deps, 'db'>,
  box: SurveyBox,
  input: { surveyId: number; personId: number; question: number; answer: Answer; now: Date },
): Promise<StepOutcome> {
  const { db } = deps;
  if (typeof input.answer === 'string' && input.answer.length > MAX_TEXT_ANSWER_LENGTH)
    return { kind: 'too_long', max: MAX_TEXT_ANSWER_LENGTH };
  // A survey's questions never change once it opens: this process keeps them. Status and closing
  // time are checked inside the statement below.
  const survey = box.surveyCached(input.surveyId) ?? (await findSurvey(db, input.surveyId));
  if (!survey) return { kind: 'unknown' };
  box.cacheSurvey(survey);
  const question = survey.questions[input.question];
  if (!question || !validAnswer(question, input.answer)) return explainStep(db, input, 'bad_answer');

  await box.ensureLease(db, input.now);
  const total = survey.questions.length;
  const next = input.question + 1;
  const holdsAlready = box.holds(survey.id, input.personId);
  const registered = box.isRegistered(survey.id);
  // One statement (atomic, one round trip), with no answer in it: the progress row moves only if the
  // person is at this question of an open survey, and this process marks itself as holding answers of the
  // survey (once: later steps touch no shared row).
  const result = await db.execute(sql`
    with cur as (
      select p.holder from survey_progress p join surveys s on s.id = p.survey_id
      where p.survey_id = ${survey.id} and p.person_id = ${input.personId}
        and p.question = ${input.question} and not p.finished
        and s.status = 'open' and s.closes_at > ${input.now.toISOString()}::timestamptz
      for update of p
    ), moved as (
      update survey_progress p set
        question = ${next}, finished = ${next >= total}, holder = ${box.processId},
        floor = case when cur.holder is distinct from ${box.processId} then ${input.question}::smallint else p.floor end
      from cur where p.survey_id = ${survey.id} and p.person_id = ${input.personId}
      returning p.unit_id, cur.holder as previous
    ), held as (
      insert into survey_holders (survey_id, process_id, held)
      select ${survey.id}, ${box.processId}, 1 from moved where not ${registered}::boolean
      on conflict (survey_id, process_id) do update set held = greatest(survey_holders.held, 1)
    )
    select unit_id, previous from moved`);
  const [row] = rowsOf<{ unit_id: number | string; previous: string | null }>(result);
  if (!row) return explainStep(db, input, 'stale');
  const kept = row.previous === box.processId;
  box.register(survey.id);
  // After the commit: the answer is in exactly one place, this process's memory.
  box.take(
    survey.id,
    input.personId,
    Number(row.unit_id),
    total,
    holdsAlready && kept ? total : input.question,
  );
  box.set(survey.id, input.personId, input.question, input.answer);
  if (next >= total) {
    await box.seal(db, sealInfo(survey), input.personId, { finished: true, now: input.now });
    return { kind: 'done', survey };
  }
  return { kind: 'next', survey, question: next };
}

/** Why a step changed nothing (the rare path): read fresh. */
async function explainStep(
  db: DbOrTx,
  input: { surveyId: number; personId: number; question: number; now: Date },
  otherwise: 'stale' | 'bad_answer',
): Promise<StepOutcome> {
  const survey = await findSurvey(db, input.surveyId);
  if (!survey) return { kind: 'unknown' };
  if (survey.status !== 'open' || survey.closesAt <= input.now) return { kind: 'closed' };
  const [progress] = await db
    .select()
    .from(surveyProgress)
    .where(and(eq(surveyProgress.surveyId, survey.id), eq(surveyProgress.personId, input.personId)));
  if (!progress) return { kind: 'not_started' };
  if (progress.finished) return { kind: 'finished' };
  if (progress.question !== input.question) return { kind: 'stale', survey, question: progress.question };
  return { kind: otherwise, survey, question: progress.question };
}

export type BackOutcome =
  | { kind: 'back'; survey: SurveyRow; question: number }
  | { kind: 'sealed'; survey: SurveyRow; question: number }
  | { kind: 'stale'; survey: SurveyRow; question: number }
  | { kind: 'finished' }
  | { kind: 'closed' }
  | { kind: 'unknown' }
  | { kind: 'not_started' };

/**
 * One step back, to change an answer: only to questions whose answers this process still holds
 * (`floor`, and the box): an answer already in a batch (after a restart) cannot be taken back.
 */
export async function backSurvey(
  deps: Pick<Deps, 'db'>,
  box: SurveyBox,
  input: { surveyId: number; personId: number; question: number; now: Date },
): Promise<BackOutcome> {
  const { db } = deps;
  const survey = await findSurvey(db, input.surveyId);
  if (!survey) return { kind: 'unknown' };
  if (survey.status !== 'open' || survey.closesAt <= input.now) return { kind: 'closed' };
  const [progress] = await db
    .select()
    .from(surveyProgress)
    .where(and(eq(surveyProgress.surveyId, survey.id), eq(surveyProgress.personId, input.personId)));
  if (!progress) return { kind: 'not_started' };
  if (progress.finished) return { kind: 'finished' };
  if (progress.question !== input.question) return { kind: 'stale', survey, question: progress.question };
  const target = input.question - 1;
  if (
    target < 0 ||
    target < progress.floor ||
    progress.holder !== box.processId ||
    !box.holds(survey.id, input.personId)
  )
    return { kind: 'sealed', survey, question: progress.question };
  const moved = await db
    .update(surveyProgress)
    .set({ question: target })
    .where(
      and(
        eq(surveyProgress.surveyId, survey.id),
        eq(surveyProgress.personId, input.personId),
        eq(surveyProgress.question, input.question),
        eq(surveyProgress.finished, false),
        eq(surveyProgress.holder, box.processId),
      ),
    )
    .returning({ question: surveyProgress.question });
  if (moved.length === 0) return { kind: 'stale', survey, question: progress.question };
  return { kind: 'back', survey, question: target };
}

/** What the box needs of a survey to hold and write its answers: per question, options and k. */
export function sealInfo(survey: Pick<SurveyRow, 'id' | 'minAnswers' | 'minTexts' | 'questions'>): SealInfo {
  return {
    id: survey.id,
    k: Math.max(survey.minAnswers, MIN_THRESHOLD),
    optionCounts: survey.questions.map(optionCount),
    thresholds: survey.questions.map((question) => thresholdOf(survey, question)),
  };
}

/** Surveys a person is in the middle of whose current question takes typed text. */
export async function awaitingText(db: DbOrTx, personId: number, now: Date) {
  const rows = await db
    .select({ survey: surveys, question: surveyProgress.question })
    .from(surveyProgress)
    .innerJoin(surveys, eq(surveys.id, surveyProgress.surveyId))
    .where(
      and(
        eq(surveyProgress.personId, personId),
        eq(surveyProgress.finished, false),
        eq(surveys.status, 'open'),
        gt(surveys.closesAt, now),
      ),
    );
  return rows.filter((row) => row.survey.questions[row.question]?.kind === 'text');
}

/** Open surveys a person could take (or resume), newest first. */
export async function openSurveysFor(db: DbOrTx, personId: number, now: Date): Promise<SurveyRow[]> {
  const open = await db
    .select()
    .from(surveys)
    .where(and(eq(surveys.status, 'open'), gt(surveys.closesAt, now)))
    .orderBy(sql`${surveys.id} desc`)
    .limit(20);
  if (open.length === 0) return [];
  const done = new Set(
    (
      await db
        .select({ id: surveyProgress.surveyId })
        .from(surveyProgress)
        .where(
          and(
            eq(surveyProgress.personId, personId),
            eq(surveyProgress.finished, true),
            inArray(
              surveyProgress.surveyId,
              open.map((s) => s.id),
            ),
          ),
        )
    ).map((row) => row.id),
  );
  const result: SurveyRow[] = [];
  for (const survey of open) {
    if (done.has(survey.id)) continue;
    if ((await audienceUnit(db, survey, personId)) !== null) result.push(survey);
  }
  return result;
}

/** Rows of a raw statement: PGlite returns `{ rows }`, postgres.js the array itself. */
export function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows?: T[] }).rows ?? []);
}
