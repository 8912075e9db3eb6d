import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderCsv, renderDocx, renderMarkdown } from '../../../bot/features/reports';
import { heatMapPng } from '../../../bot/features/reports/heat-themes';
import { renderChatText } from '../../../bot/features/reports/render-text';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { closedSurvey, days, feedbackAt, heatWorld, reportOf } from './heat-world';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());

describe('the report heat map and comment themes', () => {
  it('rolls survey cells up to the reported units, leaves cells below k blank, draws trends, groups comments of ≥ 10', async () => {
    const world = await heatWorld(database);
    const { ids } = world;
    // The previous run (the week before): CB1 answered 1 out of 5.
    await closedSurvey(database, '2024-03-06T05:00:00Z', [
      { unitId: ids.CB1, question: 0, counts: [6, 0, 0, 0, 0] },
    ]);
    await closedSurvey(
      database,
      '2024-03-14T05:00:00Z',
      [
        { unitId: ids.CB1, question: 0, counts: [0, 0, 0, 0, 6] },
        { unitId: ids.CB1, question: 1, counts: [6, 0] },
        { unitId: ids.T1, question: 0, counts: [0, 0, 0, 0, 5] },
        { unitId: ids.T1, question: 1, counts: [5, 0] },
        // CB2: 4 answers to the scale (below k = 5), 5 to the yes/no.
        { unitId: ids.CB2, question: 0, counts: [0, 4, 0, 0, 0] },
        { unitId: ids.CB2, question: 1, counts: [3, 2] },
      ],
      Array.from({ length: 12 }, (_, i) => ({
        unitId: ids.CB2,
        text: `Cơm ca hôm nay ngon, cảm ơn bếp ${i}`,
      })),
    );
    await feedbackAt(database, ids.CB1, '2024-03-12T03:00:00Z', 'Tháng này bị nợ lương, rất bức xúc', 12);
    // Nine in T1 the same day: a cell below 10, counted nowhere.
    await feedbackAt(database, ids.T1, '2024-03-12T03:00:00Z', 'Tháng này bị nợ lương, rất bức xúc', 9);

    const r = await reportOf(world, 'CTY', days(world.h, '2024-03-11', '2024-03-17'));
    const map = r.heatmap!;
    expect(map.columns.map((c) => c.question)).toEqual([0, 1]);
    expect(map.rows.map((row) => row.unit.code)).toEqual(['CB1', 'CB2']);
    const [cb1, cb2] = map.rows;
    // CB1's row is CB1 and T1 together (11 answers, all 5): up from 1.0 in the previous run.
    expect(cb1!.cells[0]).toEqual({ score: 1, label: '5.0', trend: 'up' });
    expect(cb1!.cells[1]).toMatchObject({ label: '100%', trend: null });
    expect(cb2!.cells[0]).toEqual({ score: null, label: '', trend: null });
    expect(cb2!.cells[1]).toMatchObject({ label: '60%' });
    expect(map.previous).toHaveLength(1);

    const themes = r.themes!;
    expect(themes.minGroup).toBe(10);
    expect(themes.groups).toEqual([
      { topic: { key: 'meals', name: 'Bữa ăn ca' }, tone: 'positive', comments: 12 },
      { topic: { key: 'wages', name: 'Tiền lương' }, tone: 'negative', comments: 12 },
    ]);

    const md = renderMarkdown(r, 'vi');
    expect(md).toContain('### 3. Bản đồ nhiệt đơn vị × câu hỏi');
    expect(md).toMatch(/\| Chi bộ 1 \(CB1\) \| 5\.0 ↑ \| 100% \|/);
    expect(md).toMatch(/\| Chi bộ 2 \(CB2\) \| {2}\| 60% \|/);
    expect(md).toContain('| Tiền lương | tiêu cực | 12 |');
    const csv = renderCsv(r, 'vi');
    expect(csv).toContain('CB1,Chi bộ 1,2,1,Bạn hài lòng với công việc?,5.0,1,up');
    expect(csv).not.toMatch(/CB2,Chi bộ 2,2,1,/);
    expect(csv).toContain('meals,Bữa ăn ca,positive,12');
    const chat = renderChatText(r, 'vi');
    expect(chat).toContain('• Tiền lương · tiêu cực: 12');
    for (const text of [md, csv, chat]) {
      expect(text).not.toContain('bức xúc');
      expect(text).not.toContain('cảm ơn bếp');
    }
    const png = heatMapPng(r, 'vi')!;
    expect([...png.slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const docx = unzipSync(await renderDocx(r, 'vi'));
    expect(Object.keys(docx).some((name) => name.startsWith('word/media/') && name.endsWith('.png'))).toBe(
      true,
    );
    expect(strFromU8(docx['word/document.xml']!)).toContain('Bản đồ nhiệt');
  });

  it('has no heat map or theme section in a period with no closed survey and no open text', async () => {
    const world = await heatWorld(database);
    await closedSurvey(database, '2024-03-06T05:00:00Z', [
      { unitId: world.ids.CB1, question: 0, counts: [6, 0, 0, 0, 0] },
    ]);
    const r = await reportOf(world, 'CTY', days(world.h, '2024-03-11', '2024-03-17'));
    expect(r.heatmap).toBeUndefined();
    expect(r.themes).toBeUndefined();
    expect(renderMarkdown(r, 'vi')).not.toContain('Bản đồ nhiệt');
  });
});
