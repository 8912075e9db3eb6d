import cron from 'node-cron';
import { localParts, zonedTimeToUtc } from './time';

/** Two years of days: enough for any pattern that matches at all (29 February included). */
const MAX_DAYS = 366 * 8;

/**
 * Plain five- or six-field patterns: numbers, ranges, lists and steps (what node-cron's parser
 * reduces to lists of numbers). Names (MON, JAN) are accepted too; "L" and "#" are not.
 */
export function isSimpleCron(pattern: string): boolean {
  if (!cron.validate(pattern)) return false;
  const fields = cron.parse(pattern);
  return [fields.dayOfMonth, fields.dayOfWeek].every((list) => list.every((v) => typeof v === 'number'));
}

/**
 * The first time strictly after `after` at which `pattern` fires in `timeZone`, with node-cron's
 * semantics (day of month AND day of week must both match). Throws for patterns `isSimpleCron` refuses.
 */
export function nextCronRun(pattern: string, after: Date, timeZone: string): Date {
  if (!isSimpleCron(pattern)) throw new Error(`unsupported cron pattern "${pattern}"`);
  const fields = cron.parse(pattern);
  const seconds = [...fields.second].sort((a, b) => a - b);
  const minutes = [...fields.minute].sort((a, b) => a - b);
  const hours = [...fields.hour].sort((a, b) => a - b);
  const days = new Set(fields.dayOfMonth as number[]);
  const weekdays = new Set((fields.dayOfWeek as number[]).map((d) => d % 7));
  const months = new Set(fields.month);

  const start = localParts(after, timeZone);
  const cursor = new Date(Date.UTC(start.year, start.month - 1, start.day));
  for (let i = 0; i < MAX_DAYS; i++, cursor.setUTCDate(cursor.getUTCDate() + 1)) {
    const year = cursor.getUTCFullYear();
    const month = cursor.getUTCMonth() + 1;
    const day = cursor.getUTCDate();
    if (!months.has(month) || !days.has(day) || !weekdays.has(cursor.getUTCDay())) continue;
    for (const hour of hours) {
      for (const minute of minutes) {
        for (const second of seconds) {
          const at = zonedTimeToUtc({ year, month, day, hour, minute, second }, timeZone);
          if (at.getTime() > after.getTime()) return at;
        }
      }
    }
  }
  throw new Error(`cron pattern "${pattern}" never fires`);
}
