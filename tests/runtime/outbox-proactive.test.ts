import { eq, like } from 'drizzle-orm';
import { Api } from 'grammy';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config';
import { markActionDone, recordAction } from '../../bot/features/actions/actions';
import { closeDueDialogues, openDialogue } from '../../bot/features/dialogue/dialogue';
import { findUnitById, type UnitRow } from '../../bot/features/org';
import { askForReports, compileDue, followUp } from '../../bot/features/situation-reports';
import { announceSurvey } from '../../bot/features/surveys/announce';
import { insertSurvey } from '../../bot/features/surveys/store';
import { TextSignals } from '../../bot/kernel/text-signals';
import { translator } from '../../bot/messages';
import { TelegramMessenger } from '../../bot/platforms/telegram/messenger';
import { DeliveryOutcomes } from '../../bot/runtime/delivery/outcomes';
import type { Deps } from '../../bot/runtime/deps';
import { MessengerRouter } from '../../bot/runtime/messenger-router';
import { deliverOutbox } from '../../bot/runtime/outbox/deliver';
import { type Db, openDatabase } from '../../db/client';
import { identities, outbox, reportRequestUnits, units } from '../../db/schema';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram-server';
import { ADMIN, applyWorld, CB1_GROUP, CB2_GROUP, LEADER } from '../features/dialogue/world';
import { FakeClock } from '../helpers/clock';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { TELEGRAM_TEST_TOKEN } from '../helpers/telegram-app';

/**
 * The proactive sends moved into the one outbox (situation-report requests, reminders,
 * escalations; "you said, we did"; survey announcements and group reminders; a dialogue's opening
 * and summary), against the fake Bot API on PGlite and (TEST_DATABASE_URL) PostgreSQL: run twice,
 * or by two processes on one database, each arrives once; a 429 leaves the row pending and the
 * next outbox tick delivers it.
 */
let database: TestDatabase;
let fake: FakeTelegram;
let other: { db: Db; close: () => Promise<void> } | undefined;
let clock: FakeClock;

const NOW = new Date('2026-03-05T02:00:00Z');
const HOUR = 3_600_000;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(async () => {
  await database.reset();
  fake = await startFakeTelegram();
  clock = new FakeClock(NOW);
  await applyWorld(database, NOW);
  // On PostgreSQL a second connection pool, as a second process has; on PGlite the one connection.
  other = database.url
    ? await openDatabase({ databaseUrl: database.url, pgliteDir: 'memory://', poolSize: 5 })
    : undefined;
});
afterEach(async () => {
  await other?.close();
  await fake.stop();
});

function depsOn(db: Db): Deps {
  const config = loadConfig({ PGLITE_DIR: 'memory://', TELEGRAM_BOT_TOKEN: TELEGRAM_TEST_TOKEN });
  const api = new Api(TELEGRAM_TEST_TOKEN, { apiRoot: fake.apiRoot });
  const router = new MessengerRouter();
  router.register(new TelegramMessenger(api, () => 'pulse_bot', api));
  const logger = pino({ level: 'silent' });
  return {
    db,
    messenger: router,
    clock,
    logger,
    config,
    signals: new TextSignals(),
    deliveries: new DeliveryOutcomes(logger, { baseMs: 1, attempts: 2 }),
  };
}

/** Two processes on one database. */
const twoProcesses = () => [depsOn(database.db), depsOn(other?.db ?? database.db)] as const;

async function unit(code: string): Promise<UnitRow> {
  const [row] = await database.db.select().from(units).where(eq(units.code, code));
  return (await findUnitById(database.db, row!.id))!;
}

async function leaderId(): Promise<number> {
  const [row] = await database.db
    .select({ personId: identities.personId })
    .from(identities)
    .where(eq(identities.externalId, String(LEADER.id)));
  return row!.personId;
}

const rowsOf = (prefix: string) =>
  database.db
    .select()
    .from(outbox)
    .where(like(outbox.key, `${prefix}%`));
const texts = (chatId: number) => fake.sent(chatId).map((m) => m.text ?? '');

