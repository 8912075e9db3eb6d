import type { SurveyQuestion, SurveyQuestionKind, surveys } from '../../../db/schema';

export type { SurveyQuestion, SurveyQuestionKind };
export type SurveyRow = typeof surveys.$inferSelect;

/** Button data prefixes (Telegram callback_data ≤ 64 bytes: "sva:123456:19:10" is far below). */
export const ANSWER_PREFIX = 'sva';
export const BACK_PREFIX = 'svb';
/** The "take the survey" button in a unit's group, and the survey list in a DM. */
export const START_PREFIX = 'svgo';
/** What the skip button carries instead of an option. */
export const SKIP = 's';

export const MAX_QUESTIONS = 20;
export const MIN_OPTIONS = 2;
export const MAX_OPTIONS = 10;
export const MAX_QUESTION_LENGTH = 300;
export const MAX_OPTION_LENGTH = 60;
export const MAX_TEXT_ANSWER_LENGTH = 1000;
export const MAX_TITLE_LENGTH = 120;
export const DEFAULT_OPEN_MS = 72 * 60 * 60 * 1000;
export const MAX_OPEN_MS = 90 * 24 * 60 * 60 * 1000;
export const MIN_OPEN_MS = 10 * 60 * 1000;

/** The 1–5 scale, worst to best. */
export const SCALE_LABELS = ['1 😞', '2 🙁', '3 😐', '4 🙂', '5 😀'] as const;

/** How many answer values a question has (its counters); 0 for open text. */
export function optionCount(question: Pick<SurveyQuestion, 'kind' | 'options'>): number {
  switch (question.kind) {
    case 'scale':
      return 5;
    case 'yesno':
      return 2;
    case 'nps':
      return 11;
    case 'choice':
      return question.options?.length ?? 0;
    case 'text':
      return 0;
  }
}

/** An answer held in memory: an option index, a text, or null for a skipped question. */
export type Answer = number | string | null;
