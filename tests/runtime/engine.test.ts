import { eq, inArray } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config';
import { DeliveryError } from '../../bot/kernel/errors';
import { TextSignals } from '../../bot/kernel/text-signals';
import type { ChatRef, Clock } from '../../bot/kernel/types';
import { DeliveryOutcomes } from '../../bot/runtime/delivery/outcomes';
import type { Deps } from '../../bot/runtime/deps';
import { MessengerRouter } from '../../bot/runtime/messenger-router';
import { deliverLedger, type LedgerAdapter } from '../../bot/runtime/outbox/engine';
import { claimLedger, type LedgerTable } from '../../bot/runtime/outbox/ledger-sql';
import { outbox } from '../../db/schema';
import { FakeClock } from '../helpers/clock';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

/**
 * The delivery engine (bot/runtime/outbox/engine.ts) over a fake ledger — its rows in the outbox
 * table, its sends a function that answers as told — on PGlite and (TEST_DATABASE_URL) PostgreSQL:
 * a 429 storm gives attempts back and moves rows by retry_after, a dead process's rows are taken
 * over when their lease ends, a permanent refusal fails at once, and a ledger without a due column
 * holds a row back in memory for its backoff.
 */
let database: TestDatabase;
const NOW = new Date('2026-03-05T02:00:00Z');
type Row = typeof outbox.$inferSelect;
type Answer = 'ok' | DeliveryError;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(() => database.reset());

function depsOn(clock: Clock): Deps {
  const config = loadConfig({ PGLITE_DIR: 'memory://', DIRECTIVES_RATE_GLOBAL: '100/s' });
  const logger = pino({ level: 'silent' });
  return {
    db: database.db,
    messenger: new MessengerRouter(),
    clock,
    logger,
    config,
    signals: new TextSignals(),
    deliveries: new DeliveryOutcomes(logger, { baseMs: 1, attempts: 2 }),
  };
}

async function seed(count: number, at = NOW) {
  await database.db.insert(outbox).values(
    Array.from({ length: count }, (_, i) => ({
      key: `engine:${i}`,
      kind: 'engine',
      platform: 'telegram' as const,
      target: 'group' as const,
      externalId: String(-1000 - i),
      payload: { text: `Tin ${i}` },
      notBefore: at,
    })),
  );
}

/** A ledger over the outbox table whose sends answer from `answers` (then 'ok'), counting each. */
function fakeLedger(
  deps: Deps,
  answers: (row: Row, call: number) => Answer,
  table: LedgerTable = { table: 'outbox', due: 'not_before', error: 'last_error' },
) {
  const calls = new Map<number, number>();
  const sent: number[] = [];
  let call = 0;
  const ledger: LedgerAdapter<Row, true> = {
    name: 'engine-test',
    table,
    maxAttempts: 3,
    batch: () => 8,
    load: (ids) => deps.db.select().from(outbox).where(inArray(outbox.id, ids)).orderBy(outbox.id),
    send: (row, pace) => {
      const chat: ChatRef = { platform: 'telegram', externalId: row.externalId, kind: 'group' };
      return pace(chat, async () => {
        calls.set(row.id, (calls.get(row.id) ?? 0) + 1);
        const answer = answers(row, call++);
        if (answer !== 'ok') throw answer;
        sent.push(row.id);
        return true as const;
      });
    },
    markSent: (row) => deps.db.update(outbox).set({ status: 'sent' }).where(eq(outbox.id, row.id)),
  };
  return { ledger, calls, sent };
}

const all = () => database.db.select().from(outbox).orderBy(outbox.id);
const rateLimited = () => new DeliveryError('Too Many Requests: retry after 1', false, 1);

