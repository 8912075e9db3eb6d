import { and, eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type PulseApp, startPulse } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { lexiconOf } from '../../bot/features/hotspots';
import { DeliveryError } from '../../bot/kernel/errors';
import { ZaloOaClient } from '../../bot/platforms/zalo-oa/client';
import { databaseTokenStore } from '../../bot/runtime/platform-tokens';
import {
  chatMembers,
  chats,
  directiveAcks,
  directives,
  identities,
  platformTokens,
  pollParticipation,
  processedUpdates,
  roles,
  units,
} from '../../db/schema';
import { applyScenario } from '../../scenarios/engine';
import { formatErrors, parseScenario } from '../../scenarios/load';
import { ZALO_OA, zaloOaEnv } from '../e2e/drivers';
import { type FakeZaloOa, startFakeZaloOa } from '../fakes/zalo-oa-server';
import { TEST_LEXICON } from '../features/hotspots/setup';
import { FakeClock } from '../helpers/clock';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { seedOrg } from '../helpers/harness';
import { freePort } from '../helpers/net';
import { FAST_RATES } from '../helpers/rates';

const ADMIN = 'oa-admin';
const LAN = 'oa-lan';
const LEADER = 'oa-leader';
const GROUP = 'oag-cb1';

let database: TestDatabase;
let oa: FakeZaloOa;
let app: PulseApp | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(async () => {
  await database.reset();
  await seedOrg(database);
  oa = await startFakeZaloOa({
    ...ZALO_OA,
    users: { [ADMIN]: 'Quản trị', [LAN]: 'Lan', [LEADER]: 'Bí thư Hà' },
  });
});
afterEach(async () => {
  await app?.stop();
  app = undefined;
  await oa.stop();
});

async function start(env: Record<string, string> = {}) {
  const port = await freePort();
  const config = loadConfig({
    ...zaloOaEnv(oa),
    BOT_ADMINS: `zalo-oa:${ADMIN}`,
    PORT: String(port),
    HOST: '127.0.0.1',
    PGLITE_DIR: 'memory://',
    ...FAST_RATES,
    ...env,
  });
  app = await startPulse({
    config,
    database,
    clock: new FakeClock(new Date()),
    logger: pino({ level: 'silent' }),
  });
  oa.connect(`http://127.0.0.1:${port}/zalo-oa/webhook`);
  return app;
}

const textsTo = (id: string) => oa.sent(id).map((m) => m.text);
const handled = async () => (await database.db.select().from(processedUpdates)).length;

async function workerOf(unit: string, externalId: string, role: 'worker' | 'leader' = 'worker') {
  const [identity] = await database.db
    .select()
    .from(identities)
    .where(and(eq(identities.platform, 'zalo-oa'), eq(identities.externalId, externalId)));
  const [row] = await database.db.select().from(units).where(eq(units.code, unit));
  await database.db
    .insert(roles)
    .values({ personId: identity!.personId, unitId: row!.id, role, source: 'scenario' });
}

