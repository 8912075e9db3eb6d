import { z } from 'zod';
import { isSimpleCron } from '../../kernel/cron';
import { got, pattern, text, unitCode } from '../../kernel/fields';
import { type LocalDateTime, parseDateTimeParts, parseDuration } from '../../kernel/time';
import { TEMPLATE_NAMES } from './templates';

/** The `requests:` section: situation reports asked of the cells on a schedule (the monthly summary). */

const KEY = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

const date = z.string().transform((value, ctx): LocalDateTime => {
  const parsed = parseDateTimeParts(value);
  if (!parsed) {
    ctx.addIssue({ code: 'custom', message: `must be a date like 2027-04-01 ${got(value)}` });
    return z.NEVER;
  }
  return parsed;
});

export const requestScheduleSchema = z
  .strictObject({
    id: pattern(KEY).transform((id) => id.toUpperCase()),
    title: text,
    audience: z
      .array(unitCode)
      .nullish()
      .transform((list) => list ?? []),
    template: z
      .enum(TEMPLATE_NAMES as [string, ...string[]], {
        error: (issue) => `must be one of ${TEMPLATE_NAMES.join(', ')} ${got(issue.input)}`,
      })
      .default('thang'),
    cron: z.string().refine(isSimpleCron, {
      error: (issue) => `must be a cron pattern such as "0 8 1 * *" ${got(issue.input)}`,
    }),
    from: date.optional(),
    until: date.optional(),
    /** The deadline: before this day of the month (00:00), or this long after each request. */
    due_before_day: z.int().min(1).max(28).optional(),
    due_after: z
      .string()
      .transform((value, ctx) => {
        const ms = parseDuration(value);
        if (ms === undefined || ms <= 0 || ms > 30 * 86_400_000) {
          ctx.addIssue({
            code: 'custom',
            message: `must be a duration like 48h or 4d, at most 30d ${got(value)}`,
          });
          return z.NEVER;
        }
        return ms / 1000;
      })
      .optional(),
  })
  .superRefine((request, ctx) => {
    if ((request.due_before_day === undefined) === (request.due_after === undefined))
      ctx.addIssue({
        code: 'custom',
        path: ['due_before_day'],
        message: 'give exactly one of due_before_day (e.g. 5: before the 5th) or due_after (e.g. 4d)',
      });
  });

export type ScenarioRequest = z.output<typeof requestScheduleSchema>;
