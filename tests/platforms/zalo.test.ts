import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type PulseApp, startPulse } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { issueLinkCode } from '../../bot/features/account-links';
import { DeliveryError } from '../../bot/kernel/errors';
import { chats, identities } from '../../db/schema';
import { type FakeZalo, startFakeZalo } from '../fakes/zalo-server';
import { FakeClock } from '../helpers/clock';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { seedOrg } from '../helpers/harness';
import { freePort } from '../helpers/net';

const TOKEN = '1459232241454765289:test-token';
const LAN = { id: 'zl-lan', display_name: 'Lan' };
const ADMIN = { id: 'zl-admin', display_name: 'Quản trị' };

let database: TestDatabase;
let zalo: FakeZalo;
let app: PulseApp | undefined;
let org: Awaited<ReturnType<typeof seedOrg>>;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(async () => {
  await database.reset();
  org = await seedOrg(database);
});
afterEach(async () => {
  await app?.stop();
  app = undefined;
  await zalo.stop();
});

async function start(
  env: Record<string, string> = {},
  fake: Parameters<typeof startFakeZalo>[0] = { token: TOKEN },
) {
  zalo = await startFakeZalo(fake);
  const config = loadConfig({
    ZALO_BOT_TOKEN: TOKEN,
    ZALO_API_ROOT: zalo.apiRoot,
    BOT_ADMINS: `zalo:${ADMIN.id}`,
    PORT: '0',
    HOST: '127.0.0.1',
    PGLITE_DIR: 'memory://',
    ...env,
  });
  app = await startPulse({ config, database, clock: new FakeClock(), logger: pino({ level: 'silent' }) });
  return app;
}

const to = (id: string) => (m: { chat_id: string }) => m.chat_id === id;

describe('Zalo by long polling', () => {
  it('greets on /start, refuses a group command clearly, and reads numbered replies', async () => {
    await start();
    expect(zalo.calls.map((c) => c.method).slice(0, 2)).toEqual(['getMe', 'deleteWebhook']);

    zalo.message({ from: LAN, text: '/start' });
    expect((await zalo.waitForSent(to(LAN.id))).text).toContain('Xin chào Lan');

    let since = zalo.sentMessages.length;
    zalo.message({ from: ADMIN, text: '/link CB1' });
    expect((await zalo.waitForSent(to(ADMIN.id), { since })).text).toBe(
      'Lệnh /link dùng trong nhóm chat, nhưng Zalo chưa cho bot tham gia nhóm. Hãy dùng lệnh này trong nhóm Telegram hoặc kênh Slack. Không có gì thay đổi.',
    );
    expect(await database.db.select().from(chats)).toEqual([]);

    const telegramPerson = await org.personWith(7, 'Trần Thị Lan', { role: 'leader', unit: 'CB1' });
    const code = await issueLinkCode(
      database.db,
      telegramPerson.id,
      'telegram',
      new Date('2026-03-05T02:00:00Z'),
    );
    since = zalo.sentMessages.length;
    zalo.message({ from: LAN, text: `/linkaccount ${code}` });
    const prompt = await zalo.waitForSent(to(LAN.id), { since });
    expect(prompt.text).toContain('Liên kết tài khoản Zalo này với Trần Thị Lan?');
    expect(prompt.text).toContain('1. Liên kết\n2. Huỷ\nTrả lời bằng một số từ 1 đến 2');

    since = zalo.sentMessages.length;
    zalo.message({ from: LAN, text: '1' });
    expect((await zalo.waitForSent(to(LAN.id), { since })).text).toBe(
      'Đã liên kết. Tài khoản Zalo này giờ thuộc về Trần Thị Lan. Các tài khoản: Telegram, Zalo.',
    );
    const [linked] = await database.db.select().from(identities).where(eq(identities.externalId, LAN.id));
    expect(linked?.personId).toBe(telegramPerson.id);

    since = zalo.sentMessages.length;
    zalo.message({ from: LAN, text: '/whoami' });
    expect((await zalo.waitForSent(to(LAN.id), { since })).text).toContain(
      'lãnh đạo đơn vị — Chi bộ 1 (CB1)',
    );
  });

  it('splits texts over 2,000 characters and waits out "Quota exceeded"', async () => {
    const running = await start();
    const long = `${Array(150).fill('Nội dung chỉ thị.').join(' ')}\n${Array(50).fill('Phần hai.').join(' ')}`;
    await running.deps.messenger.sendDm({ platform: 'zalo', externalId: LAN.id }, { text: long });
    const parts = zalo.sent(LAN.id);
    expect(parts.length).toBe(2);
    expect(parts.every((p) => p.text.length <= 2000)).toBe(true);
    // Cut between words, nothing lost.
    expect(parts[0]!.text.endsWith('thị.')).toBe(true);
    expect(parts.map((p) => p.text).join(' ')).toBe(long);

    zalo.failNext('sendMessage', { code: 429, retryAfter: 1 });
    await running.deps.messenger.sendDm({ platform: 'zalo', externalId: LAN.id }, { text: 'Sau khi chờ' });
    expect(zalo.rejected429).toBe(1);
    expect(zalo.sent(LAN.id).at(-1)?.text).toBe('Sau khi chờ');

    zalo.failNext('sendMessage', { code: 403, description: 'User has not interacted with the bot' });
    const failure = await running.deps.messenger
      .sendDm({ platform: 'zalo', externalId: 'stranger' }, { text: 'x' })
      .catch((error) => error);
    expect(failure).toBeInstanceOf(DeliveryError);
    expect(failure.permanent).toBe(true);
  });

  it('turns groups on when the platform lets the bot join them', async () => {
    const running = await start({}, { token: TOKEN, canJoinGroups: true });
    expect(running.deps.messenger.capabilities('zalo').groups).toBe(true);
    zalo.message({ from: ADMIN, chatId: 'zg-1', chatType: 'GROUP', text: '/link CB1' });
    const reply = await zalo.waitForSent(to('zg-1'));
    expect(reply.text).toContain('với đơn vị Chi bộ 1 (CB1)');
    const [chat] = await database.db.select().from(chats);
    expect(reply.text).toContain(`Nhắn riêng với Pulse: gửi /start ${chat!.inviteToken}`);
  });
});

