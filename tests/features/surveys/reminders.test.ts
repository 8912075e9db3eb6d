import { ne } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { surveyBoxOf } from '../../../bot/features/surveys/box';
import { sendSurveyReminders } from '../../../bot/features/surveys/reminders';
import { signalSurveyTexts } from '../../../bot/features/surveys/signals';
import type { TextSignal } from '../../../bot/kernel/text-signals';
import { outbox, surveys, surveyTemplates } from '../../../db/schema';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { command, createHarness, dm, type Harness } from '../../helpers/harness';
import { answer, dumpDatabase, surveysWorld, worker } from './helpers';

let database: TestDatabase;
const HOUR = 60 * 60 * 1000;
const ADMIN = { platform: 'telegram' as const, externalId: '1', displayName: 'Quản trị' };

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(() => database.reset());

const sentTo = (harness: Harness, chatId: string) =>
  harness.messenger.sent.filter((s) => s.chat.externalId === chatId).map((s) => s.message.text);

describe('the reminder before closing', () => {
  it('goes once to the groups, and to an unfinished person in their own DM only', async () => {
    const harness = createHarness(database);
    await surveysWorld(database, harness);
    await harness.handle(command(dm(1), ADMIN, '/khaosat start quy-4 --units CB1 --closes 72h'));
    const [survey] = await database.db.select().from(surveys);
    expect(survey!.remindAt!.getTime()).toBe(survey!.closesAt.getTime() - 24 * HOUR);
    // Worker 1 stops at question 3; worker 2 finishes; worker 3 never starts.
    const w1 = worker(1);
    await harness.handle(command(dm(w1.externalId), w1, '/lamkhaosat 1'));
    await answer(harness, w1, 2);
    await answer(harness, w1, 's');
    const w2 = worker(2);
    await harness.handle(command(dm(w2.externalId), w2, '/lamkhaosat 1'));
    for (const value of [4, 0, 1, 10, 'ổn'] as const) await answer(harness, w2, value);
    const before = await dumpDatabase(database);
    harness.messenger.clear();

    // Not yet.
    harness.clock.set(new Date(survey!.remindAt!.getTime() - 60_000));
    expect(await sendSurveyReminders(harness.deps, harness.clock.now())).toBe(0);
    harness.clock.set(new Date(survey!.remindAt!.getTime() + 1000));
    // Two processes tick: one reminder.
    const other = createHarness(database);
    expect(await sendSurveyReminders(harness.deps, harness.clock.now())).toBe(1);
    expect(await sendSurveyReminders(other.deps, harness.clock.now())).toBe(0);

    const group = sentTo(harness, '-cb1');
    expect(group).toHaveLength(1);
    expect(group[0]).toContain('Còn 24 giờ để làm phiếu khảo sát #1');
    expect(sentTo(harness, '-cb2')).toEqual([]);
    const mine = sentTo(harness, w1.externalId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toContain('đến câu 3/5');
    expect(sentTo(harness, w2.externalId)).toEqual([]);
    expect(sentTo(harness, worker(3).externalId)).toEqual([]);
    // Nothing was written about whom it went to: the survey's reminder time, now null, and the
    // groups' posts in the outbox — group rows only, no DM, no person.
    const queued = await database.db.select().from(outbox).where(ne(outbox.kind, 'survey_announce'));
    expect(queued.map((row) => [row.kind, row.target, row.externalId, row.status])).toEqual([
      ['survey_reminder', 'group', '-cb1', 'sent'],
    ]);
    const withoutOutbox = (dump: string) => dump.replace(/^outbox: .*$/m, 'outbox: …');
    expect(withoutOutbox(await dumpDatabase(database))).toBe(
      withoutOutbox(before).replace(/"remind_at":"[^"]*"/, '"remind_at":null'),
    );
  });
});

describe('open-text answers and hot spots', () => {
  it('reach the matcher only once their hour has ended, from cells of at least k, each once', async () => {
    const harness = createHarness(database);
    await surveysWorld(database, harness);
    const heard: TextSignal[] = [];
    harness.deps.signals.subscribe(async (signal) => {
      if (signal.source === 'survey_text') heard.push(signal);
    });
    await database.db.insert(surveyTemplates).values({
      key: 'gop-y',
      title: 'Góp ý',
      questions: [{ kind: 'text', text: { vi: 'Bạn lo nhất điều gì?' } }],
      minAnswers: 3,
      minTexts: 3,
    });
    const start = new Date('2026-03-02T01:10:00Z');
    harness.clock.set(start);
    await harness.handle(command(dm(1), ADMIN, '/khaosat start gop-y --units CB1,CB2 --closes 72h'));
    // Six in CB1: a write of three (all but k); two in CB2: held, and withheld at closing.
    for (const n of [1, 2, 3, 4, 5, 6, 9, 10]) {
      const who = worker(n);
      await harness.handle(command(dm(who.externalId), who, '/lamkhaosat 1'));
      await answer(harness, who, `nợ lương tháng này ${n}`);
    }
    await surveyBoxOf(harness.deps).idle();
    expect(await signalSurveyTexts(harness.deps, harness.clock.now())).toBe(0);
    harness.clock.set(new Date(start.getTime() + HOUR));
    expect(await signalSurveyTexts(harness.deps, harness.clock.now())).toBe(3);
    expect(heard).toHaveLength(3);
    for (const signal of heard) {
      expect(signal.at.toISOString()).toBe('2026-03-02T01:00:00.000Z');
      expect(signal.chatId).toBeNull();
      expect(Object.keys(signal).sort()).toEqual(['at', 'chatId', 'source', 'text', 'unitId']);
    }
    // Once: another process finds nothing more.
    expect(await signalSurveyTexts(createHarness(database).deps, harness.clock.now())).toBe(0);
    // Closing: CB1's other three are written (≥ k) and go out after their hour; CB2's two never.
    await harness.handle(command(dm(1), ADMIN, '/khaosat close 1'));
    harness.clock.set(new Date(start.getTime() + 2 * HOUR));
    expect(await signalSurveyTexts(harness.deps, harness.clock.now())).toBe(3);
    expect(heard.map((s) => s.text).sort()).toEqual([1, 2, 3, 4, 5, 6].map((n) => `nợ lương tháng này ${n}`));
  });
});
