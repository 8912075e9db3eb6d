import { z } from 'zod';
import { MAX_THRESHOLD, MIN_ANSWERS, MIN_COMMENTS, MIN_THRESHOLD } from '../../kernel/anonymity';
import { pattern, text } from '../../kernel/fields';
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

export const surveyTemplateSchema = z.strictObject({
  key: pattern(SURVEY_KEY_PATTERN),
  title: text.pipe(
    z.string().max(MAX_TITLE_LENGTH, { error: `must be at most ${MAX_TITLE_LENGTH} characters` }),
  ),
  questions: z
    .array(questionSchema)
    .min(1, { error: 'must list at least one question' })
    .max(MAX_QUESTIONS, { error: `must list at most ${MAX_QUESTIONS} questions` }),
  min_answers: threshold(MIN_ANSWERS),
  min_texts: threshold(MIN_COMMENTS),
});

export type ScenarioSurvey = z.output<typeof surveyTemplateSchema>;
