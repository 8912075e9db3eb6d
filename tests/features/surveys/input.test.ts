import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  BANK_THEMES,
  bankSubset,
  QUESTION_BANK,
  rotationOrder,
  runsToCover,
} from '../../../bot/features/surveys';
import { surveyProgress, surveys, surveyTemplates } from '../../../db/schema';
import { applyScenario } from '../../../scenarios/engine/index';
import { parseScenario } from '../../../scenarios/load';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { command, createHarness, dm, message } from '../../helpers/harness';
import { answer, lastText, surveysWorld, tap, worker } from './helpers';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(() => database.reset());

describe('the question bank', () => {
  it('covers the seed’s themes in Vietnamese and English, each question with its kind', () => {
    expect(new Set(QUESTION_BANK.map((q) => q.theme))).toEqual(new Set(BANK_THEMES));
    expect(new Set(QUESTION_BANK.map((q) => q.bankId)).size).toBe(QUESTION_BANK.length);
    for (const q of QUESTION_BANK) {
      expect(q.text.vi.length).toBeGreaterThan(10);
      expect(q.text.en?.length).toBeGreaterThan(10);
      if (q.kind === 'choice') expect(q.options!.length).toBeGreaterThanOrEqual(2);
      else expect(q.options).toBeUndefined();
    }
  });

  it('rotates: a different subset each run, all covered within N runs, the same every time', () => {
    for (const size of [3, 5, 7]) {
      const n = runsToCover(size);
      const seen = new Set<string>();
      for (let run = 0; run < n; run++) {
        const subset = bankSubset(run, size).map((q) => q.bankId);
        expect(subset).toHaveLength(size);
        expect(new Set(subset).size).toBe(size);
        expect(bankSubset(run, size).map((q) => q.bankId)).toEqual(subset);
        if (run > 0) expect(subset).not.toEqual(bankSubset(run - 1, size).map((q) => q.bankId));
        for (const id of subset) seen.add(id);
      }
      expect(seen.size).toBe(QUESTION_BANK.length);
    }
    // Each pulse of 8 draws one question of every theme.
    expect(
      new Set(
        rotationOrder()
          .slice(0, 8)
          .map((q) => q.theme),
      ).size,
    ).toBe(8);
  });
});

