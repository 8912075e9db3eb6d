import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { nextOccurrence } from '../../../bot/features/directives';
import { bindChat, ensureChat } from '../../../bot/features/org/chats';
import { directiveDeliveries, directives } from '../../../db/schema';
import { type FakeTelegram, startFakeTelegram } from '../../fakes/telegram-server';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { group, seedOrg } from '../../helpers/harness';

/**
 * Real bot processes (`node --import tsx bot/main.ts`) on one Postgres database, against the
 * fake Bot API. PGlite is one process by nature, so these run only with TEST_DATABASE_URL.
 */
const POSTGRES = process.env.TEST_DATABASE_URL;
if (!POSTGRES)
  console.warn('directives/processes: skipped — set TEST_DATABASE_URL to run the multi-process tests');

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const TOKEN = '123456:TEST-token-for-the-fake-server';
const SECOND = 1000;

let database: TestDatabase;
let fake: FakeTelegram;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  if (POSTGRES) database = await createTestDatabase();
});
afterAll(() => database?.destroy());
beforeEach(async () => {
  if (!POSTGRES) return;
  await database.reset();
  fake = await startFakeTelegram();
});
afterEach(async () => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  await fake?.stop();
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts one bot process in webhook mode (so several may share the token) and waits until it is ready. */
async function startBot(env: Record<string, string> = {}): Promise<ChildProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'bot/main.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: database.url!,
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: fake.apiRoot,
      TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/webhook`,
      TELEGRAM_WEBHOOK_SECRET: 'secret',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'error',
      DIRECTIVES_RATE_CHAT: '100/s',
      DIRECTIVES_RATE_GROUP: '1000/m',
      ...env,
    },
  });
  children.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const deadline = Date.now() + 30 * SECOND;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`bot exited (${child.exitCode}): ${stderr}`);
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return child;
    if (Date.now() > deadline) throw new Error(`bot not ready after 30 s: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `count` bound groups, alternately in CB1 and CB2. */
async function groups(count: number): Promise<number[]> {
  const org = await seedOrg(database);
  const ids: number[] = [];
  for (let i = 0; i < count; i++) {
    const chatId = -3000 - i;
    const chat = await ensureChat(database.db, group(String(chatId)));
    await bindChat(database.db, chat.id, i % 2 ? org.ids.CB2 : org.ids.CB1, new Date());
    ids.push(chatId);
  }
  return ids;
}

async function addDirective(values: Partial<typeof directives.$inferInsert>) {
  const now = new Date();
  const base = {
    key: 'NV1',
    title: 'Quán triệt nghị quyết',
    body: 'Các chi bộ **tổ chức quán triệt** nghị quyết.',
    scheduleKind: 'at' as const,
    materialisedUntil: now,
    createdAt: now,
    updatedAt: now,
    ...values,
  };
  const schedule =
    base.scheduleKind === 'at'
      ? { kind: 'at' as const, at: base.at! }
      : {
          kind: 'cron' as const,
          cron: base.cron!,
          startsAt: new Date(0),
          endsAt: null,
          timezone: 'Asia/Ho_Chi_Minh',
        };
  await database.db
    .insert(directives)
    .values({ ...base, nextOccurrenceAt: nextOccurrence(schedule, base.materialisedUntil) });
}

const sentRows = async () =>
  Number(
    (
      await database.db
        .select({ n: sql<number>`count(*)::int` })
        .from(directiveDeliveries)
        .where(eq(directiveDeliveries.status, 'sent'))
    )[0]!.n,
  );

async function waitForSent(count: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while ((await sentRows()) < count) {
    if (Date.now() > deadline) throw new Error(`only ${await sentRows()} of ${count} sent`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Successful sendMessage calls per chat, as the fake Bot API saw them. */
function receivedPerChat(): Map<number, number> {
  const counts = new Map<number, number>();
  for (const message of fake.sent()) counts.set(message.chat.id, (counts.get(message.chat.id) ?? 0) + 1);
  return counts;
}

describe.skipIf(!POSTGRES)('several bot processes on one Postgres', () => {
  it('two processes with the same schedule deliver every occurrence to every chat exactly once', async () => {
    const chats = await groups(60);
    fake.latency(10);
    const env = { DIRECTIVES_RATE_GLOBAL: '20/s' };
    await Promise.all([startBot(env), startBot(env)]);
    // Hourly, last materialised 3 h ago: three occurrences, all inside the grace window.
    await addDirective({
      scheduleKind: 'cron',
      cron: '0 * * * *',
      startsAt: new Date(0),
      materialisedUntil: new Date(Date.now() - 3 * 3600 * SECOND),
    });
    await waitForSent(chats.length * 3, 40 * SECOND);
    await new Promise((r) => setTimeout(r, 1500));

    const received = receivedPerChat();
    expect(chats.filter((id) => received.get(id) !== 3)).toEqual([]);
    expect(fake.sent()).toHaveLength(chats.length * 3);
    const workers = await database.db
      .selectDistinct({ worker: directiveDeliveries.claimedBy })
      .from(directiveDeliveries);
    expect(workers.length).toBe(2);
  }, 90_000);

  it('a process killed mid fan-out loses nothing: a restart sends the rest, repeating only in-flight sends', async () => {
    const chats = await groups(60);
    fake.latency(150);
    const env = { DIRECTIVES_RATE_GLOBAL: '20/s', DIRECTIVES_LEASE: '2s' };
    const first = await startBot(env);
    await addDirective({
      at: new Date(Date.now() - 60 * SECOND),
      materialisedUntil: new Date(Date.now() - 120 * SECOND),
    });
    await fake.waitUntil(() => fake.sent().length >= 15, { timeoutMs: 30 * SECOND, what: '15 sends' });
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const inFlight = await database.db
      .select({ chatId: directiveDeliveries.chatId })
      .from(directiveDeliveries)
      .where(eq(directiveDeliveries.status, 'sending'));
    expect(await sentRows()).toBeLessThan(chats.length);

    await startBot(env);
    await waitForSent(chats.length, 40 * SECOND);
    await new Promise((r) => setTimeout(r, 1000));

    const received = receivedPerChat();
    expect(chats.filter((id) => (received.get(id) ?? 0) === 0)).toEqual([]);
    const repeated = chats.filter((id) => (received.get(id) ?? 0) > 1);
    expect(chats.filter((id) => (received.get(id) ?? 0) > 2)).toEqual([]);
    const inFlightExternal = await database.query<{ external_id: string }>(
      sql`select external_id from chats where id in (${sql.join(
        [0, ...inFlight.map((r) => r.chatId)].map((id) => sql`${id}`),
        sql`, `,
      )})`,
    );
    const inFlightChats = new Set(inFlightExternal.map((r) => Number(r.external_id)));
    expect(repeated.filter((id) => !inFlightChats.has(id))).toEqual([]);
  }, 90_000);

  it('kill -9 at a random point with the default lease: a restarted process resumes within seconds', async () => {
    const chats = await groups(60);
    fake.latency(100);
    // The default DIRECTIVES_LEASE (10 s): a live process renews it every third of it.
    const env = { DIRECTIVES_RATE_GLOBAL: '20/s' };
    const first = await startBot(env);
    await addDirective({
      at: new Date(Date.now() - 60 * SECOND),
      materialisedUntil: new Date(Date.now() - 120 * SECOND),
    });
    const killAfter = 5 + Math.floor(Math.random() * 40);
    await fake.waitUntil(() => fake.sent().length >= killAfter, { timeoutMs: 30 * SECOND });
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    const killedAt = Date.now();
    const before = fake.sent().length;

    await startBot(env);
    await fake.waitUntil(() => fake.sent().length > before, {
      timeoutMs: 30 * SECOND,
      what: 'a send after restart',
    });
    const resumeMs = Date.now() - killedAt;
    await waitForSent(chats.length, 40 * SECOND);
    // The rows in flight at the kill are taken over once their lease (10 s) runs out.
    const allMs = Date.now() - killedAt;
    const received = receivedPerChat();
    expect(chats.filter((id) => (received.get(id) ?? 0) === 0)).toEqual([]);
    // Within one lease and one tick of the restart (start-up included), not the old 2 minutes.
    expect(resumeMs).toBeLessThan(20 * SECOND);
    expect(allMs).toBeLessThan(25 * SECOND);
    console.info(
      `[reliability] kill -9 after ${killAfter} sends: sending again after ${resumeMs} ms, in-flight rows done after ${allMs} ms`,
    );
  }, 90_000);
});
