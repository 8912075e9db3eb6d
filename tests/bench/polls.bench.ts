import { ballotsOf } from '../../bot/features/polls/ballot-box';
/**
 * A shift change: 10,000 distinct people tap an answer at once. Full path: a Telegram
 * callback_query update → grammY (bot.handleUpdate, the same middleware as production) → the event
 * handler → the database → answerCallbackQuery over HTTP to the fake Bot API. Baseline, in the same
 * run: the answer's database work alone (recordAnswer: one read, one transaction) in a plain loop.
 * On PGlite and on Postgres (BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the local server).
 * Updates are fed with bot.handleUpdate, CONCURRENCY at a time (what the runner or a webhook server
 * does), not through getUpdates. For quick looks: BENCH_PEOPLE, BENCH_CONCURRENCY, BENCH_DRIVER.
 */

import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { eq, sql } from 'drizzle-orm';
import pino from 'pino';
import postgres from 'postgres';
import { loadConfig } from '../../bot/config';
import { createPulseEventHandler } from '../../bot/features';
import { recordAnswer } from '../../bot/features/polls/answer';
import type { BallotBox } from '../../bot/features/polls/ballot-box';
import { createPoll } from '../../bot/features/polls/create';
import { deliverPending } from '../../bot/features/polls/deliver';
import { TextSignals } from '../../bot/kernel/text-signals';
import { systemClock } from '../../bot/kernel/types';
import { createTelegramPlatform } from '../../bot/platforms/telegram';
import type { Deps } from '../../bot/runtime/deps';
import { MessengerRouter } from '../../bot/runtime/messenger-router';
import { type Database, openDatabase } from '../../db/client';
import { chatMembers, chats, identities, people, pollDeliveries, roles, units } from '../../db/schema';
import { startFakeTelegram } from '../fakes/telegram-server';

const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 10_000);
const GROUPS = 10;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const TOKEN = '123456:BENCH-token-for-the-fake-server';
const FIRST_TELEGRAM_ID = 5_000_000;

interface Figures {
  label: string;
  perSecond: number;
  p50: number;
  p99: number;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

function figures(label: string, latencies: number[], elapsedMs: number): Figures {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    label,
    perSecond: (latencies.length / elapsedMs) * 1000,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
  };
}

/** Runs `task(i)` for i < count with `concurrency` in flight; returns each one's latency in ms. */
async function drive(count: number, concurrency: number, task: (i: number) => Promise<void>) {
  const latencies = new Array<number>(count);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t0 = performance.now();
        await task(i);
        latencies[i] = performance.now() - t0;
      }
    }),
  );
  return { latencies, elapsedMs: performance.now() - started };
}

/** A company of GROUPS teams, each with its bound group, and PEOPLE workers already known as members. */
async function seed(database: Database) {
  const { db } = database;
  const [root] = await db
    .insert(units)
    .values({ code: 'CTY', name: 'Công ty', path: '', depth: 0 })
    .returning();
  await db
    .update(units)
    .set({ path: `/${root!.id}/` })
    .where(eq(units.id, root!.id));
  const teams: { unitId: number; chatId: number; externalId: string }[] = [];
  for (let g = 0; g < GROUPS; g++) {
    const [team] = await db
      .insert(units)
      .values({ code: `T${g}`, name: `Tổ ${g}`, parentId: root!.id, path: '', depth: 1 })
      .returning();
    await db
      .update(units)
      .set({ path: `/${root!.id}/${team!.id}/` })
      .where(eq(units.id, team!.id));
    const externalId = String(-1_000_000 - g);
    const [chat] = await db
      .insert(chats)
      .values({
        platform: 'telegram',
        externalId,
        title: `Tổ ${g}`,
        unitId: team!.id,
        inviteToken: `bench-${g}`,
      })
      .returning();
    teams.push({ unitId: team!.id, chatId: chat!.id, externalId });
  }
  for (let start = 0; start < PEOPLE; start += 1000) {
    const batch = Array.from({ length: Math.min(1000, PEOPLE - start) }, (_, j) => start + j);
    const inserted = await db
      .insert(people)
      .values(batch.map((i) => ({ displayName: `Công nhân ${i}` })))
      .returning({ id: people.id });
    const rows = inserted.map((person, j) => ({
      personId: person.id,
      i: batch[j]!,
      team: teams[batch[j]! % GROUPS]!,
    }));
    await db.insert(identities).values(
      rows.map((r) => ({
        personId: r.personId,
        platform: 'telegram' as const,
        externalId: String(FIRST_TELEGRAM_ID + r.i),
        username: `cn${r.i}`,
      })),
    );
    await db.insert(roles).values(
      rows.map((r) => ({
        personId: r.personId,
        unitId: r.team.unitId,
        role: 'worker' as const,
        source: 'scenario' as const,
      })),
    );
    await db.insert(chatMembers).values(rows.map((r) => ({ chatId: r.team.chatId, personId: r.personId })));
  }
  return { teams, rootId: root!.id };
}