describe('the delivery engine', () => {
  it('a 429 storm: each refused row waits retry_after with its attempt given back, the platform pauses, each row is sent once', async () => {
    await seed(24);
    const clock = new FakeClock(NOW);
    const deps = depsOn(clock);
    // Every fourth send of the first run is refused with retry_after 1.
    const { ledger, calls, sent } = fakeLedger(deps, (_, call) =>
      call < 24 && call % 4 === 0 ? rateLimited() : 'ok',
    );
    const started = performance.now();
    const first = await deliverLedger(deps, ledger, { concurrency: 4 });
    expect(first).toEqual({ sent: 18, failed: 0, retrying: 6 });
    // The platform was paused a second after each 429: the run took at least that.
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    // Not retried in the same run: one call per row.
    expect([...calls.values()].every((n) => n === 1)).toBe(true);
    const waiting = (await all()).filter((row) => row.status === 'pending');
    expect(waiting).toHaveLength(6);
    for (const row of waiting) {
      expect(row).toMatchObject({ attempts: 0, lastError: 'rate limited: retry after 1s', claimedAt: null });
      expect(row.notBefore).toEqual(new Date(NOW.getTime() + 1000));
    }
    // Before retry_after has passed nothing is due; after it, every refused row goes.
    expect(await deliverLedger(deps, ledger)).toEqual({ sent: 0, failed: 0, retrying: 0 });
    clock.advance(1000);
    expect(await deliverLedger(deps, ledger)).toMatchObject({ sent: 6, retrying: 0 });
    expect(new Set(sent).size).toBe(24);
    expect(sent).toHaveLength(24);
    expect((await all()).map((row) => [row.status, row.attempts])).toEqual(Array(24).fill(['sent', 1]));
  }, 30_000);

  it('takes over a dead process’s rows as soon as their lease ends, waking by itself', async () => {
    await seed(5, new Date());
    const table: LedgerTable = { table: 'outbox', due: 'not_before', error: 'last_error' };
    const leaseMs = 800;
    // The dead process: claimed the rows, then never renewed them.
    const claimed = await claimLedger(database.db, table, { batch: 10, leaseMs, now: new Date() });
    const claimedAt = Date.now();
    expect(claimed).toHaveLength(5);
    const deps = depsOn({ now: () => new Date() });
    const { ledger, sent } = fakeLedger(deps, () => 'ok', table);
    let woken = 0;
    const stop = new AbortController();
    const run = () => {
      woken++;
      return deliverLedger(deps, ledger, { leaseMs, signal: stop.signal, wake: run });
    };
    try {
      // The live leases hold them: nothing now; the engine sets its own wake at the lease end.
      expect(await run()).toMatchObject({ sent: 0 });
      const deadline = Date.now() + 5_000;
      while (sent.length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      const tookMs = Date.now() - claimedAt;
      expect(sent.sort()).toEqual([...claimed].sort());
      expect(woken).toBeGreaterThanOrEqual(2);
      expect(tookMs).toBeGreaterThanOrEqual(leaseMs);
      expect(tookMs).toBeLessThan(leaseMs + 1_500);
      // The dead process's claim counted an attempt, the takeover another. Each mark is written
      // just after its send returns: waited for, not raced.
      const marks = async () => (await all()).map((row) => [row.status, row.attempts]);
      while ((await marks()).some(([status]) => status !== 'sent') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));
      expect(await marks()).toEqual(Array(5).fill(['sent', 2]));
    } finally {
      stop.abort();
    }
  }, 30_000);

  it('a permanent refusal fails the row at once with the platform’s words, and is never sent again', async () => {
    await seed(3);
    const deps = depsOn(new FakeClock(NOW));
    const blocked = new DeliveryError('Forbidden: bot was kicked from the group chat', true);
    const { ledger, calls } = fakeLedger(deps, (row) => (row.key === 'engine:1' ? blocked : 'ok'));
    expect(await deliverLedger(deps, ledger)).toEqual({ sent: 2, failed: 1, retrying: 0 });
    expect(await deliverLedger(deps, ledger)).toEqual({ sent: 0, failed: 0, retrying: 0 });
    const [, failed] = await all();
    expect(failed).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: 'Forbidden: bot was kicked from the group chat',
    });
    expect([...calls.values()]).toEqual([1, 1, 1]);
  });

  it('a ledger without a due column holds a failed row back in memory for its backoff, then gives up after its attempts', async () => {
    await seed(1);
    const clock = new FakeClock(NOW);
    const deps = depsOn(clock);
    const down = new DeliveryError('Bad Gateway', false);
    const { ledger, calls } = fakeLedger(deps, () => down, { table: 'outbox', error: 'last_error' });
    expect(await deliverLedger(deps, ledger)).toEqual({ sent: 0, failed: 0, retrying: 1 });
    // Pending again, the attempt counted; not claimed again before its 5 s backoff.
    expect(await all()).toMatchObject([{ status: 'pending', attempts: 1 }]);
    expect(await deliverLedger(deps, ledger)).toEqual({ sent: 0, failed: 0, retrying: 0 });
    clock.advance(5_000);
    expect(await deliverLedger(deps, ledger)).toEqual({ sent: 0, failed: 0, retrying: 1 });
    clock.advance(10_000);
    expect(await deliverLedger(deps, ledger)).toEqual({ sent: 0, failed: 1, retrying: 0 });
    expect(await all()).toMatchObject([
      { status: 'failed', attempts: 3, lastError: 'gave up after 3 attempts: Bad Gateway' },
    ]);
    expect(calls.get((await all())[0]!.id)).toBe(3);
  });
});
