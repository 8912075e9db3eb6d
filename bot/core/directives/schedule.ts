import cron from 'node-cron';

/**
 * Directive schedules: a one-off `at`, or a five-field cron between `startsAt` and `endsAt`,
 * evaluated in the organisation's time zone. Day-of-month and day-of-week must both match, as in
 * node-cron (which only ticks; occurrences are computed here so they can be stored and caught up).
 */
export type Schedule =
  | { kind: 'at'; at: Date }
  | { kind: 'cron'; cron: string; startsAt: Date; endsAt: Date | null; timezone: string };

interface CronFields {
  minute: number[];
  hour: number[];
  dayOfMonth: number[];
  month: number[];
  dayOfWeek: number[];
}

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

function fieldsOf(expression: string): CronFields {
  const parsed = cron.parse(expression);
  return {
    minute: parsed.minute,
    hour: parsed.hour,
    dayOfMonth: parsed.dayOfMonth as number[],
    month: parsed.month,
    dayOfWeek: (parsed.dayOfWeek as number[]).map((d) => d % 7),
  };
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

export function localParts(date: Date, timezone: string): LocalParts {
  let formatter = formatters.get(timezone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timezone, formatter);
  }
  const parts = Object.fromEntries(formatter.formatToParts(date).map((p) => [p.type, Number(p.value)]));
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  };
}

/** The instant at which the wall clock of `timezone` shows the given local time. */
export function zonedTime(
  timezone: string,
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
): Date {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  let guess = wall;
  for (let i = 0; i < 3; i++) {
    const p = localParts(new Date(guess), timezone);
    const shown = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    if (shown === wall) break;
    guess += wall - shown;
  }
  return new Date(guess);
}

const DAY_MS = 86_400_000;
/** Far enough for a yearly cron; a schedule with nothing in this horizon has no next occurrence. */
const HORIZON_DAYS = 800;

/** The first cron occurrence strictly after `after`, or null. */
function nextCron(fields: CronFields, after: Date, timezone: string, endsAt: Date | null): Date | null {
  const start = localParts(after, timezone);
  let day = Date.UTC(start.year, start.month - 1, start.day);
  for (let i = 0; i < HORIZON_DAYS; i++, day += DAY_MS) {
    const date = new Date(day);
    const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
    if (endsAt && zonedTime(timezone, y, m, d) > endsAt) return null;
    if (!fields.month.includes(m) || !fields.dayOfMonth.includes(d)) continue;
    if (!fields.dayOfWeek.includes(date.getUTCDay())) continue;
    for (const hour of fields.hour) {
      for (const minute of fields.minute) {
        const candidate = zonedTime(timezone, y, m, d, hour, minute);
        if (candidate <= after) continue;
        return endsAt && candidate > endsAt ? null : candidate;
      }
    }
  }
  return null;
}

/** The first occurrence strictly after `after`, or null when the schedule is over. */
export function nextOccurrence(schedule: Schedule, after: Date): Date | null {
  if (schedule.kind === 'at') return schedule.at > after ? schedule.at : null;
  const from = new Date(Math.max(after.getTime(), schedule.startsAt.getTime() - 1));
  return nextCron(fieldsOf(schedule.cron), from, schedule.timezone, schedule.endsAt);
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

const DURATION = /^(\d+)\s*(s|m|h|d)$/;
const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** "30s", "90m", "48h", "2d" → seconds; null when not a duration. */
export function parseDuration(text: string): number | null {
  const match = DURATION.exec(text.trim());
  if (!match) return null;
  return Number(match[1]) * UNIT_SECONDS[match[2] as keyof typeof UNIT_SECONDS];
}

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?(Z|[+-]\d{2}:\d{2})?$/;

export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  hasTime: boolean;
  /** "Z" or "+07:00" when written; otherwise the organisation's time zone applies. */
  offset?: string;
}

/** "2024-03-15", "2024-03-15 08:00", "2024-03-15T08:00:00+07:00"; null when not a real date-time. */
export function parseLocalDateTime(text: string): LocalDateTime | null {
  const m = LOCAL_DATE_TIME.exec(text.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((v) =>
    Number(v ?? 0),
  ) as [number, number, number, number, number, number];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  return { year, month, day, hour, minute, second, hasTime: m[4] !== undefined, offset: m[7] };
}

/** The instant of a parsed date-time; `endOfDay` makes a date without time mean its last moment. */
export function toInstant(value: LocalDateTime, timezone: string, endOfDay = false): Date {
  const { year, month, day } = value;
  const [hour, minute, second] =
    !value.hasTime && endOfDay ? [23, 59, 59] : [value.hour, value.minute, value.second];
  if (value.offset) {
    const utc = Date.UTC(year, month - 1, day, hour, minute, second);
    if (value.offset === 'Z') return new Date(utc);
    const sign = value.offset.startsWith('-') ? -1 : 1;
    const [oh, om] = value.offset.slice(1).split(':').map(Number) as [number, number];
    return new Date(utc - sign * (oh * 60 + om) * 60_000);
  }
  return zonedTime(timezone, year, month, day, hour, minute, second);
}

/** "15/03/2024 08:00" in the organisation's time zone. */
export function formatLocal(date: Date, timezone: string): string {
  const p = localParts(date, timezone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(p.day)}/${two(p.month)}/${p.year} ${two(p.hour)}:${two(p.minute)}`;
}
