import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findUnitByCode } from '../../bot/features/org/units';
import { closeDuePolls } from '../../bot/features/polls/close';
import { type Figure, renderCsv, renderMarkdown, type SituationReport } from '../../bot/features/reports';
import { collectReport, resolvePeriod } from '../../bot/features/reports/collect';
import type { Period } from '../../bot/features/reports/model';
import { MIN_ANSWERS } from '../../bot/kernel/anonymity';
import { polls } from '../../db/schema';
import { tap } from '../features/polls/helpers';
import { ADMIN, buildWeek, GROUPS, pollId } from '../features/reports/world';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { command, dm, type Harness, message, user } from '../helpers/harness';

/**
 * Attacks on the published figures, as a collaborator or admin would run them with /report and
 * /results: a report before and after one tap on an open poll, reports over adjacent periods,
 * a unit's report against its parent's, and the results of a unit whose only member is its leader.
 */
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());

const k = MIN_ANSWERS;

const custom = (h: Harness, from: string, to: string): Period =>
  resolvePeriod({ from, to }, h.clock.now(), h.config.timezone)!;

async function report(h: Harness, code: string, period: Period): Promise<SituationReport> {
  const unit = (await findUnitByCode(h.deps.db, code))!;
  return collectReport(h.deps, { unit, period, locale: 'vi' });
}

const figureValue = (f: Figure) => (f.kind === 'value' ? f.value : null);

/** Every published (answers, sum of values) pair of a report: overall, per unit row, per topic. */
function published(r: SituationReport, label: string) {
  const pairs: { label: string; n: number; sum: number }[] = [];
  const add = (name: string, answers: Figure, mean: Figure) => {
    const n = figureValue(answers);
    if (n === null) return;
    pairs.push({ label: `${label} ${name}`, n, sum: n * (figureValue(mean) ?? 0) });
  };
  add('overall', r.pulses.overall.answers, r.pulses.overall.mean);
  for (const row of r.pulses.units) add(row.unit.code, row.answers, row.mean);
  for (const row of r.pulses.topics) add(row.topic.key, row.answers, row.mean);
  return pairs;
}

