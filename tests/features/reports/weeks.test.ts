import { describe, expect, it } from 'vitest';
import { previousPeriod, resolvePeriod, trendBuckets } from '../../../bot/features/reports/collect/period';
import { parseReportArgs } from '../../../bot/features/reports/commands/report';
import { localParts } from '../../../bot/kernel/time';

const ZONE = 'Asia/Ho_Chi_Minh';
const local = (date: Date) => {
  const p = localParts(date, ZONE);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')} ${p.hour}:${p.minute} w${p.weekday}`;
};

// Weeks start on Monday in Vietnam: a chart whose weeks ran Thursday to Wednesday plotted data of
// 02/12 at "26/11".
describe('trend weeks run Monday to Sunday', () => {
  it('for a period ending on a Wednesday, every bucket starts on a Monday at midnight', () => {
    const period = resolvePeriod({ from: '2026-11-26', to: '2026-12-02' }, new Date(), ZONE)!;
    const { granularity, buckets } = trendBuckets(period, ZONE);
    expect(granularity).toBe('week');
    expect(buckets.length).toBeGreaterThanOrEqual(8);
    for (const bucket of buckets) expect(local(bucket.from)).toMatch(/ 0:0 w1$/);
    // 02/12 falls in the last bucket, labelled with its Monday, 30/11.
    const last = buckets.at(-1)!;
    expect(local(last.from)).toBe('2026-11-30 0:0 w1');
    expect(local(last.to)).toBe('2026-12-07 0:0 w1');
    // The period's first day is covered too.
    expect(buckets[0]!.from.getTime()).toBeLessThanOrEqual(period.from.getTime());
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.from).toEqual(buckets[i - 1]!.to);
  });

  it('a week report is unchanged: eight weeks ending with the reported one', () => {
    const period = resolvePeriod('week', new Date('2026-12-02T05:00:00Z'), ZONE)!;
    const { buckets } = trendBuckets(period, ZONE);
    expect(buckets).toHaveLength(8);
    expect(buckets.at(-1)).toEqual({ from: period.from, to: period.to });
  });
});

// A plain /report during a crisis used to cover last week and show zeros: it now covers the
// current week so far, against the same days of last week.
describe('periods so far', () => {
  const now = new Date('2026-12-02T05:00:00Z'); // Wednesday 02/12, 12:00 in Hà Nội
  const day = (date: Date) => local(date).slice(0, 10);
  const of = (current: 'day' | 'week' | 'month' | 'quarter') => {
    const period = resolvePeriod({ current }, now, ZONE)!;
    const before = previousPeriod(period, ZONE);
    return [day(period.from), day(period.to), day(before.from), day(before.to)];
  };

  it('today, this week, this month and this quarter include today; each compares the same days before', () => {
    expect(of('day')).toEqual(['2026-12-02', '2026-12-03', '2026-12-01', '2026-12-02']);
    expect(of('week')).toEqual(['2026-11-30', '2026-12-03', '2026-11-23', '2026-11-26']);
    expect(of('month')).toEqual(['2026-12-01', '2026-12-03', '2026-11-01', '2026-11-03']);
    expect(of('quarter')).toEqual(['2026-10-01', '2026-12-03', '2026-07-01', '2026-09-02']);
  });

  it('the same days of a shorter month stop at its end', () => {
    const period = resolvePeriod({ current: 'month' }, new Date('2027-03-31T05:00:00Z'), ZONE)!;
    const before = previousPeriod(period, ZONE);
    expect([day(before.from), day(before.to)]).toEqual(['2027-02-01', '2027-03-01']);
  });

  it('/report reads today|week|month|quarter as so far and last-… as the last complete period', () => {
    expect(parseReportArgs('')?.period).toEqual({ current: 'week' });
    expect(parseReportArgs('--period today')?.period).toEqual({ current: 'day' });
    expect(parseReportArgs('--period last-month')?.period).toBe('month');
    expect(parseReportArgs('--period yesterday')).toBeNull();
  });
});
