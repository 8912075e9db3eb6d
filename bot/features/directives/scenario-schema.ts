import { z } from 'zod';
import { got, pattern, text, unitCode } from '../../kernel/fields';
import { type LocalDateTime, parseDateTimeParts, parseDuration } from '../../kernel/time';
import { cronProblem } from './schedule';

/** The `directives:` section: the year's key tasks, each pushed to unit chats on a schedule. */

export const DIRECTIVE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
const MAX_REMIND_SECONDS = 30 * 86_400;

const dateTime = (needsTime: boolean) =>
  z
    .string({ error: (issue) => `must be a date-time like 2024-03-15 08:00 ${got(issue.input)}` })
    .transform((value, ctx): LocalDateTime => {
      const parsed = parseDateTimeParts(value);
      if (!parsed || (needsTime && !parsed.hasTime)) {
        ctx.addIssue({
          code: 'custom',
          message: needsTime
            ? `must be a date and time like 2024-03-15 08:00 (local time) or 2024-03-15T08:00+07:00 ${got(value)}`
            : `must be a date like 2024-04-01 or a date-time like 2024-04-01 08:00 ${got(value)}`,
        });
        return z.NEVER;
      }
      return parsed;
    });

const MAX_AFTER_MS = 30 * 86_400_000;

/**
 * Exactly one of `at` (one-off), `after` (one-off, that long after the file first creates the
 * directive: a demo that stays true whenever it is seeded) or `cron` (recurring, optionally between
 * `from` and `until`).
 */
const scheduleSchema = z
  .strictObject({
    at: dateTime(true).optional(),
    after: z
      .string()
      .transform((value, ctx) => {
        const ms = parseDuration(value);
        if (ms === undefined || ms <= 0 || ms > MAX_AFTER_MS) {
          ctx.addIssue({
            code: 'custom',
            message: `must be a duration like 5m, 2h or 1d, at most 30d ${got(value)}`,
          });
          return z.NEVER;
        }
        return ms;
      })
      .optional(),
    cron: z
      .string()
      .superRefine((value, ctx) => {
        const problem = cronProblem(value);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional(),
    from: dateTime(false).optional(),
    until: dateTime(false).optional(),
  })
  .superRefine((schedule, ctx) => {
    const report = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    const oneOff = schedule.at !== undefined || schedule.after !== undefined;
    if (schedule.at && schedule.after !== undefined) report('after', 'use either at or after, not both');
    if (oneOff && schedule.cron) report('cron', 'use either at (one-off) or cron (recurring), not both');
    if (!oneOff && schedule.cron === undefined)
      ctx.addIssue({ code: 'custom', message: 'needs at: DATE TIME (one-off) or cron: "m h dom mon dow"' });
    if (oneOff && schedule.from) report('from', 'only goes with cron');
    if (oneOff && schedule.until) report('until', 'only goes with cron');
    if (schedule.from && schedule.until && !untilAfterFrom(schedule.from, schedule.until))
      report('until', 'must be after from');
  });

const percent = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const match = /^(\d+(?:\.\d+)?)\s*%$/.exec(String(value).trim());
  const fraction = match ? Number(match[1]) / 100 : Number(value);
  if (!Number.isFinite(fraction) || fraction <= 0 || fraction > 1) {
    ctx.addIssue({ code: 'custom', message: `must be a percentage like 80% ${got(value)}` });
    return z.NEVER;
  }
  return fraction;
});

export const directiveSchema = z
  .strictObject({
    id: pattern(DIRECTIVE_ID_PATTERN).transform((id) => id.toUpperCase()),
    title: text,
    body: text,
    source: text.optional(),
    audience: z
      .array(unitCode)
      .nullish()
      .transform((list) => list ?? []),
    schedule: scheduleSchema,
    ack: z.boolean().default(false),
    remind_after: z
      .string()
      .transform((value, ctx) => {
        const ms = parseDuration(value);
        const seconds = ms === undefined ? undefined : ms / 1000;
        if (seconds === undefined || seconds <= 0 || seconds > MAX_REMIND_SECONDS) {
          ctx.addIssue({
            code: 'custom',
            message: `must be a duration like 90m, 48h or 2d, at most 30d ${got(value)}`,
          });
          return z.NEVER;
        }
        return seconds;
      })
      .optional(),
    remind_below: percent.optional(),
  })
  .superRefine((directive, ctx) => {
    if (directive.remind_after !== undefined && !directive.ack) {
      ctx.addIssue({
        code: 'custom',
        path: ['remind_after'],
        message: 'needs ack: true (reminders go to groups whose acknowledgement rate is low)',
      });
    }
    if (directive.remind_below !== undefined && directive.remind_after === undefined) {
      ctx.addIssue({ code: 'custom', path: ['remind_below'], message: 'needs remind_after' });
    }
  });

export type ScenarioDirective = z.output<typeof directiveSchema>;

/** Compared as wall-clock values: both are in the organisation's zone unless an offset is written. */
function untilAfterFrom(from: LocalDateTime, until: LocalDateTime): boolean {
  const key = (v: LocalDateTime, end: boolean) =>
    Date.UTC(v.year, v.month - 1, v.day, ...(v.hasTime || !end ? [v.hour, v.minute] : [23, 59]));
  return key(until, true) > key(from, false);
}
