import { eq } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type PulseApp, startPulse } from '../../bot/app';
import { loadConfig } from '../../bot/config';
import { DeliveryError } from '../../bot/kernel/errors';
import type { TextSignal } from '../../bot/kernel/text-signals';
import { createSlackPlatform } from '../../bot/platforms/slack';
import { chats, identities, people, processedUpdates, roles } from '../../db/schema';
import { type FakeSlack, startFakeSlack } from '../fakes/slack-server';
import { FakeClock } from '../helpers/clock';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { seedOrg } from '../helpers/harness';
import { freePort } from '../helpers/net';

const TOKEN = 'xoxb-test-token';
const SECRET = 'slacksigningsecret0123456789abcd';
const ADMIN = { id: 'UADMIN', name: 'quantri', real_name: 'Quản trị' };
const LAN = { id: 'ULAN', name: 'lan', real_name: 'Trần Thị Lan', display_name: 'Lan' };
const CHANNEL = 'C0CB1';

let database: TestDatabase;
let slack: FakeSlack;
let app: PulseApp | undefined;
let clock: FakeClock;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.destroy());
beforeEach(async () => {
  await database.reset();
  await seedOrg(database);
  slack = await startFakeSlack({ token: TOKEN, users: [ADMIN, LAN] });
  slack.addChannel(CHANNEL, 'chi-bo-1');
  clock = new FakeClock(new Date());
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
  });
  app = await startPulse({ config, database, clock, logger: pino({ level: 'silent' }) });
  slack.connect(`http://127.0.0.1:${port}/slack/events`, SECRET);
  return app;
}

