import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PulseApp } from '../../../bot/app';
import { renderChartPng } from '../../../bot/features/reports/chart/png';
import { deliverReport } from '../../../bot/features/reports/deliver';
import type { ChatRef } from '../../../bot/kernel/types';
import { type FakeTelegram, type Message, startFakeTelegram } from '../../fakes/telegram-server';
import { createTestDatabase, type TestDatabase } from '../../helpers/db';
import { startTelegramApp } from '../../helpers/telegram-app';
import { fixtureReport } from './fixture';

const GROUP = -100_888;
const group: ChatRef = { platform: 'telegram', externalId: String(GROUP), kind: 'group' };

let database: TestDatabase;
let fake: FakeTelegram;
let app: PulseApp;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(async () => {
  await database.reset();
  fake = await startFakeTelegram();
  app = await startTelegramApp(database, fake);
});
afterEach(async () => {
  await app.stop();
  await fake.stop();
});

describe('reports on Telegram (real grammY, fake Bot API)', () => {
  it('delivers the chat text, then the chart as an uploaded photo', async () => {
    await deliverReport(app.deps, group, fixtureReport(), 'chat');
    const text = fake.calls.find((c) => c.method === 'sendMessage' && Number(c.body.chat_id) === GROUP);
    expect(text?.body.text).toMatch(/^📊 BÁO CÁO TÌNH HÌNH DƯ LUẬN XÃ HỘI/);
    const photo = fake.calls.find((c) => c.method === 'sendPhoto');
    expect(photo?.status).toBe(200);
    expect(photo?.body.caption).toBe('Biểu đồ: Công ty Than Thống Nhất (CTY), quý I/2024');
    expect(fake.uploads).toEqual([
      {
        field: 'photo',
        filename: 'bao-cao-dlxh-CTY-2024-01-01.png',
        size: renderChartPng(fixtureReport(), 'vi').length,
        method: 'sendPhoto',
        chatId: GROUP,
      },
    ]);
    const order = fake.calls
      .filter((c) => ['sendMessage', 'sendPhoto'].includes(c.method))
      .map((c) => c.method);
    expect(order).toEqual(['sendMessage', 'sendPhoto']);
  });

  it('delivers the Word report as a document with its file name', async () => {
    await deliverReport(app.deps, group, fixtureReport(), 'docx');
    const document = fake.calls.find((c) => c.method === 'sendDocument');
    expect(document?.status).toBe(200);
    expect(document?.files?.document).toMatchObject({ filename: 'bao-cao-dlxh-CTY-2024-01-01.docx' });
    expect(document?.files?.document?.size).toBeGreaterThan(5000);
    expect(document?.body.caption).toBe(
      'Báo cáo tình hình dư luận xã hội: Công ty Than Thống Nhất (CTY), quý I/2024',
    );
    const stored = document?.result as Message | undefined;
    expect(stored?.document?.file_name).toBe('bao-cao-dlxh-CTY-2024-01-01.docx');
    expect(fake.calls.some((c) => c.method === 'sendMessage')).toBe(false);
  });
});
