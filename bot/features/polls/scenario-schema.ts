import { z } from 'zod';
import { MAX_THRESHOLD, MIN_ANSWERS, MIN_COMMENTS, MIN_THRESHOLD } from '../../kernel/anonymity';
import { isSimpleCron } from '../../kernel/cron';
import { got, pattern, text, unitCode } from '../../kernel/fields';
import { parseDuration } from '../../kernel/time';
import { MAX_OPTION_LENGTH, MAX_OPTIONS, MAX_QUESTION_LENGTH, MIN_OPTIONS } from './types';

/** The `polls:` section: recurring anonymous pulses. */

const POLL_KEY_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;

const threshold = (fallback: number) =>
  z
    .int({ error: 'must be a whole number' })
    .min(MIN_THRESHOLD, { error: `must be at least ${MIN_THRESHOLD}: fewer answers cannot stay anonymous` })
    .max(MAX_THRESHOLD, { error: `must be at most ${MAX_THRESHOLD}` })
    .default(fallback);

const MIN_OPEN_MINUTES = 10;
const MAX_OPEN_MINUTES = 90 * 24 * 60;

/** A recurring pulse: each time `cron` fires, a poll goes to the audience and closes `closes_after` later. */
export const pollSeriesSchema = z
  .strictObject({
    key: pattern(POLL_KEY_PATTERN),
    question: text.pipe(
      z.string().max(MAX_QUESTION_LENGTH, { error: `must be at most ${MAX_QUESTION_LENGTH} characters` }),
    ),
    kind: z.enum(['scale', 'yesno', 'choice']).default('scale'),
    options: z
      .array(
        text.pipe(
          z.string().max(MAX_OPTION_LENGTH, { error: `must be at most ${MAX_OPTION_LENGTH} characters` }),
        ),
      )
      .optional(),
    audience: z.array(unitCode).min(1, { error: 'must list at least one unit code' }),
    dm: z.boolean().default(false),
    comments: z.boolean().default(false),
    cron: z.string().refine(isSimpleCron, {
      error: (issue) =>
        `must be a cron pattern such as "0 8 * * 1" (minute hour day month weekday; no L or #) ${got(issue.input)}`,
    }),
    closes_after: z.string().transform((value, ctx) => {
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
    }),
    min_answers: threshold(MIN_ANSWERS),
    min_comments: threshold(MIN_COMMENTS),
  })
  .superRefine((poll, ctx) => {
    if (poll.kind === 'choice') {
      const count = poll.options?.length ?? 0;
      if (count < MIN_OPTIONS || count > MAX_OPTIONS) {
        ctx.addIssue({
          code: 'custom',
          path: ['options'],
          message: `a choice poll needs ${MIN_OPTIONS} to ${MAX_OPTIONS} options (got ${count})`,
        });
      } else if (new Set(poll.options).size !== count) {
        ctx.addIssue({ code: 'custom', path: ['options'], message: 'must not repeat an option' });
      }
    } else if (poll.options !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['options'],
        message: `only a choice poll has options (a ${poll.kind} poll's answers are fixed)`,
      });
    }
  });

export type ScenarioPoll = z.output<typeof pollSeriesSchema>;
