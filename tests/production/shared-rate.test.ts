import { AsyncLocalStorage } from 'node:async_hooks';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SendRate } from '../../bot/config';
import type { ChatRef } from '../../bot/kernel/types';
import { SendBudget } from '../../bot/runtime/delivery/budget';
import { SharedSendRate } from '../../bot/runtime/delivery/shared-rate';
import { type Database, openDatabase } from '../../db/client';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

/**
 * Issue 15 item 2: the global, per-chat and per-group send rates hold across processes. Three
 * limiter instances, each with its own connection pool (on PostgreSQL: what three Pulse processes
 * are), reserve slots at once; the grants are timed as the senders see them.
 */
const rates = (global: SendRate) => ({
  global,
  chat: { count: 1, perMs: 1000 },
  group: { count: 20, perMs: 60_000 },
});
const TELEGRAM = rates({ count: 30, perMs: 1000 });

let database: TestDatabase;
const pools: Database[] = [];
beforeAll(async () => {
  database = await createTestDatabase();
  // On PostgreSQL each instance has its own pool, like a process; PGlite is one connection.
  for (let i = 0; i < 3; i++)
    pools.push(
      database.url
        ? await openDatabase({ databaseUrl: database.url, pgliteDir: 'memory://', poolSize: 4 })
        : database,
    );
});
afterAll(async () => {
  for (const pool of pools) if (pool !== database) await pool.close();
  await database?.destroy();
});
beforeEach(() => database.reset());

const dmTo = (id: string): ChatRef => ({ platform: 'telegram', externalId: id, kind: 'dm' });
const groupChat = (id: string): ChatRef => ({ platform: 'telegram', externalId: id, kind: 'group' });

/** Most grants in any window of `windowMs` (half-open, as the fake Bot API counts). */
function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i]! - sorted[j]! >= windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

/**
 * Records when each reservation's slot was due, besides when its sender woke up: the last sleep of a
 * `reserve` (a sender woken late leaves its first slot unused and sleeps again for a new one).
 */
function timed() {
  const due: number[] = [];
  const current = new AsyncLocalStorage<{ due?: number }>();
  return {
    due,
    time: {
      now: () => performance.now(),
      sleep: (ms: number) => {
        const reservation = current.getStore();
        if (reservation) reservation.due = performance.now() + ms;
        return new Promise<void>((resolve) => setTimeout(resolve, ms));
      },
    },
    /** Runs one reservation, then records the moment of the slot it kept. */
    async track(reserve: () => Promise<unknown>) {
      const reservation: { due?: number } = {};
      await current.run(reservation, reserve);
      if (reservation.due !== undefined) due.push(reservation.due);
    },
  };
}

/** Each instance runs `workers` senders over its own chats; returns every grant's time. */
async function fanOut(
  limiters: SharedSendRate[],
  chatsEach: number,
  workers = 8,
  clocks?: ReturnType<typeof timed>[],
): Promise<number[]> {
  const granted: number[] = [];
  await Promise.all(
    limiters.map(async (limiter, n) => {
      const chats = Array.from({ length: chatsEach }, (_, i) => dmTo(`p${n}-${i}`));
      await Promise.all(
        Array.from({ length: workers }, async () => {
          for (let chat = chats.shift(); chat; chat = chats.shift()) {
            const reserve = () => limiter.reserve(chat);
            await (clocks ? clocks[n]!.track(reserve) : reserve());
            granted.push(performance.now());
          }
        }),
      );
    }),
  );
  return granted;
}

