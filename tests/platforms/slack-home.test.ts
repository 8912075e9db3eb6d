import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type PulseApp, startPulse } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { lexiconOf } from '../../bot/features/hotspots';
import {
  chatMembers,
  directiveAcks,
  directives,
  identities,
  incidents,
  pollParticipation,
  roles,
  units,
} from '../../db/schema';
import { applyScenario } from '../../scenarios/engine';
import { formatErrors, parseScenario } from '../../scenarios/load';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-server';
import { TEST_LEXICON } from '../features/hotspots/setup';
import { FakeClock } from '../helpers/clock';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { seedOrg } from '../helpers/harness';
import { freePort } from '../helpers/net';
import { FAST_RATES } from '../helpers/rates';

/**
 * The Slack Home tab, end to end: real bolt on Pulse's server, the fake Slack publishing views.
 * Each person's page shows what they have open (polls to answer, directives to acknowledge, for
 * leaders their units' open incidents), and its buttons act as the message's buttons do.
 */
const TOKEN = 'xoxb-home-token';
const SECRET = 'slacksigningsecret0123456789abcd';
const ADMIN = { id: 'UADMIN', name: 'quantri', real_name: 'Quản trị' };
const LAN = { id: 'ULAN', name: 'lan', real_name: 'Trần Thị Lan', display_name: 'Lan' };
const MAI = { id: 'UMAI', name: 'mai', real_name: 'Mai' };
const CHANNEL = 'C0CB1';

let database: TestDatabase;
let slack: FakeSlack;
let app: PulseApp | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(async () => {
  await database.reset();
  await seedOrg(database);
  slack = await startFakeSlack({ token: TOKEN, users: [ADMIN, LAN, MAI] });
  slack.addChannel(CHANNEL, 'chi-bo-1');
});
afterEach(async () => {
  await app?.stop();
  app = undefined;
  await slack.stop();
});

async function start() {
  const port = await freePort();
  const config = loadConfig({
    SLACK_BOT_TOKEN: TOKEN,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: slack.apiUrl,
    BOT_ADMINS: `slack:${ADMIN.id}`,
    PORT: String(port),
    HOST: '127.0.0.1',
    PGLITE_DIR: 'memory://',
    ...FAST_RATES,
  });
  app = await startPulse({
    config,
    database,
    clock: new FakeClock(new Date()),
    logger: pino({ level: 'silent' }),
  });
  slack.connect(`http://127.0.0.1:${port}/slack/events`, SECRET);
  return app;
}

async function personOf(userId: string): Promise<number> {
  const [row] = await database.db.select().from(identities).where(eq(identities.externalId, userId));
  if (!row) throw new Error(`Pulse does not know ${userId} yet`);
  return row.personId;
}

