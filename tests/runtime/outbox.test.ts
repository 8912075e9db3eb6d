import { eq } from 'drizzle-orm';
import { Api } from 'grammy';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config';
import { TextSignals } from '../../bot/kernel/text-signals';
import type { ChatRef, Messenger } from '../../bot/kernel/types';
import { TelegramMessenger } from '../../bot/platforms/telegram/messenger';
import { DeliveryOutcomes } from '../../bot/runtime/delivery/outcomes';
import type { Deps } from '../../bot/runtime/deps';
import { MessengerRouter } from '../../bot/runtime/messenger-router';
import { deliverOutbox } from '../../bot/runtime/outbox/deliver';
import { enqueue, type OutboxInput, outboxQueue, pruneOutbox } from '../../bot/runtime/outbox/store';
import { type Db, openDatabase } from '../../db/client';
import { outbox } from '../../db/schema';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram-server';
import { FakeClock } from '../helpers/clock';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { TELEGRAM_TEST_TOKEN } from '../helpers/telegram-app';
import { withFaults } from '../reliability/faults';

/**
 * The one outbox (bot/runtime/outbox) against the fake Bot API, on PGlite and (TEST_DATABASE_URL)
 * PostgreSQL: a key queued twice is one message, two senders on one database never send a row twice,
 * a 429 is waited out as the platform says without using up an attempt, a row that keeps failing is
 * failed with its reason, and a send whose mark could not be written is not sent again.
 */
let database: TestDatabase;
let fake: FakeTelegram;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(async () => {
  await database.reset();
  fake = await startFakeTelegram();
});
afterEach(() => fake.stop());

const NOW = new Date('2024-03-15T01:00:00Z');

