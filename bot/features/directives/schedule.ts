import cron from 'node-cron';
import { nextCronRun } from '../../kernel/cron';

/**
 * Directive schedules: a one-off `at`, or a five-field cron between `startsAt` and `endsAt`,
 * evaluated in the organisation's time zone. Day-of-month and day-of-week must both match, as in
 * node-cron (which only ticks; occurrences are computed here so they can be stored and caught up).
 */
export type Schedule =
  | { kind: 'at'; at: Date }
  | { kind: 'cron'; cron: string; startsAt: Date; endsAt: Date | null; timezone: string };

/** Why a cron expression cannot be used for a directive, or null when it can. */
export function cronProblem(expression: string): string | null {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) return `must have 5 fields (minute hour day month weekday) (got "${expression}")`;
  const detailed = cron.validateDetailed(expression);
  if (!detailed.valid) {
    const first = detailed.errors[0];
    return `invalid cron "${expression}": ${first?.field ?? ''} ${first?.message ?? ''}`.trim();
  }
  const parsed = cron.parse(expression);
  if ([...parsed.dayOfMonth, ...parsed.dayOfWeek].some((v) => typeof v !== 'number'))
    return `only numbers, ranges, lists and steps are supported (got "${expression}")`;
  if (parsed.minute.length !== 1)
    return `must fire at one minute of the hour: a directive is not sent more than hourly (got "${expression}")`;
  return null;
}

/** The first cron occurrence strictly after `after` and not after `endsAt`, or null. */
function nextCron(expression: string, after: Date, timezone: string, endsAt: Date | null): Date | null {
  let next: Date;
  try {
    next = nextCronRun(expression, after, timezone);
  } catch {
    return null; // a pattern that never fires (31 February): no occurrence at all
  }
  return endsAt && next > endsAt ? null : next;
}

/** The first occurrence strictly after `after`, or null when the schedule is over. */
export function nextOccurrence(schedule: Schedule, after: Date): Date | null {
  if (schedule.kind === 'at') return schedule.at > after ? schedule.at : null;
  const from = new Date(Math.max(after.getTime(), schedule.startsAt.getTime() - 1));
  return nextCron(schedule.cron, from, schedule.timezone, schedule.endsAt);
}

/** Occurrences in (after, until], oldest first. */
export function occurrencesBetween(schedule: Schedule, after: Date, until: Date): Date[] {
  const found: Date[] = [];
  for (
    let next = nextOccurrence(schedule, after);
    next && next <= until;
    next = nextOccurrence(schedule, next)
  )
    found.push(next);
  return found;
}