describe('published figures: one rule for every view', () => {
  it('a report before and after one more tap on an open poll shows no change; once closed it reports', async () => {
    const h = await buildWeek(database, { CB1: [4, 4, 4, 4, 4, 4], T1: [], CB2: [] }, { closePulse: false });
    const id = await pollId(database);
    h.clock.set(new Date('2024-03-12T05:00:00Z'));
    const today = custom(h, '2024-03-12', '2024-03-12');
    const before = await report(h, 'CTY', today);
    const csvBefore = renderCsv(before, 'vi');

    const late = user(300, 'Người chạm cuối');
    await h.handle(message(GROUPS.CB1, late, 'chào'));
    await h.handle(tap(GROUPS.CB1, late, `pa:${id}:0`));
    const after = await report(h, 'CTY', today);
    expect(after.pulses).toEqual(before.pulses);
    expect(after.trend.series).toEqual(before.trend.series);
    const strip = (csv: string) => csv.replace(/\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/g, '');
    expect(strip(renderCsv(after, 'vi'))).toEqual(strip(csvBefore));
    expect(figureValue(after.pulses.overall.answers)).toBe(0);

    // The feature still works: once closed, the poll counts in the period it closed in.
    h.clock.set(new Date('2024-03-13T03:00:00Z'));
    await closeDuePolls(h.deps, h.clock.now());
    const closed = await report(h, 'CTY', custom(h, '2024-03-13', '2024-03-13'));
    expect(figureValue(closed.pulses.overall.answers)).toBe(7);
    expect(figureValue(closed.pulses.overall.mean)).toBeCloseTo(25 / 7, 5);
  });

  it('a closed poll with one answer in a unit: no two periods, units or formats expose it', async () => {
    const h = await buildWeek(database, { CB1: [5], T1: [], CB2: [2, 2, 3, 3, 2, 2] });
    const [poll] = await database.db.select().from(polls);
    expect(poll!.status).toBe('closed');
    const periods = [
      custom(h, '2024-03-12', '2024-03-13'),
      custom(h, '2024-03-12', '2024-03-12'),
      custom(h, '2024-03-13', '2024-03-13'),
      custom(h, '2024-03-13', '2024-03-14'),
      custom(h, '2024-03-11', '2024-03-17'),
      resolvePeriod('week', h.clock.now(), h.config.timezone)!,
    ];
    const figures: { label: string; n: number; sum: number }[] = [];
    const reports: SituationReport[] = [];
    for (const code of ['CTY', 'CB1', 'T1', 'CB2']) {
      for (const [i, period] of periods.entries()) {
        const r = await report(h, code, period);
        reports.push(r);
        figures.push(...published(r, `${code}#${i}`));
      }
    }
    // Every figure, and every difference of two figures, is 0 or at least k answers: subtracting
    // views (D-1..D minus D-1..D-1, a unit from its parent, a row from a total) isolates nothing.
    for (const a of figures) {
      expect(a.n === 0 || a.n >= k, `${a.label}: ${a.n}`).toBe(true);
      for (const b of figures) {
        const d = Math.abs(a.n - b.n);
        expect(d === 0 || d >= k, `${a.label} (${a.n}) − ${b.label} (${b.n})`).toBe(true);
      }
    }
    // Text, CSV, Markdown and the chart's data hold no trace of CB1's single 5.
    for (const r of reports) {
      // Withheld, not "0 answers": a zero would tell that CB1's one person did not take part.
      for (const row of r.pulses.units.filter((u) => u.unit.code === 'CB1' && r.pulses.polls > 0))
        expect([row.answers.kind, row.mean.kind]).toEqual(['withheld', 'withheld']);
      for (const s of r.trend.series.filter((x) => x.unit.code === 'CB1'))
        expect(s.points.every((p) => p.kind !== 'value')).toBe(true);
      const csv = renderCsv(r, 'vi');
      expect(csv).not.toMatch(/\b2\.71\b|\b5\.00?\b/);
      expect(renderMarkdown(r, 'vi')).not.toMatch(/2,71|2\.71/);
    }
    // The feature still works: CB2's closed cell of six is reported, with its mean, in the period it closed in.
    const week = reports[5 + 0]!;
    expect(figureValue(week.pulses.overall.answers)).toBe(6);
    expect(figureValue(week.pulses.overall.mean)).toBeCloseTo(14 / 6, 5);
    const cb2 = week.pulses.units.find((u) => u.unit.code === 'CB2')!;
    expect(figureValue(cb2.mean)).toBeCloseTo(14 / 6, 5);
    expect(renderCsv(week, 'vi')).toContain('2.33');
    expect(week.trend.series.find((s) => s.unit.code === 'CB2')!.points.some((p) => p.kind === 'value')).toBe(
      true,
    );
    // The day before the close holds nothing; the day of the close holds the whole poll.
    expect(figureValue(reports[1]!.pulses.overall.answers)).toBe(0);
    expect(figureValue(reports[2]!.pulses.overall.answers)).toBe(6);
  });

  it('DM poll results do not tell whether the only member of a unit, its leader, took part (he is not asked)', async () => {
    const h = await buildWeek(database, { CB1: [4, 4, 4, 4, 4, 4], T1: [], CB2: [] });
    h.clock.set(new Date('2024-03-18T03:00:00Z'));
    await h.handle(command(dm(1), ADMIN, '/pulse Ca đêm ổn không? --units CB1,CB2 --dm --closes 24h'));
    const [dmPoll] = await database.db.select().from(polls).where(eq(polls.dm, true));
    expect(dmPoll).toBeDefined();
    h.messenger.clear();
    // Only CB1's workers answer (by DM); CB2's only member, its leader, does not.
    for (let n = 100; n < 106; n++) await h.handle(tap(dm(n), user(n), `pa:${dmPoll!.id}:3`));
    h.clock.set(new Date('2024-03-19T04:00:00Z'));
    await closeDuePolls(h.deps, h.clock.now());
    await h.handle(command(dm(1), ADMIN, `/results ${dmPoll!.id}`));
    const text = h.messenger.texts('1').at(-1)!;
    // A poll's audience is the workers of its units: CB2's leader was never asked, so CB2 is no cell
    // of the poll and nothing about it — answered, not answered — can be shown.
    expect(text).not.toMatch(/CB2/);
    expect(text).not.toMatch(/chưa có câu trả lời/);
    // The feature still works: the six workers' answers are shown with their mean.
    expect(text).toContain('Tham gia: 6/6');
    expect(text).toContain('6 câu trả lời');
    expect(text).toMatch(/Trung bình: 4,0/);
  });
});