describe('Zalo OA webhooks', () => {
  it('takes a signed event, and refuses forged, stale, unsigned or oversized ones with nothing done', async () => {
    await start();
    expect(await oa.userText({ from: LAN, text: '/start' })).toBe(200);
    expect(textsTo(LAN).at(-1)).toContain('Xin chào Lan!');
    const before = { sent: oa.sentMessages.length, handled: await handled() };

    const event = {
      event_name: 'user_send_text',
      sender: { id: LAN },
      message: { msg_id: 'm-x', text: '/help' },
    };
    // Signed with another secret, e.g. the app secret instead of the OA secret key.
    expect(await oa.post(event, { secret: ZALO_OA.appSecret })).toBe(401);
    // Signed correctly, but ten minutes old (a replay), or ten minutes ahead.
    expect(await oa.post(event, { timestamp: Date.now() - 10 * 60_000 })).toBe(401);
    expect(await oa.post(event, { timestamp: Date.now() + 10 * 60_000 })).toBe(401);
    // A body altered after signing.
    const timestamp = String(Date.now());
    const body = JSON.stringify({ app_id: ZALO_OA.appId, ...event, timestamp });
    const { createHash } = await import('node:crypto');
    const mac = createHash('sha256')
      .update(`${ZALO_OA.appId}${body}${timestamp}${ZALO_OA.oaSecretKey}`)
      .digest('hex');
    expect(await oa.postRaw(body.replace('/help', '/role'), { 'x-zevent-signature': `mac=${mac}` })).toBe(
      401,
    );
    expect(await oa.postRaw(body, { 'x-zevent-signature': `mac=${mac}` })).toBe(200);
    // No signature, a malformed one, not JSON, too large.
    expect(await oa.postRaw(body, {})).toBe(401);
    expect(await oa.postRaw(body, { 'x-zevent-signature': 'mac=nothex' })).toBe(401);
    expect(await oa.postRaw('{not json', { 'x-zevent-signature': `mac=${mac}` })).toBe(401);
    expect(await oa.postRaw(`{"x":"${'a'.repeat(70_000)}"}`, { 'x-zevent-signature': `mac=${mac}` })).toBe(
      413,
    );
    // Only the one genuine /help went through.
    expect(await handled()).toBe(before.handled + 1);
    expect(oa.sentMessages.length).toBe(before.sent + 1);
    expect(textsTo(LAN).at(-1)).toContain('Các lệnh bạn dùng được:');
    // The same genuine event again (the OA retries) is handled once.
    expect(await oa.postRaw(body, { 'x-zevent-signature': `mac=${mac}` })).toBe(200);
    expect(oa.sentMessages.length).toBe(before.sent + 1);
  });

  it('binds a group with /link, learns its members from messages and join/leave events', async () => {
    await start();
    expect(await oa.groupText({ from: ADMIN, group: GROUP, text: '/link CB1' })).toBe(200);
    expect(oa.sent(GROUP).at(-1)?.text).toContain('với đơn vị Chi bộ 1 (CB1)');
    const [chat] = await database.db.select().from(chats).where(eq(chats.externalId, GROUP));
    expect(chat?.platform).toBe('zalo-oa');
    expect(chat?.unitId).not.toBeNull();

    await oa.memberEvent('user_join_group', { user: LAN, group: GROUP });
    const members = () => database.db.select().from(chatMembers).where(eq(chatMembers.chatId, chat!.id));
    expect((await members()).map((m) => m.active)).toEqual([true]);
    await oa.memberEvent('user_out_group', { user: LAN, group: GROUP });
    expect((await members()).map((m) => m.active)).toEqual([false]);
  });
});

describe('Zalo OA tokens', () => {
  it('renews an expired token once although two processes saw it expire, and keeps the new refresh token', async () => {
    await start();
    expect(oa.renewals).toBe(1); // at start: the configured refresh token, used once
    oa.expireAccessToken();
    // Two processes: each with its own client and memory, sharing the database.
    const slowOa = oa as unknown as { options: { oauthDelayMs?: number } };
    slowOa.options.oauthDelayMs = 150;
    const clients = [1, 2].map(
      () =>
        new ZaloOaClient({
          appId: ZALO_OA.appId,
          appSecret: ZALO_OA.appSecret,
          apiRoot: oa.root,
          oauthRoot: oa.root,
          tokens: databaseTokenStore({
            db: database.db,
            clock: new FakeClock(new Date()),
            platform: 'zalo-oa',
            account: ZALO_OA.appId,
            seedRefreshToken: ZALO_OA.refreshToken,
          }),
        }),
    );
    // Both hold the old token in memory, as processes that sent before it expired.
    await Promise.all(clients.map((c) => (c as unknown as { accessToken(): Promise<string> }).accessToken()));
    const sent = await Promise.all(clients.map((c, i) => c.sendToUser(LAN, `tin ${i + 1}`)));
    expect(sent.map((s) => typeof s.message_id)).toEqual(['string', 'string']);
    expect(oa.renewals).toBe(2);
    expect(oa.refusedRenewals).toBe(0);
    expect(clients.map((c) => c.renewals).sort()).toEqual([0, 1]);
    // The single-use refresh token in the database is the new one: a restart with the old one
    // configured still works.
    const [row] = await database.db.select().from(platformTokens);
    expect(row?.refreshToken).not.toBe(ZALO_OA.refreshToken);
    expect(row?.renewals).toBe(2);
    await app!.stop();
    app = undefined;
    oa.expireAccessToken();
    await start();
    expect(oa.refusedRenewals).toBe(0);
    await app!.deps.messenger.sendDm({ platform: 'zalo-oa', externalId: LAN }, { text: 'sau khởi động lại' });
    expect(textsTo(LAN).at(-1)).toBe('sau khởi động lại');
  });

  it('refuses to start without any refresh token, saying which setting to set', async () => {
    await expect(start({ ZALO_OA_REFRESH_TOKEN: '' })).rejects.toThrow(
      /zalo-oa: cannot start .*refresh token/,
    );
  });
});