describe('Zalo by webhook', () => {
  async function startWebhook(envelopeWebhooks = false) {
    const port = await freePort();
    await start(
      {
        PORT: String(port),
        ZALO_WEBHOOK_URL: `http://127.0.0.1:${port}/zalo/webhook`,
        ZALO_WEBHOOK_SECRET: 'right_secret_123',
      },
      { token: TOKEN, envelopeWebhooks },
    );
  }

  it('sets the webhook with its secret and processes only requests that carry it, each once', async () => {
    await startWebhook();
    expect(zalo.webhook?.secret).toBe('right_secret_123');

    const update = zalo.message({ from: LAN, text: '/start' });
    expect((await zalo.waitForSent(to(LAN.id))).text).toContain('Xin chào Lan');
    await zalo.waitUntil(() => zalo.webhookDeliveries.length > 0);
    expect(zalo.webhookDeliveries).toEqual([{ status: 200, messageId: update.message.message_id }]);

    const whoami = { ...update, message: { ...update.message, message_id: 'm-whoami', text: '/whoami' } };
    expect(await zalo.postWebhook(whoami)).toBe(401);
    expect(await zalo.postWebhook(whoami, 'wrong_secret_123')).toBe(401);
    expect(await zalo.postWebhook(whoami, 'right_secret_12')).toBe(401);
    expect(zalo.sent(LAN.id)).toHaveLength(1);

    expect(await zalo.postWebhook(whoami, 'right_secret_123')).toBe(200);
    expect(await zalo.postWebhook(whoami, 'right_secret_123')).toBe(200);
    expect(zalo.sent(LAN.id)).toHaveLength(2);
    expect(zalo.sent(LAN.id).at(-1)?.text).toContain('Bạn là Lan');
  });

  it('keys updates without message_id by their content, drops malformed ones, and never lets one fail the batch', async () => {
    await startWebhook();
    const text = (
      message_id: unknown,
      body: string,
      chat: unknown = { id: LAN.id, chat_type: 'PRIVATE' },
    ) => ({
      event_name: 'message.text.received',
      message: { message_id, chat, from: { id: LAN.id, display_name: 'Lan' }, text: body, date: 1 },
    });
    // Two updates without message_id (once `zalo:undefined` for both: the second was dropped),
    // one without chat (once a 500 for the whole batch), and garbage around them.
    const batch = {
      updates: [
        text(undefined, '/whoami'),
        text(undefined, '/help'),
        text('m-nochat', '/start', null),
        text({ nested: true }, '/lang', 'x'),
        { event_name: 'message.text.received', message: 'not an object' },
        null,
        7,
      ],
    };
    expect(await zalo.postWebhook(batch, 'right_secret_123')).toBe(200);
    const replies = zalo.sent(LAN.id).map((m) => m.text);
    expect(replies, JSON.stringify(replies)).toHaveLength(2);
    expect(replies[0]).toContain('Bạn là Lan');
    expect(replies[1]).toContain('Các lệnh bạn dùng được');
    // The same updates again (Zalo retrying): each already handled, nothing repeated.
    expect(await zalo.postWebhook(batch, 'right_secret_123')).toBe(200);
    expect(zalo.sent(LAN.id)).toHaveLength(2);
    // A body that is no JSON object can never become a valid update: 400. An object that holds no
    // usable update is accepted and dropped (200), so Zalo does not retry it.
    for (const body of ['null', '7', '"x"']) {
      expect(await zalo.postWebhook(JSON.parse(body), 'right_secret_123')).toBe(400);
    }
    for (const body of ['[]', '{"result":null}', '{"message":{"chat":null}}']) {
      expect(await zalo.postWebhook(JSON.parse(body), 'right_secret_123')).toBe(200);
    }
    expect(zalo.sent(LAN.id)).toHaveLength(2);
  });

  it('reads webhooks wrapped in { ok, result } too', async () => {
    await startWebhook(true);
    zalo.message({ from: LAN, text: '/help' });
    expect((await zalo.waitForSent(to(LAN.id))).text).toContain('Các lệnh bạn dùng được');
    expect((await zalo.waitUntil(() => zalo.webhookDeliveries[0]))?.status).toBe(200);
  });
});