async function openBenchDatabase(driver: 'pglite' | 'postgres') {
  if (driver === 'pglite') {
    const database = await openDatabase({ pgliteDir: 'memory://' });
    return { database, drop: async () => {} };
  }
  const server =
    process.env.BENCH_DATABASE_URL ??
    process.env.TEST_DATABASE_URL ??
    'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `pulse_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(server, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), pgliteDir: '' });
  return {
    database,
    drop: async () => {
      const again = postgres(server, { max: 1, onnotice: () => {} });
      await again.unsafe(`drop database if exists ${name} with (force)`);
      await again.end();
    },
  };
}

async function measure(driver: 'pglite' | 'postgres'): Promise<Figures[]> {
  const { database, drop } = await openBenchDatabase(driver);
  const fake = await startFakeTelegram();
  try {
    await database.migrate();
    const { teams, rootId } = await seed(database);
    const config = loadConfig({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: fake.apiRoot,
      PGLITE_DIR: 'memory://',
    });
    const logger = pino({ level: 'silent' });
    const messenger = new MessengerRouter();
    const deps: Deps = {
      db: database.db,
      messenger,
      clock: systemClock,
      logger,
      config,
      signals: new TextSignals(),
    };
    const handle = createPulseEventHandler(deps);
    const telegram = createTelegramPlatform({ config: config.telegram!, handle, logger });
    messenger.register(telegram.messenger);
    await telegram.bot.init();

    const [root] = await database.db.select().from(units).where(eq(units.id, rootId));
    const newPoll = async () => {
      const created = await database.db.transaction((tx) =>
        createPoll(
          deps,
          tx,
          {
            question: 'Ca làm việc hôm nay thế nào?',
            kind: 'scale',
            options: ['😞', '🙁', '😐', '🙂', '😀'],
            audience: [root!],
            dm: false,
            comments: false,
            closesAt: new Date(Date.now() + 24 * 60 * 60 * 1000),
            minAnswers: 5,
            minComments: 10,
            creatorPersonId: null,
            locale: 'vi',
          },
          new Date(),
        ),
      );
      if (!created.ok) throw new Error(`bench poll not created: ${created.reason}`);
      await deliverPending(deps, { pollIds: [created.poll.id] });
      return created.poll.id;
    };

    // Baseline: the answer's database work in a plain loop, one after another.
    const direct = await newPoll();
    const personIds = (await database.db.select({ id: people.id }).from(people).orderBy(people.id)).map(
      (p) => p.id,
    );
    const loop = await drive(PEOPLE, 1, async (i) => {
      const outcome = await recordAnswer(database.db, ballotsOf(deps), {
        pollId: direct,
        option: i % 5,
        personId: personIds[i]!,
        chat: { platform: 'telegram', externalId: teams[i % GROUPS]!.externalId },
        now: new Date(),
      });
      if (outcome.kind !== 'recorded') throw new Error(`direct answer ${i}: ${outcome.kind}`);
    });
    await check(database, ballotsOf(deps), direct, 'direct loop');

    // Full path: one callback_query update per person, CONCURRENCY in flight.
    const fullPath = async () => {
      const pollId = await newPoll();
      const [posted] = await database.db
        .select()
        .from(pollDeliveries)
        .where(eq(pollDeliveries.pollId, pollId));
      const updates = Array.from({ length: PEOPLE }, (_, i) => {
        const team = teams[i % GROUPS]!;
        return fake.injectUpdate({
          callback_query: {
            id: `bench-${pollId}-${i}`,
            from: {
              id: FIRST_TELEGRAM_ID + i,
              is_bot: false,
              first_name: `Công nhân ${i}`,
              username: `cn${i}`,
            },
            message: {
              message_id: Number(posted!.messageId),
              date: Math.floor(Date.now() / 1000),
              chat: { id: Number(team.externalId), type: 'supergroup', title: `Tổ ${i % GROUPS}` },
            },
            chat_instance: team.externalId,
            data: `pa:${pollId}:${i % 5}`,
          },
        });
      });
      const answersBefore = fake.callbackAnswers.length;
      const run = await drive(PEOPLE, CONCURRENCY, (i) => telegram.bot.handleUpdate(updates[i]!));
      await check(database, ballotsOf(deps), pollId, 'full path');
      const toasts = fake.callbackAnswers.slice(answersBefore);
      const recorded = toasts.filter((a) => a.text?.startsWith('✅')).length;
      if (toasts.length !== PEOPLE || recorded !== PEOPLE) {
        throw new Error(`full path: ${toasts.length} toasts, ${recorded} recorded, expected ${PEOPLE}`);
      }
      return run;
    };
    // Cold: a process that has not seen these people yet records their group membership on the tap.
    const cold = await fullPath();
    const measured = [
      figures(`${driver}: direct loop (baseline)`, loop.latencies, loop.elapsedMs),
      figures(`${driver}: full path, ${CONCURRENCY} in flight, cold`, cold.latencies, cold.elapsedMs),
    ];
    // Warm: the same people again, already seen by this process (the steady state of a running bot).
    const warm = await fullPath();
    measured.push(
      figures(`${driver}: full path, ${CONCURRENCY} in flight, warm`, warm.latencies, warm.elapsedMs),
    );
    return measured;
  } finally {
    await fake.stop();
    await database.close();
    await drop();
  }
}

