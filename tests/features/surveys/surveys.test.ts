import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createFeatures } from '../../../bot/features';
import { surveyHolders, surveyProgress, surveys } from '../../../db/schema';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { command, createHarness, dm, type Harness } from '../../helpers/harness';
import { answer, lastButtons, lastText, surveysWorld, tap, worker } from './helpers';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(() => database.reset());

const stopSurveys = (harness: Harness) =>
  createFeatures().find((f) => f.name === 'surveys')!.stop!(harness.deps);

/** Worker n's answers: scale, yes/no, choice, 0–10, text. */
const planOf = (n: number) => [(n - 1) % 5, n % 2, n % 3, (n + 3) % 11, `Góp ý số ${n}`] as const;

describe('surveys: a 5-question survey in the DM', () => {
  it('is answered by 12 workers with a restart in the middle; results per question keep every unit below k out', async () => {
    const h1 = createHarness(database);
    const { admin, groups } = await surveysWorld(database, h1);

    await h1.handle(command(dm(1), admin, '/khaosat start quy-4 --units CB1,CB2 --closes 72h'));
    expect(lastText(h1, '1')).toContain('Đã mở phiếu khảo sát #1 (5 câu), đăng vào 2 nhóm');
    for (const chat of Object.values(groups)) {
      expect(lastText(h1, chat.externalId)).toContain('Phiếu khảo sát #1 — Khảo sát quý 4');
      expect(lastButtons(h1, chat.externalId)).toEqual(['svgo:1']);
    }

    // Everyone taps the group's button: the first question comes by DM, the group sees nothing more.
    const groupMessages = h1.messenger.sent.filter((s) => s.chat.kind === 'group').length;
    for (let n = 1; n <= 12; n++) {
      await h1.handle(tap(n <= 8 ? groups.CB1 : groups.CB2, worker(n), 'svgo:1'));
      expect(lastText(h1, worker(n).externalId)).toContain('Câu 1/5');
    }
    expect(h1.messenger.sent.filter((s) => s.chat.kind === 'group').length).toBe(groupMessages);
    expect(h1.messenger.answers.at(-1)?.text).toContain('tin nhắn riêng');

    // Workers 1–6 answer two questions before the restart; worker 1 goes back once and changes q1.
    const w1 = worker(1);
    await answer(h1, w1, 4);
    expect(lastText(h1, w1.externalId)).toContain('Câu 2/5');
    await h1.handle(tap(dm(w1.externalId), w1, 'svb:1:1'));
    expect(lastText(h1, w1.externalId)).toContain('Câu 1/5');
    for (let n = 1; n <= 6; n++) {
      await answer(h1, worker(n), planOf(n)[0]);
      await answer(h1, worker(n), planOf(n)[1]);
      expect(lastText(h1, worker(n).externalId)).toContain('Câu 3/5');
    }
    // A tap on an old message changes nothing: it shows the current question again.
    await h1.handle(tap(dm(w1.externalId), w1, 'sva:1:0:2'));
    expect(lastText(h1, w1.externalId)).toContain('Câu đó đã qua');
    expect(lastText(h1, w1.externalId)).toContain('Câu 3/5');

    // A graceful restart: what the first process held is written; the conversations go on.
    await stopSurveys(h1);
    const [holder] = await database.db.select().from(surveyHolders);
    expect(holder?.held ?? 0).toBe(0);
    const h2 = createHarness(database);
    for (let n = 1; n <= 6; n++) {
      await h2.handle(command(dm(worker(n).externalId), worker(n), '/lamkhaosat'));
      expect(lastText(h2, worker(n).externalId)).toContain('Bạn làm tiếp từ câu 3/5');
    }
    // Back across the restart is refused: those answers are sealed.
    await h2.handle(tap(dm(w1.externalId), w1, 'svb:1:2'));
    expect(lastText(h2, w1.externalId)).toContain('Không quay lại được');
    for (let n = 1; n <= 12; n++) {
      const who = worker(n);
      if (n > 6) await h2.handle(command(dm(who.externalId), who, '/lamkhaosat 1'));
      const plan = planOf(n);
      for (let q = n > 6 ? 0 : 2; q < 5; q++) await answer(h2, who, plan[q]!);
      expect(lastText(h2, who.externalId)).toContain('Xong! Cảm ơn bạn');
    }
    // Finished is finished.
    await h2.handle(command(dm(w1.externalId), w1, '/lamkhaosat 1'));
    expect(lastText(h2, w1.externalId)).toContain('đã hoàn thành phiếu này');

    await h2.handle(command(dm(1), admin, '/khaosat results 1'));
    expect(lastText(h2, '1')).toContain('kết quả chỉ công bố khi phiếu đóng');
    await h2.handle(command(dm(1), admin, '/khaosat close 1'));
    expect(lastText(h2, '1')).toContain('Đã đóng phiếu #1');
    await h2.handle(command(dm(1), admin, '/khaosat results 1'));
    const results = lastText(h2, '1');
    expect(results).toContain('Số người hoàn thành (các đơn vị từ 5 người): 8');
    // CB1 (8 workers) is shown; CB2 (4) is in no line and no total.
    expect(results).toContain('1 😞: 2 · 2 🙁: 2 · 3 😐: 2 · 4 🙂: 1 · 5 😀: 1');
    expect(results).toContain('Có 50% · Không 50%');
    expect(results).toContain('Họp tổ 25% · Nhóm chat 38% · Bảng tin 38%');
    expect(results).toContain('chỉ số eNPS -25 (ủng hộ 25% · không ủng hộ 50%)');
    expect(results).toContain('💬 8 ý kiến');
    expect(results).toContain('Góp ý số 3');
    expect(results).not.toContain('Góp ý số 10');
    expect(results).not.toContain('CB2');
    expect(results.match(/Toàn bộ \(8\)/g)?.length).toBe(4);
    const [row] = await database.db.select().from(surveys).where(eq(surveys.id, 1));
    expect(row).toMatchObject({ status: 'closed', lostBallots: 0 });
  });

  it('refuses people outside the audience and answers in a group, recording nothing', async () => {
    const h = createHarness(database);
    const { admin, groups } = await surveysWorld(database, h);
    await h.handle(command(dm(1), admin, '/khaosat start quy-4 --units CB1'));
    // The admin is no worker: told so, nothing written.
    await h.handle(tap(groups.CB1, admin, 'svgo:1'));
    expect(h.messenger.answers.at(-1)).toMatchObject({
      alert: true,
      text: expect.stringContaining('chỉ dành cho'),
    });
    // A CB2 worker is not in a CB1 survey.
    await h.handle(command(dm(worker(10).externalId), worker(10), '/lamkhaosat 1'));
    expect(lastText(h, worker(10).externalId)).toContain('chỉ dành cho');
    expect(await database.db.select().from(surveyProgress)).toEqual([]);
    // An answer button pressed in a group is refused.
    await h.handle(tap(groups.CB1, worker(1), 'sva:1:0:1'));
    expect(h.messenger.answers.at(-1)).toMatchObject({ alert: true });
    expect(await database.db.select().from(surveyProgress)).toEqual([]);
  });
});