describe('issue 15 item 2: send rates shared by every process on the database', () => {
  it('three instances together stay under 30/s in every second and use at least 90% of it', async () => {
    const clocks = pools.map(() => timed());
    const limiters = pools.map((pool, i) => new SharedSendRate(pool.db, TELEGRAM, clocks[i]!.time));
    const granted = await fanOut(limiters, 40, 8, clocks);
    expect(granted).toHaveLength(120);
    const due = clocks.flatMap((clock) => clock.due);
    const sorted = [...granted].sort((a, b) => a - b);
    const perSecond = ((sorted.length - 1) * 1000) / (sorted.at(-1)! - sorted[0]!);
    const where = database.url ? 'PostgreSQL, 3 pools' : 'PGlite, 1 connection';
    console.log(
      `shared rate (${where}): ${perSecond.toFixed(1)}/s over ${sorted.length} sends; busiest second: ${busiestWindow(due, 1000)} due, ${busiestWindow(granted, 1000)} woken`,
    );
    // The schedule the instances agreed on through the database: never more than 30 in a second.
    expect(busiestWindow(due, 1000)).toBeLessThanOrEqual(30);
    // In-process PGlite answers on the event loop, so its senders often wake past their slot and take
    // a new one (the late slot left unused): 26.7-28.6/s measured there, 28.6/s on PostgreSQL. Pulse
    // shares rates only where several processes share PostgreSQL.
    expect(perSecond).toBeGreaterThanOrEqual(database.url ? 27 : 25);
    expect(perSecond).toBeLessThanOrEqual(30.5);
    // On PostgreSQL the senders also woke within it. (In-process PGlite runs its queries on the
    // event loop, so a busy machine wakes timers late and bunched: Pulse does not share rates there.)
    if (database.url) expect(busiestWindow(granted, 1000)).toBeLessThanOrEqual(30);
  });

  it('without the shared rows the same three would send three times the limit (what the test guards)', async () => {
    // Three processes' own limiters, each set to the whole 30/s, as before this change.
    const budgets = [0, 1, 2].map(() => new SendBudget(TELEGRAM));
    const granted: number[] = [];
    await Promise.all(
      budgets.map(async (budget, n) => {
        for (let i = 0; i < 40; i++) {
          const done = await budget.acquire(dmTo(`q${n}-${i}`), 'bulk');
          granted.push(performance.now());
          done();
        }
      }),
    );
    expect(busiestWindow(granted, 1000)).toBeGreaterThan(60);
  });

  it('one chat gets at most one message a second across instances, one group at most 20 a minute', async () => {
    const limiters = pools.map((pool) => new SharedSendRate(pool.db, TELEGRAM));
    const times: number[] = [];
    await Promise.all(
      limiters.map(async (limiter) => {
        for (let i = 0; i < 2; i++) {
          await limiter.reserve(dmTo('same-person'));
          times.push(performance.now());
        }
      }),
    );
    times.sort((a, b) => a - b);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(995);

    const fast = pools.map(
      (pool) =>
        new SharedSendRate(pool.db, {
          ...rates({ count: 30, perMs: 1000 }),
          group: { count: 4, perMs: 1000 },
        }),
    );
    const groupTimes: number[] = [];
    await Promise.all(
      fast.map(async (limiter) => {
        for (let i = 0; i < 3; i++) {
          await limiter.reserve(groupChat(`g-${i}`));
          await limiter.reserve(groupChat('busy-group'));
          groupTimes.push(performance.now());
        }
      }),
    );
    // 9 messages to one group at 4/s (1/s per chat binds first): never two within a second.
    expect(busiestWindow(groupTimes, 995)).toBe(1);
  }, 60_000);

  it('a message waiting for its own group does not hold the global queue for other chats', async () => {
    const [a, b, c] = pools.map((pool) => new SharedSendRate(pool.db, TELEGRAM));
    // A posts to the group; B has the next message for it, due 3 s later (20 a minute).
    await a!.reserve(groupChat('just-posted'));
    const second = b!.reserve(groupChat('just-posted')).then(() => performance.now());
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Meanwhile C fans out to 30 people: about a second at 30/s, not 3 s behind B's wait.
    const started = performance.now();
    for (let i = 0; i < 30; i++) await c!.reserve(dmTo(`waiting-${i}`));
    const fanOutMs = performance.now() - started;
    const secondAt = await second;
    expect(fanOutMs).toBeLessThan(2000);
    expect(secondAt - started).toBeGreaterThanOrEqual(2800);
  }, 20_000);

  it('a sender woken late by a stalled event loop leaves its slot unused and takes a new one', async () => {
    const [a, b] = pools;
    const prompt = new SharedSendRate(a!.db, TELEGRAM);
    let stalls = 1;
    const late = new SharedSendRate(b!.db, TELEGRAM, {
      now: () => performance.now(),
      // The first sleep ends 150 ms late, as timers do when the event loop is busy.
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms + (stalls-- > 0 ? 150 : 0))),
    });
    for (let i = 0; i < 3; i++) await prompt.reserve(dmTo(`before-${i}`));
    await late.reserve(dmTo('late'));
    // Sent at the stale slot it would arrive among the next ones; instead the global bucket's next
    // moment is one interval (35 ms) after now: the message took a fresh slot.
    const [row] = (await database.query(
      sql`select next_at_ms - extract(epoch from clock_timestamp()) * 1000 as ahead from send_buckets where key = 'telegram:global'`,
    )) as { ahead: number }[];
    expect(Number(row!.ahead)).toBeGreaterThan(0);
    expect(Number(row!.ahead)).toBeLessThanOrEqual(36);
  });

  it("a 429's retry_after told to one instance holds every other one back", async () => {
    const [a, b] = pools.map((pool) => new SharedSendRate(pool.db, TELEGRAM));
    await a!.reserve(dmTo('warm-up'));
    await a!.pause('telegram', 800);
    const started = performance.now();
    const waited = await b!.reserve(dmTo('someone-else'));
    expect(performance.now() - started).toBeGreaterThanOrEqual(700);
    expect(waited).toBeGreaterThanOrEqual(700);
    // Slack's rate is its own: a Telegram pause does not hold it.
    const slack = await b!.reserve({ platform: 'slack', externalId: 'C1', kind: 'group' });
    expect(slack).toBeLessThan(100);
  });
});
