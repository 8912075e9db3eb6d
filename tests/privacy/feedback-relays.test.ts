import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FEEDBACK_RELAY, flushFeedback, relayDueFeedback } from '../../bot/features/feedback/feedback';
import { DeliveryError } from '../../bot/kernel/errors';
import { feedback, outbox } from '../../db/schema';
import { pollsWorld, worker } from '../features/polls/helpers';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { command, createHarness, dm, type Harness, message } from '../helpers/harness';

/**
 * Feedback relays go through the one outbox. The attacker reads every column of the outbox rows the
 * hourly step wrote (with `xmin` and the `id` order): nothing may name a sender (account, name,
 * username), hold a time inside the hour the feedback arrived in, or follow the order of arrival.
 * And the outbox's promises hold for them: once each, across a job run twice and two processes,
 * through a storm of 429s, and after a restart between the batch and the send.
 */
const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const SENDERS = [1, 2, 3, 5, 6, 7, 8, 9];
const LEADER = '2';

let database: TestDatabase;
let harness: Harness;
let world: Awaited<ReturnType<typeof pollsWorld>>;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(async () => {
  await database.reset();
  harness = createHarness(database, { PULSE_SECRET: SECRET });
  world = await pollsWorld(database, harness);
  for (const n of SENDERS) await harness.handle(message(world.groups.T1, worker(n), 'chào tổ'));
  harness.messenger.clear();
});

/** Each sender sends one feedback, in this order, at minutes 3, 10, 17 … of 02:00 UTC. */
async function sendHour(): Promise<string[]> {
  const texts: string[] = [];
  for (const [i, n] of SENDERS.entries()) {
    harness.clock.set(new Date(Date.parse('2026-03-05T02:03:17Z') + i * 7 * 60_000));
    const text = `Góp ý số ${i} về ca đêm`;
    await harness.handle(command(dm(100 + n), worker(n), `/gopy ${text}`));
    texts.push(text);
  }
  return texts;
}

const relayRows = () =>
  database.query<Record<string, unknown> & { id: string; xmin: string }>(
    sql`select o.*, o.xmin::text as xmin from outbox o where kind = ${FEEDBACK_RELAY} order by id`,
  );

const leaderRelays = (messengers = [harness.messenger]) =>
  messengers.flatMap((m) => m.texts(LEADER).filter((t) => t.includes('Góp ý ẩn danh')));

describe('feedback relays in the outbox, against a database reader', () => {
  it('no column, xmin or id order of an hour’s relay rows ties one to a sender or to its arrival', async () => {
    const texts = await sendHour();
    harness.clock.set('2026-03-05T03:00:20Z');
    // The hour's batch, as written, before any send.
    expect(await flushFeedback(harness.deps, harness.clock.now())).toBe(SENDERS.length);
    const written = await relayRows();
    expect(written).toHaveLength(SENDERS.length);
    // One transaction for the hour's feedback and all their relays: one xmin shared with `feedback`.
    const xmins = await database.query<{ xmin: string }>(sql`select xmin::text as xmin from feedback`);
    expect(new Set([...written.map((r) => r.xmin), ...xmins.map((r) => r.xmin)]).size).toBe(1);
    // The id order is not the arrival order (8! orders: a chance of 1 in 40,320 to fail by luck).
    const order = written.map((row) => texts.findIndex((t) => JSON.stringify(row.payload).includes(t)));
    expect(order.slice().sort()).toEqual(SENDERS.map((_, i) => i));
    expect(order).not.toEqual(SENDERS.map((_, i) => i));

    // Then sent (each mark is its own transaction, in the shuffled order the rows are claimed in).
    expect(await relayDueFeedback(harness.deps, harness.clock.now())).toBe(0);
    const rows = await relayRows();
    expect(rows).toHaveLength(SENDERS.length);
    const hour = Date.parse('2026-03-05T02:00:00Z');
    const step = harness.clock.now().getTime();
    const stored = await database.db.select().from(feedback);
    for (const row of rows) {
      expect(row.status).toBe('sent');
      expect(row.external_id).toBe(LEADER);
      // The key is random: no feedback id, short or long, and nothing else.
      expect(row.key).toMatch(
        /^feedback_relay:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      );
      for (const item of stored) expect(row.key).not.toContain(item.id.slice(0, 8));
      const cells = Object.entries(row).filter(([name]) => name !== 'xmin');
      for (const [name, value] of cells) {
        const text = typeof value === 'string' ? value : JSON.stringify(value);
        // No sender's account, name or username, in any column.
        for (const n of SENDERS) {
          expect(text, name).not.toMatch(new RegExp(`\\b${100 + n}\\b`));
          expect(text, name).not.toContain(`Công nhân ${n}`);
          expect(text, name).not.toContain(`cn${n}`);
        }
        // Times: the hour itself, or the step that sent the whole batch; nothing inside the hour.
        const at =
          value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : NaN;
        if (!Number.isNaN(at) && /_at$|not_before/.test(name)) {
          expect(at === hour || at >= step, `${name} ${new Date(at).toISOString()}`).toBe(true);
        }
        // No minute of arrival, in UTC or local time (UTC+7), in the text either.
        for (let i = 0; i < SENDERS.length; i++) {
          const minute = String(3 + i * 7).padStart(2, '0');
          expect(text, name).not.toMatch(new RegExp(`\\b(02|09):${minute}\\b`));
        }
      }
      expect(new Date(String(row.not_before)).getTime()).toBe(hour);
    }
    // And each reached the leader once.
    expect(leaderRelays()).toHaveLength(SENDERS.length);
  });
});