function depsOn(db: Db, clock = new FakeClock(NOW), wrap?: (m: Messenger) => Messenger): Deps {
  const config = loadConfig({ PGLITE_DIR: 'memory://', TELEGRAM_BOT_TOKEN: TELEGRAM_TEST_TOKEN });
  const api = new Api(TELEGRAM_TEST_TOKEN, { apiRoot: fake.apiRoot });
  const router = new MessengerRouter();
  const telegram = new TelegramMessenger(api, () => 'pulse_bot', api);
  router.register(wrap ? wrap(telegram) : telegram);
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

const group = (id: number): ChatRef => ({ platform: 'telegram', externalId: String(id), kind: 'group' });

function rows(count: number, kind = 'test'): OutboxInput[] {
  return Array.from({ length: count }, (_, i) => ({
    key: `${kind}:${i}`,
    kind,
    to: { chat: group(-1000 - i) },
    message: { text: `Tin ${i}`, buttons: [[{ label: 'OK', data: `ok:${i}` }]] },
    notBefore: NOW,
  }));
}

const statusOf = async (key: string) =>
  (await database.db.select().from(outbox).where(eq(outbox.key, key)))[0]!;

describe('outbox', () => {
  it('queues a key once, however often it is enqueued, and sends it once with its buttons', async () => {
    expect(await enqueue(database.db, rows(3))).toBe(3);
    expect(await database.db.transaction((tx) => enqueue(tx, rows(4)))).toBe(1);
    const deps = depsOn(database.db);
    expect(await deliverOutbox(deps)).toMatchObject({ sent: 4, failed: 0 });
    expect(await deliverOutbox(deps)).toMatchObject({ sent: 0 });
    const sent = fake.sent();
    expect(sent.map((m) => m.text).sort()).toEqual(['Tin 0', 'Tin 1', 'Tin 2', 'Tin 3']);
    expect(JSON.stringify(sent[0]!.reply_markup)).toContain('ok:');
    const row = await statusOf('test:0');
    expect(row.status).toBe('sent');
    expect(row.sentMessageId).toBe(String(sent.find((m) => m.text === 'Tin 0')!.message_id));
    // Sent again later under the same key (a job run twice): nothing new.
    expect(await enqueue(database.db, rows(1))).toBe(0);
  });

  it('two senders on one database never send the same row', async () => {
    await enqueue(database.db, rows(120));
    // On PostgreSQL a second connection pool, as a second process has; on PGlite the one connection.
    const other = database.url
      ? await openDatabase({ databaseUrl: database.url, pgliteDir: 'memory://', poolSize: 5 })
      : undefined;
    try {
      fake.latency(5);
      const [a, b] = await Promise.all([
        deliverOutbox(depsOn(database.db)),
        deliverOutbox(depsOn(other?.db ?? database.db)),
      ]);
      expect(a.sent + b.sent).toBe(120);
      const chats = fake.sent().map((m) => m.chat.id);
      expect(chats).toHaveLength(120);
      expect(new Set(chats).size).toBe(120);
    } finally {
      await other?.close();
    }
  });

  it('waits out a 429 as long as the platform says, without using up an attempt', async () => {
    await enqueue(database.db, rows(1));
    const clock = new FakeClock(NOW);
    const deps = depsOn(database.db, clock);
    fake.failNext('sendMessage', { status: 429, retryAfter: 2 });
    expect(await deliverOutbox(deps)).toMatchObject({ sent: 0, retrying: 1 });
    let row = await statusOf('test:0');
    expect(row).toMatchObject({ status: 'pending', attempts: 0 });
    expect(row.notBefore.getTime()).toBe(NOW.getTime() + 2000);
    expect(row.lastError).toContain('retry after 2');
    clock.advance(1999);
    expect(await deliverOutbox(deps)).toMatchObject({ sent: 0, retrying: 0 });
    clock.advance(1);
    expect(await deliverOutbox(deps)).toMatchObject({ sent: 1 });
    row = await statusOf('test:0');
    expect(row).toMatchObject({ status: 'sent', attempts: 1 });
    expect(fake.sent()).toHaveLength(1);
  }, 20_000);

  it('fails a row after its attempts, with the reason, and shows it in the queue', async () => {
    await enqueue(database.db, rows(1, 'hotspot_alert'));
    const clock = new FakeClock(NOW);
    const deps = depsOn(database.db, clock);
    fake.failNext('sendMessage', { status: 500, description: 'Internal Server Error: boom' }, 10);
    for (let i = 0; i < 3; i++) {
      await deliverOutbox(deps, { maxAttempts: 3 });
      clock.advance(10 * 60_000);
    }
    const row = await statusOf('hotspot_alert:0');
    expect(row.status).toBe('failed');
    expect(row.attempts).toBe(3);
    expect(row.lastError).toMatch(/gave up after 3 attempts: .*boom/);
    const queue = await outboxQueue(database.db);
    expect(queue.counts).toEqual([{ kind: 'hotspot_alert', status: 'failed', count: 1 }]);
    expect(queue.failures[0]!.error).toContain('boom');
    expect(fake.sent()).toHaveLength(0);
  }, 20_000);

  it('a permanent refusal fails at once, with the platform’s words', async () => {
    await enqueue(database.db, rows(1));
    fake.failNext('sendMessage', {
      status: 403,
      description: 'Forbidden: bot was kicked from the group chat',
    });
    expect(await deliverOutbox(depsOn(database.db))).toMatchObject({ failed: 1 });
    const row = await statusOf('test:0');
    expect(row).toMatchObject({ status: 'failed', attempts: 1 });
    expect(row.lastError).toContain('kicked');
  });

  it('a message sent while the database went away is marked when it answers, never sent again', async () => {
    await enqueue(database.db, rows(2));
    const { db, faults } = withFaults(database.db);
    const clock = new FakeClock(NOW);
    // The database goes away between the send and its mark.
    const deps = depsOn(db, clock, (telegram) => {
      const send = telegram.send.bind(telegram);
      telegram.send = async (chat, message) => {
        const ref = await send(chat, message);
        faults.down = true;
        return ref;
      };
      return telegram;
    });
    await deliverOutbox(deps).catch(() => {});
    const sentBefore = fake.sent().length;
    expect(sentBefore).toBeGreaterThan(0);
    expect(deps.deliveries!.pending('outbox')).toBe(sentBefore);
    faults.down = false;
    expect((await statusOf('test:0')).status).toBe('sending');
    // Past the lease, the row is claimable again: this process writes what it knows instead of sending.
    clock.advance(deps.config.directives.leaseMs + 1);
    await deliverOutbox(deps);
    expect((await statusOf('test:0')).status).toBe('sent');
    expect((await statusOf('test:1')).status).toBe('sent');
    const texts = fake.sent().map((m) => m.text);
    expect(texts.sort()).toEqual(['Tin 0', 'Tin 1']);
  }, 20_000);

  it('a row left sending by a process that died is sent once by another after the lease', async () => {
    await enqueue(database.db, rows(1));
    await database.db
      .update(outbox)
      .set({ status: 'sending', claimedAt: NOW, attempts: 1 })
      .where(eq(outbox.key, 'test:0'));
    const clock = new FakeClock(NOW);
    const deps = depsOn(database.db, clock);
    expect(await deliverOutbox(deps)).toMatchObject({ sent: 0 });
    clock.advance(deps.config.directives.leaseMs + 1);
    expect(await deliverOutbox(deps)).toMatchObject({ sent: 1 });
    expect(await deliverOutbox(deps)).toMatchObject({ sent: 0 });
    expect(fake.sent()).toHaveLength(1);
  });

  it('prunes sent rows a week old and keeps the failed ones for /outbox', async () => {
    await enqueue(database.db, rows(2));
    fake.failNext('sendMessage', { status: 403, description: 'Forbidden: bot was blocked by the user' });
    await deliverOutbox(depsOn(database.db));
    expect(await pruneOutbox(database.db, NOW)).toBe(0);
    expect(await pruneOutbox(database.db, new Date(NOW.getTime() + 1))).toBe(1);
    const left = await database.db.select().from(outbox);
    expect(left.map((row) => row.status)).toEqual(['failed']);
  });
});