/** A 429 on the first send: the row waits, pending, and the next outbox tick (the job) sends it. */
async function rateLimitedThenDelivered(deps: Deps, kind: string, send: () => Promise<unknown>) {
  fake.failNext('sendMessage', { status: 429, retryAfter: 1 });
  await send();
  const [row] = (await rowsOf(`${kind}:`)).filter((r) => r.status !== 'sent');
  expect(row).toMatchObject({ kind, status: 'pending', attempts: 0 });
  expect(row!.lastError).toContain('retry after 1');
  clock.advance(1000);
  await deliverOutbox(deps);
  expect((await rowsOf(`${kind}:`)).every((r) => r.status === 'sent')).toBe(true);
}

describe('situation reports through the outbox', () => {
  it('a request DM waits out a 429 and goes with the next tick; reminders and escalations go once', async () => {
    const [a, b] = twoProcesses();
    const cb1 = await unit('CB1');
    const deadline = new Date(NOW.getTime() + 4 * 24 * HOUR);
    let requestId = 0;
    await rateLimitedThenDelivered(a, 'sr_request', async () => {
      requestId = (await askForReports(a, { title: 'Tình hình tháng 3', roots: [cb1], deadline }))!.request
        .id;
    });
    expect(texts(LEADER.id).filter((t) => t.includes(`#${requestId}`))).toHaveLength(1);
    const [row] = await rowsOf(`sr_request:${requestId}:${cb1.id}:`);
    expect(row).toMatchObject({ target: 'user', externalId: String(LEADER.id), status: 'sent' });

    // The reminder, by two processes at once, then again as if the step had not been recorded.
    clock.set(new Date(deadline.getTime() - 23 * HOUR));
    await Promise.all([followUp(a, clock.now()), followUp(b, clock.now())]);
    await database.db.update(reportRequestUnits).set({ followUpStep: 0 });
    await followUp(b, clock.now());
    expect(await rowsOf('sr_reminder:')).toHaveLength(1);
    // The deadline: the unit's leader is told once, however often the step is run.
    clock.set(new Date(deadline.getTime() + 1000));
    await Promise.all([followUp(a, clock.now()), followUp(b, clock.now())]);
    await database.db.update(reportRequestUnits).set({ followUpStep: 1 });
    await followUp(a, clock.now());
    expect(await rowsOf('sr_escalation:')).toHaveLength(1);
    expect(texts(LEADER.id)).toHaveLength(3);
    expect((await rowsOf('sr_')).every((r) => r.status === 'sent')).toBe(true);
  }, 30_000);
});

describe('the compiled situation report through the outbox', () => {
  it('at the deadline, run by two processes, the admin gets the Word and Markdown files once; a 429 on the way delays them, never loses them', async () => {
    const [a, b] = twoProcesses();
    const cb1 = await unit('CB1');
    const deadline = new Date(NOW.getTime() + 4 * 24 * HOUR);
    const asked = await askForReports(a, { title: 'Tình hình tháng 3', roots: [cb1], deadline });
    const id = asked!.request.id;
    clock.set(new Date(deadline.getTime() + 1000));
    fake.failNext('sendDocument', { status: 429, retryAfter: 1 });
    const compiled = await Promise.all([compileDue(a, clock.now()), compileDue(b, clock.now())]);
    expect(compiled.sort()).toEqual([0, 1]);
    const rows = await rowsOf(`sr_compiled:${id}:`);
    expect(rows.map((r) => r.key.split(':').at(-1)).sort()).toEqual(['docx', 'md']);
    expect(rows.every((r) => r.target === 'dm' && r.externalId === String(ADMIN.id))).toBe(true);
    const refused = rows.find((r) => r.status === 'pending');
    expect(refused?.lastError).toContain('retry after 1');
    // Run again (the job's next minute): nothing more is queued; the next outbox tick sends the rest.
    expect(await compileDue(b, clock.now())).toBe(0);
    clock.advance(1000);
    await deliverOutbox(b);
    const files = fake.uploads.filter((u) => u.chatId === ADMIN.id).map((u) => u.filename);
    expect(files.sort()).toEqual([`tong-hop-${id}.docx`, `tong-hop-${id}.md`]);
    const word = fake.calls.find(
      (c) => c.method === 'sendDocument' && c.status === 200 && c.files?.document?.filename.endsWith('.docx'),
    );
    expect(String(word?.body.caption)).toContain(`#${id}`);
    expect((await rowsOf('sr_compiled:')).every((r) => r.status === 'sent')).toBe(true);
  }, 30_000);
});