describe('Zalo OA quota', () => {
  it('counts a quota refusal, fails that send for good, and exposes the count', async () => {
    const running = await start();
    oa.failNext(-211, 'Out of quota');
    const failure = await running.deps.messenger
      .sendDm({ platform: 'zalo-oa', externalId: LAN }, { text: 'x' })
      .catch((error) => error);
    expect(failure).toBeInstanceOf(DeliveryError);
    expect((failure as DeliveryError).permanent).toBe(true);
    expect((failure as Error).message).toContain('Zalo OA quota');
    const [row] = await database.db.select().from(platformTokens);
    expect(row?.quotaRefusals).toBe(1);
    expect(row?.quotaMonth).toBe(new Date().toISOString().slice(0, 7));
    const metric = await running.metrics.registry.getSingleMetricAsString(
      'pulse_platform_quota_refusals_total',
    );
    expect(metric).toContain('pulse_platform_quota_refusals_total{platform="zalo-oa"} 1');
  });
});

describe('Zalo OA groups', () => {
  it('a poll posted to the group is answered in a DM, never by a number typed in the group', async () => {
    await start();
    await oa.groupText({ from: ADMIN, group: GROUP, text: '/link CB1' });
    await oa.userText({ from: LAN, text: '/start' });
    await workerOf('CB1', LAN);
    await oa.groupText({ from: LAN, group: GROUP, text: 'Chào cả nhà' });
    await oa.userText({ from: ADMIN, text: '/poll Ca nào phù hợp hơn? | Ca sáng | Ca chiều --units CB1' });
    await app!.scheduler.runAll();
    const posted = await oa.waitUntil(() =>
      oa.sent(GROUP).find((m) => m.text.includes('Ca nào phù hợp hơn?')),
    );
    // The group sees the question and how to answer privately, not choices to type there.
    expect(posted.text).not.toMatch(/^\d+\. Ca/m);
    expect(posted.text).toContain('nhắn riêng cho Pulse lệnh /start poll-1');

    // A number typed in the group anyway is not an answer.
    await oa.groupText({ from: LAN, group: GROUP, text: '2' });
    expect(await database.db.select().from(pollParticipation)).toEqual([]);

    await oa.userText({ from: LAN, text: '/start poll-1' });
    const prompt = textsTo(LAN).at(-1)!;
    expect(prompt).toContain('Ca nào phù hợp hơn?');
    expect(prompt).toContain('1. Ca sáng\n2. Ca chiều');
    await oa.userText({ from: LAN, text: '2' });
    expect(textsTo(LAN).at(-1)).toContain('Đã ghi nhận câu trả lời ẩn danh');
    expect(await database.db.select().from(pollParticipation)).toHaveLength(1);
    // Once per person, whichever chat.
    await oa.userText({ from: LAN, text: '1' });
    expect(textsTo(LAN).at(-1)).toContain('mỗi người chỉ trả lời một lần');
    // Nothing about the answer reached the group.
    expect(oa.sent(GROUP).some((m) => m.text.includes('Đã ghi nhận'))).toBe(false);

    // Someone outside the poll's groups is told so, and nothing is recorded.
    await oa.userText({ from: 'oa-stranger', text: '/start poll-1' });
    expect(textsTo('oa-stranger').at(-1)).toContain('Khảo sát #1 không còn mở, hoặc không gửi tới nhóm nào');
    expect(await database.db.select().from(pollParticipation)).toHaveLength(1);
  });

  it('a surge of a worry in the group alerts the unit’s leader by DM, naming nobody', async () => {
    await start();
    const lexicon = parseScenario(TEST_LEXICON.replace('{excerpts}', 'false'), 'lexicon.yaml');
    if (!lexicon.ok) throw new Error(formatErrors(lexicon.errors));
    await applyScenario(database.db, lexicon.scenario, { now: new Date() });
    await lexiconOf(app!.deps).refresh(database.db);
    await oa.groupText({ from: ADMIN, group: GROUP, text: '/link CB1' });
    await oa.userText({ from: LEADER, text: '/start' });
    await workerOf('CB1', LEADER, 'leader');
    for (const text of ['Công ty nợ lương 3 tháng rồi', 'cty no luong that', 'lg chậm quá ae']) {
      expect(await oa.groupText({ from: LAN, group: GROUP, text })).toBe(200);
    }
    const alert = await oa.waitUntil(() => oa.sent(LEADER).find((m) => m.text.includes('Điểm nóng #1')));
    expect(alert.text).toContain('Tiền lương');
    expect(alert.text).toContain('Chi bộ 1 (CB1)');
    expect(alert.text).not.toContain('Lan');
    expect(oa.sent(GROUP).some((m) => m.text.includes('Điểm nóng'))).toBe(false);
  });

  it('tells the admin what a directive costs on the OA before it goes out, posts it once, and counts the acknowledgement', async () => {
    const running = await start();
    await oa.groupText({ from: ADMIN, group: GROUP, text: '/link CB1' });
    await oa.userText({ from: LAN, text: '/start' });
    await workerOf('CB1', LAN);
    await oa.groupText({ from: LAN, group: GROUP, text: 'Chào cả nhà' });
    const now = running.deps.clock.now();
    await database.db.insert(directives).values({
      key: 'NV1',
      title: 'Quán triệt Kết luận 100-KL/TW',
      body: 'Các chi bộ tổ chức quán triệt tới toàn thể đảng viên.',
      audience: ['CB1'],
      scheduleKind: 'at',
      at: new Date(now.getTime() + 30 * 86_400_000),
      ack: true,
      materialisedUntil: now,
      nextOccurrenceAt: new Date(now.getTime() + 30 * 86_400_000),
      createdAt: now,
      updatedAt: now,
    });
    await oa.userText({ from: ADMIN, text: '/preview NV1' });
    expect(textsTo(ADMIN).at(-1)).toContain(
      'Chi phí trên Zalo OA (có hạn mức tin nhắn) mỗi lần gửi: 1 tin — 1 tin vào nhóm và 0 tin nhắn riêng.',
    );
    expect(oa.sent(GROUP).some((m) => m.text.includes('Quán triệt'))).toBe(false);

    await oa.userText({ from: ADMIN, text: '/push NV1' });
    expect(textsTo(ADMIN).slice(-2)[0]).toContain('tới 1 nhóm;');
    expect(textsTo(ADMIN).at(-1)).toContain('mỗi lần gửi: 1 tin');
    await running.scheduler.runAll();
    await running.scheduler.runAll();
    const posts = oa.sent(GROUP).filter((m) => m.text.includes('Quán triệt Kết luận 100-KL/TW'));
    expect(posts).toHaveLength(1);
    expect(posts[0]!.text).toMatch(/^1\. ✅ Đã nắm$/m);
    await oa.groupText({ from: LAN, group: GROUP, text: '1' });
    expect(oa.sent(GROUP).at(-1)?.text).toContain('Đã ghi nhận: bạn đã nắm nhiệm vụ');
    await oa.groupText({ from: LAN, group: GROUP, text: '1' });
    expect(oa.sent(GROUP).at(-1)?.text).toContain('Bạn đã xác nhận nắm nhiệm vụ này trước đó');
    expect(await database.db.select().from(directiveAcks)).toHaveLength(1);
  });
});
