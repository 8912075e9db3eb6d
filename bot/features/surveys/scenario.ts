import { eq } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../../db/client';
import { surveyTemplates } from '../../../db/schema';
import { nextCronRun } from '../../kernel/cron';
import type { ScenarioSurvey } from './scenario-schema';
import type { SurveyQuestion } from './types';

type SurveysSection = { surveys: readonly ScenarioSurvey[] };

export interface SurveyTemplateValues {
  title: string;
  questions: SurveyQuestion[];
  minAnswers: number;
  minTexts: number;
  active: boolean;
  bankSize: number | null;
  cron: string | null;
  audience: string[] | null;
  closesAfterMinutes: number | null;
}

export type SurveyTemplateChange =
  | { kind: 'create_survey_template'; key: string; values: SurveyTemplateValues }
  | { kind: 'update_survey_template'; key: string; fields: string[]; values: SurveyTemplateValues }
  /** The file no longer lists it: it can no longer be started; surveys already run keep their results. */
  | { kind: 'stop_survey_template'; key: string };

const FIELDS = [
  'title',
  'questions',
  'minAnswers',
  'minTexts',
  'active',
  'bankSize',
  'cron',
  'audience',
  'closesAfterMinutes',
] as const;

function valuesOf(survey: ScenarioSurvey): SurveyTemplateValues {
  return {
    title: survey.title,
    questions: (survey.questions ?? []).map((question) => ({
      kind: question.kind,
      text: question.text_en ? { vi: question.text, en: question.text_en } : { vi: question.text },
      ...(question.options ? { options: question.options } : {}),
    })),
    minAnswers: survey.min_answers,
    minTexts: survey.min_texts,
    active: true,
    bankSize: survey.bank_size ?? null,
    cron: survey.cron ?? null,
    audience: survey.audience ?? null,
    closesAfterMinutes: survey.closes_after ?? null,
  };
}

/** JSON with sorted keys: jsonb does not keep the order keys were written in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}

/** The file owns the templates it names: new keys are created, changed ones updated, missing ones stopped. */
export async function planSurveyTemplates(
  db: DbOrTx,
  scenario: SurveysSection,
): Promise<SurveyTemplateChange[]> {
  const existing = new Map((await db.select().from(surveyTemplates)).map((row) => [row.key, row]));
  const changes: SurveyTemplateChange[] = [];
  for (const survey of scenario.surveys) {
    const values = valuesOf(survey);
    const current = existing.get(survey.key);
    if (!current) {
      changes.push({ kind: 'create_survey_template', key: survey.key, values });
      continue;
    }
    const fields = FIELDS.filter((field) => canonical(current[field]) !== canonical(values[field]));
    if (fields.length > 0) changes.push({ kind: 'update_survey_template', key: survey.key, fields, values });
  }
  const inFile = new Set(scenario.surveys.map((survey) => survey.key));
  for (const row of existing.values()) {
    if (row.active && !inFile.has(row.key)) changes.push({ kind: 'stop_survey_template', key: row.key });
  }
  return changes;
}

/** Writes one template change in the apply transaction; a new or rescheduled recurring one runs from `now`. */
export async function applySurveyTemplateChange(
  tx: Tx,
  change: SurveyTemplateChange,
  options: { now: Date; timezone: string },
): Promise<void> {
  if (change.kind === 'stop_survey_template') {
    await tx
      .update(surveyTemplates)
      .set({ active: false, nextRunAt: null })
      .where(eq(surveyTemplates.key, change.key));
    return;
  }
  const { cron } = change.values;
  const nextRunAt = cron ? nextCronRun(cron, options.now, options.timezone) : null;
  if (change.kind === 'create_survey_template') {
    await tx.insert(surveyTemplates).values({ key: change.key, ...change.values, nextRunAt });
    return;
  }
  const reschedule = change.fields.includes('cron') || change.fields.includes('active');
  await tx
    .update(surveyTemplates)
    .set({ ...change.values, ...(reschedule ? { nextRunAt } : {}) })
    .where(eq(surveyTemplates.key, change.key));
}
