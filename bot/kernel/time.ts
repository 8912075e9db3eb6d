const HOUR_MS = 60 * 60 * 1000;

/** Rounds down to the hour: the only precision at which Pulse stores when an answer was given. */
export function floorToHour(date: Date): Date {
  return new Date(Math.floor(date.getTime() / HOUR_MS) * HOUR_MS);
}

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday. */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock reading of `date` in `timeZone`. */
export function localParts(date: Date, timeZone: string): LocalParts {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(timeZone).formatToParts(date)) parts[part.type] = part.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS.indexOf(parts.weekday ?? ''),
  };
}

/** The instant at which clocks in `timeZone` read the given wall time (the later one across a DST gap). */
export function zonedTimeToUtc(
  wall: Omit<LocalParts, 'weekday' | 'second'> & { second?: number },
  timeZone: string,
): Date {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second ?? 0);
  let guess = asUtc;
  for (let i = 0; i < 3; i++) {
    const seen = localParts(new Date(guess), timeZone);
    const seenAsUtc = Date.UTC(seen.year, seen.month - 1, seen.day, seen.hour, seen.minute, seen.second);
    const drift = seenAsUtc - asUtc;
    if (drift === 0) break;
    guess -= drift;
  }
  return new Date(guess);
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * The one form of a date and time in everything Pulse shows a person, in every language and on every
 * platform (the sandbox page too): "17:00 01/12/2026", 24 hours, day first, in the organisation's time
 * zone (BOT_TIMEZONE, Asia/Ho_Chi_Minh by default). Always with the year, even for this year's times.
 */
export function formatDateTime(date: Date, timeZone: string): string {
  const p = localParts(date, timeZone);
  return `${pad(p.hour)}:${pad(p.minute)} ${formatParts(p)}`;
}

/** "01/12/2026": a day without its time, in the given time zone. */
export function formatDate(date: Date, timeZone: string): string {
  return formatParts(localParts(date, timeZone));
}

/** "01/12": only where the year is written next to it (a chart's axis, a trend under a dated title). */
export function formatDayMonth(date: Date, timeZone: string): string {
  const p = localParts(date, timeZone);
  return `${pad(p.day)}/${pad(p.month)}`;
}

const formatParts = (p: LocalParts) => `${pad(p.day)}/${pad(p.month)}/${p.year}`;

const DURATION = /^(\d{1,6})\s*(s|m|min|h|d)$/i;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, min: 60_000, h: HOUR_MS, d: 24 * HOUR_MS };

/** "30s", "90m", "24h", "3d" → milliseconds; undefined when the text is not such a duration. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2]!.toLowerCase()]!;
}

const LOCAL_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?(Z|[+-]\d{2}:\d{2})?$/;

export interface LocalDateTime extends Omit<LocalParts, 'weekday'> {
  hasTime: boolean;
  /** "Z" or "+07:00" when written; otherwise the organisation's time zone applies. */
  offset?: string;
}

/** "2024-03-15", "2024-03-15 08:00", "2024-03-15T08:00:00+07:00"; undefined when not a real date-time. */
export function parseDateTimeParts(text: string): LocalDateTime | undefined {
  const m = LOCAL_DATE_TIME.exec(text.trim());
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((v) =>
    Number(v ?? 0),
  ) as [number, number, number, number, number, number];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  // Real UTC offsets run from -12:00 to +14:00 (so +99:99 is refused).
  if (m[7] && m[7] !== 'Z') {
    const [oh, om] = m[7].slice(1).split(':').map(Number) as [number, number];
    if (oh > 14 || om > 59 || (oh === 14 && om > 0)) return undefined;
  }
  return { year, month, day, hour, minute, second, hasTime: m[4] !== undefined, offset: m[7] };
}

/** The instant of a parsed date-time; `endOfDay` makes a date without time mean its last moment. */
export function toInstant(value: LocalDateTime, timeZone: string, endOfDay = false): Date {
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
  return zonedTimeToUtc({ year, month, day, hour, minute, second }, timeZone);
}

/**
 * A date and time the user wrote ("2026-12-01T17:00", "2026-12-01 17:00", with an optional offset),
 * read in `timeZone`; undefined when malformed, not a real date, or a date without a time.
 */
export function parseLocalDateTime(text: string, timeZone: string): Date | undefined {
  const parts = parseDateTimeParts(text);
  return parts?.hasTime ? toInstant(parts, timeZone) : undefined;
}
