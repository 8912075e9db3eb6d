import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderCsv, renderMarkdown, type SituationReport } from '../../bot/features/reports';
import { renderChatText } from '../../bot/features/reports/render-text';
import { closedSurvey, days, feedbackAt, heatWorld, reportOf } from '../features/reports/heat-world';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

/**
 * Subtraction attacks on the report's heat map and comment themes: reports of a unit and of its
 * parent, and of adjacent periods and their union, must differ only by whole published cells —
 * never expose a survey cell below k or a group of comments below 10 — while cells of ≥ k and
 * groups of ≥ 10 are still shown.
 */
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());

const W1 = ['2024-03-11', '2024-03-17'] as const;
const W2 = ['2024-03-18', '2024-03-24'] as const;
const BOTH = ['2024-03-11', '2024-03-24'] as const;

/** The published theme counts of a report, by topic and tone. */
function groups(r: SituationReport): Map<string, number> {
  return new Map((r.themes?.groups ?? []).map((g) => [`${g.topic?.key ?? ''}/${g.tone}`, g.comments]));
}

describe('the report heat map under subtraction', () => {
  it('a unit with 3 and then 4 answers of its own: no parent, child or period difference shows them', async () => {
    const world = await heatWorld(database);
    const { ids } = world;
    // CB1's own members answer 1 (3 of them, then 4); T1 (under CB1) and CB2 answer with ≥ k.
    await closedSurvey(database, '2024-03-14T05:00:00Z', [
      { unitId: ids.CB1, question: 0, counts: [3, 0, 0, 0, 0] },
      { unitId: ids.T1, question: 0, counts: [0, 0, 0, 0, 5] },
      { unitId: ids.CB2, question: 0, counts: [0, 0, 0, 6, 0] },
    ]);
    await closedSurvey(database, '2024-03-21T05:00:00Z', [
      { unitId: ids.CB1, question: 0, counts: [4, 0, 0, 0, 0] },
      { unitId: ids.T1, question: 0, counts: [0, 0, 0, 0, 5] },
      { unitId: ids.CB2, question: 0, counts: [0, 0, 0, 6, 0] },
    ]);
    const reports: SituationReport[] = [];
    for (const code of ['CTY', 'CB1', 'T1', 'CB2'] as const)
      for (const [from, to] of [W1, W2, BOTH])
        reports.push(await reportOf(world, code, days(world.h, from, to)));

    const cell = (r: SituationReport, unit: string, column = 0) =>
      r.heatmap?.rows.find((row) => row.unit.code === unit)?.cells[column];
    const [ctyW1, ctyW2, ctyBoth, cb1W1] = [reports[0]!, reports[1]!, reports[2]!, reports[3]!];
    // The parent's CB1 row is T1's cell alone: minus the child's row it leaves nothing, not CB1's 3.
    expect(cell(ctyW1, 'CB1')).toEqual(cell(cb1W1, 'T1'));
    expect(cell(ctyW1, 'CB1')).toEqual({ score: 1, label: '5.0', trend: null });
    // The next run's arrow compares published sums only: flat (with the hidden answers, 3.5 → 3.2, down).
    expect(cell(ctyW2, 'CB1')).toEqual({ score: 1, label: '5.0', trend: 'flat' });
    // Two periods together: each survey keeps its own column, nothing summed across runs.
    expect(ctyBoth.heatmap!.columns.map((c) => c.surveyId)).toEqual([
      ...ctyW1.heatmap!.columns.map((c) => c.surveyId),
      ...ctyW2.heatmap!.columns.map((c) => c.surveyId),
    ]);
    expect(cell(ctyBoth, 'CB1', 0)).toEqual(cell(ctyW1, 'CB1'));
    expect(cell(ctyBoth, 'CB2', 2)).toEqual(cell(ctyW2, 'CB2'));
    for (const r of reports) {
      const files = [renderMarkdown(r, 'vi'), renderCsv(r, 'vi'), renderChatText(r, 'vi')].join('\n');
      // 1.0 is CB1's own mean; 3.5 and 3.2 are CB1 with T1: neither may appear anywhere.
      for (const leak of ['1.0', '3.5', '3.2']) expect(files).not.toContain(leak);
      for (const row of r.heatmap?.rows ?? [])
        expect(row.cells.every((c) => c.score === null || c.score >= 0.75)).toBe(true);
    }
    // The feature still shows the cells of ≥ k: CB2's 4.0 in the company's report.
    expect(cell(ctyW1, 'CB2')).toMatchObject({ label: '4.0' });
  });
});

describe('the comment themes under subtraction', () => {
  it('groups of fewer than 10 in a child unit or a next period never show as a difference', async () => {
    const world = await heatWorld(database);
    const { ids } = world;
    const wages = 'Tháng này bị nợ lương, rất bức xúc';
    await feedbackAt(database, ids.CB1, '2024-03-12T03:00:00Z', wages, 12);
    await feedbackAt(database, ids.T1, '2024-03-12T03:00:00Z', wages, 9);
    await feedbackAt(database, ids.CB1, '2024-03-19T03:00:00Z', wages, 4);
    await feedbackAt(database, ids.CB2, '2024-03-13T03:00:00Z', 'Bữa ăn ca hôm nay ngon, cảm ơn bếp', 10);
    const reports: SituationReport[] = [];
    for (const code of ['CTY', 'CB1', 'T1', 'CB2'] as const)
      for (const [from, to] of [W1, W2, BOTH])
        reports.push(await reportOf(world, code, days(world.h, from, to)));

    // Any two reports differ, per group, by 0 or by at least 10: whole counted cells.
    for (const a of reports)
      for (const b of reports) {
        const [ga, gb] = [groups(a), groups(b)];
        for (const key of new Set([...ga.keys(), ...gb.keys()])) {
          const difference = Math.abs((ga.get(key) ?? 0) - (gb.get(key) ?? 0));
          expect(difference === 0 || difference >= 10, `${key}: ${difference}`).toBe(true);
        }
      }
    // The feature still shows the groups of ≥ 10, and only them.
    expect(groups(reports[0]!)).toEqual(
      new Map([
        ['wages/negative', 12],
        ['meals/positive', 10],
      ]),
    );
    expect(groups(reports[2]!).get('wages/negative')).toBe(12);
    expect(groups(reports[6]!).size).toBe(0);
    for (const r of reports) {
      const files = [renderMarkdown(r, 'vi'), renderCsv(r, 'vi'), renderChatText(r, 'vi')].join('\n');
      expect(files).not.toContain('bức xúc');
      expect(files).not.toContain('cảm ơn bếp');
    }
  });
});
