import { localParts, zonedTimeToUtc } from '../../../kernel/time';
import type { Period } from '../model';

/**
 * `week`, `month`, `quarter`: the last complete one (scheduled reports, the committee's monthly
 * summary); `{ current }`: the current one so far, today included (`/report`'s default is the
 * current week); `{ from, to }`: those days, both included.
 */
export type PeriodRequest =
  | 'week'
  | 'month'
  | 'quarter'
  | { current: 'day' | 'week' | 'month' | 'quarter' }
  | { from: string; to: string };

const DAY_MS = 24 * 60 * 60 * 1000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const midnight = (year: number, month: number, day: number, timeZone: string) =>
  zonedTimeToUtc({ year, month, day, hour: 0, minute: 0 }, timeZone);

/** Adds calendar days to a local date (month and year overflow handled by Date.UTC). */
function shiftDays(year: number, month: number, day: number, days: number) {
  const d = new Date(Date.UTC(year, month - 1, day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** "2024-02-30" is not a date: the parts must survive a round trip. */
export function parseLocalDate(text: string): { year: number; month: number; day: number } | null {
  const match = DATE.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() + 1 !== month || d.getUTCDate() !== day) return null;
  return { year, month, day };
}

/**
 * The last complete calendar period before `now` in `timeZone` (Monday-to-Sunday week, month,
 * quarter), or the given dates (both inclusive). A report covers finished periods, like the
 * committee's paper reports; a custom range covers anything else. Null for a range that is not
 * two valid dates in order.
 */
export function resolvePeriod(request: PeriodRequest, now: Date, timeZone: string): Period | null {
  if (typeof request === 'object' && 'current' in request)
    return currentPeriod(request.current, now, timeZone);
  if (typeof request === 'object') {
    const from = parseLocalDate(request.from);
    const to = parseLocalDate(request.to);
    if (!from || !to) return null;
    const end = shiftDays(to.year, to.month, to.day, 1);
    const period = {
      kind: 'custom' as const,
      from: midnight(from.year, from.month, from.day, timeZone),
      to: midnight(end.year, end.month, end.day, timeZone),
    };
    return period.from < period.to ? period : null;
  }
  const today = localParts(now, timeZone);
  if (request === 'week') {
    const sinceMonday = (today.weekday + 6) % 7;
    const start = shiftDays(today.year, today.month, today.day, -sinceMonday - 7);
    const end = shiftDays(start.year, start.month, start.day, 7);
    return {
      kind: 'week',
      from: midnight(start.year, start.month, start.day, timeZone),
      to: midnight(end.year, end.month, end.day, timeZone),
    };
  }
  const months = request === 'month' ? 1 : 3;
  const currentStart = Math.floor((today.month - 1) / months) * months;
  const fromIndex = today.year * 12 + currentStart - months;
  const toIndex = fromIndex + months;
  return {
    kind: request,
    from: midnight(Math.floor(fromIndex / 12), (fromIndex % 12) + 1, 1, timeZone),
    to: midnight(Math.floor(toIndex / 12), (toIndex % 12) + 1, 1, timeZone),
  };
}

/** The current day, week, month or quarter in `timeZone`, from its first day to the end of today. */
function currentPeriod(kind: 'day' | 'week' | 'month' | 'quarter', now: Date, timeZone: string): Period {
  const today = localParts(now, timeZone);
  const tomorrow = shiftDays(today.year, today.month, today.day, 1);
  let start = { year: today.year, month: today.month, day: today.day };
  if (kind === 'week') start = shiftDays(today.year, today.month, today.day, -((today.weekday + 6) % 7));
  if (kind === 'month') start = { year: today.year, month: today.month, day: 1 };
  if (kind === 'quarter')
    start = { year: today.year, month: Math.floor((today.month - 1) / 3) * 3 + 1, day: 1 };
  return {
    kind,
    from: midnight(start.year, start.month, start.day, timeZone),
    to: midnight(tomorrow.year, tomorrow.month, tomorrow.day, timeZone),
    soFar: true,
  };
}

/** The days since `from` to `to` in whole local days. */
const daysOf = (period: { from: Date; to: Date }) =>
  Math.round((period.to.getTime() - period.from.getTime()) / DAY_MS);

/**
 * A period so far compared with the same days of the one before: yesterday; Monday to the same
 * weekday of last week; the first days of the previous month or quarter, as many (at most all).
 */
function previousSoFar(period: Period, timeZone: string): Period {
  const days = daysOf(period);
  const start = localParts(period.from, timeZone);
  let from: { year: number; month: number; day: number };
  let whole: number;
  if (period.kind === 'month' || period.kind === 'quarter') {
    const months = period.kind === 'month' ? 1 : 3;
    const index = start.year * 12 + start.month - 1 - months;
    from = { year: Math.floor(index / 12), month: (index % 12) + 1, day: 1 };
    whole = daysOf({ from: midnight(from.year, from.month, 1, timeZone), to: period.from });
  } else {
    from = shiftDays(start.year, start.month, start.day, period.kind === 'day' ? -1 : -7);
    whole = days;
  }
  const end = shiftDays(from.year, from.month, from.day, Math.min(days, whole));
  return {
    kind: period.kind,
    from: midnight(from.year, from.month, from.day, timeZone),
    to: midnight(end.year, end.month, end.day, timeZone),
    soFar: true,
  };
}

/** The period of the same kind just before: the previous week, month or quarter, or as many days. */
export function previousPeriod(period: Period, timeZone: string): Period {
  if (period.soFar) return previousSoFar(period, timeZone);
  if (period.kind === 'month' || period.kind === 'quarter') {
    const months = period.kind === 'month' ? 1 : 3;
    const start = localParts(period.from, timeZone);
    const index = start.year * 12 + start.month - 1 - months;
    return {
      kind: period.kind,
      from: midnight(Math.floor(index / 12), (index % 12) + 1, 1, timeZone),
      to: period.from,
    };
  }
  const days = Math.round((period.to.getTime() - period.from.getTime()) / DAY_MS);
  const start = localParts(period.from, timeZone);
  const before = shiftDays(start.year, start.month, start.day, -days);
  return {
    kind: period.kind,
    from: midnight(before.year, before.month, before.day, timeZone),
    to: period.from,
  };
}

/**
 * Trend buckets: weeks for up to a quarter (at least eight, reaching back before a short period),
 * else months. Weeks run Monday to Sunday (as in Vietnam), whatever day the period ends on: the last
 * one is the week holding the period's last day.
 */
export function trendBuckets(
  period: Period,
  timeZone: string,
): { granularity: 'week' | 'month'; buckets: { from: Date; to: Date }[] } {
  const days = (period.to.getTime() - period.from.getTime()) / DAY_MS;
  if (days <= 100) {
    const last = localParts(new Date(period.to.getTime() - 1), timeZone);
    const end = shiftDays(last.year, last.month, last.day, 7 - ((last.weekday + 6) % 7));
    const first = localParts(period.from, timeZone);
    const sinceMonday = (first.weekday + 6) % 7;
    const span =
      (Date.UTC(end.year, end.month - 1, end.day) - Date.UTC(first.year, first.month - 1, first.day)) /
      DAY_MS;
    const weeks = Math.max(8, Math.ceil((span + sinceMonday) / 7));
    const buckets: { from: Date; to: Date }[] = [];
    for (let i = weeks; i > 0; i--) {
      const a = shiftDays(end.year, end.month, end.day, -7 * i);
      const b = shiftDays(end.year, end.month, end.day, -7 * (i - 1));
      buckets.push({
        from: midnight(a.year, a.month, a.day, timeZone),
        to: midnight(b.year, b.month, b.day, timeZone),
      });
    }
    return { granularity: 'week', buckets };
  }
  const start = localParts(period.from, timeZone);
  const buckets: { from: Date; to: Date }[] = [];
  let index = start.year * 12 + start.month - 1;
  let from = period.from;
  while (from < period.to) {
    index++;
    const next = midnight(Math.floor(index / 12), (index % 12) + 1, 1, timeZone);
    const to = new Date(Math.min(next.getTime(), period.to.getTime()));
    buckets.push({ from, to });
    from = to;
  }
  return { granularity: 'month', buckets };
}
