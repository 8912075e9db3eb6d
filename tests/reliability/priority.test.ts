import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PulseApp } from '../../bot/app';
import { directiveDeliveries } from '../../db/schema';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram-server';
import { applyText, PUBLISHED } from '../features/directives/fixtures';
import { FakeClock } from '../helpers/clock';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { PLATFORM_RATES } from '../helpers/rates';
import { startTelegramApp } from '../helpers/telegram-app';

/**
 * Interactive replies outrank bulk sends (issue 13, item 8): the whole of Pulse (real grammY, long
 * polling) fans a directive out to 300 groups while the fake Bot API allows 5 sends a second and
 * answers the rest 429 (retry_after 1) — with Pulse's default budget of 30/s, a 429 storm. Twelve
 * people send /whoami during the fan-out: every one is answered, once, within seconds, and the
 * fan-out still reaches every group exactly once.
 */
let database: TestDatabase;
let fake: FakeTelegram;
let app: PulseApp | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(async () => {
  await database.reset();
  fake = await startFakeTelegram();
});
afterEach(async () => {
  await app?.stop();
  app = undefined;
  await fake.stop();
});

const DUE = new Date('2024-03-15T01:00:00Z');
const GROUPS = 300;
const PEOPLE = 12;

async function fanOutTo(count: number): Promise<number[]> {
  const ids = Array.from({ length: count }, (_, i) => -7000 - i);
  const chats = ids.map((id) => `  - { platform: telegram, id: "${id}", title: Nhóm ${-id}, unit: CB1 }`);
  await applyText(
    database,
    `version: 1
organisation: { name: Công ty Mẫu }
units:
  - code: CTY
    name: Đảng ủy Công ty
    children:
      - { code: CB1, name: Chi bộ 1 }
chats:
${chats.join('\n')}
directives:
  - id: NV1
    title: Quán triệt Kết luận 100-KL/TW
    body: Các chi bộ tổ chức quán triệt tới toàn thể đảng viên.
    schedule: { at: 2024-03-15 08:00 }
`,
    PUBLISHED,
  );
  return ids;
}

const sentCount = async () =>
  Number(
    (
      await database.db
        .select({ n: sql<number>`count(*)::int` })
        .from(directiveDeliveries)
        .where(eq(directiveDeliveries.status, 'sent'))
    )[0]!.n,
  );

describe('replies during a fan-out under a 429 storm', () => {
  it(`${PEOPLE} /whoami during a ${GROUPS}-group fan-out at 5/s: ${PEOPLE} replies, 0 lost, 0 duplicated, fan-out complete`, async () => {
    const groups = await fanOutTo(GROUPS);
    fake.rateLimit({ perSecond: 5, retryAfter: 1 });
    const clock = new FakeClock(DUE);
    app = await startTelegramApp(database, fake, PLATFORM_RATES, clock);
    // Business time moves on so that rows told to back off become due again (the tick is real-time cron).
    const ticker = setInterval(() => clock.advance(5_000), 1_000);
    try {
      await fake.waitUntil(() => fake.sent().length >= 10, { timeoutMs: 20_000, what: 'the fan-out' });
      const latencies: number[] = [];
      for (let i = 0; i < PEOPLE; i++) {
        const person = { id: 8000 + i, first_name: `Người ${i}`, username: `nguoi${i}` };
        const asked = Date.now();
        fake.message({ chatId: person.id, chatType: 'private', from: person, text: '/whoami' });
        await fake.waitUntil(() => fake.sent(person.id).length > 0, {
          timeoutMs: 15_000,
          what: `the reply to ${person.username}`,
        });
        latencies.push(Date.now() - asked);
        // Spread the commands over the fan-out.
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      const groupSendsDuringReplies = fake.sent().filter((m) => m.chat.id < 0).length;
      const deadline = Date.now() + 150_000;
      while ((await sentCount()) < GROUPS && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await sentCount()).toBe(GROUPS);
      // Every reply once, every group once, counted at the fake Bot API.
      for (let i = 0; i < PEOPLE; i++) expect(fake.sent(8000 + i)).toHaveLength(1);
      for (const group of groups) expect(fake.sent(group)).toHaveLength(1);
      const sorted = [...latencies].sort((a, b) => a - b);
      console.info(
        `priority: ${PEOPLE} replies, latency median ${sorted[PEOPLE >> 1]} ms, max ${sorted.at(-1)} ms; ` +
          `${fake.rejected429} answers 429; ${groupSendsDuringReplies} group sends while replying`,
      );
      // Promptly: the platform lets a send through every 200 ms; one 429 round costs a second.
      expect(sorted.at(-1)).toBeLessThan(3_000);
      expect(fake.rejected429).toBeGreaterThan(0);
    } finally {
      clearInterval(ticker);
    }
  }, 240_000);
});