/**
 * No answer lost or double-counted: participation adds up to PEOPLE; the tallies plus the ballots
 * this process still holds (below k in a cell, written at closing) add up to PEOPLE too, the held
 * count the database keeps equals what is in memory, and after the closing flush the tallies alone do.
 */
async function check(database: Database, ballots: BallotBox, pollId: number, what: string): Promise<void> {
  const totals = async () => {
    const [row] = await database.query<{ counted: string; participants: string; held: string }>(sql`
      select (select coalesce(sum(c), 0) from poll_tallies, unnest(counts) c where poll_id = ${pollId}) as counted,
             (select count(*) from poll_participation where poll_id = ${pollId}) as participants,
             (select coalesce(sum(held), 0) from poll_ballot_holders where poll_id = ${pollId}) as held`);
    return {
      counted: Number(row?.counted),
      participants: Number(row?.participants),
      held: Number(row?.held),
    };
  };
  const open = await totals();
  if (
    open.participants !== PEOPLE ||
    open.counted + open.held !== PEOPLE ||
    open.held !== ballots.held(pollId)
  ) {
    throw new Error(
      `${what}: ${JSON.stringify(open)}, ${ballots.held(pollId)} in memory, expected ${PEOPLE}`,
    );
  }
  await ballots.flush(database.db, pollId, { closing: true });
  const closed = await totals();
  if (closed.counted !== PEOPLE || closed.held !== 0) {
    throw new Error(`${what} after the closing flush: ${JSON.stringify(closed)}, expected ${PEOPLE} counted`);
  }
}

export async function run(): Promise<void> {
  const rows: (Figures & { ratio: string })[] = [];
  const only = process.env.BENCH_DRIVER;
  for (const driver of ['pglite', 'postgres'] as const) {
    if (only && only !== driver) continue;
    let measured: Figures[];
    try {
      measured = await measure(driver);
    } catch (error) {
      if (driver === 'postgres' && /ECONNREFUSED|connect/i.test(String(error))) {
        console.log(`postgres: skipped (${(error as Error).message})`);
        continue;
      }
      throw error;
    }
    const [baseline, ...paths] = measured as [Figures, ...Figures[]];
    rows.push(
      { ...baseline, ratio: '1.00' },
      ...paths.map((path) => ({ ...path, ratio: (path.perSecond / baseline.perSecond).toFixed(2) })),
    );
  }
  console.log(
    `${PEOPLE} distinct people answer once each; ${GROUPS} groups; no answer lost or double-counted.`,
  );
  console.table(
    rows.map((r) => ({
      run: r.label,
      'answers/s': Math.round(r.perSecond),
      'p50 ms': r.p50.toFixed(1),
      'p99 ms': r.p99.toFixed(1),
      'vs baseline': r.ratio,
    })),
  );
}
