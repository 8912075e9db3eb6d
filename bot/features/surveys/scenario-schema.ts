import { z } from 'zod';
import { MAX_THRESHOLD, MIN_ANSWERS, MIN_COMMENTS, MIN_THRESHOLD } from '../../kernel/anonymity';
import { isSimpleCron } from '../../kernel/cron';
import { got, pattern, text, unitCode } from '../../kernel/fields';
import { parseDuration } from '../../kernel/time';
import { QUESTION_BANK } from './bank';
import {
  MAX_OPTION_LENGTH,
  MAX_OPTIONS,
  MAX_QUESTION_LENGTH,
  MAX_QUESTIONS,
  MAX_TITLE_LENGTH,
  MIN_OPTIONS,
} from './types';

/** The `surveys:` section: survey templates that `/khaosat start KEY` opens. */

const SURVEY_KEY_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;

const threshold = (fallback: number) =>
  z
    .int({ error: 'must be a whole number' })
    .min(MIN_THRESHOLD, { error: `must be at least ${MIN_THRESHOLD}: fewer answers cannot stay anonymous` })
    .max(MAX_THRESHOLD, { error: `must be at most ${MAX_THRESHOLD}` })
    .default(fallback);

const questionText = text.pipe(
  z.string().max(MAX_QUESTION_LENGTH, { error: `must be at most ${MAX_QUESTION_LENGTH} characters` }),
);

const questionSchema = z
  .strictObject({
    kind: z.enum(['scale', 'yesno', 'choice', 'nps', 'text'], {
      error: 'must be one of scale (1–5), yesno, choice, nps (0–10), text',
    }),
    text: questionText,
    text_en: questionText.optional(),
    options: z
      .array(
        text.pipe(
          z.string().max(MAX_OPTION_LENGTH, { error: `must be at most ${MAX_OPTION_LENGTH} characters` }),
        ),
      )
      .optional(),
  })
  .superRefine((question, ctx) => {
    if (question.kind === 'choice') {
      const count = question.options?.length ?? 0;
      if (count < MIN_OPTIONS || count > MAX_OPTIONS) {
        ctx.addIssue({
          code: 'custom',
          path: ['options'],
          message: `a choice question needs ${MIN_OPTIONS} to ${MAX_OPTIONS} options (got ${count})`,
        });
      } else if (new Set(question.options).size !== count) {
        ctx.addIssue({ code: 'custom', path: ['options'], message: 'must not repeat an option' });
      }
    } else if (question.options !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['options'],
        message: `only a choice question has options (a ${question.kind} question's answers are fixed)`,
      });
    }
  });

const MIN_OPEN_MINUTES = 10;
const MAX_OPEN_MINUTES = 90 * 24 * 60;
const DEFAULT_OPEN_MINUTES = 72 * 60;
/** A bank pulse asks at most half the bank, so two runs in a row never repeat a question. */
const MAX_BANK_SIZE = Math.floor(QUESTION_BANK.length / 2);

export const surveyTemplateSchema = z
  .strictObject({
    key: pattern(SURVEY_KEY_PATTERN),
    title: text.pipe(
      z.string().max(MAX_TITLE_LENGTH, { error: `must be at most ${MAX_TITLE_LENGTH} characters` }),
    ),
    questions: z
      .array(questionSchema)
      .min(1, { error: 'must list at least one question' })
      .max(MAX_QUESTIONS, { error: `must list at most ${MAX_QUESTIONS} questions` })
      .optional(),
    /** Instead of questions: a pulse of this many questions of the bank, the next in rotation each run. */
    bank_size: z
      .int({ error: 'must be a whole number' })
      .min(1, { error: 'must be at least 1' })
      .max(MAX_BANK_SIZE, { error: `must be at most ${MAX_BANK_SIZE} (half the bank)` })
      .optional(),
    /** A recurring survey: each time `cron` fires, a run opens for `audience`, closing `closes_after` later. */
    cron: z
      .string()
      .refine(isSimpleCron, {
        error: (issue) =>
          `must be a cron pattern such as "0 8 * * 1" (minute hour day month weekday; no L or #) ${got(issue.input)}`,
      })
      .optional(),
    audience: z.array(unitCode).min(1, { error: 'must list at least one unit code' }).optional(),
    closes_after: z
      .string()
      .transform((value, ctx) => {
        const ms = parseDuration(value);
        const minutes = ms === undefined ? undefined : ms / 60_000;
        if (minutes === undefined || minutes < MIN_OPEN_MINUTES || minutes > MAX_OPEN_MINUTES) {
          ctx.addIssue({
            code: 'custom',
            message: `must be a duration from 10m to 90d, such as 90m, 48h or 3d ${got(value)}`,
          });
          return z.NEVER;
        }
        return minutes;
      })
      .optional(),
    min_answers: threshold(MIN_ANSWERS),
    min_texts: threshold(MIN_COMMENTS),
  })
  .superRefine((survey, ctx) => {
    if ((survey.questions === undefined) === (survey.bank_size === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['questions'],
        message: 'give either questions or bank_size (a pulse drawn from the question bank), not both',
      });
    if (survey.cron !== undefined && survey.audience === undefined)
      ctx.addIssue({ code: 'custom', path: ['audience'], message: 'a survey with a cron needs an audience' });
    for (const field of ['audience', 'closes_after'] as const)
      if (survey.cron === undefined && survey[field] !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: [field],
          message: 'only a recurring survey (with cron) has this',
        });
  })
  .transform((survey) => ({
    ...survey,
    closes_after: survey.closes_after ?? (survey.cron ? DEFAULT_OPEN_MINUTES : undefined),
  }));

export type ScenarioSurvey = z.output<typeof surveyTemplateSchema>;