describe('“you said, we did” through the outbox', () => {
  it('pressed by two processes at once, each group is told once; a 429 is sent by the next tick', async () => {
    const [a, b] = twoProcesses();
    const cty = await unit('CTY');
    const personId = await leaderId();
    const action = await recordAction(database.db, {
      unit: cty,
      topic: 'nhà ăn',
      text: 'Thay bếp ăn ca 3',
      personId,
      now: NOW,
    });
    await rateLimitedThenDelivered(a, 'action_done', async () => {
      const outcomes = await Promise.all([
        markActionDone(a, { action, unit: cty, personId, now: NOW }),
        markActionDone(b, { action, unit: cty, personId, now: NOW }),
      ]);
      expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    });
    for (const chat of [CB1_GROUP, CB2_GROUP])
      expect(texts(chat).filter((t) => t.includes('Thay bếp ăn ca 3'))).toHaveLength(1);
    expect(await rowsOf('action_done:')).toHaveLength(2);
  }, 30_000);
});

describe('survey group posts through the outbox', () => {
  it('an announcement and a reminder run twice post once per group; a 429 is sent by the next tick', async () => {
    const [a, b] = twoProcesses();
    const cb1 = await unit('CB1');
    const survey = await insertSurvey(database.db, {
      title: 'Khảo sát quý',
      questions: [{ kind: 'scale', text: 'Bạn thấy thế nào?' }] as never,
      audience: [{ id: cb1.id }],
      closesAt: new Date(NOW.getTime() + 72 * HOUR),
      minAnswers: 10,
      minTexts: 10,
      templateKey: null,
      bankRun: null,
      createdBy: null,
      openedAt: NOW,
    });
    const t = translator('vi');
    await rateLimitedThenDelivered(a, 'survey_announce', async () => {
      await Promise.all([announceSurvey(a, t, survey, [cb1]), announceSurvey(b, t, survey, [cb1])]);
    });
    await Promise.all([
      announceSurvey(a, t, survey, [cb1], 'Nhắc: còn 24 giờ'),
      announceSurvey(b, t, survey, [cb1], 'Nhắc: còn 24 giờ'),
    ]);
    expect(texts(CB1_GROUP).filter((x) => x.includes('Khảo sát quý'))).toHaveLength(1);
    expect(texts(CB1_GROUP).filter((x) => x === 'Nhắc: còn 24 giờ')).toHaveLength(1);
    expect(texts(CB2_GROUP)).toEqual([]);
    // Group rows only: no person is named by a survey's outbox rows.
    expect((await rowsOf('survey_')).map((r) => r.target)).toEqual(['group', 'group']);
  }, 30_000);
});

describe('a dialogue’s own posts through the outbox', () => {
  it('the opening waits out a 429; the summary, closed by two processes, is posted once', async () => {
    const [a, b] = twoProcesses();
    const cb1 = await unit('CB1');
    const closesAt = new Date(NOW.getTime() + 2 * HOUR);
    await rateLimitedThenDelivered(a, 'dialogue_open', async () => {
      const opened = await openDialogue(a, { unit: cb1, closesAt, openedBy: await leaderId(), now: NOW });
      expect(opened).toMatchObject({ ok: true, groups: 1 });
    });
    expect(fake.sent(CB1_GROUP)).toHaveLength(1);
    expect(JSON.stringify(fake.sent(CB1_GROUP)[0]!.reply_markup)).toContain('dlg-');
    clock.set(new Date(closesAt.getTime() + 1000));
    await Promise.all([closeDueDialogues(a, clock.now()), closeDueDialogues(b, clock.now())]);
    await deliverOutbox(a);
    expect(fake.sent(CB1_GROUP)).toHaveLength(2);
    expect(await rowsOf('dialogue_summary:')).toMatchObject([{ status: 'sent', target: 'group' }]);
  }, 30_000);
});
