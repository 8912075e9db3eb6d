import { Api } from 'grammy';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PulseApp } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { TextSignals } from '../../bot/kernel/text-signals';
import { TelegramMessenger } from '../../bot/platforms/telegram/messenger';
import { DeliveryOutcomes } from '../../bot/runtime/delivery/outcomes';
import { MessengerRouter } from '../../bot/runtime/messenger-router';
import { deliverOutbox } from '../../bot/runtime/outbox/deliver';
import { enqueue } from '../../bot/runtime/outbox/store';
import { type FakeTelegram, startFakeTelegram } from '../fakes/telegram-server';
import { FakeClock } from '../helpers/clock';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { seedOrg } from '../helpers/harness';
import { startTelegramApp, TELEGRAM_TEST_TOKEN } from '../helpers/telegram-app';

/** /outbox end to end: real grammY against the fake Bot API, a send that failed for good, a refusal. */
const ADMIN = { id: 1, first_name: 'Quản trị', username: 'quantri' };
const WORKER = { id: 7, first_name: 'Lan', username: 'lan' };

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
  const org = await seedOrg(database);
  await org.personWith(ADMIN.id, 'Quản trị', { role: 'admin', unit: null });
  await org.personWith(WORKER.id, 'Lan');
});
afterEach(async () => {
  await app?.stop();
  app = undefined;
  await fake.stop();
});

const repliesTo = (chatId: number, since: number) =>
  fake.waitFor((call) => call.method === 'sendMessage' && Number(call.body.chat_id) === chatId, { since });

describe('/outbox', () => {
  it('shows an admin what waits and what failed, with the reason; refuses a worker', async () => {
    const now = new Date();
    const alert = (i: number, notBefore: Date) => ({
      key: `hotspot_alert:1:${i}`,
      kind: 'hotspot_alert',
      to: { user: { platform: 'telegram' as const, externalId: String(900 + i) } },
      message: { text: `Cảnh báo ${i}` },
      notBefore,
    });
    await enqueue(database.db, [alert(1, now), alert(2, new Date('2099-01-01T00:00:00Z'))]);
    // One alert fails on every attempt (two here), then for good.
    const config = loadConfig({ PGLITE_DIR: 'memory://', TELEGRAM_BOT_TOKEN: TELEGRAM_TEST_TOKEN });
    const api = new Api(TELEGRAM_TEST_TOKEN, { apiRoot: fake.apiRoot });
    const router = new MessengerRouter();
    router.register(new TelegramMessenger(api, () => 'pulse_bot', api));
    const logger = pino({ level: 'silent' });
    const clock = new FakeClock(now);
    const deps = {
      db: database.db,
      messenger: router,
      clock,
      logger,
      config,
      signals: new TextSignals(),
      deliveries: new DeliveryOutcomes(logger),
    };
    fake.failNext('sendMessage', { status: 502, description: 'Bad Gateway: upstream down' }, 2);
    await deliverOutbox(deps, { maxAttempts: 2 });
    clock.advance(60_000);
    expect(await deliverOutbox(deps, { maxAttempts: 2 })).toMatchObject({ failed: 1 });

    app = await startTelegramApp(database, fake);
    let since = fake.calls.length;
    fake.message({ chatId: ADMIN.id, chatType: 'private', from: ADMIN, text: '/outbox' });
    const shown = String((await repliesTo(ADMIN.id, since)).body.text);
    expect(shown).toContain('Tin Pulse tự gửi');
    expect(shown).toContain('hotspot_alert: 1 · 0 · 1');
    expect(shown).toContain('gave up after 2 attempts');
    expect(shown).toContain('upstream down');
    expect(shown).not.toContain('Cảnh báo');

    since = fake.calls.length;
    fake.message({ chatId: WORKER.id, chatType: 'private', from: WORKER, text: '/outbox' });
    const refused = String((await repliesTo(WORKER.id, since)).body.text);
    expect(refused).toContain('không có quyền');
    expect(refused).not.toContain('hotspot_alert');
  }, 30_000);

  it('says plainly when nothing waits', async () => {
    app = await startTelegramApp(database, fake);
    const since = fake.calls.length;
    fake.message({ chatId: ADMIN.id, chatType: 'private', from: ADMIN, text: '/hangdoi' });
    expect(String((await repliesTo(ADMIN.id, since)).body.text)).toContain('Không còn tin nào chờ gửi');
  }, 30_000);
});
