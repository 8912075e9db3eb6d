import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pollJobs } from '../../../bot/features/polls/jobs';
import { Scheduler } from '../../../bot/runtime/scheduler';
import { pollSeries, polls } from '../../../db/schema';
import { applyScenario, describeChange, planScenario } from '../../../scenarios/engine/index';
import { formatErrors, parseScenario } from '../../../scenarios/load';
import type { Scenario } from '../../../scenarios/schema';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { createHarness, type Harness, user } from '../../helpers/harness';
import { tap } from './helpers';

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
  - { platform: telegram, id: "-1002", title: Nhóm 2, unit: CB2 }
polls:
  - key: weekly-pulse
    question: Tuần này bạn thấy công việc thế nào?
    audience: [CB1, CB2]
    cron: "0 8 * * 1"
    closes_after: 48h
    comments: true
`;

function scenario(text: string): Scenario {
  const result = parseScenario(text, 'test.yaml');
  if (!result.ok) throw new Error(formatErrors(result.errors));
  return result.scenario;
}

function errorsOf(text: string) {
  const result = parseScenario(text, 'broken.yaml');
  if (result.ok) throw new Error('expected the file to be rejected');
  return result.errors.map((e) => `${e.line}:${e.column} ${e.field}: ${e.message}`);
}

let database: TestDatabase;
let harness: Harness;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(async () => {
  await database.reset();
  harness = createHarness(database);
});

const TZ = 'Asia/Ho_Chi_Minh';
// Monday 2 March 2026, 08:00 in Hanoi.
const FIRST_RUN = new Date('2026-03-02T01:00:00Z');
const WEEK = 7 * 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;

describe('the polls: section of scenario files', () => {
  it('rejects bad entries with file, line and field, and thresholds below 3', () => {
    const bad = ORG.replace('cron: "0 8 * * 1"', 'cron: "every monday"').replace(
      'closes_after: 48h',
      'closes_after: 2 days\n    min_answers: 2',
    );
    expect(errorsOf(bad)).toEqual([
      '18:11 polls[0].cron: must be a cron pattern such as "0 8 * * 1" (minute hour day month weekday; no L or #) (got "every monday")',
      '19:19 polls[0].closes_after: must be a duration from 10m to 90d, such as 90m, 48h or 3d (got "2 days")',
      '20:18 polls[0].min_answers: must be at least 3: fewer answers cannot stay anonymous',
    ]);
    expect(errorsOf(ORG.replace('audience: [CB1, CB2]', 'audience: [CB1, CB9]'))).toEqual([
      '17:21 polls[0].audience[1]: unknown unit "CB9" (not defined under units:)',
    ]);
    expect(errorsOf(ORG.replace('comments: true', 'kind: choice\n    options: [Một]'))).toEqual([
      '21:14 polls[0].options: a choice poll needs 2 to 10 options (got 1)',
    ]);
    expect(errorsOf(ORG.replace('comments: true', 'options: [A, B]'))).toEqual([
      "20:14 polls[0].options: only a choice poll has options (a scale poll's answers are fixed)",
    ]);
    expect(
      errorsOf(
        `${ORG}  - key: weekly-pulse\n    question: Lại\n    audience: [CB1]\n    cron: "0 8 * * *"\n    closes_after: 1h\n`,
      ),
    ).toEqual(['21:10 polls[1].key: duplicate poll key "weekly-pulse" (first at polls[0].key)']);
  });

  it('plans, applies, updates and stops a series; applying the same file again changes nothing', async () => {
    const file = scenario(ORG);
    const applied = await applyScenario(database.db, file, { now: FIRST_RUN, timezone: TZ });
    expect(applied.changes.filter((c) => c.kind.endsWith('poll_series')).map(describeChange)).toEqual([
      '+ poll series weekly-pulse "Tuần này bạn thấy công việc thế nào?" (cron 0 8 * * 1)',
    ]);
    const [series] = await database.db.select().from(pollSeries);
    expect(series).toMatchObject({
      kind: 'scale',
      audience: ['CB1', 'CB2'],
      closesAfterMinutes: 2880,
      minAnswers: 5,
    });
    expect(series!.nextRunAt!.toISOString()).toBe(new Date(FIRST_RUN.getTime() + WEEK).toISOString());
    expect((await planScenario(database.db, file)).changes).toEqual([]);

    const changed = scenario(ORG.replace('cron: "0 8 * * 1"', 'cron: "0 9 * * 5"').replace('48h', '3d'));
    expect((await planScenario(database.db, changed)).changes.map(describeChange)).toEqual([
      '~ poll series weekly-pulse: cron, closesAfterMinutes',
    ]);
    await applyScenario(database.db, changed, { now: FIRST_RUN, timezone: TZ });
    const [moved] = await database.db.select().from(pollSeries);
    expect(moved!.nextRunAt!.toISOString()).toBe('2026-03-06T02:00:00.000Z');

    const without = scenario(ORG.slice(0, ORG.indexOf('polls:')));
    expect(
      (await applyScenario(database.db, without, { now: FIRST_RUN })).changes.map(describeChange),
    ).toEqual(['- poll series weekly-pulse (stopped; past runs and results are kept)']);
    expect((await database.db.select().from(pollSeries))[0]).toMatchObject({
      active: false,
      nextRunAt: null,
    });
  });

  it('runs once per occurrence however many times the scheduler ticks, closes, and shows the trend', async () => {
    await applyScenario(database.db, scenario(ORG), {
      now: new Date(FIRST_RUN.getTime() - HOUR),
      timezone: TZ,
    });
    const scheduler = schedulerFor(harness);
    const { messenger } = harness;

    const answerRun = async (pollId: number, options: number[]) => {
      for (const [i, option] of options.entries()) {
        const group = {
          platform: 'telegram' as const,
          // One group per run: a run's figure sums only its cells of at least k answers.
          externalId: '-1001',
          kind: 'group' as const,
        };
        await harness.handle(tap(group, user(500 + i), `pa:${pollId}:${option}`));
      }
    };

    harness.clock.set(FIRST_RUN);
    await scheduler.runAll(FIRST_RUN);
    await scheduler.runAll(FIRST_RUN);
    expect(await database.db.select().from(polls)).toHaveLength(1);
    expect(messenger.texts('-1001').filter((t) => t.includes('Khảo sát nhanh #1'))).toHaveLength(1);
    await answerRun(1, [2, 3, 3, 4, 4, 4]);

    // Week two: only three answers, below the threshold.
    const second = new Date(FIRST_RUN.getTime() + WEEK);
    harness.clock.set(second);
    await scheduler.runAll(second);
    expect(messenger.texts('-1002').some((t) => t.includes('Kết quả khảo sát #1'))).toBe(true);
    await answerRun(2, [0, 0, 1]);

    const third = new Date(FIRST_RUN.getTime() + 2 * WEEK);
    harness.clock.set(third);
    await scheduler.runAll(third);
    await answerRun(3, [4, 4, 4, 4, 3, 3]);
    const end = new Date(third.getTime() + 49 * HOUR);
    harness.clock.set(end);
    await scheduler.runAll(end);

    const closing = messenger
      .texts('-1001')
      .filter((t) => t.includes('Kết quả khảo sát #3'))
      .at(-1)!;
    expect(closing).toContain('Xu hướng qua các lần khảo sát');
    expect(closing).toContain('16/03: 4,7 (6 câu trả lời)');
    expect(closing).toContain('09/03: chưa đủ câu trả lời để giữ ẩn danh');
    expect(closing).toContain('02/03: 4,3 (6 câu trả lời)');
    expect(closing).not.toMatch(/09\/03: \d/);
    expect(await database.db.select().from(polls)).toHaveLength(3);
  });

  it('skips an occurrence missed for longer than the poll would stay open', async () => {
    await applyScenario(database.db, scenario(ORG), {
      now: new Date(FIRST_RUN.getTime() - HOUR),
      timezone: TZ,
    });
    const late = new Date(FIRST_RUN.getTime() + 3 * 24 * HOUR);
    harness.clock.set(late);
    await schedulerFor(harness).runAll(late);
    expect(await database.db.select().from(polls)).toEqual([]);
    const [series] = await database.db.select().from(pollSeries);
    expect(series!.nextRunAt!.toISOString()).toBe(new Date(FIRST_RUN.getTime() + WEEK).toISOString());
  });
});

function schedulerFor(h: Harness): Scheduler {
  const scheduler = new Scheduler({ clock: h.clock, logger: pino({ level: 'silent' }), timezone: TZ });
  for (const job of pollJobs(h.deps)) scheduler.add(job);
  return scheduler;
}