/** Polls until `check` gives a truthy value (work Slack triggered goes on after the HTTP answer). */
async function eventually<T>(check: () => Promise<T | false>, timeoutMs = 5000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error('eventually: timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const ephemeralTo = (user: string) => (d: { kind: string; user?: string }) =>
  d.kind === 'ephemeral' && d.user === user;

describe('Slack over HTTP (bolt on Pulse’s server)', () => {
  it('answers /pulse privately in the user’s language, with /pulse alone as help', async () => {
    await start();
    expect(slack.calls.map((c) => c.method)).toContain('auth.test');

    expect(await slack.slashCommand({ user: LAN.id, channel: CHANNEL, text: '' })).toBe(200);
    const help = await slack.waitForDelivery(ephemeralTo(LAN.id));
    expect(help.text).toContain('Các lệnh bạn dùng được:');
    expect(help.channel).toBe(CHANNEL);
    expect(help.via).toBe('response_url');
    expect(slack.deliveries.filter((d) => d.kind === 'message')).toEqual([]);

    let since = slack.deliveries.length;
    await slack.slashCommand({ user: LAN.id, channel: CHANNEL, text: 'lang en' });
    await slack.waitForDelivery(ephemeralTo(LAN.id), { since });
    since = slack.deliveries.length;
    await slack.slashCommand({ user: LAN.id, channel: CHANNEL, text: 'help' });
    expect((await slack.waitForDelivery(ephemeralTo(LAN.id), { since })).text).toContain(
      'Commands you can use',
    );

    const [lan] = await database.db.select().from(people).where(eq(people.displayName, 'Lan'));
    expect(lan?.locale).toBe('en');
  });

  it('rejects a bad signature or a stale timestamp with 401 and processes nothing', async () => {
    await start();
    const before = slack.calls.length;
    const now = Math.floor(clock.now().getTime() / 1000);
    expect(
      await slack.slashCommand({ user: LAN.id, channel: CHANNEL, text: 'whoami' }, { secret: 'forged' }),
    ).toBe(401);
    expect(
      await slack.slashCommand(
        { user: LAN.id, channel: CHANNEL, text: 'whoami' },
        { timestamp: now - 6 * 60 },
      ),
    ).toBe(401);
    expect(
      await slack.message({ user: LAN.id, channel: CHANNEL, text: 'xin chào' }, { timestamp: now + 6 * 60 }),
    ).toBe(401);
    // Still valid 4 minutes later by Pulse's clock, and no longer once that clock moves on.
    expect(
      await slack.slashCommand(
        { user: LAN.id, channel: CHANNEL, text: 'whoami' },
        { timestamp: now - 4 * 60 },
      ),
    ).toBe(200);
    await slack.waitForDelivery(ephemeralTo(LAN.id));
    clock.advance(2 * 60 * 1000);
    expect(
      await slack.slashCommand(
        { user: LAN.id, channel: CHANNEL, text: 'whoami' },
        { timestamp: now - 4 * 60 },
      ),
    ).toBe(401);
    expect(slack.deliveries).toHaveLength(1);
    expect(slack.calls.slice(before).filter((c) => c.method !== 'users.info')).toEqual([]);
    expect(slack.appResponses.filter((r) => r.status === 401)).toHaveLength(4);
  });

  it('answers the url_verification challenge', async () => {
    await start();
    expect(await slack.post('event', { type: 'url_verification', challenge: 'abc123', token: 'x' })).toBe(
      200,
    );
    expect(slack.appResponses.at(-1)?.body).toBe('{"challenge":"abc123"}');
  });

  it('binds a channel with /pulse link, records who writes there, and processes a retried event once', async () => {
    const running = await start();
    const heard: TextSignal[] = [];
    running.deps.signals.subscribe(async (signal) => void heard.push(signal));

    await slack.slashCommand({ user: ADMIN.id, channel: CHANNEL, text: 'link cb1' });
    const linked = await slack.waitForDelivery(ephemeralTo(ADMIN.id));
    expect(linked.text).toContain('Đã gắn nhóm "#chi-bo-1" với đơn vị Chi bộ 1 (CB1)');
    expect(linked.buttons.map((b) => b.label)).toEqual(['Nhắn riêng với Pulse']);
    const [chat] = await database.db.select().from(chats);
    expect(chat).toMatchObject({ platform: 'slack', externalId: CHANNEL, title: '#chi-bo-1' });

    const event = { user: LAN.id, channel: CHANNEL, text: 'Lương tháng này &lt;chậm&gt; quá' };
    expect(await slack.message(event, { eventId: 'Ev-once' })).toBe(200);
    expect(await slack.message(event, { eventId: 'Ev-once', retryNum: 1 })).toBe(200);
    await eventually(async () => heard.length > 0);
    await running.stop();
    app = undefined;
    expect(heard.map((s) => s.text)).toEqual(['Lương tháng này <chậm> quá']);
    const claimed = await database.db.select().from(processedUpdates);
    expect(claimed.filter((u) => u.updateKey === 'Ev-once')).toHaveLength(1);
    const workers = await database.db
      .select({ role: roles.role, source: roles.source })
      .from(roles)
      .innerJoin(identities, eq(identities.personId, roles.personId))
      .where(eq(identities.externalId, LAN.id));
    expect(workers).toEqual([{ role: 'worker', source: 'seen' }]);
  });

  it('refuses a worker, and turns a mention into the person for /pulse role', async () => {
    await start();
    await slack.slashCommand({ user: LAN.id, channel: CHANNEL, text: 'link CB1' });
    expect((await slack.waitForDelivery(ephemeralTo(LAN.id))).text).toContain(
      'không có quyền dùng lệnh /link',
    );
    expect((await database.db.select().from(chats)).map((c) => c.unitId)).toEqual([null]);

    await slack.message({ user: LAN.id, channel: LAN.id.replace('U', 'D'), text: 'chào', channelType: 'im' });
    await slack.waitForCall((c) => c.method === 'users.info');
    const since = slack.deliveries.length;
    await slack.slashCommand({ user: ADMIN.id, channel: CHANNEL, text: 'role grant leader <@ULAN|lan> CB1' });
    const granted = await slack.waitForDelivery(ephemeralTo(ADMIN.id), { since });
    expect(granted.text).toBe('Đã cấp vai trò lãnh đạo đơn vị tại Chi bộ 1 (CB1) cho Lan.');
  });

  it('runs button presses: the DM button of /link, and a stale button answered privately', async () => {
    await start();
    await slack.slashCommand({ user: ADMIN.id, channel: CHANNEL, text: 'link CB1' });
    await slack.waitForDelivery((d) => d.buttons.length > 0);

    expect(await slack.pressButton({ user: ADMIN.id, label: 'Nhắn riêng với Pulse' })).toBe(200);
    const welcome = await slack.waitForDelivery((d) => d.channel === slack.dmOf(ADMIN.id));
    expect(welcome.kind).toBe('message');
    expect(welcome.text).toContain('Bạn được ghi nhận thuộc đơn vị: Chi bộ 1 (CB1).');

    const stale = {
      kind: 'message' as const,
      channel: CHANNEL,
      ts: '1.000001',
      text: 'cũ',
      buttons: [{ action_id: 'pulse.btn.0.0', block_id: 'pulse_0', label: 'Cũ', value: 'gone:42' }],
      via: 'api' as const,
    };
    const since = slack.deliveries.length;
    expect(await slack.pressExact({ user: LAN.id, message: stale, button: stale.buttons[0]! })).toBe(200);
    const answer = await slack.waitForDelivery(ephemeralTo(LAN.id), { since });
    expect(answer.text).toBe('Nút này đã cũ hoặc không còn hiệu lực. Không có gì thay đổi.');
  });

  it('records people joining a bound channel as workers of its unit', async () => {
    await start();
    await slack.slashCommand({ user: ADMIN.id, channel: CHANNEL, text: 'link CB1' });
    await slack.waitForDelivery(ephemeralTo(ADMIN.id));
    await slack.sendEvent({
      type: 'member_joined_channel',
      user: 'UBOT',
      channel: CHANNEL,
      channel_type: 'C',
    });
    await slack.sendEvent({
      type: 'member_joined_channel',
      user: LAN.id,
      channel: CHANNEL,
      channel_type: 'C',
    });
    const held = await eventually(async () => {
      const rows = await database.db
        .select({ role: roles.role, unitId: roles.unitId })
        .from(roles)
        .innerJoin(identities, eq(identities.personId, roles.personId))
        .where(eq(identities.externalId, LAN.id));
      return rows.length > 0 && rows;
    });
    const [chat] = await database.db.select().from(chats);
    expect(held).toEqual([{ role: 'worker', unitId: chat!.unitId }]);
    // The bot's own join is not a person joining.
    const accounts = await database.db.select().from(identities);
    expect(accounts.map((a) => a.externalId).sort()).toEqual([ADMIN.id, LAN.id]);
  });
});

describe('the Slack messenger', () => {
  it('escapes markup, builds Block Kit buttons, maps failures, and waits out a 429', async () => {
    const running = await start();
    const messenger = running.deps.messenger;
    const sent = await messenger.send(
      { platform: 'slack', externalId: CHANNEL, kind: 'group' },
      {
        text: 'Ý kiến <!channel> & bạn?',
        buttons: [
          [
            { label: 'Có', data: 'tst:1' },
            { label: 'Không', data: 'tst:2' },
          ],
        ],
      },
    );
    const [delivered] = slack.deliveries;
    expect(delivered?.text).toBe('Ý kiến &lt;!channel&gt; &amp; bạn?');
    expect(delivered?.buttons.map((b) => [b.label, b.value])).toEqual([
      ['Có', 'tst:1'],
      ['Không', 'tst:2'],
    ]);
    await messenger.edit(sent, { text: 'Đã đóng' });
    expect(slack.deliveries.at(-1)).toMatchObject({ kind: 'update', text: 'Đã đóng', buttons: [] });

    slack.failNext('chat.postMessage', { error: 'channel_not_found' });
    const failure = await messenger
      .send({ platform: 'slack', externalId: 'C0GONE', kind: 'group' }, { text: 'x' })
      .catch((error) => error);
    expect(failure).toBeInstanceOf(DeliveryError);
    expect(failure.permanent).toBe(true);

    slack.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    await messenger.sendDm({ platform: 'slack', externalId: LAN.id }, { text: 'Chào Lan' });
    expect(slack.rejected429).toBe(1);
    expect(slack.deliveries.at(-1)).toMatchObject({ channel: slack.dmOf(LAN.id), text: 'Chào Lan' });
  });

  it('uses Socket Mode when an app token is set: no HTTP route (the connection itself is not tested offline)', () => {
    const config = loadConfig({
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_APP_TOKEN: 'xapp-1-A1-xyz',
      PGLITE_DIR: 'memory://',
    });
    const platform = createSlackPlatform({
      config: config.slack!,
      handle: async () => {},
      logger: pino({ level: 'silent' }),
      clock,
    });
    expect(platform.mode).toBe('socket');
    expect(platform.routes).toEqual([]);
  });
});
