import { sql } from 'drizzle-orm';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeliveryError } from '../../bot/kernel/errors';
import type { Messenger } from '../../bot/kernel/types';
import { countSends, createSendMetrics, registerOperationsMetrics } from '../../bot/runtime/ops-metrics';
import { PlatformHealth } from '../../bot/runtime/platform-health';
import { seedDemoWhenEmpty } from '../../bot/sandbox/demo';
import { FakeClock } from '../helpers/clock';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await seedDemoWhenEmpty(database.db, {
    clock: new FakeClock(new Date('2026-03-02T02:00:00Z')),
    logger: pino({ level: 'silent' }),
  });
});
afterAll(() => database?.destroy());

/** The value of one series in the exposition text, or undefined when it is absent. */
async function value(registry: Registry, series: string): Promise<number | undefined> {
  const text = await registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('issue 15 item 7: operations metrics', () => {
  it('shows open polls, open incidents by severity and the outbox by kind and status, as in the database', async () => {
    const registry = new Registry();
    registerOperationsMetrics(registry, database.db);
    const [polls] = await database.query<{ n: number }>(
      sql`select count(*)::int as n from polls where status = 'open'`,
    );
    expect(await value(registry, 'pulse_polls_open')).toBe(polls!.n);

    // An incident and a pending directive send appear at the next scrape (after the 1 s cache).
    const [unit] = await database.query<{ id: number }>(sql`select id from units order by id limit 1`);
    await database.query(sql`
      insert into incidents (unit_id, topic_id, topic_name, severity, status, hit_count, window_minutes, escalation, opened_at, last_hit_at)
      values (${unit!.id}, 'wages', 'Lương', 'high', 'open', 5, 60, '{}'::jsonb, now(), now())`);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await value(registry, 'pulse_incidents_open{severity="high",status="open"}')).toBe(1);
    const [deliveries] = await database.query<{ n: number }>(
      sql`select count(*)::int as n from directive_deliveries where status = 'pending'`,
    );
    expect(await value(registry, 'pulse_outbox_depth{kind="directive",status="pending"}')).toBe(
      deliveries!.n > 0 ? deliveries!.n : undefined,
    );
  });

  it('counts sends and 429s by platform, and lets every other call through', async () => {
    const registry = new Registry();
    const metrics = createSendMetrics(registry);
    let calls = 0;
    const fake = {
      platform: 'telegram',
      send: async () => {
        calls++;
        if (calls === 2) throw new DeliveryError('Too Many Requests', false, 3);
        if (calls === 3) throw new DeliveryError('Forbidden', true);
        return {
          platform: 'telegram',
          chat: { platform: 'telegram', externalId: '1', kind: 'dm' },
          messageId: '1',
        };
      },
      answerButton: async () => {},
    } as unknown as Messenger;
    const counted = countSends(fake, metrics);
    const chat = { platform: 'telegram' as const, externalId: '1', kind: 'dm' as const };
    await counted.send(chat, { text: 'a' });
    await expect(counted.send(chat, { text: 'b' })).rejects.toThrow('Too Many Requests');
    await expect(counted.send(chat, { text: 'c' })).rejects.toThrow('Forbidden');
    await counted.answerButton('press', 'ok');
    expect(counted.platform).toBe('telegram');
    expect(await value(registry, 'pulse_sends_total{platform="telegram",outcome="ok"}')).toBe(1);
    expect(await value(registry, 'pulse_sends_total{platform="telegram",outcome="rate_limited"}')).toBe(1);
    expect(await value(registry, 'pulse_sends_total{platform="telegram",outcome="failed"}')).toBe(1);
    expect(await value(registry, 'pulse_send_429_total{platform="telegram"}')).toBe(1);
  });

  it("/readyz's platform list: each configured platform up, or down with its last error", () => {
    const health = new PlatformHealth(new Registry(), pino({ level: 'silent' }));
    health.up('telegram');
    health.down('zalo', new Error('connect ECONNREFUSED'));
    expect(health.snapshot(['telegram', 'zalo', 'slack'])).toEqual({
      telegram: 'up',
      zalo: 'down: connect ECONNREFUSED',
      slack: 'up',
    });
  });
});