/** The channel bound to CB1, with `who` seen there (a worker of CB1 from then on). */
async function boundChannelWith(...who: string[]) {
  await slack.slashCommand({ user: ADMIN.id, channel: CHANNEL, text: 'link CB1' });
  await slack.waitForDelivery((d) => d.channel === CHANNEL && d.text.includes('Chi bộ 1 (CB1)'));
  for (const user of who) {
    await slack.message({ user, channel: CHANNEL, text: 'Chào cả nhà' });
    await slack.waitUntil(() => true);
    for (let i = 0; i < 200; i++) {
      const id = await personOf(user).catch(() => 0);
      const seen = id ? await database.db.select().from(chatMembers).where(eq(chatMembers.personId, id)) : [];
      if (seen.length > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** Opens the Home tab and waits for the page published after it. */
async function openHome(user: string): Promise<string> {
  const before = slack.homes.get(user)?.published ?? 0;
  expect(await slack.openHome(user)).toBe(200);
  await slack.waitUntil(() => (slack.homes.get(user)?.published ?? 0) > before);
  return slack.homeText(user);
}

/** Presses a Home-tab button and waits for the page republished after it. */
async function pressHome(user: string, label: string): Promise<string> {
  const before = slack.homes.get(user)?.published ?? 0;
  expect(await slack.pressHome({ user, label })).toBe(200);
  await slack.waitUntil(() => (slack.homes.get(user)?.published ?? 0) > before);
  return slack.homeText(user);
}

describe('the Slack Home tab', () => {
  it('shows a worker their open poll; answering there counts once, anonymously, and empties the page', async () => {
    await start();
    await boundChannelWith(LAN.id);
    await slack.slashCommand({
      user: ADMIN.id,
      channel: CHANNEL,
      text: 'poll Ca nào phù hợp hơn? | Ca sáng | Ca chiều --units CB1',
    });
    await slack.waitForDelivery((d) => d.channel === CHANNEL && d.text.includes('Ca nào phù hợp hơn?'));

    const page = await openHome(LAN.id);
    expect(page).toContain('Chào Lan');
    expect(page).toContain('Khảo sát chờ bạn trả lời');
    expect(page).toContain('Ca nào phù hợp hơn?');
    expect(page).toContain('Chỉ mình bạn thấy trang này');
    const labels = [...(slack.homes.get(LAN.id)?.view.blocks ?? [])]
      .filter((b) => b.type === 'actions')
      .flatMap((b) => b.elements.map((e: { text: { text: string } }) => e.text.text));
    expect(labels).toEqual(['Ca sáng', 'Ca chiều']);

    const inChannel = slack.deliveries.filter((d) => d.channel === CHANNEL && d.kind === 'message').length;
    const after = await pressHome(LAN.id, 'Ca chiều');
    // The answer is told on the page itself, never what was chosen; the poll has left the page.
    expect(after).toContain('Đã ghi nhận câu trả lời ẩn danh');
    expect(after).not.toContain('Ca nào phù hợp hơn?');
    expect(after).not.toContain('Ca chiều');
    expect(after).toContain('Hiện bạn không có việc gì đang mở');
    const answered = await database.db.select().from(pollParticipation);
    expect(answered.map((p) => p.personId)).toEqual([await personOf(LAN.id)]);
    // Nothing of it was posted to the channel (the count on the poll may be edited, not posted).
    expect(slack.deliveries.filter((d) => d.channel === CHANNEL && d.kind === 'message').length).toBe(
      inChannel,
    );

    // The message's own button now says "already": one answer per person, wherever it was pressed.
    const since = slack.deliveries.length;
    await slack.pressButton({ user: LAN.id, label: 'Ca sáng' });
    const again = await slack.waitForDelivery((d) => d.kind === 'ephemeral' && d.user === LAN.id, { since });
    expect(again.text).toContain('mỗi người chỉ trả lời một lần');
    expect(await database.db.select().from(pollParticipation)).toHaveLength(1);
  });

  it('shows a worker with nothing open a friendly empty page, in Vietnamese first', async () => {
    await start();
    const page = await openHome(MAI.id);
    expect(page).toContain('Chào Mai');
    expect(page).toContain('Hiện bạn không có việc gì đang mở');
    expect(page).not.toContain('Khảo sát chờ');
    expect(page).not.toContain('Điểm nóng');
    // The Messages tab opening is not the Home tab: nothing is published for it.
    const published = slack.homes.get(MAI.id)?.published;
    await slack.sendEvent({
      type: 'app_home_opened',
      user: MAI.id,
      channel: slack.dmOf(MAI.id),
      tab: 'messages',
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(slack.homes.get(MAI.id)?.published).toBe(published);
  });

  it('lists a directive to acknowledge; its button there records "Đã nắm" in the same ledger', async () => {
    const pulse = await start();
    await boundChannelWith(LAN.id);
    const now = pulse.deps.clock.now();
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
    await slack.slashCommand({ user: ADMIN.id, channel: CHANNEL, text: 'push NV1' });
    await slack.waitForDelivery(
      (d) => d.kind === 'ephemeral' && d.user === ADMIN.id && d.text.includes('NV1'),
    );
    await pulse.scheduler.runAll();
    await slack.waitForDelivery((d) => d.channel === CHANNEL && d.text.includes('Quán triệt'));

    const page = await openHome(LAN.id);
    expect(page).toContain('Chỉ đạo chờ bạn xác nhận đã nắm');
    expect(page).toContain('Quán triệt Kết luận 100-KL/TW');
    const after = await pressHome(LAN.id, '✅ Đã nắm');
    expect(after).toContain('Đã ghi nhận: bạn đã nắm nhiệm vụ');
    expect(after).not.toContain('Chỉ đạo chờ bạn xác nhận');
    const acks = await database.db.select().from(directiveAcks);
    expect(acks.map((a) => a.personId)).toEqual([await personOf(LAN.id)]);

    // The channel message's button is the same ledger: pressed after, it says "already".
    const since = slack.deliveries.length;
    await slack.pressButton({ user: LAN.id, label: '✅ Đã nắm' });
    const again = await slack.waitForDelivery((d) => d.kind === 'ephemeral' && d.user === LAN.id, { since });
    expect(again.text).toContain('Bạn đã xác nhận nắm nhiệm vụ này trước đó');
    expect(await database.db.select().from(directiveAcks)).toHaveLength(1);
  });

  it('shows a leader the open incident of their unit, naming no one, and acknowledges it from there', async () => {
    const pulse = await start();
    const lexicon = parseScenario(TEST_LEXICON.replace('{excerpts}', 'false'), 'lexicon.yaml');
    if (!lexicon.ok) throw new Error(formatErrors(lexicon.errors));
    await applyScenario(database.db, lexicon.scenario, { now: new Date() });
    await lexiconOf(pulse.deps).refresh(database.db);
    await boundChannelWith(LAN.id, MAI.id);
    const [cb1] = await database.db.select().from(units).where(eq(units.code, 'CB1'));
    await database.db
      .insert(roles)
      .values({ personId: await personOf(LAN.id), unitId: cb1!.id, role: 'leader', source: 'scenario' });

    // Before any surge, the leader's page has no incident.
    expect(await openHome(LAN.id)).not.toContain('Điểm nóng');
    for (const text of ['Công ty nợ lương 3 tháng rồi', 'cty no luong that', 'lg chậm quá ae'])
      await slack.message({ user: MAI.id, channel: CHANNEL, text });
    await slack.waitUntil(() => true);
    for (let i = 0; i < 300 && (await database.db.select().from(incidents)).length === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));

    const page = await openHome(LAN.id);
    expect(page).toContain('Điểm nóng chưa xử lý ở các đơn vị bạn phụ trách');
    expect(page).toContain('Tiền lương — Chi bộ 1 (CB1)');
    expect(page).toContain('chưa ai xác nhận');
    expect(page).not.toContain('Mai');
    // A worker of the same unit sees no incident on their page.
    expect(await openHome(MAI.id)).not.toContain('Điểm nóng');

    const after = await pressHome(LAN.id, 'Xác nhận đã nhận');
    expect(after).toContain('Đã xác nhận điểm nóng #1');
    expect(after).toContain('đã xác nhận');
    const [incident] = await database.db.select().from(incidents);
    expect(incident?.status).toBe('acknowledged');
    expect(incident?.acknowledgedBy).toBe(await personOf(LAN.id));
  });
});
