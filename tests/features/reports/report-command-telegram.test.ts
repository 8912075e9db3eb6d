import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type PulseApp, startPulse } from '../../../bot/app';
import { loadConfig } from '../../../bot/config';
import { type FakeTelegram, startFakeTelegram } from '../../fakes/telegram-server';
import { FakeClock } from '../../helpers/clock';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { buildWeek, REPORT_AT } from './world';

const TOKEN = '123456:TEST-token-for-the-fake-server';
const ADMIN = { id: 1, first_name: 'Quản trị' };

let database: TestDatabase;
let fake: FakeTelegram;
let app: PulseApp | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
afterEach(async () => {
  await app?.stop();
  app = undefined;
  await fake?.stop();
});

describe('/report on Telegram (real grammY, fake Bot API)', () => {
  it('answers with the text and the chart photo, and with a Word document for --format docx', async () => {
    await buildWeek(database, { CB1: [4, 4, 5, 5, 3], T1: [2, 2, 3, 3, 3], CB2: [1, 2, 3, 4, 5, 5] });
    fake = await startFakeTelegram();
    const clock = new FakeClock();
    clock.set(REPORT_AT);
    const config = loadConfig({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: fake.apiRoot,
      PORT: '0',
      HOST: '127.0.0.1',
      PGLITE_DIR: 'memory://',
    });
    app = await startPulse({ config, database, clock, logger: pino({ level: 'silent' }) });

    fake.message({
      chatId: ADMIN.id,
      chatType: 'private',
      from: ADMIN,
      text: '/report CTY --period last-week',
    });
    const photo = await fake.waitFor((c) => c.method === 'sendPhoto' && c.status === 200, {
      timeoutMs: 10_000,
    });
    const text = fake.calls.find((c) => c.method === 'sendMessage' && Number(c.body.chat_id) === ADMIN.id);
    expect(text?.body.text).toContain('Đảng ủy Công ty (CTY)');
    expect(text?.body.text).toContain('16/16');
    expect(photo.files?.photo?.filename).toBe('bao-cao-dlxh-CTY-2024-03-11.png');
    expect(photo.files?.photo?.size).toBeGreaterThan(10_000);

    const since = fake.calls.length;
    fake.message({
      chatId: ADMIN.id,
      chatType: 'private',
      from: ADMIN,
      text: '/report CB1 --format docx --period last-week',
    });
    const doc = await fake.waitFor((c) => c.method === 'sendDocument' && c.status === 200, {
      since,
      timeoutMs: 10_000,
    });
    expect(doc.files?.document?.filename).toBe('bao-cao-dlxh-CB1-2024-03-11.docx');
    expect(doc.files?.document?.size).toBeGreaterThan(5_000);
  });
});
