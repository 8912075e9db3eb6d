import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type PulseApp, startPulse } from '../../../bot/app';
import { loadConfig } from '../../../bot/config';
import { incidents, incidentVerdicts } from '../../../db/schema';
import { applyScenario } from '../../../scenarios/engine';
import { formatErrors, parseScenario } from '../../../scenarios/load';
import { type FakeTelegram, startFakeTelegram } from '../../fakes/telegram-server';
import { FakeClock } from '../../helpers/clock';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { seedOrg } from '../../helpers/harness';
import { TEST_LEXICON } from './setup';

const TOKEN = '123456:TEST-token-for-the-fake-server';
const ADMIN = { id: 1, first_name: 'Quản trị', username: 'quantri' };
const LEADER = { id: 11, first_name: 'An', last_name: 'Nguyễn Văn', username: 'vanan' };
const WORKERS = [
  { id: 71, first_name: 'Hùng', username: 'hung_lo' },
  { id: 72, first_name: 'Mai', username: 'mai_t1' },
  { id: 73, first_name: 'Thắng', username: 'thang' },
];
const GROUP = -100_555;

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

describe('hot spots over Telegram', () => {
  it('messages in a bound group → the leader’s DM alert → Acknowledge', async () => {
    const org = await seedOrg(database);
    await org.personWith(ADMIN.id, 'Quản trị', { role: 'admin', unit: 'CTY' });
    await org.personWith(LEADER.id, 'Nguyễn Văn An', { role: 'leader', unit: 'T1' });
    const loaded = parseScenario(TEST_LEXICON.replace('{excerpts}', 'false'), 'test.yaml');
    if (!loaded.ok) throw new Error(formatErrors(loaded.errors));
    await applyScenario(database.db, loaded.scenario, { now: new Date() });

    const config = loadConfig({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: fake.apiRoot,
      PORT: '0',
      HOST: '127.0.0.1',
      PGLITE_DIR: 'memory://',
    });
    app = await startPulse({ config, database, clock: new FakeClock(), logger: pino({ level: 'silent' }) });

    fake.message({ chatId: GROUP, chatType: 'supergroup', chatTitle: 'Tổ 1', from: ADMIN, text: '/link T1' });
    await fake.waitFor((c) => c.method === 'sendMessage' && Number(c.body.chat_id) === GROUP);
    const texts = ['Công ty nợ lương 3 tháng rồi', 'cty no luong that ae a', 'lg chậm quá'];
    for (const [i, from] of WORKERS.entries()) {
      fake.message({ chatId: GROUP, chatType: 'supergroup', from, text: texts[i]! });
    }

    const alert = await fake.waitFor(
      (c) => c.method === 'sendMessage' && Number(c.body.chat_id) === LEADER.id && c.result !== undefined,
    );
    const text = String(alert.body.text);
    expect(text).toContain('🔥 Điểm nóng #1: Tiền lương');
    expect(text).toContain('Đơn vị: Tổ 1 (T1)');
    expect(text).toContain('“Tổ 1” (3)');
    for (const worker of WORKERS) {
      expect(text).not.toContain(worker.first_name);
      expect(text).not.toContain(worker.username);
    }
    const keyboard = (
      alert.body.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }
    ).inline_keyboard;
    expect(keyboard[0]!.map((b) => b.callback_data)).toEqual(['inc:a:1', 'inc:r:1']);
    expect(keyboard[1]!.map((b) => [b.text, b.callback_data])).toEqual([
      ['Đúng là điểm nóng', 'hv:h:1'],
      ['Báo nhầm', 'hv:f:1'],
    ]);
    expect(
      fake.calls.filter((c) => c.method === 'sendMessage' && Number(c.body.chat_id) === GROUP),
    ).toHaveLength(1);

    const messageId = (alert.result as { message_id: number }).message_id;
    const queryId = fake.callback({ chatId: LEADER.id, messageId, from: LEADER, data: 'inc:a:1' });
    const edited = await fake.waitFor(
      (c) => c.method === 'editMessageText' && Number(c.body.chat_id) === LEADER.id,
    );
    expect(String(edited.body.text)).toContain('✅ Nguyễn Văn An đã xác nhận lúc');
    await fake.waitFor((c) => c.method === 'answerCallbackQuery');
    expect(fake.callbackAnswers).toEqual([
      expect.objectContaining({
        callback_query_id: queryId,
        text: expect.stringContaining('Đã xác nhận điểm nóng #1'),
      }),
    ]);
    const [incident] = await database.db.select().from(incidents);
    expect(incident!.status).toBe('acknowledged');

    // The leader says it was a false alarm, then changes their mind: one verdict, updated alert.
    fake.callback({ chatId: LEADER.id, messageId, from: LEADER, data: 'hv:f:1' });
    await fake.waitFor((c) => c.method === 'answerCallbackQuery' && String(c.body.text).includes('báo nhầm'));
    const relabelled = await fake.waitFor(
      (c) =>
        c.method === 'editMessageText' && String(c.body.text).includes('0 đúng là điểm nóng, 1 báo nhầm'),
    );
    expect(Number(relabelled.body.chat_id)).toBe(LEADER.id);
    fake.callback({ chatId: LEADER.id, messageId, from: LEADER, data: 'hv:h:1' });
    await fake.waitFor(
      (c) =>
        c.method === 'editMessageText' && String(c.body.text).includes('1 đúng là điểm nóng, 0 báo nhầm'),
    );
    const verdicts = await database.db.select().from(incidentVerdicts);
    expect(verdicts.map((v) => [v.incidentId, v.topicId, v.verdict])).toEqual([[1, 'wages', 'hot']]);
    // A worker of the group cannot judge it.
    fake.callback({ chatId: WORKERS[0]!.id, messageId, from: WORKERS[0]!, data: 'hv:f:1' });
    await fake.waitFor(
      (c) => c.method === 'answerCallbackQuery' && String(c.body.text).includes('không phụ trách'),
    );
    expect(await database.db.select().from(incidentVerdicts)).toHaveLength(1);
  });
});
