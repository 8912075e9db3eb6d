import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildHeatMap, heatMapCsv, heatMapPng, heatMapSvg } from '../../../bot/features/surveys/heatmap';
import { translator } from '../../../bot/messages';
import { surveys } from '../../../db/schema';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { command, createHarness, dm, type Harness } from '../../helpers/harness';
import { answer, lastText, surveysWorld, worker } from './helpers';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(() => database.reset());

/** One run: CB1's 8 and CB2's 4 answer; only workers 1–3 answer the choice (q3); text skipped. */
async function run(h: Harness, id: number, scale: number) {
  for (let n = 1; n <= 12; n++) {
    const who = worker(n);
    await h.handle(command(dm(who.externalId), who, `/lamkhaosat ${id}`));
    await answer(h, who, scale);
    await answer(h, who, 0);
    await answer(h, who, n <= 3 || n > 8 ? 1 : 's');
    await answer(h, who, 10);
    await answer(h, who, 's');
  }
  await h.handle(
    command(
      dm(1),
      { platform: 'telegram', externalId: '1', displayName: 'Quản trị' },
      `/khaosat close ${id}`,
    ),
  );
}

describe('the heat map unit × question', () => {
  it('leaves cells below k blank, lists no unit below k, and draws trends against the previous run', async () => {
    const h = createHarness(database);
    const { admin } = await surveysWorld(database, h);
    await h.handle(command(dm(1), admin, '/khaosat start quy-4 --units CB1,CB2'));
    await run(h, 1, 0);
    await h.handle(command(dm(1), admin, '/khaosat start quy-4 --units CB1,CB2'));
    await run(h, 2, 4);

    await h.handle(command(dm(1), admin, '/khaosat heatmap 2'));
    const table = lastText(h, '1');
    expect(table).toContain('| Đơn vị | Câu 1 | Câu 2 | Câu 3 | Câu 4 |');
    // CB1 (Markdown keeps text arrows): scale up from 1.0 to 5.0, yes flat, the choice (3 answers) blank, eNPS flat.
    expect(table).toContain('| CB1 | 5.0 ↑ | 100% → |  | +100 → |');
    // CB2 has 4 answers: no row, no number anywhere.
    expect(table).not.toContain('CB2');

    const [survey] = await database.db.select().from(surveys).where(eq(surveys.id, 2));
    const map = await buildHeatMap(database.db, survey!);
    const t = translator('vi');
    const svg = heatMapSvg(map, t);
    expect(svg.match(/#f3f4f6/g)?.length).toBe(1);
    expect(svg).not.toContain('CB2');
    expect(svg).toContain('so với phiếu #1');
    const png = heatMapPng(map, t);
    expect([...png.slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    const csv = heatMapCsv(map);
    expect(csv.trim().split('\n')).toEqual([
      'survey,unit,question,value,score,trend',
      '2,CB1,1,5.0,1.000,up',
      '2,CB1,2,100%,1.000,flat',
      '2,CB1,4,+100,1.000,flat',
    ]);

    // An open survey has no heat map.
    await h.handle(command(dm(1), admin, '/khaosat start quy-4 --units CB1'));
    await h.handle(command(dm(1), admin, '/khaosat heatmap 3'));
    expect(lastText(h, '1')).toContain('chưa đóng');
  });
});
