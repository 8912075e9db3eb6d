import { asc } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runsToCover } from '../../../bot/features/surveys';
import { surveyJobs } from '../../../bot/features/surveys/jobs';
import { Scheduler } from '../../../bot/runtime/scheduler';
import { surveys, surveyTemplates } from '../../../db/schema';
import { applyScenario, describeChange, planScenario } from '../../../scenarios/engine/index';
import { formatErrors, parseScenario } from '../../../scenarios/load';
import type { Scenario } from '../../../scenarios/schema';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { createHarness, type Harness } from '../../helpers/harness';

const ORG = `version: 1
organisation: { name: Công ty Mẫu }
units:
  - code: CTY
    name: Công ty
    children:
      - { code: CB1, name: Chi bộ 1 }
      - { code: CB2, name: Chi bộ 2 }
people:
  - { key: admin, name: Quản trị, identities: { telegram: "1" }, roles: [{ role: admin, unit: CTY }] }
chats:
  - { platform: telegram, id: "-1001", title: Nhóm 1, unit: CB1 }
surveys:
  - key: nhip-tuan
    title: Nhịp đập hằng tuần
    bank_size: 5
    cron: "0 8 * * 1"
    audience: [CB1, CB2]
    closes_after: 48h
`;

function scenario(text: string): Scenario {
  const result = parseScenario(text, 'test.yaml');
  if (!result.ok) throw new Error(formatErrors(result.errors));
  return result.scenario;
}

function errorsOf(text: string) {
  const result = parseScenario(text, 'broken.yaml');
  if (result.ok) throw new Error('expected the file to be rejected');
  return result.errors.map((e) => `${e.field}: ${e.message}`);
}

const TZ = 'Asia/Ho_Chi_Minh';
// Monday 2 March 2026, 08:00 in Hanoi.
const FIRST_RUN = new Date('2026-03-02T01:00:00Z');
const WEEK = 7 * 24 * 60 * 60 * 1000;

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(() => database.reset());

function schedulerFor(h: Harness): Scheduler {
  const scheduler = new Scheduler({ clock: h.clock, logger: pino({ level: 'silent' }), timezone: TZ });
  for (const job of surveyJobs(h.deps)) scheduler.add(job);
  return scheduler;
}

describe('the recurring bank pulse', () => {
  it('rejects a bad schedule with the field and a plain reason', () => {
    expect(errorsOf(ORG.replace('cron: "0 8 * * 1"', 'cron: "mondays"'))).toEqual([
      'surveys[0].cron: must be a cron pattern such as "0 8 * * 1" (minute hour day month weekday; no L or #) (got "mondays")',
    ]);
    expect(errorsOf(ORG.replace('audience: [CB1, CB2]', 'audience: [CB1, CB9]'))).toEqual([
      'surveys[0].audience[1]: unknown unit "CB9" (not defined under units:)',
    ]);
    expect(errorsOf(ORG.replace('bank_size: 5', 'bank_size: 11'))).toEqual([
      'surveys[0].bank_size: must be at most 10 (half the bank)',
    ]);
    expect(errorsOf(ORG.replace('    audience: [CB1, CB2]\n', ''))).toEqual([
      'surveys[0].audience: a survey with a cron needs an audience',
    ]);
  });

  it('opens the next rotation subset each run, covers the bank, and never opens a run twice', async () => {
    const a = createHarness(database, { TZ });
    const file = scenario(ORG);
    const applied = await applyScenario(database.db, file, { now: FIRST_RUN, timezone: TZ });
    expect(applied.changes.filter((c) => c.kind.endsWith('survey_template')).map(describeChange)).toEqual([
      '+ survey template nhip-tuan "Nhịp đập hằng tuần" (5 bank questions a run, cron "0 8 * * 1")',
    ]);
    expect((await planScenario(database.db, file)).changes).toEqual([]);
    const [template] = await database.db.select().from(surveyTemplates);
    expect(template).toMatchObject({ bankSize: 5, audience: ['CB1', 'CB2'], closesAfterMinutes: 2880 });
    const first = template!.nextRunAt!;
    expect(first.toISOString()).toBe(new Date(FIRST_RUN.getTime() + WEEK).toISOString());

    // Nothing before its time.
    a.clock.set(new Date(first.getTime() - 60_000));
    await schedulerFor(a).runAll();
    expect(await database.db.select().from(surveys)).toEqual([]);

    const runs = runsToCover(5);
    expect(runs).toBe(4);
    for (let i = 0; i < runs; i++) {
      const at = new Date(first.getTime() + i * WEEK + 30_000);
      a.clock.set(at);
      await schedulerFor(a).runAll();
      // A restart (a new process, its own scheduler) ticking in the same minute opens nothing more.
      const b = createHarness(database, { TZ });
      b.clock.set(at);
      await schedulerFor(b).runAll();
      await schedulerFor(a).runAll();
      expect(await database.db.select().from(surveys)).toHaveLength(i + 1);
    }
    const opened = await database.db.select().from(surveys).orderBy(asc(surveys.id));
    expect(opened.map((s) => s.bankRun)).toEqual([0, 1, 2, 3]);
    expect(opened.map((s) => s.occurrence!.getTime() - first.getTime())).toEqual(
      [0, 1, 2, 3].map((i) => i * WEEK),
    );
    const subsets = opened.map((s) => s.questions.map((q) => q.bankId!));
    for (const subset of subsets) expect(subset).toHaveLength(5);
    // Three runs, three different subsets…
    expect(new Set(subsets.slice(0, 3).map((s) => [...s].sort().join())).size).toBe(3);
    // …and every question of the bank asked within ⌈20 / 5⌉ = 4 runs.
    expect(new Set(subsets.flat()).size).toBe(20);
    for (const survey of opened) {
      expect(survey.closesAt.getTime() - survey.occurrence!.getTime()).toBe(48 * 3600_000);
      expect(survey.templateKey).toBe('nhip-tuan');
    }
    // The group was told each time, with the button; and each run but the last, still open, was
    // reminded 3 hours before closing (48 h open) when the scheduler next ticked.
    const posts = a.messenger.sent.filter((s) => s.chat.externalId === '-1001');
    const opening = posts.filter((p) => p.message.text.startsWith('📝 Phiếu khảo sát'));
    const reminders = posts.filter((p) => p.message.text.startsWith('⏰'));
    expect(opening).toHaveLength(4);
    expect(opening.every((p) => p.message.text.includes('Nhịp đập hằng tuần'))).toBe(true);
    expect(reminders.length + opening.length).toBe(posts.length);
  });
});