describe('feedback relays keep the outbox’s promises', () => {
  it('reach the leader exactly once with the job run twice on two processes', async () => {
    const texts = await sendHour();
    const other = createHarness(database, { PULSE_SECRET: SECRET });
    harness.clock.set('2026-03-05T03:00:20Z');
    other.clock.set(harness.clock.now());
    await Promise.all([
      relayDueFeedback(harness.deps, harness.clock.now()),
      relayDueFeedback(other.deps, other.clock.now()),
      relayDueFeedback(harness.deps, harness.clock.now()),
      relayDueFeedback(other.deps, other.clock.now()),
    ]);
    const got = leaderRelays([harness.messenger, other.messenger]);
    expect(got).toHaveLength(texts.length);
    for (const text of texts) expect(got.filter((t) => t.includes(text))).toHaveLength(1);
    expect(await relayRows()).toHaveLength(texts.length);
  });

  it('a storm of 429s delays the relays and loses none', async () => {
    const texts = await sendHour();
    const send = harness.messenger.send.bind(harness.messenger);
    let refusals = 0;
    harness.messenger.send = async (chat, msg) => {
      if (refusals < 12) {
        refusals++;
        throw new DeliveryError('Too Many Requests: retry after 0', false, 0);
      }
      return send(chat, msg);
    };
    harness.clock.set('2026-03-05T03:00:20Z');
    await relayDueFeedback(harness.deps, harness.clock.now());
    // Each refusal put its row back, pending, without using up an attempt; the job sends them later.
    for (let i = 0; i < 30 && leaderRelays().length < texts.length; i++) {
      harness.clock.advance(1000);
      await relayDueFeedback(harness.deps, harness.clock.now());
    }
    expect(refusals).toBe(12);
    const got = leaderRelays();
    expect(got).toHaveLength(texts.length);
    for (const text of texts) expect(got.filter((t) => t.includes(text))).toHaveLength(1);
    const rows = await relayRows();
    expect(rows.map((r) => r.status)).toEqual(rows.map(() => 'sent'));
  });

  it('a restart between the batch write and the send still delivers: the rows are pending', async () => {
    const texts = await sendHour();
    harness.clock.set('2026-03-05T03:00:20Z');
    // The hourly batch is written (feedback and relay rows), then the process dies before sending.
    expect(await flushFeedback(harness.deps, harness.clock.now())).toBe(texts.length);
    const pending = await database.db.select().from(outbox).where(eq(outbox.kind, FEEDBACK_RELAY));
    expect(pending.map((r) => r.status)).toEqual(texts.map(() => 'pending'));
    expect(leaderRelays()).toEqual([]);

    const restarted = createHarness(database, { PULSE_SECRET: SECRET });
    restarted.clock.set('2026-03-05T03:05:00Z');
    // Already claimed for relay in that batch: the new process queues nothing again, it sends.
    expect(await relayDueFeedback(restarted.deps, restarted.clock.now())).toBe(0);
    const got = leaderRelays([restarted.messenger]);
    expect(got).toHaveLength(texts.length);
    for (const text of texts) expect(got.filter((t) => t.includes(text))).toHaveLength(1);
  });
});