describe('bad input changes nothing', () => {
  it('answers a bad command, an unknown template, a bad flag, a bad closing time with a clear message', async () => {
    const h = createHarness(database);
    const { admin } = await surveysWorld(database, h);
    const cases: [string, string][] = [
      ['/khaosat start nope --units CB1', 'Không có mẫu phiếu "nope"'],
      ['/khaosat start quy-4', 'Hãy ghi --units'],
      ['/khaosat start quy-4 --units XX9', 'Không tìm thấy đơn vị có mã "XX9"'],
      ['/khaosat start quy-4 --units CB1 --closes 1m', 'Hạn "1m" không hợp lệ'],
      ['/khaosat start quy-4 --units CB1 --colour red', 'Không có cờ --colour'],
      ['/khaosat pulse --size 99 --units CB1', '--size phải từ 1 đến 10'],
      ['/khaosat frobnicate', 'Cách dùng:'],
      ['/khaosat results 99', 'Không có phiếu khảo sát #99'],
    ];
    for (const [text, expected] of cases) {
      await h.handle(command(dm(1), admin, text));
      expect(lastText(h, '1'), text).toContain(expected);
    }
    expect(await database.db.select().from(surveys)).toEqual([]);
    // A worker may not open one.
    await h.handle(command(dm(worker(1).externalId), worker(1), '/khaosat start quy-4 --units CB1'));
    expect(lastText(h, worker(1).externalId)).toContain('/khaosat');
    expect(await database.db.select().from(surveys)).toEqual([]);
  });

  it('refuses forged and stale buttons, options out of range and over-long text', async () => {
    const h = createHarness(database);
    const { admin } = await surveysWorld(database, h);
    await h.handle(command(dm(1), admin, '/khaosat start quy-4 --units CB1'));
    const w = worker(1);
    const chat = dm(w.externalId);
    await h.handle(command(chat, w, '/lamkhaosat 1'));
    for (const data of [
      'sva:1:0:7',
      'sva:1:0:99',
      'sva:x:0:1',
      'sva:1:0:-1',
      'svb:1:0',
      'svgo:0',
      'sva:2:0:1',
    ]) {
      await h.handle(tap(chat, w, data));
    }
    const [progress] = await database.db.select().from(surveyProgress);
    expect(progress).toMatchObject({ question: 0, holder: null });
    expect(lastText(h, w.externalId)).toMatch(/Không có phiếu khảo sát này|Câu 1\/5/);
    // Typed text for a button question is not taken as an answer.
    await h.handle(message(chat, w, 'năm'));
    expect((await database.db.select().from(surveyProgress))[0]).toMatchObject({ question: 0 });
    // Through to the text question; an over-long text is refused.
    for (const value of [0, 0, 0, 0] as const) await answer(h, w, value);
    await h.handle(message(chat, w, 'x'.repeat(1001)));
    expect(lastText(h, w.externalId)).toContain('dài quá 1000 ký tự');
    expect((await database.db.select().from(surveyProgress))[0]).toMatchObject({
      question: 4,
      finished: false,
    });
    await answer(h, w, 'ngắn thôi');
    expect(lastText(h, w.externalId)).toContain('Xong!');
  });

  it('reads a surveys: section from a scenario file, and explains what is wrong with a bad one', async () => {
    const good = parseScenario(
      `version: 1
units:
  - code: CTY
    name: Công ty
surveys:
  - key: quy-1
    title: Khảo sát quý 1
    min_texts: 12
    questions:
      - kind: scale
        text: Bạn hài lòng với thu nhập?
        text_en: Are you happy with your pay?
      - kind: choice
        text: Ca nào hợp hơn?
        options: [Sáng, Chiều]
      - kind: nps
        text: Bạn có giới thiệu công ty không?
`,
      'good.yaml',
    );
    expect(good.ok).toBe(true);
    if (!good.ok) return;
    const plan = await applyScenario(database.db, good.scenario, { now: new Date('2026-12-01T00:00:00Z') });
    expect(plan.changes.map((c) => c.kind)).toContain('create_survey_template');
    const [template] = await database.db.select().from(surveyTemplates);
    expect(template).toMatchObject({ key: 'quy-1', minAnswers: 5, minTexts: 12, active: true });
    expect(template!.questions[0]).toEqual({
      kind: 'scale',
      text: { vi: 'Bạn hài lòng với thu nhập?', en: 'Are you happy with your pay?' },
    });
    const again = await applyScenario(database.db, good.scenario, { now: new Date('2026-12-01T00:00:00Z') });
    expect(again.changes.filter((c) => c.kind.includes('survey'))).toEqual([]);

    const bad = parseScenario(
      `version: 1
units:
  - code: CTY
    name: Công ty
surveys:
  - key: quy-2
    title: Hỏng
    min_answers: 2
    questions:
      - kind: choice
        text: Một lựa chọn thôi?
        options: [Chỉ một]
      - kind: rating
        text: Sai loại
`,
      'bad.yaml',
    );
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    const fields = bad.errors.map((e) => `${e.field}: ${e.message}`).join('\n');
    expect(fields).toContain('surveys[0].min_answers');
    expect(fields).toContain('surveys[0].questions[0].options');
    expect(fields).toContain('surveys[0].questions[1].kind');
  });

  it('a bank pulse draws the next rotation each run', async () => {
    const h = createHarness(database);
    const { admin } = await surveysWorld(database, h);
    await h.handle(command(dm(1), admin, '/khaosat pulse --size 4 --units CB1'));
    await h.handle(command(dm(1), admin, '/khaosat pulse --size 4 --units CB1'));
    const rows = await database.db.select().from(surveys).orderBy(surveys.id);
    expect(rows.map((r) => r.bankRun)).toEqual([0, 1]);
    expect(rows.map((r) => r.questions.map((q) => q.bankId))).toEqual([
      bankSubset(0, 4).map((q) => q.bankId),
      bankSubset(1, 4).map((q) => q.bankId),
    ]);
  });
});
